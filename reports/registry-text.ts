/**
 * Terminal text for the registry: the writers' result (register, promote, rollback, deprecate),
 * the listing of every model, one model's history and a verification.
 */
import type { RegistryActionDocument } from '../runners/registry/action-result.js';
import type { RegistryHistory, RegistryListing } from '../runners/registry/listing.js';
import type { VerifyReport } from '../runners/registry/verify.js';
import { renderWarnings } from './warnings.js';

/** Notes as the CLI prints them on stderr. */
export function renderNotes(notes: readonly string[]): string {
  return notes.map((n) => `mlpipeline: note: ${n}\n`).join('');
}

/** The policy checks, then what was (or in a dry run would be) done with the tag. */
export function renderRegistryActionText(doc: RegistryActionDocument): string {
  const lines = doc.checks.map((c) => `  ${c.ok ? 'ok     ' : 'REFUSED'} ${c.rule}: ${c.detail}\n`);
  const target = `${doc.tag} -> ${doc.commit.slice(0, 12)}`;
  if (doc.dry_run) {
    lines.push(doc.refused ? `dry run: would be refused by policy '${doc.refused.rule}'\n` : `dry run: would create tag ${target}\n  ${doc.subject}\n`);
  } else {
    lines.push(`created tag ${target}${doc.pushed ? ` and pushed it to ${doc.remote}` : ''}\n  ${doc.subject}\n`);
    if (doc.attempts > 1) lines.push(`  (after ${doc.attempts - 1} lost race${doc.attempts > 2 ? 's' : ''} with other writers)\n`);
  }
  return lines.join('');
}

/** One row per model: its latest version and the version each environment holds. */
export function renderRegistryText(listing: RegistryListing): string {
  const { models } = listing;
  if (models.length === 0) return 'no registered models (register one with: mlpipeline register NAME)\n';
  const envs = [...new Set(models.flatMap((m) => Object.keys(m.environments)))].sort();
  const rows = [
    ['MODEL', 'LATEST', ...envs.map((e) => e.toUpperCase())],
    ...models.map((m) => [m.name + (m.deprecated ? ' (deprecated)' : ''), m.latest ?? '-', ...envs.map((e) => m.environments[e]?.version ?? '-')]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd() + '\n').join('');
}

/** The tags the listing did not count, as warnings (stderr). */
export function renderSkippedTags(listing: RegistryListing): string {
  return renderWarnings(listing.skipped.map((s) => `ignored tag ${s.tag}: ${s.reason}`));
}

export function renderHistoryText(history: RegistryHistory): string {
  return history.events
    .map((e) => {
      const what = e.environment
        ? `${e.action} ${e.version ?? e.commit.slice(0, 12)} ${e.action === 'assign' ? '->' : 'from'} ${e.environment}`
        : `${e.action}${e.version ? ' ' + e.version : ''}`;
      return `${e.time}  ${e.tag.padEnd(28)}  ${what}  by ${e.tagger.name}\n`;
    })
    .join('');
}

/** Every file with its verdict (and both hashes when they differ); a last line when all match. */
export function renderVerifyText(report: VerifyReport): string {
  const lines: string[] = [];
  for (const f of report.files) {
    const where = f.source === 'workspace' ? ' (not committed: compared the work tree file)' : f.source === 'missing' ? ' (missing at the commit and in the work tree)' : '';
    lines.push(`${f.ok ? 'ok      ' : 'MISMATCH'} ${f.role.padEnd(10)} ${f.path}${where}\n`);
    if (!f.ok) lines.push(`         recorded sha256 ${f.recorded_sha256}\n         actual   sha256 ${f.actual_sha256 ?? '(none)'}\n`);
  }
  if (report.ok) lines.push(`verified ${report.model} ${report.version}: ${report.files.length} files match the recorded lineage at ${report.commit.slice(0, 12)}\n`);
  return lines.join('');
}
