/**
 * PLACEHOLDER model card, used by `mlpipeline report` until reports/model-card/ (built in
 * parallel: Hugging Face model-index front matter, full Model Card Toolkit JSON, CycloneDX 1.6
 * ML-BOM with its modelCard) is merged. It writes the three files with the minimum that is
 * true, each saying that it is a placeholder. Delete this module when reports/model-card/ lands.
 */
import { formatNumber } from '../core/numbers.js';
import { escapeMarkdown, markdownTable } from './markdown.js';
import type { ReportDocuments } from './report-documents.js';

export const PLACEHOLDER_NOTE = 'placeholder model card (mlpipeline: reports/model-card/ not yet available)';

function metricsOf(docs: ReportDocuments): [string, number][] {
  return Object.entries(docs.evaluation?.metrics ?? {});
}

export function placeholderModelCardMarkdown(docs: ReportDocuments): string {
  const p = docs.pipeline;
  const card = p.report?.model_card;
  const lines = [`# Model card: ${escapeMarkdown(p.model?.name ?? p.name)}`, '', `> ${PLACEHOLDER_NOTE}.`, ''];
  if (card?.description) lines.push(escapeMarkdown(card.description), '');
  if (p.model) lines.push(`Task: ${escapeMarkdown(p.model.task)}; label: ${escapeMarkdown(p.model.label)}.`, '');
  const ms = metricsOf(docs);
  if (ms.length) lines.push(markdownTable(['metric', 'value'], ms.map(([k, v]) => [escapeMarkdown(k), formatNumber(v)]), ['left', 'right']));
  else lines.push('No evaluation: no metrics.', '');
  return lines.join('\n');
}

export function placeholderModelCardToolkit(docs: ReportDocuments): unknown {
  const p = docs.pipeline;
  return {
    placeholder: PLACEHOLDER_NOTE,
    model_details: { name: p.model?.name ?? p.name, overview: p.report?.model_card?.description ?? '' },
    quantitative_analysis: { performance_metrics: metricsOf(docs).map(([type, value]) => ({ type, value: String(value) })) },
  };
}

export function placeholderCycloneDx(docs: ReportDocuments): unknown {
  const p = docs.pipeline;
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    metadata: { properties: [{ name: 'mlpipeline:placeholder', value: PLACEHOLDER_NOTE }] },
    components: [
      {
        type: 'machine-learning-model',
        name: p.model?.name ?? p.name,
        ...(docs.evaluation ? { hashes: [{ alg: 'SHA-256', content: docs.evaluation.model.sha256 }] } : {}),
        modelCard: { quantitativeAnalysis: { performanceMetrics: metricsOf(docs).map(([type, value]) => ({ type, value: String(value) })) } },
      },
    ],
  };
}

export function placeholderModelCardSummary(docs: ReportDocuments): string {
  const p = docs.pipeline;
  const desc = p.report?.model_card?.description;
  return `${escapeMarkdown(p.model?.name ?? p.name)}${p.model ? ` (${escapeMarkdown(p.model.task)})` : ''}${desc ? `: ${escapeMarkdown(desc)}` : ''}\n\n_${PLACEHOLDER_NOTE}_\n`;
}
