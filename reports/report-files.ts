/**
 * Every file `mlpipeline report` writes, rendered from one set of documents: the PR comment, the
 * job summary, the model card in three forms and `report.json` (the data behind them). Pure:
 * the caller writes them.
 */
import { createHash } from 'node:crypto';
import { toJsonText } from '../core/atomic-write.js';
import { renderComment } from './comment.js';
import { buildModelCardData, renderCycloneDx, renderModelCardMarkdown, renderModelCardToolkit } from './model-card/index.js';
import { buildReportData } from './report-data.js';
import type { ReportInputs } from './report-documents.js';
import { renderSummary } from './summary.js';

export const REPORT_FILES = ['comment.md', 'summary.md', 'model-card.md', 'model-card.json', 'bom.cdx.json', 'report.json'] as const;
export type ReportFile = (typeof REPORT_FILES)[number];

export interface ReportFileOptions {
  /** Where the full report is, as the comment names it when it had to cut (e.g. `.mlpipeline/report/summary.md`). */
  fullReport?: string;
  /** The BOM's identity; by default derived from the documents (see `bomIdentity`). */
  bom?: { serialNumber: string; timestamp: string };
}

/**
 * The same documents give the same BOM, byte for byte: the serial number is a name-based UUID
 * of what the BOM describes (model, data and config digests, commit), and the timestamp is when
 * those results were produced. A report re-rendered in another CI job then does not look like a
 * new, different BOM to whoever archives them.
 */
export function bomIdentity(inputs: ReportInputs): { serialNumber: string; timestamp: string } {
  const ev = inputs.evaluation;
  const basis = JSON.stringify([
    inputs.pipeline.name,
    inputs.repo?.commit ?? null,
    ev?.model.sha256 ?? null,
    ev?.data ?? null,
    inputs.verdict?.gates_config?.sha256 ?? null,
    inputs.verdict?.evaluation_config ?? null,
    inputs.run?.pipeline ?? null,
  ]);
  const h = createHash('sha256').update(basis).digest('hex');
  // RFC 9562 UUIDv8 layout: version nibble 8, variant bits 10.
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  const timestamp = ev?.generated_at ?? inputs.run?.finished_at ?? inputs.run?.started_at ?? '1970-01-01T00:00:00.000Z';
  return { serialNumber: `urn:uuid:${uuid}`, timestamp };
}

export function renderReportFiles(inputs: ReportInputs, opts: ReportFileOptions = {}): Record<ReportFile, string> {
  const data = buildReportData(inputs);
  const cardData = buildModelCardData(inputs);
  return {
    'comment.md': renderComment(data, { fullReport: opts.fullReport, pipelineFile: data.pipeline_file }),
    'summary.md': renderSummary(data),
    'model-card.md': renderModelCardMarkdown(cardData),
    'model-card.json': toJsonText(renderModelCardToolkit(cardData)),
    'bom.cdx.json': toJsonText(renderCycloneDx(cardData, opts.bom ?? bomIdentity(inputs))),
    'report.json': toJsonText(data),
  };
}
