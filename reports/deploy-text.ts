/**
 * Terminal text of a GitOps manifest bump (`promote --deploy`, `rollback --deploy`, `deploy`):
 * what was set where, the commit or pull request branch, and the diff of the manifest.
 */
import type { DeployResult } from '../runners/registry/deploy/index.js';

/** The manifest comes from the repository and is printed to a terminal: no escape sequences. */
function printable(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function renderDeployText(r: DeployResult): string {
  const fields = [...new Set(r.edits.map((e) => e.path))].join(', ');
  const head =
    r.status === 'unchanged'
      ? `deploy: unchanged: ${r.manifest} on ${r.pr_branch ?? r.branch} already deploys ${r.model} ${r.version} (${r.uri})\n`
      : r.status === 'dry-run'
        ? `deploy: dry run: would commit ${r.manifest} on ${r.pr_branch ?? r.branch} (${fields})\n`
        : r.pr_branch
          ? `deploy: committed ${r.commit!.slice(0, 12)} on ${r.pr_branch}, for a pull request into ${r.branch}\n`
          : `deploy: committed ${r.commit!.slice(0, 12)} on ${r.branch}\n`;
  const lines = [head];
  if (r.status !== 'unchanged') {
    lines.push(`  ${r.message.split('\n')[0] ?? ''}\n`);
    for (const e of r.edits) if (e.before !== e.after) lines.push(`  ${r.manifest}: ${e.path}: ${String(e.before)} -> ${String(e.after)}\n`);
  }
  if (r.diff) lines.push('\n', printable(r.diff));
  return lines.join('');
}
