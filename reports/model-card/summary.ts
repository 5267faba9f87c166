/**
 * The model card's short block for the PR comment: model name and version, task, headline
 * metrics, intended use in one line, and how many caveats the full card lists. The block is
 * rendered from `ModelCardBrief`, which report.json carries (`model_card`), so the report action
 * re-renders from an artifact the same comment `mlpipeline report` writes locally. Escaped
 * through reports/markdown.ts like every other string from users or documents (the brief in an
 * artifact is untrusted: a fork wrote it).
 */
import { formatNumber } from '../../core/numbers.js';
import type { Task } from '../../pipeline-schema/types.js';
import { codeSpan, escapeMarkdown } from '../markdown.js';
import type { ModelCardData } from './data.js';

const e = escapeMarkdown;
export const INTENDED_USE_MAX = 200;

/** What the comment's model card block says, and nothing more (report.json `model_card`). */
export interface ModelCardBrief {
  name: string;
  version: string | null;
  environments: string[];
  task: Task | null;
  sha256: string | null;
  size_bytes: number | null;
  /** Display names (`ROC AUC`) and values. */
  headline: { name: string; value: number }[];
  /** Already one line of at most INTENDED_USE_MAX characters. */
  intended_use: string | null;
  caveats: number;
}

function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function modelCardBrief(d: ModelCardData): ModelCardBrief {
  const m = d.model;
  return {
    name: m.name,
    version: m.version,
    environments: [...m.environments],
    task: m.task,
    sha256: m.sha256,
    size_bytes: m.size_bytes,
    headline: d.headline.map((x) => ({ name: x.name, value: x.value })),
    intended_use: d.text.intended_use ? oneLine(d.text.intended_use, INTENDED_USE_MAX) : null,
    caveats: d.caveats.length,
  };
}

export function renderModelCardBrief(b: ModelCardBrief): string {
  const lines: string[] = [];
  const version = b.version ? ` ${e(b.version)}` + (b.environments.length ? ` (in ${b.environments.map(e).join(', ')})` : '') : ' (not registered)';
  lines.push(`**Model card: ${e(b.name)}**${version}`);
  lines.push('');
  lines.push(`- **Task:** ${b.task ? e(b.task) : '_unknown_'}`);
  lines.push(`- **Model:** ${b.sha256 ? `sha256 ${codeSpan(b.sha256.slice(0, 12))}` : '_unknown_'}${b.size_bytes !== null ? `, ${formatNumber(b.size_bytes)} bytes` : ''}`);
  lines.push(`- **Headline metrics:** ${b.headline.length ? b.headline.map((x) => `${e(x.name)} ${formatNumber(x.value)}`).join(', ') : '_unknown_ (no evaluation document)'}`);
  // Re-applied to what an artifact says: idempotent on what modelCardBrief made.
  lines.push(`- **Intended use:** ${b.intended_use ? e(oneLine(b.intended_use, INTENDED_USE_MAX)) : '_not stated_'}`);
  const n = b.caveats;
  lines.push(`- **Caveats:** ${n === 0 ? 'none stated' : `${n} listed in the full model card`}`);
  return lines.join('\n') + '\n';
}

export function modelCardSummary(d: ModelCardData): string {
  return renderModelCardBrief(modelCardBrief(d));
}
