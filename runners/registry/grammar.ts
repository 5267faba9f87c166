/**
 * The registry tag grammar of Git Tag Ops (GTO), which mlpipeline reads and writes so that teams
 * already using GTO keep their history:
 *
 *   name@v1.2.3        register a version (annotated tag on the version's commit)
 *   name@v1.2.3!       deregister that version (GTO: `gto deprecate name v1.2.3`)
 *   name#stage#N       assign the version to a stage (environment); N = 1 + the highest counter of `name`
 *   name#stage!#N      unassign it (GTO: `gto deprecate name v1.2.3 stage`)
 *   name@deprecated    deprecate the whole model (GTO: `gto deprecate name`)
 *
 * Checked against GTO's own patterns (gto/constants.py `tag_re`, gto/tag.py `TagTemplates`):
 *   name      [a-z0-9]([a-z0-9-/]*[a-z0-9])?      (lower case, digits, `-`, `/`; no `.` or `_`)
 *   artifact  (dirname=)?name, dirname [a-z0-9-_./]+ (GTO shows it as `dirname:name`)
 *   tag       ^artifact((#stage|@vSEMVER)(!?)|@(deprecated|created))(#counter)?$
 * GTO appends the `#N` counter to every non-"simple" tag and computes N over all counted tags of
 * the artifact; we read a counter on any form and take the same maximum.
 *
 * Deliberate differences (all on the writing side, so every tag we write is one GTO reads):
 *   - Names we write are GTO's `name` without `/` and without a `dirname=` prefix, at most 100
 *     characters: a `/` would also nest our counter claim refs (refs/mlpipeline/counters/<model>/N)
 *     inside each other. Tags GTO wrote with `/` or `dirname=` are read (the model is then named
 *     `dirname:name`, like GTO shows it) and can be inspected with registry, history, lineage,
 *     verify and provenance, but not written to.
 *   - We write deregister and deprecate tags in GTO's simple form (`name@v1.2.3!`,
 *     `name@deprecated`, the forms GTO's documentation shows) and assign/unassign with the counter.
 *   - `name@created` is parsed (GTO reserves it) and otherwise ignored; we never write it.
 *   - GTO orders events by tagger time; for stage tags we order by the counter N, which a
 *     concurrent writer can never reuse (see tag-writer.ts), so skewed CI clocks cannot reorder them.
 */
import { UsageError } from '../../core/errors.js';
import { VERSION_PATTERN, VERSION_RULE, isVersion } from './semver.js';

/** GTO's `name` (gto/constants.py). */
const GTO_NAME = '[a-z0-9](?:[a-z0-9/-]*[a-z0-9])?';
/** GTO's artifact part of a tag: an optional `dirname=` then the name. */
const GTO_ARTIFACT_IN_TAG = `(?:[a-z0-9_./-]+=)?${GTO_NAME}`;
/** Names (models and environments) that mlpipeline writes: GTO's name without `/`, <= 100 characters. */
const WRITE_NAME_RE = /^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/;
/** Names a reader command accepts: anything GTO may have written, as GTO shows it (`dirname:name`). */
const READ_NAME_RE = new RegExp(`^(?:[a-z0-9_./-]+:)?${GTO_NAME}$`);

export const NAME_RULE =
  'names are 1-100 characters of lower-case letters, digits and `-`, starting and ending with a letter or digit (the Git Tag Ops name rule; no `.`, `_`, `@`, `#`, `!`, `/` or spaces)';

const tagPattern = (artifact: string) =>
  new RegExp(
    `^(?<name>${artifact})` +
      `(?:(?:#(?<stage>${GTO_NAME})|@(?<version>${VERSION_PATTERN}))(?<cancel>!?)|@(?<special>deprecated|created))` +
      `(?:#(?<counter>[0-9]+))?$`,
  );
const TAG_RE = tagPattern(GTO_ARTIFACT_IN_TAG);
/** The same without the `dirname=` prefix: most tags have no `=`, and this one backtracks less. */
const PLAIN_TAG_RE = tagPattern(GTO_NAME);

export type TagAction = 'register' | 'deregister' | 'assign' | 'unassign' | 'deprecate' | 'create';

export interface ParsedTag {
  action: TagAction;
  name: string;
  version?: string;
  stage?: string;
  counter?: number;
}

/**
 * The two forms nearly every registry tag has, `name@vX.Y.Z` (a release) and `name#stage#N`,
 * matched without named groups: reading 10,000 tags is then a few milliseconds, not tens.
 */
const COMMON_TAG_RE = new RegExp(
  `^(${GTO_NAME})(?:@(v(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*))|#(${GTO_NAME})#([0-9]+))$`,
);

/**
 * Bounds the grammar puts on numbers, so that a hand-made tag cannot poison every later write:
 * a counter is at most MAX_COUNTER (a billion promotions of one model), and a version's numeric
 * parts are safe integers (beyond 2^53 `Number` loses precision and the `semver` package refuses
 * them). A tag that has the grammar's shape but breaks a bound is foreign: ignored, and listed.
 */
export const MAX_COUNTER = 1_000_000_000;
/** The `semver` package's own limit on a version's length. */
const MAX_VERSION_LENGTH = 256;

/** Why a tag with the grammar's shape is outside its bounds, or undefined when it is within them. */
export function boundsProblem(p: ParsedTag): string | undefined {
  if (p.counter !== undefined && !(Number.isSafeInteger(p.counter) && p.counter >= 1 && p.counter <= MAX_COUNTER)) {
    return `counter out of range (1..${MAX_COUNTER})`;
  }
  if (p.version !== undefined) {
    if (p.version.length > MAX_VERSION_LENGTH) return `version longer than ${MAX_VERSION_LENGTH} characters`;
    const parts = /^v(\d+)\.(\d+)\.(\d+)/.exec(p.version);
    if (!parts || parts.slice(1).some((n) => !Number.isSafeInteger(Number(n)))) return `version number beyond ${Number.MAX_SAFE_INTEGER}`;
  }
  return undefined;
}

