/**
 * A results directory (contract 1) read as untrusted input, in both modes: in the `workflow_run`
 * job it was made by a fork's code, and in the same job a step before may have written anything.
 * Only the allowlisted JSON documents, each a regular file (lstat: no symbolic link, no folder),
 * each within a size cap, each valid against its JSON Schema; report.json is required. Anything
 * else refuses the whole directory: nothing is posted from a results directory that is not
 * exactly what `run` writes.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MlpipelineError } from '../../core/errors.js';
import type { ReportData } from '../../reports/report-data.js';
import { RESULT_DOCUMENTS, schemaProblems, type ResultDocument } from './schemas.js';

/** Far above a real document (validation and evaluation documents of big data sets are < 1 MiB). */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** The results are not what `run` writes: nothing is posted. */
export class UntrustedResultsError extends MlpipelineError {
  readonly exitCode = 2 as const;
  readonly code = 'results-refused';

  constructor(what: string, why: string) {
    super(`refusing the results ${what}: ${why}; nothing was posted`, {
      fix: 'the results must be exactly what `mlpipeline/actions/run` writes (report.json, and optionally run.json, validation.json, evaluation.json, verdict.json), unmodified',
    });
  }
}

export interface Results {
  report: ReportData;
  /** The documents present, by name (validated). */
  documents: Partial<Record<ResultDocument, unknown>>;
}

const isAllowed = (name: string): name is ResultDocument => Object.hasOwn(RESULT_DOCUMENTS, name);

export async function loadResults(dir: string, what: string): Promise<Results> {
  const refuse: (why: string) => never = (why) => {
    throw new UntrustedResultsError(what, why);
  };
  const top = await lstat(dir).catch(() => undefined);
  if (!top) refuse(`${dir} does not exist`);
  if (!top!.isDirectory()) refuse(`${dir} is not a directory`);
  const names = (await readdir(dir)).sort();
  const documents: Partial<Record<ResultDocument, unknown>> = {};
  for (const name of names) {
    if (!isAllowed(name)) refuse(`${JSON.stringify(name)} is not a results document (allowed: ${Object.keys(RESULT_DOCUMENTS).join(', ')})`);
    const file = join(dir, name);
    const st = await lstat(file);
    if (st.isSymbolicLink()) refuse(`${name} is a symbolic link`);
    if (!st.isFile()) refuse(`${name} is not a regular file`);
    if (st.size > MAX_DOCUMENT_BYTES) refuse(`${name} is ${st.size} bytes, more than ${MAX_DOCUMENT_BYTES}`);
    let doc: unknown;
    try {
      doc = JSON.parse(await readFile(file, 'utf8'));
    } catch (e) {
      refuse(`${name} is not JSON (${(e as Error).message})`);
    }
    const problems = schemaProblems(name, doc);
    if (problems.length > 0) refuse(`${name} does not match its JSON Schema: ${problems.join('; ')}`);
    documents[name] = doc;
  }
  if (!documents['report.json']) refuse('report.json is missing');
  return { report: documents['report.json'] as ReportData, documents };
}
