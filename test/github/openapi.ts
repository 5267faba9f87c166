/**
 * GitHub's published OpenAPI description (`@octokit/openapi`, generated/api.github.com.json),
 * loaded once per test process, with Ajv validators compiled lazily per operation: path and query
 * parameters, the JSON request body, and the response body for the status a handler returns.
 *
 * The description is OpenAPI 3.0: its schemas are JSON Schema draft-04-ish plus `nullable`.
 * Ajv's own `nullable` keyword needs a sibling `type`, and GitHub writes `nullable` next to
 * `allOf`/`anyOf`/`oneOf` too (135 places), so instead every schema is transformed once into
 * plain JSON Schema (draft-07) before Ajv sees it (`toJsonSchema`):
 *   - `{type: T, nullable: true}`          -> `{type: [T, 'null']}` (and `null` joins an `enum`)
 *   - `{allOf|anyOf|oneOf|$ref, nullable}` -> `{anyOf: [{type: 'null'}, <the rest>]}`
 *   - `nullable: false`                   -> removed
 *   - `{format: F, default: ''}`          -> `""` or format F (GitHub sends "" for an unset URL)
 *   - `$ref: '#/components/schemas/x'`    -> a reference into one shared Ajv schema holding all
 *                                            components, so each component compiles once.
 * Ajv runs non-strict (the description carries `example`, `discriminator`, `x-github`, ...),
 * with ajv-formats plus GitHub's own formats (`repo.nwo`, `binary`, `timestamp`, ...).
 *
 * Not an import of `@octokit/openapi`: the JSON file is read as data, by path.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { createAjv } from '../../pipeline-schema/ajv.js';

const require = createRequire(import.meta.url);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Schema = { [key: string]: Json };

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface OpenApiResponse {
  content?: Record<string, { schema?: Schema }>;
  headers?: Record<string, unknown>;
}

interface OpenApiOperation {
  operationId: string;
  parameters?: (OpenApiParameter | { $ref: string })[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: Schema }> } | { $ref: string };
  responses: Record<string, OpenApiResponse | { $ref: string }>;
  servers?: { url: string }[];
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Schema>; parameters: Record<string, OpenApiParameter>; responses: Record<string, OpenApiResponse>; requestBodies?: Record<string, unknown> };
}

/** One operation of the description, with what the server needs to route and check it. */
export interface Operation {
  operationId: string;
  method: string;
  /** The path template, e.g. `/repos/{owner}/{repo}/issues/{issue_number}/comments`. */
  path: string;
  /** The template's segments; `{name}` segments are parameters. */
  segments: string[];
  /** Served from the uploads host (`upload_url`), not the API host. */
  upload: boolean;
  parameters: OpenApiParameter[];
  requestBody?: { required: boolean; content: Record<string, { schema?: Schema }> };
  responses: Record<string, OpenApiResponse>;
}

const COMPONENTS_ID = 'https://api.github.com/openapi.json';
const HTTP_METHODS = new Set(['get', 'put', 'post', 'patch', 'delete', 'head', 'options']);

/** GitHub's formats that neither JSON Schema nor ajv-formats define; checked loosely. */
const GITHUB_FORMATS: Record<string, RegExp | true> = {
  'repo.nwo': /^[^/\s]+\/[^/\s]+$/,
  binary: true,
  timestamp: true,
};

/** One OpenAPI 3.0 schema as JSON Schema draft-07 (see the header for the rules). */
export function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' || key === 'example' || key === 'examples') continue;
    if (key === '$ref' && typeof value === 'string') {
      out[key] = value.startsWith('#/components/') ? COMPONENTS_ID + value : value;
    } else if (key === 'properties' || key === 'patternProperties' || key === 'definitions') {
      // Maps of name -> schema: the names are data, not keywords.
      out[key] = Object.fromEntries(Object.entries(value as Schema).map(([name, s]) => [name, toJsonSchema(s)]));
    } else {
      out[key] = toJsonSchema(value);
    }
  }
  let schema = out;
  if (out.default === '' && typeof out.format === 'string') {
    // `format: uri, default: ""`: GitHub sends "" when the URL is unset (a deployment status's
    // `target_url`), which the format alone would refuse.
    const { description, ...rest } = out;
    schema = { ...(description === undefined ? {} : { description }), anyOf: [{ const: '' }, rest] };
  }
  if (node.nullable !== true) return schema;
  if (typeof schema.type === 'string') {
    schema.type = [schema.type, 'null'];
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
    return schema;
  }
  if (Array.isArray(schema.type)) {
    if (!schema.type.includes('null')) schema.type = [...schema.type, 'null'];
    return schema;
  }
  // `nullable` beside allOf/anyOf/oneOf/$ref: null, or whatever the rest allows.
  const { description, title, ...rest } = schema;
  return { ...(description === undefined ? {} : { description }), ...(title === undefined ? {} : { title }), anyOf: [{ type: 'null' }, rest] };
}

