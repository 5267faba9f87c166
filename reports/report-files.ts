/**
 * Every file `mlpipeline report` writes, rendered from one set of documents: the PR comment, the
 * job summary, the model card in three forms and `report.json` (the data behind them). Pure:
 * the caller writes them.
 */
import { toJsonText } from '../core/atomic-write.js';
import { renderComment } from './comment.js';
import {
  placeholderCycloneDx,
  placeholderModelCardMarkdown,
  placeholderModelCardSummary,
  placeholderModelCardToolkit,
} from './model-card-placeholder.js';
import { buildReportData } from './report-data.js';
import type { ReportInputs } from './report-documents.js';
import { renderSummary } from './summary.js';

export const REPORT_FILES = ['comment.md', 'summary.md', 'model-card.md', 'model-card.json', 'bom.cdx.json', 'report.json'] as const;
export type ReportFile = (typeof REPORT_FILES)[number];

export interface ReportFileOptions {
  /** Where the full report is, as the comment names it when it had to cut (e.g. `.mlpipeline/report/summary.md`). */
  fullReport?: string;
}

export function renderReportFiles(inputs: ReportInputs, opts: ReportFileOptions = {}): Record<ReportFile, string> {
  const data = buildReportData(inputs);
  const card = placeholderModelCardSummary(inputs);
  return {
    'comment.md': renderComment(data, { fullReport: opts.fullReport, modelCard: card }),
    'summary.md': renderSummary(data, { modelCard: card }),
    'model-card.md': placeholderModelCardMarkdown(inputs),
    'model-card.json': toJsonText(placeholderModelCardToolkit(inputs)),
    'bom.cdx.json': toJsonText(placeholderCycloneDx(inputs)),
    'report.json': toJsonText(data),
  };
}
