/**
 * One `mlpipeline run` per workspace (pipeline folder) at a time: `.mlpipeline/run.lock`.
 *
 * The lock file is created complete (written to a temp file, then hard-linked into place, which
 * fails when it exists), so nobody ever reads half a holder. It names its holder: pid, host,
 * start time, command, and the stage process group while a stage runs.
 *
 * A lock whose holder is gone (same host, pid dead, no stage process left) is taken over. Two
 * newcomers must not both win: the one that creates `run.lock.takeover-<nonce of the dead
 * holder>` exclusively is the only one allowed to remove that holder's lock; it then races
 * like everyone else for the free lock.
 */
import { randomBytes } from 'node:crypto';
import { readFile, link, mkdir, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { WorkspaceBusyError } from '../../core/errors.js';
import { processAlive, processGroupAlive, processStartId } from '../../core/process-alive.js';

export interface LockHolder {
  pid: number;
  host: string;
  started_at: string;
  command: string;
  /** Unique per acquisition, so a lock is never mistaken for another one with the same pid. */
  nonce: string;
  /** The holder process's start time (Linux), so a reused pid is not taken for the holder. */
  proc_start?: string;
  /** The stage running now, with its process group (stage commands run in their own group). */
  stage?: { name: string; pgid: number };
}

export interface WorkspaceLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Record (or clear) the stage process group, so a takeover never races a stage left running. */
  setStage(stage: { name: string; pgid: number } | undefined): Promise<void>;
  release(): Promise<void>;
}

export interface AcquireOptions {
  command: string;
  /** How the lock file is named in messages (relative to where the user is). */
  display: string;
  /** Wait for the holder instead of refusing. */
  wait?: boolean;
  /** Called once when waiting starts. */
  onWait?: (holder: LockHolder) => void;
  /** Poll interval while waiting, ms. */
  pollMs?: number;
  /** Checked while waiting: once true, stop waiting and throw LockWaitCancelled. */
  cancelled?: () => boolean;
}

/** Waiting for the workspace was given up (Ctrl-C); nothing ran. */
export class LockWaitCancelled extends Error {
  constructor() {
    super('waiting for the workspace lock was cancelled');
  }
}

async function readHolder(path: string): Promise<LockHolder | 'absent' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw e;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    if (h && typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.nonce === 'string') return h;
  } catch {
    /* fall through */
  }
  return 'unreadable';
}

/** Create `path` with `text` only if it does not exist; never visible half-written. */
async function createExclusive(path: string, text: string): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, text, { flag: 'wx' });
  try {
    await link(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
    // No hard links on this filesystem: an exclusive create (readers retry an empty file).
    try {
      await writeFile(path, text, { flag: 'wx' });
      return true;
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e2;
    }
  } finally {
    await rm(tmp, { force: true });
  }
}

export function describeHolder(h: LockHolder): string {
  const stage = h.stage ? `, stage '${h.stage.name}' (process group ${h.stage.pgid})` : '';
  return `pid ${h.pid} on ${h.host}, started ${h.started_at}, \`${h.command}\`${stage}`;
}

type Liveness = { gone: true } | { gone: false; why: string };

function liveness(h: LockHolder): Liveness {
  if (h.host !== hostname()) return { gone: false, why: 'on another host' };
  // A live process with the holder's pid but another start time is not the holder: the pid was reused.
  const reused = h.proc_start !== undefined && processStartId(h.pid) !== h.proc_start;
  if (processAlive(h.pid) && !reused) return { gone: false, why: 'running' };
  if (h.stage && processGroupAlive(h.stage.pgid)) return { gone: false, why: 'its stage is still running' };
  return { gone: true };
}