/** The loaded description, its operations, and lazily compiled validators. */
export class GitHubOpenApi {
  readonly operations: Operation[];
  private readonly byId = new Map<string, Operation>();
  private readonly doc: OpenApiDocument;
  /** The component schemas, transformed once. */
  private readonly schemas: Record<string, Schema>;
  private readonly ajv: Ajv;
  private readonly paramAjv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(doc: OpenApiDocument) {
    this.doc = doc;
    const draft07 = { $schema: 'http://json-schema.org/draft-07/schema#' };
    // validateSchema off: the description is GitHub's, not ours, and the meta-schema check would
    // only re-prove it on every start.
    const options = { strict: false, allErrors: true, allowUnionTypes: true, validateSchema: false } as const;
    this.ajv = createAjv(draft07, options);
    this.paramAjv = createAjv(draft07, { ...options, coerceTypes: 'array' });
    this.schemas = Object.fromEntries(Object.entries(doc.components.schemas).map(([name, s]) => [name, toJsonSchema(s) as Schema]));
    for (const ajv of [this.ajv, this.paramAjv]) {
      for (const [name, format] of Object.entries(GITHUB_FORMATS)) ajv.addFormat(name, format);
      ajv.addSchema({ $id: COMPONENTS_ID, components: { schemas: this.schemas } }, COMPONENTS_ID);
    }
    this.operations = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      const shared = ((item as { parameters?: OpenApiOperation['parameters'] }).parameters ?? []).map((p) => this.parameter(p));
      for (const [method, op] of Object.entries(item)) {
        if (!HTTP_METHODS.has(method) || !op.operationId) continue;
        const body = op.requestBody && '$ref' in op.requestBody ? undefined : op.requestBody;
        const operation: Operation = {
          operationId: op.operationId,
          method: method.toUpperCase(),
          path,
          segments: path.split('/').slice(1),
          upload: (op.servers ?? []).some((s) => s.url.includes('uploads.')),
          parameters: [...shared, ...(op.parameters ?? []).map((p) => this.parameter(p))],
          ...(body ? { requestBody: { required: body.required === true, content: body.content } } : {}),
          responses: Object.fromEntries(Object.entries(op.responses).map(([status, r]) => [status, this.response(r)])),
        };
        this.operations.push(operation);
        this.byId.set(operation.operationId, operation);
      }
    }
  }

  operation(operationId: string): Operation {
    const op = this.byId.get(operationId);
    if (!op) throw new Error(`${operationId} is not an operation of GitHub's REST API description`);
    return op;
  }

  /** The schema of a component, e.g. `issue-comment`, as JSON Schema (for the sample builder). */
  componentSchema(name: string): Schema {
    const schema = this.schemas[name];
    if (!schema) throw new Error(`no component schema ${name} in GitHub's description`);
    return schema;
  }

  /** Follows a `$ref` written by toJsonSchema (into the components). */
  resolve(schema: Schema): Schema {
    let s = schema;
    while (typeof s.$ref === 'string' && s.$ref.startsWith(COMPONENTS_ID + '#/components/schemas/')) {
      s = this.componentSchema(s.$ref.slice((COMPONENTS_ID + '#/components/schemas/').length));
    }
    return s;
  }

  /**
   * The smallest value a component schema allows, with `overrides` merged over it: every
   * required property and nothing else, `null` where the schema allows it, the first of an
   * enum. Handlers build their responses with it and set the fields that mean something; the
   * response is still checked against the schema, so an override of the wrong shape fails.
   */
  sample(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    // A nullable component (`nullable-integration`, ...): the value, not the null.
    return merge(this.minimal(this.componentSchema(name), 0, true), overrides) as Record<string, unknown>;
  }

  private minimal(schema: Schema, depth: number, value = false): unknown {
    const s = this.resolve(schema);
    if (depth > 40) throw new Error('sample: schema nests too deeply');
    if ('const' in s) return s.const;
    if (Array.isArray(s.enum)) return s.enum.includes(null) ? null : s.enum[0];
    if (Array.isArray(s.allOf)) return s.allOf.reduce<unknown>((acc, part) => merge(acc, this.minimal(part as Schema, depth + 1)), {});
    const alternatives = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
    if (alternatives) {
      const some = alternatives.filter((a) => a.type !== 'null');
      return some.length < alternatives.length && !value ? null : this.minimal(some[0] ?? {}, depth + 1);
    }
    const types = Array.isArray(s.type) ? s.type : [s.type ?? (s.properties ? 'object' : 'string')];
    if (types.includes('null') && !value) return null;
    switch (types.find((t) => t !== 'null')) {
      case 'object': {
        const props = (s.properties ?? {}) as Record<string, Schema>;
        const required = (s.required ?? []) as string[];
        return Object.fromEntries(required.map((key) => [key, props[key] ? this.minimal(props[key], depth + 1) : null]));
      }
      case 'array':
        return Array.from({ length: Number(s.minItems ?? 0) }, () => this.minimal((s.items ?? {}) as Schema, depth + 1));
      case 'integer':
      case 'number':
        return Number(s.minimum ?? 1);
      case 'boolean':
        return false;
      default:
        return sampleString(typeof s.format === 'string' ? s.format : undefined, Number(s.minLength ?? 0));
    }
  }

  /** Path and query parameters, coerced from strings the way GitHub reads them. */
  checkParameters(op: Operation, where: 'path' | 'query', values: Record<string, unknown>): string[] {
    const params = op.parameters.filter((p) => p.in === where);
    const problems: string[] = [];
    for (const name of Object.keys(values)) {
      if (!params.some((p) => p.name === name)) problems.push(`${where} parameter ${name} is not a parameter of ${op.operationId}`);
    }
    const key = `${op.operationId} ${where}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.paramAjv.compile({
        type: 'object',
        properties: Object.fromEntries(params.map((p) => [p.name, toJsonSchema(p.schema ?? {})])),
        required: params.filter((p) => p.required).map((p) => p.name),
      });
      this.validators.set(key, validate);
    }
    // Ajv coerces in place: check a copy, so the caller keeps the strings it was sent.
    if (!validate({ ...values })) problems.push(...explain(`${where} parameters`, validate.errors));
    return problems;
  }

  /** The JSON request body; `undefined` when the operation takes none. */
  checkRequestBody(op: Operation, body: unknown): string[] {
    const schema = op.requestBody?.content['application/json']?.schema;
    if (!op.requestBody) return body === undefined ? [] : [`${op.operationId} takes no request body`];
    if (body === undefined) return op.requestBody.required ? [`${op.operationId} requires a request body`] : [];
    if (!schema) return [];
    return this.check(`${op.operationId} request`, schema, body, 'request body');
  }

  /**
   * The response body for `status`. A 2xx/3xx status the description does not list is a problem;
   * an error status it does not list (GitHub answers 404 or 403 on nearly every route, documented
   * or not) is checked against GitHub's generic `basic-error`.
   */
  checkResponse(op: Operation, status: number, body: unknown): string[] {
    const response = op.responses[String(status)] ?? op.responses.default;
    if (!response) {
      if (status < 400) return [`${op.operationId} does not document status ${status}`];
      return this.check('basic-error', { $ref: `${COMPONENTS_ID}#/components/schemas/basic-error` }, body, `${status} response body`);
    }
    const schema = response.content?.['application/json']?.schema;
    if (!schema) {
      if (body === undefined) return [];
      // GitHub documents some errors without a body (a 404 of a membership) and sends basic-error.
      if (status >= 400) return this.check('basic-error', { $ref: `${COMPONENTS_ID}#/components/schemas/basic-error` }, body, `${status} response body`);
      return [`${op.operationId} ${status} has no body in GitHub's description, the server sent one`];
    }
    return this.check(`${op.operationId} ${status}`, schema, body, `${status} response body`);
  }

  private check(key: string, schema: Schema, value: unknown, what: string): string[] {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema) as Schema);
      this.validators.set(key, validate);
    }
    return validate(value) ? [] : explain(what, validate.errors);
  }

  private parameter(p: OpenApiParameter | { $ref: string }): OpenApiParameter {
    if ('$ref' in p) return this.pointer(p.$ref) as OpenApiParameter;
    return p;
  }

  private response(r: OpenApiResponse | { $ref: string }): OpenApiResponse {
    if ('$ref' in r) return this.pointer(r.$ref) as OpenApiResponse;
    return r;
  }

  private pointer(ref: string): unknown {
    let node: unknown = this.doc;
    for (const part of ref.replace(/^#\//, '').split('/')) node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) throw new Error(`unresolved ${ref} in GitHub's description`);
    return node;
  }
}

function sampleString(format: string | undefined, minLength: number): string {
  switch (format) {
    case 'date-time':
      return '2026-01-01T00:00:00Z';
    case 'date':
      return '2026-01-01';
    case 'uri':
      return 'https://github.invalid/';
    case 'uri-template':
      return 'https://github.invalid/{?x}';
    case 'email':
      return 'octocat@github.invalid';
    case 'repo.nwo':
      return 'octo/repo';
    default:
      return 'x'.repeat(Math.max(1, minLength));
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** `over` merged into `base`: objects key by key, anything else replaced. */
export function merge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

function explain(what: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).slice(0, 10).map((e) => `${what}${e.instancePath || ''} ${e.message ?? 'is invalid'}${e.params && Object.keys(e.params).length ? ' ' + JSON.stringify(e.params) : ''}`);
}

let loaded: GitHubOpenApi | undefined;

/** The description, parsed once per process (13 MB of JSON: about 0.3 s). */
export function githubOpenApi(): GitHubOpenApi {
  loaded ??= new GitHubOpenApi(JSON.parse(readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')) as OpenApiDocument);
  return loaded;
}
