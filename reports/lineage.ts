/**
 * The lineage of a model version as a Markdown report an auditor can file. Every value that
 * came from users (model, environment and metric names, paths, actors, gate reasons) goes
 * through escapeMarkdown/codeSpan: no HTML, no links, no @mentions we did not make.
 */
import { formatNumber } from '../core/numbers.js';
import type { LineageReport } from '../runners/registry/lineage.js';
import type { FileDigest } from '../runners/registry/lineage-record.js';
import { codeSpan, escapeMarkdown, markdownTable } from './markdown.js';

const e = escapeMarkdown;

function who(actor: { login: string | null; name: string; email: string } | null, tagger: { name: string; email: string }): string {
  if (actor) return actor.login ? `${e(actor.login)} (${e(actor.name)})` : e(actor.name);
  return e(tagger.name);
}

function fmt(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return formatNumber(v, 6);
  if (typeof v === 'object') return codeSpan(JSON.stringify(v));
  return e(v);
}

export function renderLineageMarkdown(r: LineageReport): string {
  const out: string[] = [];
  out.push(`# Lineage of ${e(r.model)} ${e(r.version)}\n`);
  const facts: string[][] = [
    ['Model', e(r.model)],
    ['Version', e(r.version)],
    ['Deployed in', r.deployed_in.length ? r.deployed_in.map(e).join(', ') : 'none'],
    ['Commit', codeSpan(r.commit)],
    // The record is schema-validated (pr is an integer), and escaped all the same: it was read back from a tag.
    ['Pull request', r.registration?.pr ? `\\#${e(String(r.registration.pr))}` : 'unknown'],
    ['Registered', r.registration ? `${e(r.registration.time)} by ${who(r.registration.actor, r.registration.tagger)} (tag ${codeSpan(r.registration.tag)})` : '–'],
  ];
  if (r.environment && r.holding) {
    facts.push([`In ${e(r.environment)} since`, `${e(r.holding.since)} (tag ${codeSpan(r.holding.tag)})`]);
    facts.push(['Replaced', r.holding.replaced ? e(r.holding.replaced) : 'nothing']);
  }
  if (r.deprecated) facts.push(['Deprecated', `${e(r.deprecated.time)} (tag ${codeSpan(r.deprecated.tag)})${r.deprecated.reason ? `: ${e(r.deprecated.reason)}` : ''}`]);
  if (r.registration?.ci) facts.push(['CI run', `${e(r.registration.ci.repository ?? '')} run ${e(r.registration.ci.run_id ?? '')}`]);
  out.push(markdownTable(['', ''], facts.map(([k, v]) => [`**${k}**`, v!])));
  for (const i of r.invalid_records ?? []) out.push(`\n> **Unverified record:** tag ${codeSpan(i.tag)} carries a lineage record that is not valid, so its content is not shown: ${e(i.problem)}\n`);
  if (r.record_missing && !(r.invalid_records ?? []).length) out.push('\n> The registration tag carries no mlpipeline lineage record (made by another tool or by hand).\n');

  const row = (label: string, d: FileDigest) => [
    label,
    codeSpan(d.kind === 'directory' ? `${d.path}/` : d.path) + (d.kind === 'directory' ? ` (${d.files ?? 0} files)` : ''),
    codeSpan(d.sha256),
    e(d.source),
  ];
  const headers = ['', 'path', 'sha256', 'read from'];
  out.push('\n## Model\n');
  out.push(r.model_file ? markdownTable(headers, [row('model', r.model_file)]) : 'No model digest recorded.\n');
  out.push('\n## Trained on (data)\n');
  out.push(r.data.length ? markdownTable(['dataset', ...headers.slice(1)], r.data.map((d) => row(d.dataset ? e(d.dataset) : '–', d))) : 'No dataset digests recorded.\n');
  out.push('\n## Code and other dependencies\n');
  out.push(r.dependencies.length ? markdownTable(headers, r.dependencies.map((d) => row('dependency', d))) : 'None recorded.\n');

  out.push('\n## Training run\n');
  if (r.run) {
    out.push(`Pipeline ${e(r.run.pipeline)}, finished ${e(r.run.finished_at)}, ${r.run.ok ? 'succeeded' : 'failed'}.\n\n`);
    out.push(markdownTable(['stage', 'status', 'fingerprint'], r.run.stages.map((s) => [e(s.name), e(s.status), codeSpan(s.fingerprint)])));
    const params = Object.entries(r.run.params);
    if (params.length) out.push('\n**Params**\n\n' + markdownTable(['param', 'value'], params.map(([k, v]) => [codeSpan(k), fmt(v)])));
    const metrics = Object.entries(r.run.metrics).flatMap(([file, m]) => Object.entries(m).map(([k, v]) => [codeSpan(file), codeSpan(k), fmt(v)]));
    if (metrics.length) out.push('\n**Metrics**\n\n' + markdownTable(['file', 'metric', 'value'], metrics, ['left', 'left', 'right']));
  } else {
    out.push('No run record was recorded.\n');
  }

  out.push('\n## Gates\n');
  if (r.verdict) {
    out.push(`Verdict: **${r.verdict.passed ? 'passed' : 'failed'}**\n\n`);
    if (r.verdict.gates.length) {
      out.push(
        markdownTable(
          ['metric', 'slice', 'kind', 'threshold', 'value', 'baseline', 'status', 'reason'],
          r.verdict.gates.map((g) => [codeSpan(g.metric), fmt(g.slice), fmt(g.kind), fmt(g.threshold), fmt(g.value), fmt(g.baseline), e(g.status), fmt(g.reason)]),
        ),
      );
    }
  } else {
    out.push('No gate verdict was recorded.\n');
  }

  out.push('\n## Promotions\n');
  if (r.promotions.length) {
    out.push(
      markdownTable(
        ['#', 'environment', 'action', 'when', 'by', 'replaced', 'policy'],
        r.promotions.map((p) => [
          p.counter === null ? '–' : String(p.counter),
          e(p.environment),
          p.rollback_of ? `rollback from ${e(p.rollback_of)}` : e(p.action),
          e(p.time),
          who(p.actor, p.tagger),
          p.replaces ? e(p.replaces.version) : '–',
          p.policy.length ? p.policy.map((c) => `${c.ok ? 'ok' : 'refused'} ${e(c.rule)}`).join(', ') : '–',
        ]),
      ),
    );
  } else {
    out.push('Never promoted.\n');
  }
  return out.join('');
}
