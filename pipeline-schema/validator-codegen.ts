/**
 * Writes mlpipeline.validate.cjs: Ajv's standalone code for mlpipeline.schema.json, so the CLI
 * does not compile the schema at every start. Run after editing the schema:
 *   npx tsc -p tsconfig.build.json && node dist/pipeline-schema/validator-codegen.js
 * (pipeline-schema/validator.test.ts fails when the file is stale.)
 */
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../core/atomic-write.js';
import { createAjv } from './ajv.js';
import { pipelineSchemaText, precompiledHeader, PRECOMPILED_VALIDATOR_FILE, schemaDir } from './validator.js';

const require = createRequire(import.meta.url);

export function generateValidatorSource(): string {
  const text = pipelineSchemaText();
  const schema = JSON.parse(text) as Record<string, unknown>;
  const ajv = createAjv(schema, { code: { source: true } });
  const validate = ajv.compile(schema);
  const standalone = (require('ajv/dist/standalone/index.js') as { default: (a: unknown, v: unknown) => string }).default;
  return `${precompiledHeader(text)}\n${standalone(ajv, validate)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = join(schemaDir(), PRECOMPILED_VALIDATOR_FILE);
  await writeFileAtomic(target, generateValidatorSource());
  process.stdout.write(`wrote ${target}\n`);
}
