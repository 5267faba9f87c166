/**
 * model-card.md: Hugging Face front matter, then the sections of "Model Cards for Model
 * Reporting" (Mitchell et al., 2019). Every string from the pipeline file or the documents goes
 * through reports/markdown.ts (escapeMarkdown for prose and cells, codeSpan for paths and
 * hashes); numbers through core/numbers.ts.
 */
import { formatNumber } from '../../core/numbers.js';
import { codeSpan, escapeMarkdown, markdownTable } from '../markdown.js';
import type { DatasetInfo, ModelCardData } from './data.js';
import { hubTask, renderFrontMatter } from './front-matter.js';

const e = escapeMarkdown;
const UNKNOWN = '_unknown_';

function num(v: number | null): string {
  return v === null ? UNKNOWN : formatNumber(v);
}

function orUnknown(v: string | null, render: (s: string) => string = e): string {
  return v === null || v === '' ? UNKNOWN : render(v);
}

function digest(sha256: string | null, directory: boolean): string {
  if (!sha256) return UNKNOWN;
  return codeSpan(sha256) + (directory ? ' (manifest of a directory)' : '');
}

function list(items: string[], empty: string): string {
  return items.length ? items.map((t) => `- ${e(t)}`).join('\n') + '\n' : `${empty}\n`;
}

function details(d: ModelCardData): string {
  const m = d.model;
  const rows: [string, string][] = [
    ['Name', e(m.name)],
    ['Version', m.version ? e(m.version) + (m.environments.length ? ` (in ${m.environments.map(e).join(', ')})` : '') : 'not registered'],
    ['Task', m.task ? e(m.task) : UNKNOWN],
    ['Pipeline', e(d.pipeline)],
    ['ONNX file', orUnknown(m.path, codeSpan)],
    ['sha256', digest(m.sha256, false)],
    ['Size (bytes)', num(m.size_bytes)],
    ['Label', orUnknown(m.label)],
    ['Features', m.features.length ? m.features.map(codeSpan).join(', ') : UNKNOWN],
    ['Inputs', m.inputs.length ? m.inputs.map((i) => `${codeSpan(i.name)} ${e(i.type)} [${i.shape.map((x) => e(x)).join(', ')}]`).join('; ') : UNKNOWN],
    ['Outputs', m.outputs.length ? m.outputs.map((o) => `${e(o.role)}: ${codeSpan(o.name)}`).join('; ') : UNKNOWN],
    ['Commit', orUnknown(d.source.commit, codeSpan) + (d.source.dirty ? ' (with uncommitted changes)' : '')],
  ];
  if (d.source.ref !== null) rows.push(['Ref', codeSpan(d.source.ref)]);
  if (m.threshold !== null) rows.push(['Decision threshold', num(m.threshold)]);
  if (d.source.evaluated_at) rows.push(['Evaluated at', e(d.source.evaluated_at)]);
  if (d.source.registered_at) rows.push(['Registered at', e(d.source.registered_at)]);
  if (d.text.owners.length) rows.push(['Owners', d.text.owners.map((o) => e(o.name) + (o.contact ? ` (${e(o.contact)})` : '')).join('; ')]);
  rows.push(['License', orUnknown(d.text.license)]);
  if (d.text.references.length) rows.push(['References', d.text.references.map((r) => e(r)).join('; ')]);
  if (d.text.citation) rows.push(['Citation', e(d.text.citation)]);
  return markdownTable(['', ''], rows.map(([k, v]) => [`**${k}**`, v]));
}

function datasetTable(rows: DatasetInfo[]): string {
  return markdownTable(
    ['dataset', 'path', 'sha256', 'rows', 'size (bytes)', 'digest from'],
    rows.map((r) => [
      r.name === null ? '–' : e(r.name),
      codeSpan(r.path),
      digest(r.sha256, r.directory),
      num(r.rows),
      num(r.size_bytes),
      r.source === null ? UNKNOWN : e(r.source === 'run' ? 'run record' : r.source),
    ]),
    ['left', 'left', 'left', 'right', 'right', 'left'],
  );
}

