/**
 * The notes of a registered version's GitHub Release, and the job summary of a promotion: the
 * verdict first, the metric table, the lineage (commit, pull request, data and model digests,
 * who registered it), the model card's summary, and the assets with their sha256. Every value
 * read back from a tag or a document is escaped (reports/markdown.ts): a model name, metric name
 * or gate reason cannot add a link, a mention or HTML to a Release page.
 */
import { formatNumber } from '../core/numbers.js';
import type { LineageRecord } from '../runners/registry/lineage-record.js';
import { codeSpan, escapeMarkdown, markdownTable } from './markdown.js';

const e = escapeMarkdown;

/** The Release notes' hidden first line: which version and registration tag they describe. */
export const RELEASE_NOTES_MARKER = '<!-- mlpipeline-release -->';

export interface ReleaseNotesInput {
  tag: string;
  record: LineageRecord;
  /** The model card's summary block (reports/model-card/summary.ts), already escaped Markdown. */
  modelCardSummary: string;
  assets: { name: string; sha256: string; size: number }[];
  /** Environments the version holds now. */
  environments: string[];
}

function metricValue(v: unknown): string {
  return typeof v === 'number' ? formatNumber(v, 6) : e(v);
}

export function renderReleaseNotes(input: ReleaseNotesInput): string {
  const r = input.record;
  const out: string[] = [RELEASE_NOTES_MARKER, ''];
  const verdict = r.verdict;
  const status = !verdict ? 'no gate verdict recorded' : verdict.passed ? (verdict.bound === false ? 'passed, but not bound to this version' : 'passed') : 'FAILED';
  out.push(`**Verdict:** ${status}${input.environments.length ? ` · **In:** ${input.environments.map(e).join(', ')}` : ''}`, '');
  if (verdict?.gates.length) {
    out.push(
      markdownTable(
        ['gate', 'value', 'threshold', 'status'],
        verdict.gates.map((g) => [codeSpan(g.metric), metricValue(g.value), metricValue(g.threshold), e(g.status)]),
        ['left', 'right', 'right', 'left'],
      ),
    );
  }
  const metrics = Object.entries(r.run?.metrics ?? {}).flatMap(([file, m]) => Object.entries(m).map(([k, v]) => [codeSpan(k), metricValue(v), codeSpan(file)]));
  out.push('### Metrics', '');
  out.push(metrics.length ? markdownTable(['metric', 'value', 'file'], metrics, ['left', 'right', 'left']) : 'No metrics were recorded with the run.\n');
  out.push('### Lineage', '');
  const facts: string[][] = [
    ['Registry tag', codeSpan(input.tag)],
    ['Commit', codeSpan(r.commit)],
    ['Pull request', r.pr ? `\\#${e(String(r.pr))}` : 'unknown'],
    ['Registered', `${e(r.time)} by ${e(r.actor.login ?? r.actor.name)}${r.actor.verified ? '' : ' (unverified)'}`],
  ];
  if (r.model_file) facts.push(['Model', `${codeSpan(r.model_file.path)} sha256 ${codeSpan(r.model_file.sha256)}`]);
  for (const m of r.materials ?? []) {
    if (m.role === 'data') facts.push([`Data${m.dataset ? ` ${e(m.dataset)}` : ''}`, `${codeSpan(m.path)} sha256 ${codeSpan(m.sha256)}`]);
  }
  out.push(markdownTable(['', ''], facts.map(([k, v]) => [`**${k}**`, v!])));
  out.push('', '### Model card', '', input.modelCardSummary.trimEnd(), '');
  out.push('### Assets', '');
  out.push(markdownTable(['asset', 'bytes', 'sha256'], input.assets.map((a) => [codeSpan(a.name), formatNumber(a.size), codeSpan(a.sha256)]), ['left', 'right', 'left']));
  out.push('', 'The model asset is the registered one: its sha256 is the one recorded in the registry tag (`mlpipeline verify` checks it).', '');
  return out.join('\n');
}

export interface PromotionSummaryInput {
  kind: 'promote' | 'rollback';
  model: string;
  version: string;
  environment: string;
  /** The assign tag; `reused` when it was there already (a re-run). */
  tag: { name: string; reused: boolean };
  rollbackOf: string | null;
  release: { url: string; created: boolean; uploaded: string[]; skipped: string[]; replaced: string[] };
  deployment: { id: number; state: string; reused: boolean; byJob: boolean; inactivated: number[] } | null;
  notes: string[];
}

export function renderPromotionSummary(s: PromotionSummaryInput): string {
  const out: string[] = [];
  const what = s.kind === 'rollback' ? `Rolled back ${e(s.model)} in ${e(s.environment)} to ${e(s.version)}${s.rollbackOf ? ` (from ${e(s.rollbackOf)})` : ''}` : `Promoted ${e(s.model)} ${e(s.version)} to ${e(s.environment)}`;
  out.push(`## ${what}`, '');
  const rows: string[][] = [
    ['Registry tag', `${codeSpan(s.tag.name)}${s.tag.reused ? ' (already there: a re-run or a racing job)' : ''}`],
    ['Release', `${s.release.created ? 'created' : 'reused'}; uploaded ${s.release.uploaded.length ? s.release.uploaded.map(codeSpan).join(', ') : 'nothing'}${s.release.replaced.length ? `; replaced ${s.release.replaced.map(codeSpan).join(', ')}` : ''}${s.release.skipped.length ? `; unchanged ${s.release.skipped.map(codeSpan).join(', ')}` : ''}`],
  ];
  if (s.deployment) {
    rows.push([
      'Deployment',
      `${e(String(s.deployment.id))} ${e(s.deployment.state)}${s.deployment.byJob ? " (the job's own, from `environment:`)" : s.deployment.reused ? ' (reused)' : ' (created)'}${s.deployment.inactivated.length ? `; previous marked inactive: ${s.deployment.inactivated.map((i) => e(String(i))).join(', ')}` : ''}`,
    ]);
  }
  out.push(markdownTable(['', ''], rows.map(([k, v]) => [`**${k}**`, v!])));
  for (const n of s.notes) out.push(`> ${e(n)}`, '');
  return out.join('\n') + '\n';
}

export interface TagViolationInput {
  tag: string;
  rule: string;
  detail: string;
  fix: string;
  enforce: 'report' | 'revert';
  revertTag: string | null;
}

/** The failed check's summary (and the comment) for a pushed tag that breaks the policy. */
export function renderTagViolation(v: TagViolationInput): string {
  const out = [
    `**${codeSpan(v.tag)} breaks the promotion policy: rule ${codeSpan(v.rule)}.**`,
    '',
    e(v.detail),
    '',
    v.fix ? `**How to promote it instead:** ${e(v.fix)}` : '',
    '',
    v.enforce === 'revert'
      ? v.revertTag
        ? `Reverted: ${codeSpan(v.revertTag)} takes it out again (\`enforce: revert\`).`
        : 'Not reverted yet (`enforce: revert`): see the job log.'
      : 'Not reverted (`enforce: report`): the tag stays; set `enforce: revert` on the environment to undo such tags automatically.',
  ];
  return out.filter((l, i, all) => !(l === '' && all[i - 1] === '')).join('\n') + '\n';
}

export function renderTagPassed(tag: string, checks: { rule: string; detail: string }[]): string {
  if (checks.length === 0) return `${codeSpan(tag)}: the environment has no policy rules; nothing to check.\n`;
  return `${codeSpan(tag)} follows the promotion policy.\n\n` + markdownTable(['rule', 'detail'], checks.map((c) => [codeSpan(c.rule), e(c.detail)]));
}
