/**
 * `mlpipeline run`: run the selected stages in dependency order. Up-to-date stages are skipped,
 * stages whose fingerprint was seen before are restored from the cache, the rest run as
 * subprocesses. A failing stage stops its downstream.
 *
 * What a record says must have happened: the run holds the workspace lock from start to end;
 * the run record says `running` until the run ends, so a killed run never leaves an older
 * record that looks like its own; each stage's lock entry is written (atomically) as soon as it
 * succeeds, never for a stage that failed or was interrupted.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { toJsonText, writeFileAtomic } from '../../core/atomic-write.js';
import { InputError } from '../../core/errors.js';
import { headCommit, isDirty, repoRoot } from '../../core/git.js';
import { RUN_LOCK_NAME, STATE_DIR_NAME } from '../../core/state-paths.js';
import type { LoadedPipeline, RunPipelineRef, RunRecord, RunStageRecord, RunStatus, StageStatus } from '../../pipeline-schema/types.js';
import { commandText, decide, hashOut, type Action } from './decide.js';
import { runCommands } from './exec.js';
import type { StageInstance } from './expand.js';
import { sortKeys } from './fingerprint.js';
import type { InterruptSource, StopSignal } from './interrupt.js';
import type { LockDoc, LockStage } from './lock-file.js';
import { writeLockIfChanged } from './lock-file.js';
import { readMetricsFile, type FlatValue } from './metrics-files.js';
import { ensureStateDir, OutNotStorableError } from './object-store.js';
import { prepare, type Prepared } from './prepare.js';
import { acquireWorkspaceLock, type LockHolder, type WorkspaceLock } from './workspace-lock.js';

export type StageEvent =
  | { type: 'start'; index: number; total: number; stage: string; action: Action; reasons: string[] }
  | { type: 'end'; index: number; total: number; stage: string; status: StageStatus; duration_ms: number; reason?: string; exit_code?: number };

export interface EngineLog {
  /** One line of a stage command's output. */
  output(stage: string, stream: 'stdout' | 'stderr', line: string): void;
  event(e: StageEvent): void;
  warn(message: string): void;
}

export interface RunOptions {
  force?: boolean;
  stages?: string[];
  /** Run only the named stages, not their upstream (whose outs must be in place: see upstream-check.ts). */
  noDeps?: boolean;
  log?: EngineLog;
  /** Environment the commands inherit (stage `env` is added on top); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The command line recorded in the workspace lock; default this process's arguments. */
  command?: string;
  /** Wait for another run holding the workspace instead of refusing. */
  wait?: boolean;
  /** Called once when waiting for another run starts. */
  onWait?: (holder: LockHolder) => void;
  /** Ctrl-C / SIGTERM: forwarded to the running stage, then the run stops cleanly. */
  interrupts?: InterruptSource;
}

export interface RunResult {
  record: RunRecord;
  runFile: string;
  /** The first stage that failed, if any. */
  failed?: { stage: string; exit_code?: number; reason: string };
  /** Set when a signal stopped the run; `stage` is the stage whose command it interrupted. */
  interrupted?: { signal: StopSignal; stage?: string; after?: string };
}

const SILENT: EngineLog = { output() {}, event() {}, warn() {} };

async function gitInfo(dir: string): Promise<RunRecord['git']> {
  const commit = await headCommit(dir).catch(() => undefined);
  if (!commit) return { commit: null, dirty: false };
  const dirty = await isDirty(dir).catch(() => false);
  return { commit, dirty };
}