function sliceTable(d: ModelCardData): string {
  // Columns: the metrics some slice has, in the overall order, then any slice-only ones.
  const inSlices = new Set(d.metrics.slices.flatMap((s) => s.metrics.map((m) => m.metric)));
  const metrics = d.metrics.overall.map((m) => m.metric).filter((m) => inSlices.has(m));
  for (const m of inSlices) if (!metrics.includes(m)) metrics.push(m);
  const rows = d.metrics.slices.map((s) => [
    e(s.label),
    num(s.rows),
    ...metrics.map((id) => {
      const v = s.metrics.find((m) => m.metric === id);
      return v ? num(v.value) : '–';
    }),
  ]);
  return markdownTable(['slice', 'rows', ...metrics.map(codeSpan)], rows, ['left', 'right', ...metrics.map(() => 'right' as const)]);
}

function gateTable(d: ModelCardData): string {
  const g = d.gates!;
  const s = g.summary;
  const head = `Verdict: **${g.passed ? 'passed' : 'failed'}** (${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped, ${s.warnings} ${s.warnings === 1 ? 'warning' : 'warnings'}).\n\n`;
  if (!g.results.length) return head + 'No gates are configured.\n';
  return (
    head +
    markdownTable(
      ['gate', 'metric', 'slice', 'value', 'threshold', 'status', 'reason'],
      g.results.map((r) => [
        e(r.name),
        codeSpan(r.metric),
        r.slice ? e(Object.entries(r.slice).map(([k, v]) => `${k}=${String(v)}`).join(', ')) : r.across ? `across ${codeSpan(r.across)}` : '–',
        num(r.value),
        `${e(r.kind)} ${num(r.threshold)}`,
        e(r.status) + (r.severity === 'warn' ? ' (warn)' : ''),
        e(r.reason),
      ]),
    )
  );
}

export function renderModelCardMarkdown(d: ModelCardData): string {
  const out: string[] = [renderFrontMatter(d)];
  out.push(`\n# Model card: ${e(d.model.name)}\n`);
  if (d.text.description) out.push(`\n${e(d.text.description)}\n`);

  out.push('\n## Model details\n\n');
  out.push(details(d));

  out.push('\n## Intended use\n\n');
  out.push(`**Primary use:** ${d.text.intended_use ? e(d.text.intended_use) : 'not stated (`report.model_card.intended_use`).'}\n\n`);
  out.push(`**Out of scope:** ${d.text.out_of_scope ? e(d.text.out_of_scope) : 'not stated (`report.model_card.out_of_scope`).'}\n`);

  out.push('\n## Factors\n\n');
  out.push(
    d.factors.length
      ? 'Metrics are reported per slice of:\n\n' + d.factors.map((f) => `- ${codeSpan(f.column)}${f.bins ? ` (bins at ${f.bins.map((b) => num(b)).join(', ')})` : ' (each value)'}`).join('\n') + '\n'
      : 'No slices are configured (`evaluation.slices`).\n',
  );

  out.push('\n## Metrics\n\n');
  const task = hubTask(d.model.task);
  out.push(
    d.metrics.overall.length
      ? `Overall, on the evaluation data${task ? ` (${e(task.name.toLowerCase())})` : ''}:\n\n` +
          markdownTable(['metric', 'name', 'value'], d.metrics.overall.map((m) => [codeSpan(m.metric), e(m.name), num(m.value)]), ['left', 'left', 'right'])
      : `${UNKNOWN}: there is no evaluation document.\n`,
  );

  out.push('\n## Evaluation data\n\n');
  out.push(d.evaluation_data ? datasetTable([d.evaluation_data]) : `${UNKNOWN}: no evaluation data is configured or recorded.\n`);

  out.push('\n## Training data\n\n');
  out.push(d.training_data.length ? datasetTable(d.training_data) : `${UNKNOWN}: no run record or lineage names the datasets the model was trained on.\n`);

  out.push('\n## Quantitative analyses\n\n### Per slice\n\n');
  out.push(d.metrics.slices.length ? sliceTable(d) : 'No slice results.\n');
  out.push('\n### Gates\n\n');
  out.push(d.gates ? gateTable(d) : `${UNKNOWN}: there is no verdict.\n`);

  out.push('\n## Ethical considerations\n\n');
  out.push(list(d.text.ethical_considerations, 'None stated (`report.model_card.ethical_considerations`).'));

  out.push('\n## Caveats and recommendations\n\n');
  out.push(list(d.caveats.map((c) => c.text), 'None stated (`report.model_card.limitations`).'));

  if (d.unknown.length) {
    out.push('\n## Not known\n\n');
    out.push(list(d.unknown, ''));
  }
  return out.join('');
}
