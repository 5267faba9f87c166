/**
 * Commit one file onto a branch with git plumbing, leaving the user's work tree and index alone:
 * the new tree is built in a temporary index from the branch tip (`read-tree`, `update-index
 * --cacheinfo`, `write-tree`), the commit with `commit-tree`, and the branch moves with a
 * compare-and-swap `update-ref` (a concurrent commit on the branch makes it fail, not vanish).
 * Only the manifest changes in the commit, whatever else is staged or edited.
 *
 * When the branch is the one checked out here, the work tree and index follow for that one file
 * (an uncommitted edit of it refuses the bump instead of being overwritten); the file is written
 * atomically before the ref moves and put back when the ref cannot move, so a failed commit
 * leaves the work tree as it was. A branch checked out in another worktree is refused: moving
 * it would leave that worktree's files out of step with its HEAD.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../core/atomic-write.js';
import { GitError, UsageError } from '../../../core/errors.js';
import { gitRaw } from '../../../core/git.js';

const ZERO = '0'.repeat(40);

async function out(root: string, args: string[], extra: { env?: NodeJS.ProcessEnv; input?: string | Buffer } = {}): Promise<string> {
  return (await gitRaw(args, { cwd: root, ...extra })).stdout.toString('utf8').trim();
}

export async function resolveCommit(root: string, ref: string): Promise<string | undefined> {
  const r = await gitRaw(['rev-parse', '--verify', '-q', `${ref}^{commit}`], { cwd: root, okCodes: [1, 128] });
  return r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
}

/** The file at `commit:path` when it is a regular file; undefined when absent. Symlinks and submodules are refused. */
export async function readCommittedFile(root: string, commit: string, path: string): Promise<{ mode: string; blob: string; bytes: Buffer } | undefined> {
  const ls = await out(root, ['ls-tree', '-z', '--full-tree', commit, '--', path]);
  const entry = ls.split('\0').find((l) => l.endsWith(`\t${path}`));
  if (!entry) return undefined;
  const [meta] = entry.split('\t');
  const [mode, type, blob] = (meta ?? '').split(' ');
  if (type !== 'blob' || !blob || (mode !== '100644' && mode !== '100755')) {
    throw new UsageError(`${path} is ${mode === '120000' ? 'a symbolic link' : `not a regular file (mode ${mode ?? '?'})`} at ${commit.slice(0, 12)}; the deploy manifest must be a plain file`, {
      fix: 'commit the manifest itself at that path (a link could point the bump at a file outside what reviewers see)',
    });
  }
  const bytes = (await gitRaw(['cat-file', 'blob', blob], { cwd: root })).stdout;
  return { mode, blob, bytes };
}

/** A commit of `parent`'s tree with `path` set to `content`; nothing but objects is written. */
export async function commitFile(root: string, parent: string, path: string, mode: string, content: Buffer, message: string, gitEnv: NodeJS.ProcessEnv): Promise<string> {
  const tmp = await mkdtemp(join(tmpdir(), 'mlpipeline-deploy-'));
  try {
    const env = { ...gitEnv, GIT_INDEX_FILE: join(tmp, 'index') };
    await gitRaw(['read-tree', parent], { cwd: root, env });
    const blob = await out(root, ['hash-object', '-w', '--stdin'], { input: content });
    await gitRaw(['update-index', '--add', '--cacheinfo', `${mode},${blob},${path}`], { cwd: root, env });
    const tree = await out(root, ['write-tree'], { env });
    return await out(root, ['commit-tree', tree, '-p', parent, '-F', '-'], { env: gitEnv, input: message });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Worktrees that have `ref` checked out: their top folders. */
async function checkedOutIn(root: string, ref: string): Promise<string[]> {
  const text = await out(root, ['worktree', 'list', '--porcelain']);
  const dirs: string[] = [];
  for (const block of text.split('\n\n')) {
    const lines = block.split('\n');
    const dir = lines.find((l) => l.startsWith('worktree '))?.slice(9);
    if (dir && lines.includes(`branch ${ref}`)) dirs.push(dir);
  }
  return dirs;
}

export interface MoveRequest {
  root: string;
  /** Full ref, `refs/heads/...`. */
  ref: string;
  commit: string;
  /** What the ref must hold now (null: must not exist). */
  old: string | null;
  /** Repository-relative path of the one file that changed, and its new bytes (work tree sync). */
  path: string;
  content: Buffer;
  reflog: string;
}

/**
 * Move `ref` from `old` to `commit` atomically. When `ref` is checked out in this worktree, the
 * file and its index entry follow; an uncommitted change of that file refuses first.
 */
/**
 * Whether `ref` can move from here, and whether this worktree has it checked out (then `path`
 * must have no uncommitted change). Checked before a promotion writes its tag, and again when
 * the ref moves.
 */
export async function assertCanMove(root: string, ref: string, path: string): Promise<{ here: string; onIt: boolean }> {
  const here = await out(root, ['rev-parse', '--show-toplevel']);
  const head = await gitRaw(['symbolic-ref', '-q', 'HEAD'], { cwd: root, okCodes: [1] });
  const onIt = head.code === 0 && head.stdout.toString('utf8').trim() === ref;
  const elsewhere = (await checkedOutIn(root, ref)).filter((d) => d !== here);
  if (!onIt && elsewhere.length > 0) {
    throw new UsageError(`${ref.replace('refs/heads/', '')} is checked out in another worktree (${elsewhere.join(', ')}); moving it from here would leave that worktree out of step`, {
      fix: `run the promotion from ${elsewhere[0]!}, or switch that worktree to another branch`,
    });
  }
  if (onIt) {
    const dirty = await gitRaw(['diff', '--quiet', 'HEAD', '--', path], { cwd: root, okCodes: [1] });
    const staged = await gitRaw(['diff', '--cached', '--quiet', '--', path], { cwd: root, okCodes: [1] });
    if (dirty.code !== 0 || staged.code !== 0) {
      throw new UsageError(`${path} has uncommitted changes on ${ref.replace('refs/heads/', '')}, the branch the bump commits to`, {
        fix: `commit or discard them first (git diff -- ${path}); the bump never overwrites your edits`,
      });
    }
  }
  return { here, onIt };
}

export async function moveBranch(req: MoveRequest): Promise<void> {
  const { root, ref } = req;
  const { here, onIt } = await assertCanMove(root, ref, req.path);
  const update = ['update-ref', '-m', req.reflog, ref, req.commit, req.old ?? ZERO];
  if (!onIt) {
    await casUpdate(root, update, ref);
    return;
  }
  const file = join(here, req.path);
  const before = await readFile(file).catch(() => undefined);
  await writeFileAtomic(file, req.content, { what: 'the deploy manifest' });
  try {
    await casUpdate(root, update, ref);
  } catch (e) {
    if (before !== undefined) await writeFileAtomic(file, before, { what: 'the deploy manifest' });
    throw e;
  }
  // The index entry follows HEAD for this one path; anything else staged stays staged.
  await gitRaw(['reset', '-q', 'HEAD', '--', req.path], { cwd: root });
}

async function casUpdate(root: string, args: string[], ref: string): Promise<void> {
  const r = await gitRaw(args, { cwd: root, okCodes: [128] });
  if (r.code !== 0) {
    throw new GitError(`${ref.replace('refs/heads/', '')} could not be moved to the deploy commit, so nothing was changed (git: ${r.stderr.trim().split('\n')[0] ?? ''})`, {
      fix: 'when another commit landed on the branch meanwhile (or a git process held its lock), run mlpipeline deploy again: it bumps the manifest on the new tip, or says unchanged',
    });
  }
}
