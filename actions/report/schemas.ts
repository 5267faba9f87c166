/**
 * The JSON Schemas of the results documents, inside the bundle (a runner has no node_modules and
 * no pipeline-schema/ folder next to it), compiled with Ajv on first use, after the first log
 * line. The same schemas and Ajv options as pipeline-schema/documents.ts.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { AJV_OPTIONS } from '../../pipeline-schema/ajv.js';
import diffSchema from '../../pipeline-schema/diff.schema.json' with { type: 'json' };
import evaluationSchema from '../../pipeline-schema/evaluation.schema.json' with { type: 'json' };
import reportSchema from '../../pipeline-schema/report.schema.json' with { type: 'json' };
import runSchema from '../../pipeline-schema/run.schema.json' with { type: 'json' };
import validationSchema from '../../pipeline-schema/validation.schema.json' with { type: 'json' };
import verdictSchema from '../../pipeline-schema/verdict.schema.json' with { type: 'json' };

/** The documents a results directory may hold (contract 1), and each one's schema. */
export const RESULT_DOCUMENTS = {
  'report.json': reportSchema,
  'run.json': runSchema,
  'validation.json': validationSchema,
  'evaluation.json': evaluationSchema,
  'verdict.json': verdictSchema,
} as const;

export type ResultDocument = keyof typeof RESULT_DOCUMENTS;

// ajv-formats is CommonJS with `exports.default`; as an ES module its default is the exports object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv | Ajv2020) => void;

const compiled = new Map<ResultDocument, ValidateFunction>();

function validator(name: ResultDocument): ValidateFunction {
  const hit = compiled.get(name);
  if (hit) return hit;
  const schema = RESULT_DOCUMENTS[name] as { $schema?: string };
  const draft07 = typeof schema.$schema === 'string' && schema.$schema.includes('draft-07');
  const ajv = draft07 ? new Ajv(AJV_OPTIONS) : new Ajv2020(AJV_OPTIONS);
  addFormats(ajv);
  // report.schema.json refers to diff.schema.json's rows.
  if (!draft07) ajv.addSchema(diffSchema);
  const v = ajv.compile(schema);
  compiled.set(name, v);
  return v;
}

/** The problems of `doc` against its schema (at most `max`), empty when it is valid. */
export function schemaProblems(name: ResultDocument, doc: unknown, max = 5): string[] {
  const v = validator(name);
  if (v(doc)) return [];
  return (v.errors ?? []).slice(0, max).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}
