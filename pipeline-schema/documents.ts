/**
 * The versioned JSON documents mlpipeline writes and reads (run, profile, validation,
 * evaluation, gates, lineage, ...) each have `pipeline-schema/<kind>.schema.json`. This module
 * finds them, lists them, and validates a document against one (compiled once per kind).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject, SchemaObject, ValidateFunction } from 'ajv';
import { createAjv } from './ajv.js';
import { schemaDir } from './validator.js';

const SUFFIX = '.schema.json';
const compiled = new Map<string, ValidateFunction>();

/** Every schema kind available, sorted; `mlpipeline` is the pipeline file's own schema. */
export function schemaKinds(): string[] {
  return readdirSync(schemaDir())
    .filter((f) => f.endsWith(SUFFIX))
    .map((f) => f.slice(0, -SUFFIX.length))
    .sort();
}

/** Absolute path of a kind's schema, or undefined when there is none. */
export function schemaFile(kind: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(kind)) return undefined;
  const file = join(schemaDir(), kind + SUFFIX);
  return existsSync(file) ? file : undefined;
}

function readSchema(file: string): SchemaObject {
  return JSON.parse(readFileSync(file, 'utf8')) as SchemaObject;
}

function validatorFor(kind: string): ValidateFunction {
  const hit = compiled.get(kind);
  if (hit) return hit;
  const file = schemaFile(kind);
  if (!file) throw new Error(`no schema for document kind '${kind}' (known: ${schemaKinds().join(', ')})`);
  const schema = readSchema(file);
  const ajv = createAjv(schema);
  // Documents refer to each other's definitions (`lineage.schema.json#/$defs/fileDigest`): every
  // schema of the same draft is known to the instance, and compiled only when referred to.
  for (const other of schemaKinds()) {
    const otherSchema = other === kind ? undefined : readSchema(schemaFile(other)!);
    if (otherSchema && otherSchema.$schema === schema.$schema) ajv.addSchema(otherSchema);
  }
  const v = ajv.compile(schema);
  compiled.set(kind, v);
  return v;
}

function formatError(e: ErrorObject): string {
  const at = e.instancePath === '' ? '/' : e.instancePath;
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return `${at}: unknown property '${String(params.additionalProperty)}'`;
  if (e.keyword === 'enum') return `${at}: ${e.message} (${(params.allowedValues as unknown[]).map(String).join(', ')})`;
  return `${at}: ${e.message ?? 'is invalid'}`;
}

/** Validate `doc` against `<kind>.schema.json`: the list of problems, empty when valid. */
export function validateDocument(kind: string, doc: unknown): string[] {
  const v = validatorFor(kind);
  return v(doc) ? [] : (v.errors ?? []).map(formatError);
}
