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
  const AjvClass = (draft07 ? require('ajv') : require('ajv/dist/2020.js')).default as new (o: Options) => AjvCore;
  const ajv = new AjvClass({ ...AJV_OPTIONS, ...extra });
  const addFormats = require('ajv-formats').default as (a: AjvCore) => void;
  addFormats(ajv);
  return ajv;
}