function busy(h: LockHolder, display: string, why: string): WorkspaceBusyError {
  if (why === 'its stage is still running') {
    return new WorkspaceBusyError(`the workspace is locked by a run that died (${describeHolder(h)}) but its stage '${h.stage!.name}' is still running`, {
      location: { file: display },
      fix: `wait for it to end, or stop it with \`kill -- -${h.stage!.pgid}\`; then run again (the lock is taken over)`,
    });
  }
  return new WorkspaceBusyError(`another mlpipeline run holds this workspace (${describeHolder(h)})`, {
    location: { file: display },
    fix:
      why === 'on another host'
        ? `wait for it to finish, or pass --wait; if that run is gone, delete ${display}`
        : `wait for it to finish, or pass --wait to start when it does`,
  });
}

export async function acquireWorkspaceLock(path: string, opts: AcquireOptions): Promise<WorkspaceLock> {
  await mkdir(dirname(path), { recursive: true });
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    started_at: new Date().toISOString(),
    command: opts.command,
    nonce: randomBytes(12).toString('hex'),
  };
  const start = processStartId(process.pid);
  if (start) holder.proc_start = start;
  const text = (h: LockHolder): string => JSON.stringify(h, null, 2) + '\n';
  const pollMs = opts.pollMs ?? 100;
  let waited = false;
  let unreadable = 0;
  for (;;) {
    if (await createExclusive(path, text(holder))) break;
    const other = await readHolder(path);
    if (other === 'absent') continue; // released meanwhile
    if (other === 'unreadable') {
      // Only the fallback without hard links can show a file being written; give it a moment.
      if (++unreadable < 20) {
        await sleep(pollMs);
        continue;
      }
      throw new WorkspaceBusyError(`the workspace lock ${opts.display} is not an mlpipeline lock file`, {
        location: { file: opts.display },
        fix: `if no mlpipeline run is in progress here, delete ${opts.display}`,
      });
    }
    unreadable = 0;
    const live = liveness(other);
    if (live.gone) {
      if (await takeOver(path, other, opts.display)) continue;
    } else if (!opts.wait) {
      throw busy(other, opts.display, live.why);
    } else if (!waited) {
      waited = true;
      opts.onWait?.(other);
    }
    if (opts.cancelled?.()) throw new LockWaitCancelled();
    await sleep(pollMs);
  }

  let current = holder;
  return {
    path,
    get holder() {
      return current;
    },
    async setStage(stage) {
      const next: LockHolder = { ...current };
      if (stage) next.stage = stage;
      else delete next.stage;
      current = next;
      await writeFileAtomic(path, text(next));
    },
    async release() {
      const h = await readHolder(path).catch(() => 'absent' as const);
      if (typeof h === 'object' && h.nonce === holder.nonce) await rm(path, { force: true });
    },
  };
}

/**
 * Remove the lock of a dead holder, if we are the one newcomer allowed to. Returns true when the
 * lock may be free now (the caller retries), false when someone else is taking over.
 */
async function takeOver(path: string, dead: LockHolder, display: string): Promise<boolean> {
  const marker = `${path}.takeover-${dead.nonce}`;
  const me = JSON.stringify({ pid: process.pid, host: hostname() });
  if (!(await createExclusive(marker, me))) {
    const owner = await readFile(marker, 'utf8').then((t) => JSON.parse(t) as { pid: number; host: string }).catch(() => undefined);
    if (owner && owner.host === hostname() && !processAlive(owner.pid)) {
      // Two faults in a row: the run that was taking over the dead one's lock died too.
      throw new WorkspaceBusyError(`the workspace lock ${display} belongs to a dead run (${describeHolder(dead)}) and the run that was taking it over died too`, {
        location: { file: display },
        fix: `make sure no mlpipeline run is in progress here, then delete ${display} and ${marker}`,
      });
    }
    return false;
  }
  try {
    const still = await readHolder(path);
    // Only the marker's owner removes this holder's lock, so it is still that holder's or gone.
    if (typeof still === 'object' && still.nonce === dead.nonce) await rm(path, { force: true });
  } finally {
    await rm(marker, { force: true });
  }
  return true;
}