export type TagClass = { kind: 'registry'; parsed: ParsedTag } | { kind: 'foreign'; reason: string } | { kind: 'unrelated' };

/** A registry tag, a foreign one (the grammar's shape, out of its bounds), or an unrelated tag. */
export function classifyTag(tag: string): TagClass {
  const parsed = parseTagShape(tag);
  if (!parsed) return { kind: 'unrelated' };
  const problem = boundsProblem(parsed);
  return problem ? { kind: 'foreign', reason: `foreign tag: ${problem}` } : { kind: 'registry', parsed };
}

/** Parse a tag name (without `refs/tags/`); undefined for tags outside the grammar or its bounds. */
export function parseTagName(tag: string): ParsedTag | undefined {
  const c = classifyTag(tag);
  return c.kind === 'registry' ? c.parsed : undefined;
}

function parseTagShape(tag: string): ParsedTag | undefined {
  const common = COMMON_TAG_RE.exec(tag);
  if (common) {
    return common[2] !== undefined
      ? { name: common[1]!, action: 'register', version: common[2] }
      : { name: common[1]!, counter: Number(common[4]), action: 'assign', stage: common[3]! };
  }
  const m = (tag.includes('=') ? TAG_RE : PLAIN_TAG_RE).exec(tag);
  if (!m?.groups) return undefined;
  const g = m.groups;
  const counter = g.counter !== undefined ? Number(g.counter) : undefined;
  const base = { name: g.name!.replace('=', ':'), ...(counter !== undefined ? { counter } : {}) };
  if (g.special) return { ...base, action: g.special === 'deprecated' ? 'deprecate' : 'create' };
  if (g.version) return { ...base, action: g.cancel ? 'deregister' : 'register', version: g.version };
  return { ...base, action: g.cancel ? 'unassign' : 'assign', stage: g.stage! };
}

export function isValidName(name: string): boolean {
  return WRITE_NAME_RE.test(name);
}

/**
 * Refuse a model or environment name outside the grammar, quoting the rule. `read` also accepts
 * names only GTO writes (`/`, `dirname:`), for commands that only read the registry.
 */
export function assertName(name: string, what: 'model' | 'environment', mode: 'write' | 'read' = 'write'): void {
  if (!(isValidName(name) || (mode === 'read' && READ_NAME_RE.test(name)))) {
    const lower = name.toLowerCase();
    throw new UsageError(`invalid ${what} name '${name}': ${NAME_RULE}`, {
      fix: isValidName(lower)
        ? `write it in lower case: '${lower}'`
        : what === 'model'
          ? 'use a model name that fits the rule (model.name in mlpipeline.yaml)'
          : 'use an environment name that fits the rule (under environments: in mlpipeline.yaml)',
    });
  }
}

export function assertVersion(version: string): void {
  if (!isVersion(version) || boundsProblem({ action: 'register', name: 'x', version })) {
    throw new UsageError(`malformed version '${version}': ${VERSION_RULE}`, {
      fix: isVersion(`v${version}`) ? `write it with the v prefix: v${version}` : 'write the version as vMAJOR.MINOR.PATCH, e.g. v1.2.3',
    });
  }
}

export const registerTag = (name: string, version: string): string => `${name}@${version}`;
export const deregisterTag = (name: string, version: string): string => `${name}@${version}!`;
export const assignTag = (name: string, stage: string, n: number): string => `${name}#${stage}#${n}`;
export const unassignTag = (name: string, stage: string, n: number): string => `${name}#${stage}!#${n}`;
export const deprecateTag = (name: string): string => `${name}@deprecated`;

/** What a user names on the command line: `NAME`, `NAME@vX.Y.Z` or `NAME#ENV`. */
export type ModelRef =
  | { kind: 'model'; name: string }
  | { kind: 'version'; name: string; version: string }
  | { kind: 'environment'; name: string; environment: string };

export function parseModelRef(text: string, accept: ModelRef['kind'][], mode: 'write' | 'read' = 'write'): ModelRef {
  const forms = accept
    .map((k) => (k === 'model' ? 'NAME' : k === 'version' ? 'NAME@vX.Y.Z' : 'NAME#ENV'))
    .join(' or ');
  let ref: ModelRef;
  const at = text.indexOf('@');
  const hash = text.indexOf('#');
  if (at >= 0 && (hash < 0 || at < hash)) {
    const name = text.slice(0, at);
    const version = text.slice(at + 1);
    assertName(name, 'model', mode);
    assertVersion(version);
    ref = { kind: 'version', name, version };
  } else if (hash >= 0) {
    const name = text.slice(0, hash);
    const environment = text.slice(hash + 1);
    assertName(name, 'model', mode);
    assertName(environment, 'environment', mode);
    ref = { kind: 'environment', name, environment };
  } else {
    assertName(text, 'model', mode);
    ref = { kind: 'model', name: text };
  }
  if (!accept.includes(ref.kind)) {
    throw new UsageError(`'${text}' is not a valid reference here: expected ${forms}`, {
      fix: `name it as ${forms}, e.g. ${accept.includes('version') ? `${ref.name}@v1.0.0` : accept.includes('environment') ? `${ref.name}#production` : ref.name}`,
    });
  }
  return ref;
}
