/**
 * One way to build Ajv for every schema in pipeline-schema/: strict (unknown keywords and
 * ambiguous schemas are errors), all errors at once, union types allowed (`type: [string, array]`),
 * and the `date-time`/`uri`/... formats. Draft 2020-12 unless the schema says draft-07.
 * Loaded with require() so validation stays synchronous and Ajv is only loaded when needed.
 */
import { createRequire } from 'node:module';
import type { Ajv as AjvCore, Options } from 'ajv';

const require = createRequire(import.meta.url);

export const AJV_OPTIONS: Options = { strict: true, allErrors: true, allowUnionTypes: true };

export function createAjv(schema: { $schema?: unknown }, extra: Options = {}): AjvCore {
  const draft07 = typeof schema.$schema === 'string' && schema.$schema.includes('draft-07');
  const AjvClass = (require(draft07 ? 'ajv' : 'ajv/dist/2020.js') as { default: new (o: Options) => AjvCore }).default;
  const ajv = new AjvClass({ ...AJV_OPTIONS, ...extra });
  const addFormats = (require('ajv-formats') as { default: (a: AjvCore) => void }).default;
  addFormats(ajv);
  return ajv;
}
