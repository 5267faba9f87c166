/**
 * The result documents of a run (contract 1: report.json, run.json, validation.json,
 * evaluation.json, verdict.json in one folder). They may come from an artifact of another
 * workflow run, so each is untrusted: parsed, validated against its JSON Schema, and left out with
 * the reason when it does not match.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { validateDocument } from '../pipeline-schema/documents.js';
import type { RunRecord } from '../pipeline-schema/types.js';
import type { ReportData } from '../reports/report-data.js';
import type { ValidationDocument } from '../runners/data/validate.js';
import type { EvaluationDocument } from '../runners/evaluate/document.js';
import type { Verdict } from '../runners/gates/verdict.js';

/** Larger than any real result document; a bigger file is not parsed. */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

export interface ResultDocuments {
  /** The folder they were read from, as given. */
  dir: string;
  run?: RunRecord;
  report?: ReportData;
  validation?: ValidationDocument;
  evaluation?: EvaluationDocument;
  verdict?: Verdict;
  /** Documents present but not used, and why. */
  problems: { document: string; problem: string }[];
}

const KINDS = { run: 'run', report: 'report', validation: 'validation', evaluation: 'evaluation', verdict: 'verdict' } as const;

async function readOne(dir: string, kind: keyof typeof KINDS, problems: ResultDocuments['problems']): Promise<unknown> {
  const name = `${kind}.json`;
  const file = join(dir, name);
  try {
    const st = await stat(file);
    if (!st.isFile()) {
      problems.push({ document: name, problem: 'is not a regular file' });
      return undefined;
    }
    if (st.size > MAX_DOCUMENT_BYTES) {
      problems.push({ document: name, problem: `is ${st.size} bytes, more than the ${MAX_DOCUMENT_BYTES} a result document may have` });
      return undefined;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') problems.push({ document: name, problem: `cannot be read: ${(e as Error).message}` });
    return undefined;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    problems.push({ document: name, problem: `is not JSON: ${(e as Error).message}` });
    return undefined;
  }
  const bad = validateDocument(KINDS[kind], doc);
  if (bad.length) {
    problems.push({ document: name, problem: `does not match the ${KINDS[kind]} schema: ${bad.slice(0, 3).join('; ')}` });
    return undefined;
  }
  return doc;
}

export async function readResults(dir: string): Promise<ResultDocuments> {
  const problems: ResultDocuments['problems'] = [];
  const [run, report, validation, evaluation, verdict] = await Promise.all(
    (Object.keys(KINDS) as (keyof typeof KINDS)[]).map((k) => readOne(dir, k, problems)),
  );
  return {
    dir,
    run: run as RunRecord | undefined,
    report: report as ReportData | undefined,
    validation: validation as ValidationDocument | undefined,
    evaluation: evaluation as EvaluationDocument | undefined,
    verdict: verdict as Verdict | undefined,
    problems,
  };
}
