/**
 * `mlpipeline run`: run the selected stages in dependency order. Up-to-date stages are skipped,
 * stages whose fingerprint was seen before are restored from the cache, the rest run as
 * subprocesses. A failing stage stops its downstream. Afterwards the lock, the hash cache and
 * `.mlpipeline/run.json` are written.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { toJsonText, writeFileAtomic } from '../../core/atomic-write.js';
import { InputError } from '../../core/errors.js';
import { headCommit, isDirty } from '../../core/git.js';
import type { LoadedPipeline, RunRecord, RunStageRecord, StageStatus } from '../../pipeline-schema/types.js';
import { commandText, decide, type Action } from './decide.js';
import { runCommands } from './exec.js';
import type { StageInstance } from './expand.js';
import { sortKeys } from './fingerprint.js';
import type { LockStage } from './lock-file.js';
import { writeLockIfChanged } from './lock-file.js';
import { readMetricsFile, type FlatValue } from './metrics-files.js';
import { ensureStateDir } from './object-store.js';
import { prepare, type Prepared } from './prepare.js';

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
  log?: EngineLog;
  /** Environment the commands inherit (stage `env` is added on top); default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface RunResult {
  record: RunRecord;
  runFile: string;
  /** The first stage that failed, if any. */
  failed?: { stage: string; exit_code?: number; reason: string };
}

const SILENT: EngineLog = { output() {}, event() {}, warn() {} };

async function gitInfo(dir: string): Promise<RunRecord['git']> {
  const commit = await headCommit(dir).catch(() => undefined);
  if (!commit) return { commit: null, dirty: false };
  const dirty = await isDirty(dir).catch(() => false);
  return { commit, dirty };
}

export async function runPipeline(loaded: LoadedPipeline, opts: RunOptions = {}): Promise<RunResult> {
  const log = opts.log ?? SILENT;
  const startedAt = new Date();
  // Git state is taken before anything is written, so `dirty` describes the inputs.
  const git = gitInfo(loaded.dir);
  const p = await prepare(loaded, opts);
  await ensureStateDir(p.paths.stateDir);
  const lockBefore = { schema: p.lock.schema, stages: { ...p.lock.stages } };
  // Entries of stages that no longer exist would otherwise stay in the committed lock forever.
  const known = new Set(p.graph.order.map((s) => s.name));
  for (const name of Object.keys(p.lock.stages)) if (!known.has(name)) delete p.lock.stages[name];

  const records: RunStageRecord[] = [];
  const status = new Map<string, StageStatus>();
  let failed: RunResult['failed'];
  const total = p.stages.length;
  try {
    for (const [i, s] of p.stages.entries()) {
      const index = i + 1;
      const blocked = (p.graph.upstream.get(s.name) ?? []).filter((u) => status.get(u) === 'failed' || status.get(u) === 'not-run');
      if (blocked.length > 0) {
        const rec = notRun(s, p, `upstream failed: ${blocked.join(', ')}`);
        status.set(s.name, 'not-run');
        records.push(rec);
        log.event({ type: 'end', index, total, stage: s.name, status: 'not-run', duration_ms: 0, reason: rec.reason });
        continue;
      }
      const rec = await runOne(s, p, { index, total, force: Boolean(opts.force), log, env: opts.env ?? process.env });
      status.set(s.name, rec.status);
      records.push(rec);
      if (rec.status === 'failed' && !failed) failed = { stage: s.name, exit_code: rec.exit_code, reason: rec.reason ?? 'failed' };
    }
  } finally {
    // Whatever happened, keep what was learnt: the lock of successful stages and the hash cache.
    await writeLockIfChanged(p.paths.lockFile, lockBefore, p.lock);
    await p.hashes.save();
  }

  const metrics: RunRecord['metrics'] = {};
  for (const r of records) Object.assign(metrics, r.metrics);
  const record: RunRecord = {
    schema: 'mlpipeline/run@1',
    pipeline: loaded.pipeline.name,
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    git: await git,
    ok: !failed,
    stages: records,
    metrics,
  };
  await mkdir(dirname(p.paths.runFile), { recursive: true });
  await writeFileAtomic(p.paths.runFile, toJsonText(record));
  return { record, runFile: p.paths.runFile, ...(failed ? { failed } : {}) };
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

async function runOne(s: StageInstance, p: Prepared, o: StepOptions): Promise<RunStageRecord> {
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

  if (d.action === 'skip') return finish('skipped', p.lock.stages[s.name]!.outs);

  o.log.event({ type: 'start', index: o.index, total: o.total, stage: s.name, action: d.action, reasons: d.reasons });
  if (d.action === 'restore') {
    try {
      for (const out of s.outs) {
        const want = d.runEntry!.outs[out.rel]!;
        const have = await p.hashes.hashPath(out.abs);
        if (have?.hash !== want) await p.store.restore(out.abs, want, p.hashes);
      }
      remember(d.runEntry!.outs);
      return finish('restored', d.runEntry!.outs);
    } catch (e) {
      // A damaged cache is not the user's problem: fall through and run the command instead.
      o.log.warn(`${s.name}: could not restore from the cache (${(e as Error).message}); running it`);
    }
  }

  for (const out of s.outs) await mkdir(dirname(out.abs), { recursive: true });
  const res = await runCommands(s.cmds, {
    cwd: s.wdir.abs,
    env: { ...o.env, ...s.env, MLPIPELINE_STAGE: s.name },
    onLine: (stream, line) => o.log.output(s.name, stream, line),
  });
  if (res.code !== 0) {
    const how = res.signal ? `command killed by ${res.signal} (exit code ${res.code})` : `command failed with exit code ${res.code}`;
    const which = s.cmds.length > 1 ? ` (command ${res.failedCommand! + 1} of ${s.cmds.length})` : '';
    return finish('failed', {}, { exit_code: res.code, reason: `${how}${which}` });
  }
  const outs: Record<string, string> = {};
  const missing: string[] = [];
  for (const out of s.outs) {
    const h = await p.hashes.hashPath(out.abs);
    if (!h) {
      missing.push(out.rel);
      continue;
    }
    outs[out.rel] = h.hash;
    await p.store.store(out.abs, h);
  }
  if (missing.length) {
    return finish('failed', outs, { exit_code: 0, reason: `the command succeeded but did not write: ${missing.join(', ')}` });
  }
  await p.store.writeRun(fp, { stage: s.name, created_at: new Date().toISOString(), outs: sortKeys(outs) as Record<string, string> });
  remember(sortKeys(outs) as Record<string, string>);
  return finish('ran', outs);
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
