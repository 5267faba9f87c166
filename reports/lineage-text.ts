/** The lineage of a model version as terminal text (`mlpipeline lineage`); the Markdown form is lineage.ts. */
import type { LineageReport } from '../runners/registry/lineage.js';
import type { FileDigest } from '../runners/registry/lineage-record.js';

/** Tags whose record was not used (stderr), one warning each. */
export function renderInvalidRecords(r: Pick<LineageReport, 'invalid_records'>): string {
  return r.invalid_records.map((i) => `mlpipeline: warning: ${i.tag} is an unverified/foreign record, not used: ${i.problem}\n`).join('');
}

export function renderLineageText(r: LineageReport): string {
  const lines: string[] = [];
  lines.push(`${r.model} ${r.version}${r.deprecated ? ' (DEPRECATED)' : ''}`);
  if (r.environment && r.holding) lines.push(`  in ${r.environment} since ${r.holding.since} (${r.holding.tag}), replacing ${r.holding.replaced ?? 'nothing'}`);
  lines.push(`  deployed in: ${r.deployed_in.join(', ') || 'none'}`);
  lines.push(`  commit:      ${r.commit}`);
  lines.push(`  PR:          ${r.registration?.pr ? '#' + r.registration.pr : 'unknown'}`);
  if (r.registration) lines.push(`  registered:  ${r.registration.time} by ${r.registration.actor?.login ?? r.registration.tagger.name} (${r.registration.tag})`);
  const digest = (d: FileDigest) => `${d.path}${d.kind === 'directory' ? `/ (${d.files} files)` : ''} sha256:${d.sha256}`;
  if (r.model_file) lines.push(`  model:       ${digest(r.model_file)}`);
  if (r.data.length === 0) lines.push('  data:        none recorded');
  for (const d of r.data) lines.push(`  data:        ${d.dataset ? `${d.dataset}: ` : ''}${digest(d)}`);
  for (const d of r.dependencies) lines.push(`  depends on:  ${digest(d)}`);
  if (r.run) {
    for (const s of r.run.stages) lines.push(`  stage:       ${s.name} ${s.status} ${s.fingerprint}`);
    for (const [k, v] of Object.entries(r.run.params)) lines.push(`  param:       ${k} = ${JSON.stringify(v)}`);
    for (const [file, m] of Object.entries(r.run.metrics)) for (const [k, v] of Object.entries(m)) lines.push(`  metric:      ${file} ${k} = ${v}`);
  } else lines.push('  run:         not recorded');
  if (r.verdict) {
    lines.push(`  gates:       ${r.verdict.passed ? 'passed' : 'FAILED'}`);
    for (const g of r.verdict.gates) lines.push(`    ${g.status.padEnd(7)} ${g.metric}${g.reason ? ` (${g.reason})` : ''}`);
  } else lines.push('  gates:       no verdict recorded');
  for (const p of r.promotions) {
    const what = p.rollback_of ? `rollback to it in ${p.environment} (from ${p.rollback_of})` : `${p.action} ${p.environment}`;
    lines.push(`  #${p.counter ?? '-'} ${p.time} ${what} by ${p.actor?.login ?? p.tagger.name}${p.replaces ? `, replacing ${p.replaces.version}` : ''}`);
  }
  if (r.deprecated) lines.push(`  deprecated:  ${r.deprecated.time} (${r.deprecated.tag})${r.deprecated.reason ? ': ' + r.deprecated.reason : ''}`);
  return lines.join('\n') + '\n';
}
