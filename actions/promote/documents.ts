/**
 * The documents a Release's model card is rendered from: the committed pipeline, what each
 * environment holds (its lineage), the version's recorded model digest, and, when the job has
 * them (`results:`), the result documents of a run, each validated against its schema and used
 * only when it is about this very model file.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateDocument } from '../../pipeline-schema/documents.js';
import type { LoadedPipeline, RunRecord } from '../../pipeline-schema/types.js';
import type { ReportDocuments } from '../../reports/report-documents.js';
import type { EvaluationDocument } from '../../runners/evaluate/document.js';
import type { Verdict } from '../../runners/gates/verdict.js';
import { buildLineage, type LineageReport } from '../../runners/registry/lineage.js';
import type { ReleaseMaterial } from '../../runners/registry/release-material.js';
import type { RegistryState } from '../../runners/registry/state.js';

async function readValid<T>(dir: string, file: string, kind: string, notes: string[]): Promise<T | undefined> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(join(dir, file), 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') notes.push(`${file} in results not used: ${(e as Error).message}`);
    return undefined;
  }
  const problems = validateDocument(kind, doc);
  if (problems.length) {
    notes.push(`${file} in results not used: it does not match the ${kind} schema (${problems.slice(0, 2).join('; ')})`);
    return undefined;
  }
  return doc as T;
}

export async function releaseDocuments(loaded: LoadedPipeline, state: RegistryState, m: ReleaseMaterial, results: string, notes: string[]): Promise<ReportDocuments> {
  // The version's own lineage (no environment): the assets of a Release stay byte-identical from
  // one promotion of the version to the next; where it runs now is said in the notes.
  const lineage: Record<string, LineageReport> = { [m.version]: buildLineage(state, { kind: 'version', name: m.model, version: m.version }, m.tag) };
  const docs: ReportDocuments = { pipeline: loaded.pipeline, lineage, repo: { commit: m.commit, ref: m.tag }, registered_model_sha256: m.modelAsset.sha256 };
  if (!results) return docs;
  const evaluation = await readValid<EvaluationDocument>(results, 'evaluation.json', 'evaluation', notes);
  if (evaluation && evaluation.model.sha256 !== m.modelAsset.sha256) {
    notes.push(`evaluation.json in results is of another model file (sha256 ${evaluation.model.sha256.slice(0, 12)}…), not ${m.tag}'s: not used`);
  } else if (evaluation) {
    docs.evaluation = evaluation;
    const verdict = await readValid<Verdict>(results, 'verdict.json', 'verdict', notes);
    if (verdict && verdict.model?.sha256 === m.modelAsset.sha256) docs.verdict = verdict;
    const run = await readValid<RunRecord>(results, 'run.json', 'run', notes);
    if (run && run.pipeline.name === loaded.pipeline.name) docs.run = run;
  }
  return docs;
}
