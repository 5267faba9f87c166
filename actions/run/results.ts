/**
 * The results artifact (COORD contract 1): a fresh folder holding only JSON documents —
 * report.json, and the run, validation, evaluation and verdict documents the report was built
 * from (each as `collectReportInputs` validated and used it; a refused one is not shipped).
 * The Markdown (comment.md, summary.md, the model card) goes to a sibling folder that is never
 * uploaded: the report action re-renders from report.json and never posts Markdown it did not make.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { toJsonText, writeFileAtomic } from '../../core/atomic-write.js';
import type { ReportInputs } from '../../runners/report/documents.js';
import { REPORT_FILES, renderReportFiles } from '../../reports/report-files.js';
import type { ReportData } from '../../reports/report-data.js';

export interface WrittenResults {
  report: ReportData;
  commentPath: string;
  summary: string;
}

export async function writeResults(inputs: ReportInputs, resultsDir: string, markdownDir: string): Promise<WrittenResults> {
  const files = renderReportFiles(inputs);
  for (const dir of [resultsDir, markdownDir]) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
  }
  await writeFileAtomic(join(resultsDir, 'report.json'), files['report.json']);
  const docs = { 'run.json': inputs.run, 'validation.json': inputs.validation, 'evaluation.json': inputs.evaluation, 'verdict.json': inputs.verdict };
  for (const [name, doc] of Object.entries(docs)) if (doc) await writeFileAtomic(join(resultsDir, name), toJsonText(doc));
  for (const name of REPORT_FILES) if (name !== 'report.json') await writeFileAtomic(join(markdownDir, name), files[name]);
  return { report: JSON.parse(files['report.json']) as ReportData, commentPath: join(markdownDir, 'comment.md'), summary: files['summary.md'] };
}
