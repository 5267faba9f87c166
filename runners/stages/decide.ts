/**
 * For one stage: compute its current inputs and fingerprint, and decide whether it is up to date
 * (skip), can be restored from the run cache (restore), or must run — and say why, in the words
 * `status` and `--dry-run` print (`params changed: train.lr (0.1 → 0.2)`).
 */
import { lstat } from 'node:fs/promises';
import type { StageInstance, StagePath } from './expand.js';
import { fingerprint, showValue, type StageInputs } from './fingerprint.js';
import type { HashCache } from './hash-cache.js';
import type { LockStage } from './lock-file.js';
import type { ObjectStore, RunCacheEntry } from './object-store.js';
import { overlaps } from './paths.js';
import { own } from '../../core/own.js';

export type Action = 'skip' | 'restore' | 'run';

/** What a simulated upstream stage will leave at an out path: a known hash, or unknown until it runs. */
export interface PendingOut {
  abs: string;
  hash: string | undefined;
}

export interface Decision {
  action: Action;
  reasons: string[];
  /** Undefined when an upstream stage must run first, so the inputs are not known yet. */
  fingerprint?: string;
  inputs: StageInputs;
  /** Deps that do not exist. */
  missingDeps: string[];
  runEntry?: RunCacheEntry;
}

export interface DecideContext {
  hashes: HashCache;
  store: ObjectStore;
  lock: Record<string, LockStage>;
  force: boolean;
  /** Only when simulating (status, --dry-run): outs upstream stages are expected to change. */
  pending?: PendingOut[];
}

export function commandText(s: StageInstance): string {
  return s.cmds.join(' && ');
}

async function depHash(dep: StagePath, ctx: DecideContext): Promise<{ hash?: string; pending?: boolean }> {
  const p = ctx.pending?.find((o) => overlaps(dep.abs, o.abs));
  if (p) return p.abs === dep.abs && p.hash ? { hash: p.hash } : { pending: true };
  const h = await ctx.hashes.hashPath(dep.abs);
  return h ? { hash: h.hash } : {};
}

export async function decide(stage: StageInstance, params: Record<string, unknown>, ctx: DecideContext): Promise<Decision> {
  const deps: Record<string, string> = {};
  const missingDeps: string[] = [];
  let upstreamPending = false;
  for (const dep of stage.deps) {
    const r = await depHash(dep, ctx);
    if (r.pending) upstreamPending = true;
    else if (r.hash) deps[dep.rel] = r.hash;
    else missingDeps.push(dep.rel);
  }
  const inputs: StageInputs = {
    cmds: stage.cmds,
    wdir: stage.wdir.rel,
    env: stage.env,
    deps,
    params,
    outs: stage.outs.map((o) => o.rel),
  };
  const entry = ctx.lock[stage.name];
  if (upstreamPending) {
    const own = inputReasons(stage, inputs, entry, { skipDeps: true });
    return { action: 'run', reasons: [...own.filter((r) => r !== 'never run'), 'upstream stale'], inputs, missingDeps };
  }
  const fp = fingerprint(inputs);
  if (ctx.force) return { action: 'run', reasons: ['forced'], fingerprint: fp, inputs, missingDeps };

  let reasons: string[];
  if (entry && entry.fingerprint === fp) {
    const outReasons = await outsReasons(stage, entry, ctx.hashes);
    if (outReasons.length === 0) return { action: 'skip', reasons: [], fingerprint: fp, inputs, missingDeps };
    reasons = outReasons;
  } else {
    reasons = inputReasons(stage, inputs, entry, { skipDeps: false });
    if (reasons.length === 0) reasons = ['fingerprint changed'];
  }
  if (missingDeps.length > 0) reasons.unshift(`deps missing: ${missingDeps.join(', ')}`);
  const runEntry = missingDeps.length === 0 ? await ctx.store.readRun(fp) : undefined;
  if (runEntry && sameKeys(runEntry.outs, inputs.outs) && (await ctx.store.has(runEntry.outs))) {
    // "never run" would read oddly next to "restoring": the lock has no entry, the cache has the run.
    const why = reasons.map((r) => (r === 'never run' ? 'not in the lock file; the cache holds an identical run' : r));
    return { action: 'restore', reasons: why, fingerprint: fp, inputs, missingDeps, runEntry };
  }
  return { action: 'run', reasons, fingerprint: fp, inputs, missingDeps };
}

function sameKeys(map: Record<string, string>, keys: string[]): boolean {
  const a = Object.keys(map).sort();
  const b = [...keys].sort();
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

/** Why the inputs differ from the last successful run. */
export function inputReasons(stage: StageInstance, cur: StageInputs, entry: LockStage | undefined, opts: { skipDeps: boolean }): string[] {
  if (!entry) return ['never run'];
  const reasons: string[] = [];
  if (entry.cmd !== commandText(stage)) reasons.push('cmd changed');
  if ((entry.wdir ?? '.') !== cur.wdir) reasons.push('wdir changed');
  const envKeys = [...new Set([...Object.keys(entry.env ?? {}), ...Object.keys(cur.env)])].sort();
  const envChanged = envKeys.filter((k) => (entry.env ?? {})[k] !== cur.env[k]);
  if (envChanged.length) reasons.push(`env changed: ${envChanged.join(', ')}`);
  if (!opts.skipDeps) {
    const depKeys = [...new Set([...Object.keys(entry.deps ?? {}), ...stage.deps.map((d) => d.rel)])];
    const changed = depKeys.filter((k) => (entry.deps ?? {})[k] !== cur.deps[k]);
    if (changed.length) reasons.push(`deps changed: ${changed.join(', ')}`);
  }
  const paramKeys = [...new Set([...Object.keys(entry.params ?? {}), ...Object.keys(cur.params)])];
  const pchanged = paramKeys.filter((k) => showValue(own(entry.params, k)) !== showValue(own(cur.params, k)));
  if (pchanged.length) {
    reasons.push(`params changed: ${pchanged.map((k) => `${k} (${showValue(own(entry.params, k))} → ${showValue(own(cur.params, k))})`).join(', ')}`);
  }
  const before = Object.keys(entry.outs ?? {}).sort().join('\n');
  const now = [...cur.outs].sort().join('\n');
  if (before !== now) reasons.push('outs changed');
  return reasons;
}

/**
 * The hash of what is at an out path: undefined when nothing is there, `not-regular` for a
 * symlink, device or the like (never followed: a link to /dev/zero must not be read).
 */
export async function hashOut(abs: string, hashes: HashCache): Promise<string | undefined> {
  let st;
  try {
    st = await lstat(abs);
  } catch {
    return undefined;
  }
  if (!st.isFile() && !st.isDirectory()) return 'not-regular';
  try {
    return (await hashes.hashPath(abs))?.hash;
  } catch {
    // A directory out holding a device or the like: not what any run left.
    return 'not-regular';
  }
}

/** With unchanged inputs: are the outs still what the last run left? */
async function outsReasons(stage: StageInstance, entry: LockStage, hashes: HashCache): Promise<string[]> {
  const missing: string[] = [];
  const modified: string[] = [];
  for (const o of stage.outs) {
    const h = await hashOut(o.abs, hashes);
    if (!h) missing.push(o.rel);
    else if (h !== entry.outs[o.rel]) modified.push(o.rel);
  }
  const reasons: string[] = [];
  if (missing.length) reasons.push(`outs missing: ${missing.join(', ')}`);
  if (modified.length) reasons.push(`outs modified: ${modified.join(', ')}`);
  return reasons;
}
