/**
 * Where the promotion policy (`environments:` and `gates:` of the pipeline file) is read from:
 * the pipeline file as committed on the repository's DEFAULT BRANCH, never the work tree.
 *
 * Why the default branch and not the version's commit: a version's commit can come from any
 * branch, and whoever writes that branch would then write the policy that judges it (an edit of
 * `min_soak` or `allowed` on a feature branch would let its own model through). The default
 * branch is where a team reviews and protects changes (branch protection, CODEOWNERS), so the
 * policy that gates production is the one everybody agreed on. The work tree is never used:
 * anyone can edit it in place, and an uncommitted edit is no decision of the team.
 *
 * The default branch, first match wins: `refs/remotes/<remote>/HEAD` (what the remote says,
 * `origin` when no remote is given), the local `init.defaultBranch`, `main`, `master`. A
 * repository with none of them (e.g. a CI checkout of a single tag) uses the commit at HEAD
 * (still committed, never the work tree), and says so.
 */
import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { gitRaw } from '../../core/git.js';
import { loadPipelineText } from '../../pipeline-schema/load.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';

export interface PolicySource {
  /** The pipeline as committed on the default branch. */
  loaded: LoadedPipeline;
  /** e.g. `refs/remotes/origin/main`, `refs/heads/main` or `HEAD`. */
  ref: string;
  commit: string;
  /** Repository-relative path of the pipeline file. */
  path: string;
  /** What to tell the user (work tree edits ignored, fallback to HEAD). */
  notes: string[];
}

async function resolveRef(root: string, ref: string): Promise<string | undefined> {
  const r = await gitRaw(['rev-parse', '--verify', '-q', `${ref}^{commit}`], { cwd: root, okCodes: [1, 128] });
  return r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
}

export async function defaultBranch(root: string, remote = 'origin'): Promise<{ ref: string; commit: string } | undefined> {
  const candidates: string[] = [];
  const sym = await gitRaw(['symbolic-ref', '-q', `refs/remotes/${remote}/HEAD`], { cwd: root, okCodes: [1, 128] });
  if (sym.code === 0) candidates.push(sym.stdout.toString('utf8').trim());
  const conf = await gitRaw(['config', '--get', 'init.defaultBranch'], { cwd: root, okCodes: [1] });
  const configured = conf.stdout.toString('utf8').trim();
  if (configured) candidates.push(`refs/heads/${configured}`);
  candidates.push('refs/heads/main', 'refs/heads/master');
  for (const ref of candidates) {
    const commit = await resolveRef(root, ref);
    if (commit) return { ref, commit };
  }
  return undefined;
}

/** The committed pipeline that carries the policy; `worktree` is the pipeline the user pointed at. */
export async function committedPolicy(root: string, worktree: LoadedPipeline, remote?: string): Promise<PolicySource> {
  const path = relative(root, worktree.file).split(sep).join('/');
  const notes: string[] = [];
  let branch = await defaultBranch(root, remote ?? 'origin');
  if (!branch) {
    const head = await resolveRef(root, 'HEAD');
    if (!head) throw new ConfigError([{ location: { file: worktree.displayFile ?? worktree.file }, message: 'the repository has no commit, so there is no committed promotion policy', fix: 'commit mlpipeline.yaml first' }]);
    branch = { ref: 'HEAD', commit: head };
    notes.push('no default branch (main, master, origin/HEAD) here: the policy is read from the commit at HEAD');
  }
  const shown = `${branch.ref.replace(/^refs\/(heads|remotes)\//, '')}:${path}`;
  const r = await gitRaw(['cat-file', 'blob', `${branch.commit}:${path}`], { cwd: root, okCodes: [128] });
  if (r.code !== 0) {
    throw new ConfigError([
      {
        location: { file: worktree.displayFile ?? worktree.file },
        message: `${path} is not committed on the default branch (${shown} does not exist); the promotion policy is read from committed config only`,
        fix: `commit ${path} and merge it into ${branch.ref.replace(/^refs\/(heads|remotes)\//, '')}`,
      },
    ]);
  }
  const text = r.stdout.toString('utf8');
  const loaded = loadPipelineText(text, worktree.file, { cwd: worktree.dir, repoRoot: root });
  const worktreeText = await readFile(worktree.file, 'utf8').catch(() => undefined);
  if (worktreeText !== undefined && worktreeText !== text) {
    notes.push(`policy read from ${shown} (committed on the default branch); ${path} in the work tree differs and is ignored for the policy`);
  }
  return { loaded: { ...loaded, displayFile: shown }, ref: branch.ref, commit: branch.commit, path, notes };
}