/** The pipeline file by repository-relative path and content hash. */
async function pipelineRef(loaded: LoadedPipeline): Promise<RunPipelineRef> {
  const bytes = await readFile(loaded.file);
  const root = (await repoRoot(loaded.dir).catch(() => undefined)) ?? loaded.dir;
  const rel = relative(root, loaded.file);
  return {
    name: loaded.pipeline.name,
    path: rel.startsWith('..') ? relative(loaded.dir, loaded.file).split(sep).join('/') : rel.split(sep).join('/'),
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

function lockDisplay(loaded: LoadedPipeline): string {
  return join(dirname(loaded.displayFile ?? loaded.file), STATE_DIR_NAME, RUN_LOCK_NAME).split(sep).join('/');
}

const copyLock = (l: LockDoc): LockDoc => ({ schema: l.schema, stages: { ...l.stages } });

export async function runPipeline(loaded: LoadedPipeline, opts: RunOptions = {}): Promise<RunResult> {
  const log = opts.log ?? SILENT;
  const startedAt = new Date();
  const stateDir = join(loaded.dir, STATE_DIR_NAME);
  await ensureStateDir(stateDir);
  // Everything below reads and writes the workspace's state: one run at a time.
  const wsLock = await acquireWorkspaceLock(join(stateDir, RUN_LOCK_NAME), {
    command: opts.command ?? ['mlpipeline', ...process.argv.slice(2)].join(' '),
    display: lockDisplay(loaded),
    wait: opts.wait,
    onWait: opts.onWait,
    cancelled: () => opts.interrupts?.signal !== undefined,
  });
  try {
    return await runLocked(loaded, opts, log, startedAt, wsLock);
  } finally {
    await wsLock.release();
  }
}

async function runLocked(loaded: LoadedPipeline, opts: RunOptions, log: EngineLog, startedAt: Date, wsLock: WorkspaceLock): Promise<RunResult> {
  // Git state is taken before anything is written, so `dirty` describes the inputs.
  const git = gitInfo(loaded.dir);
  const ref = await pipelineRef(loaded);
  const p = await prepare(loaded, opts);
  // Holding the workspace lock, any temp file in the cache was left by a run that was killed.
  await p.store.sweepTemp();
  let written = copyLock(p.lock);
  // Entries of stages that no longer exist would otherwise stay in the committed lock forever.
  const known = new Set(p.graph.order.map((s) => s.name));
  for (const name of Object.keys(p.lock.stages)) if (!known.has(name)) delete p.lock.stages[name];
  const persistLock = async (): Promise<void> => {
    if (await writeLockIfChanged(p.paths.lockFile, written, p.lock)) written = copyLock(p.lock);
  };

  const base = { schema: 'mlpipeline/run@2' as const, pipeline: ref, started_at: startedAt.toISOString() };
  // Until this run ends, its record says so: a killed run leaves `running`, never an older record.
  await mkdir(dirname(p.paths.runFile), { recursive: true });
  await writeFileAtomic(
    p.paths.runFile,
    toJsonText({ ...base, status: 'running', finished_at: null, git: await git, ok: false, stages: [], metrics: {} } satisfies RunRecord),
  );

  const records: RunStageRecord[] = [];
  const status = new Map<string, StageStatus>();
  let failed: RunResult['failed'];
  let interrupted: RunResult['interrupted'];
  const total = p.stages.length;
  const ctl: Control = { wsLock, interrupts: opts.interrupts };
  try {
    for (const [i, s] of p.stages.entries()) {
      const index = i + 1;
      const sig = opts.interrupts?.signal;
      if (sig) {
        interrupted ??= { signal: sig, after: records.at(-1)?.name };
        const rec = notRun(s, p, `interrupted by ${sig}`);
        records.push(rec);
        log.event({ type: 'end', index, total, stage: s.name, status: 'not-run', duration_ms: 0, reason: rec.reason });
        continue;
      }
      const blocked = (p.graph.upstream.get(s.name) ?? []).filter((u) => status.get(u) === 'failed' || status.get(u) === 'not-run');
      if (blocked.length > 0) {
        const rec = notRun(s, p, `upstream failed: ${blocked.join(', ')}`);
        status.set(s.name, 'not-run');
        records.push(rec);
        log.event({ type: 'end', index, total, stage: s.name, status: 'not-run', duration_ms: 0, reason: rec.reason });
        continue;
      }
      const { rec, signal } = await runOne(s, p, { index, total, force: Boolean(opts.force), log, env: opts.env ?? process.env }, ctl);
      status.set(s.name, rec.status);
      records.push(rec);
      if (signal) {
        interrupted = { signal, stage: s.name };
        continue;
      }
      if (rec.status === 'failed' && !failed) failed = { stage: s.name, exit_code: rec.exit_code, reason: rec.reason ?? 'failed' };
      // What a stage that succeeded produced is recorded now, so a later kill cannot lose it.
      if (rec.status !== 'failed') await persistLock();
    }
  } finally {
    // Whatever happened, keep what was learnt: the lock of successful stages and the hash cache.
    await persistLock();
    await p.hashes.save();
  }

  const metrics: RunRecord['metrics'] = {};
  for (const r of records) Object.assign(metrics, r.metrics);
  const runStatus: RunStatus = interrupted ? 'interrupted' : failed ? 'failed' : 'succeeded';
  const record: RunRecord = {
    ...base,
    status: runStatus,
    finished_at: new Date().toISOString(),
    git: await git,
    ok: runStatus === 'succeeded',
    stages: records,
    metrics,
  };
  await writeFileAtomic(p.paths.runFile, toJsonText(record));
  return { record, runFile: p.paths.runFile, ...(failed ? { failed } : {}), ...(interrupted ? { interrupted } : {}) };
}

interface Control {
  wsLock: WorkspaceLock;
  interrupts?: InterruptSource;
}

function notRun(s: StageInstance, p: Prepared, reason: string): RunStageRecord {
  return {
    name: s.name,
    status: 'not-run',
    fingerprint: '',
    duration_ms: 0,
    reason,
    cmd: commandText(s),
    deps: {},
    params: p.params.get(s.name) ?? {},
    outs: {},
    metrics: {},
  };
}

interface StepOptions {
  index: number;
  total: number;
  force: boolean;
  log: EngineLog;
  env: NodeJS.ProcessEnv;
}

async function runOne(s: StageInstance, p: Prepared, o: StepOptions, ctl: Control): Promise<{ rec: RunStageRecord; signal?: StopSignal }> {
  const t0 = performance.now();
  const params = p.params.get(s.name)!;
  const d = await decide(s, params, { hashes: p.hashes, store: p.store, lock: p.lock.stages, force: o.force });
  const fp = d.fingerprint!;
  const base = {
    name: s.name,
    fingerprint: fp,
    cmd: commandText(s),
    deps: sortKeys(d.inputs.deps) as Record<string, string>,
    params: sortKeys(params) as Record<string, unknown>,
  };
  const reason = d.reasons.join('; ') || 'up to date';
  const finish = async (status: StageStatus, outs: Record<string, string>, extra: { exit_code?: number; reason?: string } = {}): Promise<RunStageRecord> => {
    const metrics = status === 'failed' ? {} : await collectMetrics(s, o.log);
    const rec: RunStageRecord = {
      name: base.name,
      status,
      fingerprint: base.fingerprint,
      duration_ms: Math.round(performance.now() - t0),
      ...(extra.exit_code !== undefined ? { exit_code: extra.exit_code } : {}),
      reason: extra.reason ?? reason,
      cmd: base.cmd,
      deps: base.deps,
      params: base.params,
      outs: sortKeys(outs) as Record<string, string>,
      metrics,
    };
    o.log.event({ type: 'end', index: o.index, total: o.total, stage: s.name, status, duration_ms: rec.duration_ms, reason: rec.reason, ...(rec.exit_code !== undefined ? { exit_code: rec.exit_code } : {}) });
    return rec;
  };
  const remember = (outs: Record<string, string>): void => {
    const entry: LockStage = { cmd: base.cmd, fingerprint: fp, deps: base.deps, params: base.params, outs };
    if (s.wdir.rel !== '.') entry.wdir = s.wdir.rel;
    if (Object.keys(s.env).length) entry.env = s.env;
    p.lock.stages[s.name] = entry;
  };

  if (d.action === 'skip') return { rec: await finish('skipped', p.lock.stages[s.name]!.outs) };

  o.log.event({ type: 'start', index: o.index, total: o.total, stage: s.name, action: d.action, reasons: d.reasons });
  if (d.action === 'restore') {
    try {
      for (const out of s.outs) {
        const want = d.runEntry!.outs[out.rel]!;
        if ((await hashOut(out.abs, p.hashes)) !== want) await p.store.restore(out.abs, want, p.hashes);
      }
      remember(d.runEntry!.outs);
      return { rec: await finish('restored', d.runEntry!.outs) };
    } catch (e) {
      // A damaged cache is not the user's problem: fall through and run the command instead.
      o.log.warn(`${s.name}: could not restore from the cache (${(e as Error).message}); running it`);
    }
  }

  // Declared outs are removed first (what they held is in the cache): a command that writes
  // nothing must not leave the previous result behind to be recorded as the new one.
  for (const out of s.outs) {
    await rm(out.abs, { recursive: true, force: true });
    await mkdir(dirname(out.abs), { recursive: true });
  }
  const stopped = (): boolean => ctl.interrupts?.signal !== undefined;
  let group: number | undefined;
  let lockUpdate: Promise<void> = Promise.resolve();
  let signals = 0;
  const forward = (sig: StopSignal): void => {
    if (group === undefined) return;
    try {
      // A stage that ignores the signal is killed at the third one.
      process.kill(-group, ++signals >= 3 ? 'SIGKILL' : sig);
    } catch {
      /* already gone */
    }
  };
  const unsubscribe = ctl.interrupts?.onSignal(forward);
  let res;
  try {
    res = await runCommands(s.cmds, {
      cwd: s.wdir.abs,
      env: { ...o.env, ...s.env, MLPIPELINE_STAGE: s.name },
      onLine: (stream, line) => o.log.output(s.name, stream, line),
      onSpawn: (pgid) => {
        group = pgid;
        // The lock names the stage's process group, so a run that takes over after this one is
        // killed never races a stage still running.
        lockUpdate = lockUpdate.then(() => ctl.wsLock.setStage({ name: s.name, pgid })).catch(() => undefined);
        const sig = ctl.interrupts?.signal;
        if (sig) forward(sig);
      },
      onExit: () => {
        group = undefined;
      },
      stopped,
    });
  } finally {
    unsubscribe?.();
    await lockUpdate;
    await ctl.wsLock.setStage(undefined).catch(() => undefined);
  }
  const sig = ctl.interrupts?.signal;
  if (sig) {
    // Whatever the command's exit code, its outs may be incomplete: never record or cache them.
    return { rec: await finish('failed', {}, { exit_code: res.code === 0 ? 130 : res.code, reason: `interrupted by ${sig}` }), signal: sig };
  }
  if (res.code !== 0) {
    const how = res.signal ? `command killed by ${res.signal} (exit code ${res.code})` : `command failed with exit code ${res.code}`;
    const which = s.cmds.length > 1 ? ` (command ${res.failedCommand! + 1} of ${s.cmds.length})` : '';
    return { rec: await finish('failed', {}, { exit_code: res.code, reason: `${how}${which}` }) };
  }
  const outs: Record<string, string> = {};
  const missing: string[] = [];
  for (const out of s.outs) {
    let h;
    try {
      // Stored and hashed in one pass: the recorded hash is that of the bytes in the cache.
      h = await p.store.storeOut(out.abs, out.rel, p.hashes);
    } catch (e) {
      if (e instanceof OutNotStorableError) return { rec: await finish('failed', {}, { exit_code: 0, reason: e.message }) };
      throw e;
    }
    if (!h) missing.push(out.rel);
    else outs[out.rel] = h.hash;
  }
  if (missing.length) {
    return { rec: await finish('failed', {}, { exit_code: 0, reason: `the command succeeded but did not write: ${missing.join(', ')}` }) };
  }
  await p.store.writeRun(fp, { stage: s.name, created_at: new Date().toISOString(), outs: sortKeys(outs) as Record<string, string> });
  remember(sortKeys(outs) as Record<string, string>);
  return { rec: await finish('ran', outs) };
}

async function collectMetrics(s: StageInstance, log: EngineLog): Promise<Record<string, Record<string, FlatValue>>> {
  const out: Record<string, Record<string, FlatValue>> = {};
  for (const m of s.metrics) {
    try {
      out[m.rel] = await readMetricsFile(m.abs, m.rel);
    } catch (e) {
      // A broken metrics file does not undo a stage that succeeded; say where it is broken.
      const said = e instanceof InputError ? e.format().split('\n')[0] : `cannot read metrics file ${m.rel}: ${(e as Error).message.split('\n')[0]}`;
      log.warn(`${s.name}: ${said}`);
    }
  }
  return out;
}
