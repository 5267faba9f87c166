/**
 * The registry tag grammar of Git Tag Ops (GTO), which mlpipeline reads and writes so that teams
 * already using GTO keep their history:
 *
 *   name@v1.2.3        register a version (annotated tag on the version's commit)
 *   name@v1.2.3!       deregister (deprecate) that version
 *   name#stage#N       assign the version to a stage (environment); N = 1 + the highest counter of `name`
 *   name#stage!#N      unassign it
 *   name@deprecated    deprecate the whole model
 *
 * GTO also accepts an optional `#N` counter after any form and a `name@created` tag; the reader
 * accepts them too. Names we write are stricter than what we read, so every tag we create is one
 * GTO can read back.
 */
import { UsageError } from '../../core/errors.js';
import { VERSION_PATTERN, VERSION_RULE, isVersion } from './semver.js';

/** Names (models and environments) that mlpipeline writes: `tagName` in mlpipeline.schema.json. */
const WRITE_NAME_RE = /^(?!.*\.\.)(?!.*\.lock$)(?!.*\.$)[a-z0-9][a-z0-9._-]{0,99}$/;
/** Names we read: ours plus what GTO may have written (upper case, `/`). */
const READ_NAME = '[a-zA-Z0-9][a-zA-Z0-9._/-]*';

export const NAME_RULE =
  'names are 1-100 characters of lower-case letters, digits, `.`, `_` and `-`, starting with a letter or digit, without `..` or a trailing `.` or `.lock` (no `@`, `#`, `!`, `/` or spaces)';

const TAG_RE = new RegExp(
  `^(?<name>${READ_NAME})` +
    `(?:(?:#(?<stage>${READ_NAME})|@(?<version>${VERSION_PATTERN}))(?<cancel>!?)|@(?<special>deprecated|created))` +
    `(?:#(?<counter>[0-9]+))?$`,
);

export type TagAction = 'register' | 'deregister' | 'assign' | 'unassign' | 'deprecate' | 'create';

export interface ParsedTag {
  action: TagAction;
  name: string;
  version?: string;
  stage?: string;
  counter?: number;
}

/** Parse a tag name (without `refs/tags/`); undefined for tags outside the grammar. */
export function parseTagName(tag: string): ParsedTag | undefined {
  const m = TAG_RE.exec(tag);
  if (!m?.groups) return undefined;
  const g = m.groups;
  const counter = g.counter !== undefined ? Number(g.counter) : undefined;
  const base = { name: g.name!, ...(counter !== undefined ? { counter } : {}) };
  if (g.special) return { ...base, action: g.special === 'deprecated' ? 'deprecate' : 'create' };
  if (g.version) return { ...base, action: g.cancel ? 'deregister' : 'register', version: g.version };
  return { ...base, action: g.cancel ? 'unassign' : 'assign', stage: g.stage! };
}

export function isValidName(name: string): boolean {
  return WRITE_NAME_RE.test(name);
}

/** Refuse a model or environment name outside the grammar, quoting the rule. */
export function assertName(name: string, what: 'model' | 'environment'): void {
  if (!isValidName(name)) {
    throw new UsageError(`invalid ${what} name '${name}': ${NAME_RULE}`, {
      fix: what === 'model' ? 'set model.name in mlpipeline.yaml to a name that fits the rule' : 'use an environment name that fits the rule',
    });
  }
}

export function assertVersion(version: string): void {
  if (!isVersion(version)) {
    throw new UsageError(`malformed version '${version}': ${VERSION_RULE}`, {
      fix: version && /^\d/.test(version) ? `write it with the v prefix: v${version}` : 'write the version like v1.2.3',
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

export function parseModelRef(text: string, accept: ModelRef['kind'][]): ModelRef {
  const forms = accept
    .map((k) => (k === 'model' ? 'NAME' : k === 'version' ? 'NAME@vX.Y.Z' : 'NAME#ENV'))
    .join(' or ');
  let ref: ModelRef;
  const at = text.indexOf('@');
  const hash = text.indexOf('#');
  if (at >= 0 && (hash < 0 || at < hash)) {
    const name = text.slice(0, at);
    const version = text.slice(at + 1);
    assertName(name, 'model');
    assertVersion(version);
    ref = { kind: 'version', name, version };
  } else if (hash >= 0) {
    const name = text.slice(0, hash);
    const environment = text.slice(hash + 1);
    assertName(name, 'model');
    assertName(environment, 'environment');
    ref = { kind: 'environment', name, environment };
  } else {
    assertName(text, 'model');
    ref = { kind: 'model', name: text };
  }
  if (!accept.includes(ref.kind)) {
    throw new UsageError(`'${text}' is not a valid reference here: expected ${forms}`, {
      fix: `name it as ${forms}, e.g. ${accept.includes('version') ? `${ref.name}@v1.0.0` : accept.includes('environment') ? `${ref.name}#production` : ref.name}`,
    });
  }
  return ref;
}
