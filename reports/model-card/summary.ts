/**
 * The model card's short block for the PR comment: model name and version, task, headline
 * metrics, intended use in one line, and how many caveats the full card lists. Escaped through
 * reports/markdown.ts like every other string from users or documents.
 */
import { formatNumber } from '../../core/numbers.js';
import { codeSpan, escapeMarkdown } from '../markdown.js';
import type { ModelCardData } from './data.js';

const e = escapeMarkdown;
const INTENDED_USE_MAX = 200;

function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function modelCardSummary(d: ModelCardData): string {
  const m = d.model;
  const lines: string[] = [];
  const version = m.version ? ` ${e(m.version)}` + (m.environments.length ? ` (in ${m.environments.map(e).join(', ')})` : '') : ' (not registered)';
  lines.push(`**Model card: ${e(m.name)}**${version}`);
  lines.push('');
  lines.push(`- **Task:** ${m.task ? e(m.task) : '_unknown_'}`);
  lines.push(`- **Model:** ${m.sha256 ? `sha256 ${codeSpan(m.sha256.slice(0, 12))}` : '_unknown_'}${m.size_bytes !== null ? `, ${formatNumber(m.size_bytes)} bytes` : ''}`);
  lines.push(
    `- **Headline metrics:** ${d.headline.length ? d.headline.map((x) => `${e(x.name)} ${formatNumber(x.value)}`).join(', ') : '_unknown_ (no evaluation document)'}`,
  );
  lines.push(`- **Intended use:** ${d.text.intended_use ? e(oneLine(d.text.intended_use, INTENDED_USE_MAX)) : '_not stated_'}`);
  const n = d.caveats.length;
  lines.push(`- **Caveats:** ${n === 0 ? 'none stated' : `${n} listed in the full model card`}`);
  return lines.join('\n') + '\n';
}
