/**
 * Turn Ajv's errors into problems a person can act on: the right spot (an unknown key points at
 * the key, a bad value at the value, a missing key at its parent), plain words instead of
 * schema jargon, and a fix — "did you mean" for misspelt keys and values.
 */
import type { ErrorObject } from 'ajv';
import { closest, didYouMean } from './did-you-mean.js';
import { escapePointerToken, pointerToPath, unescapePointerToken, type PendingProblem } from './problems.js';

type Schema = Record<string, unknown>;

interface ResolvedSchema {
  schema: Schema | undefined;
  /** Name of the `$defs` entry the schema came from, when it came through a `$ref`. */
  def?: string;
  /** The description where the schema is used (a `$ref`'s sibling), else the definition's. */
  description?: string;
}

/** Follow `$ref` (local `#/$defs/x` only) and the properties/items structure to the schema of an instance path. */
export function schemaAt(root: Schema, instancePath: string): ResolvedSchema {
  let cur: ResolvedSchema = deref(root, { schema: root });
  const tokens = instancePath === '' ? [] : instancePath.split('/').slice(1).map(unescapePointerToken);
  for (const t of tokens) {
    const s = cur.schema;
    if (!s) return { schema: undefined };
    const props = s.properties as Record<string, Schema> | undefined;
    let next: Schema | undefined;
    if (props && Object.prototype.hasOwnProperty.call(props, t)) next = props[t];
    else if (typeof s.additionalProperties === 'object') next = s.additionalProperties as Schema;
    else if (typeof s.items === 'object' && /^\d+$/.test(t)) next = s.items as Schema;
    if (!next) return { schema: undefined };
    cur = deref(root, { schema: next });
  }
  return cur;
}

function deref(root: Schema, r: ResolvedSchema): ResolvedSchema {
  let { schema, def } = r;
  const description = typeof schema?.description === 'string' ? schema.description : undefined;
  // A `$ref` with sibling keywords (description) is still the referenced schema for our purposes.
  for (let i = 0; i < 10 && schema && typeof schema.$ref === 'string'; i++) {
    const name = /^#\/\$defs\/(.+)$/.exec(schema.$ref)?.[1];
    if (name === undefined) break;
    def = name;
    schema = ((root.$defs as Record<string, Schema>) ?? {})[name];
  }
  return { schema, def, description: description ?? (schema?.description as string | undefined) };
}

function valueAt(data: unknown, instancePath: string): unknown {
  let cur = data;
  for (const t of instancePath === '' ? [] : instancePath.split('/').slice(1).map(unescapePointerToken)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[t];
  }
  return cur;
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping (key: value)',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'empty',
};

/** How a YAML value reads in a message. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v)}`;
  return `${typeof v === 'boolean' ? '' : 'the number '}${String(v as number | boolean | bigint)}`;
}

function quote(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : String(v);
}

function where(instancePath: string): string {
  return instancePath === '' ? 'the top level' : pointerToPath(instancePath);
}

/** Messages for values that must follow a grammar, keyed by the `$defs` entry they use. */
const PATTERN_MESSAGES: Record<string, (v: unknown, path: string) => [string, string]> = {
  tagName: (v, p) => [
    `${p}: ${quote(v)} is not a valid name; names are used in Git tags and may hold only lowercase letters, digits and '-', starting and ending with a letter or digit (the Git Tag Ops rule)`,
    `rename it, e.g. ${quote(suggestTagName(String(v)))}`,
  ],
  identifier: (v, p) => [`${p}: ${quote(v)} is not a valid name; use letters, digits, '_' and '-', starting with a letter or '_'`, 'rename it'],
  envVarName: (v, p) => [`${p}: ${quote(v)} is not a valid variable name; use letters, digits and '_', not starting with a digit`, 'rename it'],
  paramRef: (v, p) => [
    `${p}: params ref ${quote(v)} is not of the form 'key.path' or 'file#key.path'`,
    "write a dotted key such as 'train.lr', or 'params.yaml#train.lr' to name the file",
  ],
  duration: (v, p) => [`${p}: ${quote(v)} is not a duration like '30m', '24h', '2d' or '1w'`, "write a whole number followed by m, h, d or w, e.g. '24h'"],
  actor: (v, p) => [`${p}: ${quote(v)} is not a GitHub login or an '@org/team' slug`, "write a login such as 'octocat' or a team such as '@my-org/ml-release'"],
  gitRef: (v, p) => [`${p}: ${quote(v)} is not a usable Git revision (no spaces, no leading '-')`, "write a branch, tag or commit such as 'main'"],
  metricName: (v, p) => [`${p}: ${quote(v)} is not a valid metric name`, "use letters, digits, '_', '.' and '-', starting with a letter"],
  path: (_v, p) => [`${p}: a path may not contain NUL characters`, 'remove the NUL character'],
};

