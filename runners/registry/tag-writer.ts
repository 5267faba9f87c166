/**
 * Create a registry tag, and with a remote, publish it atomically — retrying on a lost race.
 *
 * The stage counter N in `name#stage#N` is per model, so two promotions to *different*
 * environments can compute the same N and still have different tag names; a plain tag push
 * would accept both. Each counted tag is therefore pushed together with a claim ref
 * `refs/mlpipeline/counters/<model>/<N>` in one `git push --atomic`, with
 * `--force-with-lease=<claim>:` (empty = "must not exist yet"). Exactly one pusher can create a
 * claim; the loser's whole push is rejected, it deletes its local tag, fetches the remote's
 * tags, recomputes N (and re-checks the policy against the new state) and tries again after a
 * random, growing delay. After `maxAttempts` it fails with a clear error; nothing half-written remains.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { GitError } from '../../core/errors.js';
import { gitRaw } from '../../core/git.js';
import { buildRegistryState, type RegistryState } from './state.js';
import { readRegistryEvents } from './events.js';
import type { LineageRecord } from './lineage-record.js';

export interface TagPlan {
  tag: string;
  commit: string;
  message: string;
  record: LineageRecord;
  /** For counted tags (assign/unassign): the model and N this tag claims. */
  counter?: { model: string; n: number };
}

export interface WriteOptions {
  cwd: string;
  /** Push to this remote; undefined = local tag only. */
  remote?: string;
  dryRun: boolean;
  gitEnv: NodeJS.ProcessEnv;
  maxAttempts?: number;
}

export interface WriteResult {
  plan: TagPlan;
  attempts: number;
  written: boolean;
  pushed: boolean;
}

export const COUNTER_REF_PREFIX = 'refs/mlpipeline/counters';

export async function writeRegistryTag(opts: WriteOptions, plan: (state: RegistryState) => Promise<TagPlan> | TagPlan): Promise<WriteResult> {
  const maxAttempts = opts.maxAttempts ?? 10;
  for (let attempt = 1; ; attempt++) {
    if (opts.remote) await fetchTags(opts.cwd, opts.remote);
    const state = buildRegistryState((await readRegistryEvents(opts.cwd)).events);
    const p = await plan(state);
    if (opts.dryRun) return { plan: p, attempts: attempt, written: false, pushed: false };

    const created = await gitRaw(['tag', '-a', '--cleanup=verbatim', '-F', '-', p.tag, p.commit], {
      cwd: opts.cwd,
      input: p.message,
      env: opts.gitEnv,
      okCodes: [128],
    });
    let lost = false;
    if (created.code !== 0) {
      // Another writer in this same clone took the name between our read and our write.
      if (!/already exists/.test(created.stderr)) throw new GitError(`git tag failed: ${created.stderr.trim()}`);
      lost = true;
    } else if (opts.remote) {
      const pushed = await pushTag(opts.cwd, opts.remote, p);
      if (!pushed) {
        lost = true;
        await gitRaw(['tag', '-d', p.tag], { cwd: opts.cwd });
      }
    }
    if (!lost) return { plan: p, attempts: attempt, written: true, pushed: Boolean(opts.remote) };
    if (attempt >= maxAttempts) {
      throw new GitError(`could not write ${p.tag}: ${attempt} attempts all lost the race to other registry writers`, {
        fix: 'nothing was written; run the command again (other promotions of this model are in progress)',
      });
    }
    // Exponential back-off with full jitter (capped at 2 s) so racing writers stop colliding in
    // lock-step: a round trip (fetch + push) can take longer than a fixed small delay.
    await sleep(Math.random() * Math.min(2000, 25 * 2 ** attempt));
  }
}

async function fetchTags(cwd: string, remote: string): Promise<void> {
  const r = await gitRaw(['fetch', '--quiet', '--no-write-fetch-head', remote, 'refs/tags/*:refs/tags/*'], { cwd, okCodes: [1, 128] });
  if (r.code !== 0) {
    throw new GitError(`cannot fetch tags from '${remote}': ${r.stderr.trim()}`, {
      fix: `check that remote '${remote}' exists and is reachable (git remote -v), and that no local tag conflicts with the remote's`,
    });
  }
}

/** true = pushed; false = rejected because someone else got there first; throws for other failures. */
async function pushTag(cwd: string, remote: string, p: TagPlan): Promise<boolean> {
  const args = ['push', '--atomic', '--porcelain'];
  const refspecs = [`refs/tags/${p.tag}:refs/tags/${p.tag}`];
  if (p.counter) {
    const claim = `${COUNTER_REF_PREFIX}/${p.counter.model}/${p.counter.n}`;
    args.push(`--force-with-lease=${claim}:`);
    refspecs.push(`refs/tags/${p.tag}:${claim}`);
  }
  const r = await gitRaw([...args, remote, ...refspecs], { cwd, okCodes: [1, 128] });
  if (r.code === 0) return true;
  const text = r.stdout.toString('utf8') + r.stderr;
  if (/\[rejected\]|stale info|already exists|atomic push failed|fetch first|\[remote rejected\]/.test(text)) return false;
  throw new GitError(`cannot push ${p.tag} to '${remote}': ${r.stderr.trim() || text.trim()}`, {
    fix: `check that remote '${remote}' exists and that you may push tags to it`,
  });
}