function suggestTagName(v: string): string {
  const s = v
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'model';
}

/** Ajv errors → problems. `data` is the validated document; `root` the schema. */
export function schemaProblems(errors: ErrorObject[], data: unknown, root: Schema): PendingProblem[] {
  // oneOf/anyOf report every failing branch too; the combinator's own error says it better.
  const combinators = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const kept = errors.filter(
    (e) =>
      !combinators.some((c) => c !== e && e.schemaPath.startsWith(c.schemaPath + '/') && e.instancePath.startsWith(c.instancePath)) &&
      // propertyNames reports the failing key's sub-errors with `propertyName`; keep only its own error.
      !(e.propertyName !== undefined && e.keyword !== 'propertyNames'),
  );
  const out: PendingProblem[] = [];
  const seen = new Set<string>();
  for (const e of kept) {
    const p = oneProblem(e, data, root);
    if (!p) continue;
    const key = `${p.pointer}|${p.at}|${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

function oneProblem(e: ErrorObject, data: unknown, root: Schema): PendingProblem | undefined {
  const ptr = e.instancePath;
  const path = where(ptr);
  const value = valueAt(data, ptr);
  const params = e.params as Record<string, unknown>;
  const here = schemaAt(root, ptr);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((here.schema?.properties as object) ?? {});
      const suggestion = closest(key, allowed);
      return {
        pointer: `${ptr}/${escapePointerToken(key)}`,
        at: 'key',
        message: `unknown key '${key}' ${ptr === '' ? 'at the top level' : `in ${path}`}${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
        fix: suggestion ? `rename '${key}' to '${suggestion}'` : `remove it; allowed keys here: ${allowed.join(', ')}`,
      };
    }
    case 'required': {
      const missing = String(params.missingProperty);
      const desc = schemaAt(root, `${ptr}/${escapePointerToken(missing)}`).description;
      return {
        pointer: ptr,
        at: 'key',
        message: ptr === '' ? `missing required key '${missing}'` : `${path} is missing required key '${missing}'`,
        fix: missing === 'version' ? 'add `version: 1` at the top of the file' : `add '${missing}'${desc ? ` (${String(desc).replace(/\.$/, '')})` : ''}`,
      };
    }
    case 'type': {
      const types = String(params.type).split(',');
      const expected = types.map((t) => TYPE_WORDS[t] ?? t).join(' or ');
      return { pointer: ptr, message: `${path} must be ${expected}, got ${describeValue(value)}`, fix: `write ${expected} here` };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      const strs = allowed.map(String);
      const hint = typeof value === 'string' ? (closest(value, strs) ?? strs.find((a) => a.startsWith(value) && value.length > 0)) : undefined;
      if (e.propertyName !== undefined) return undefined;
      return {
        pointer: ptr,
        message: `${path}: ${quote(value)} is not one of ${strs.join(', ')}${hint ? `; did you mean '${hint}'?` : ''}`,
        fix: hint ? `write '${hint}'` : `use one of: ${strs.join(', ')}`,
      };
    }
    case 'const': {
      if (ptr === '/version') return { pointer: ptr, message: `version must be 1, got ${describeValue(value)}`, fix: 'set `version: 1` (the only version of the mlpipeline.yaml language)' };
      return { pointer: ptr, message: `${path} must be ${JSON.stringify(params.allowedValue)}`, fix: `write ${JSON.stringify(params.allowedValue)}` };
    }
    case 'pattern': {
      const fn = here.def ? PATTERN_MESSAGES[here.def] : undefined;
      if (fn) {
        const [message, fix] = fn(value, path);
        return { pointer: ptr, message, fix };
      }
      if (ptr === '/name') return { pointer: ptr, message: 'name must not contain control characters (tabs, newlines)', fix: 'write the name on one line' };
      return { pointer: ptr, message: `${path}: ${quote(value)} does not match ${String(params.pattern)}`, fix: 'change the value to match' };
    }
    case 'propertyNames': {
      const key = String(params.propertyName);
      const names = here.schema?.propertyNames as Schema | undefined;
      const def = names && typeof names.$ref === 'string' ? names.$ref.replace('#/$defs/', '') : undefined;
      const keyPtr = `${ptr}/${escapePointerToken(key)}`;
      if (names && Array.isArray(names.enum)) {
        const allowed = names.enum.map(String);
        return {
          pointer: keyPtr,
          at: 'key',
          message: `${path}: '${key}' is not one of ${allowed.join(', ')}${didYouMean(key, allowed)}`,
          fix: `use one of: ${allowed.join(', ')}`,
        };
      }
      const fn = def ? PATTERN_MESSAGES[def] : undefined;
      if (fn) {
        const [message, fix] = fn(key, path);
        return { pointer: keyPtr, at: 'key', message, fix };
      }
      return { pointer: keyPtr, at: 'key', message: `${path}: '${key}' is not a valid name here`, fix: 'rename it' };
    }
    case 'minLength':
      return { pointer: ptr, message: `${path} must not be empty`, fix: 'write a value, or remove the key' };
    case 'maxLength':
      return { pointer: ptr, message: `${path} is longer than ${String(params.limit)} characters`, fix: `shorten it to at most ${String(params.limit)} characters` };
    case 'minItems':
      return {
        pointer: ptr,
        message: Number(params.limit) <= 1 ? `${path} must not be an empty list` : `${path} needs at least ${String(params.limit)} items`,
        fix: 'add items, or remove the key',
      };
    case 'uniqueItems': {
      const arr = Array.isArray(value) ? value : [];
      const j = Number(params.j);
      return { pointer: `${ptr}/${Number(params.i)}`, message: `${path} lists ${quote(arr[j])} twice`, fix: 'remove the duplicate' };
    }
    case 'minProperties':
    case 'maxProperties': {
      const props = Object.keys((here.schema?.properties as object) ?? {});
      if (here.schema?.maxProperties === 1 && props.length > 0) {
        return { pointer: ptr, at: 'key', message: `${path} must name exactly one of ${props.join(', ')}`, fix: `keep one of ${props.join(', ')}` };
      }
      return { pointer: ptr, at: 'key', message: `${path} must not be empty`, fix: 'add entries, or remove the key' };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const op = { minimum: '>=', maximum: '<=', exclusiveMinimum: '>', exclusiveMaximum: '<' }[e.keyword];
      return { pointer: ptr, message: `${path} must be ${op} ${String(params.limit)}, got ${String(value)}`, fix: `use a value ${op} ${String(params.limit)}` };
    }
    case 'dependentRequired': {
      const prop = String(params.property);
      const missing = String(params.missingProperty);
      if (missing === 'vs') {
        return {
          pointer: `${ptr}/${escapePointerToken(prop)}`,
          at: 'key',
          message: `${path}: '${prop}' compares with a baseline, so the gate needs 'vs'`,
          fix: "add `vs: production` (the model in production) or `vs: base` (the PR's base branch)",
        };
      }
      if (missing === 'across') {
        return {
          pointer: `${ptr}/${escapePointerToken(prop)}`,
          at: 'key',
          message: `${path}: 'max_gap' bounds the gap between slices, so the gate needs 'across'`,
          fix: 'add `across: COLUMN`, the column whose slices are compared',
        };
      }
      return { pointer: `${ptr}/${escapePointerToken(prop)}`, at: 'key', message: `${path}: '${prop}' needs '${missing}'`, fix: `add '${missing}'` };
    }
    case 'oneOf':
    case 'anyOf':
      return combinatorProblem(e, ptr, path, value, here.def);
    default:
      return { pointer: ptr, message: `${path} ${e.message ?? 'is invalid'}`, fix: 'see `mlpipeline schema` for what is allowed here' };
  }
}

function combinatorProblem(e: ErrorObject, ptr: string, path: string, value: unknown, def: string | undefined): PendingProblem {
  const obj = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  if (def === 'stage') {
    const name = unescapePointerToken(ptr.split('/').pop() ?? '');
    if ('cmd' in obj && 'run' in obj) {
      return { pointer: `${ptr}/run`, at: 'key', message: `stage '${name}' has both 'cmd' and its alias 'run'`, fix: "keep one of 'cmd' and 'run'" };
    }
    return { pointer: ptr, at: 'key', message: `stage '${name}' has no command`, fix: "add `cmd: ...` (or its alias `run: ...`) with the shell command to run" };
  }
  if (def === 'gate') {
    const metric = typeof obj.metric === 'string' ? ` on '${obj.metric}'` : '';
    return {
      pointer: ptr,
      message: `gate${metric} has no rule`,
      fix: 'add at least one of min, max, max_drop, max_drop_pct, min_gain (with vs) or max_gap (with across)',
    };
  }
  return { pointer: ptr, message: `${path} ${e.message ?? 'is invalid'}`, fix: 'see `mlpipeline schema` for what is allowed here' };
}
