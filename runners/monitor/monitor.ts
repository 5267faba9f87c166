/**
 * `mlpipeline monitor` as a function: the newest live batch against the reference (by default the
 * training data of the version in the environment), drift computed by validate-data's own code
 * (validateData with the reference as its baseline), and the policy's answer: retrain or not.
 * Returns the monitor document (schema: pipeline-schema/monitor.schema.json).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { ConfigError } from '../../core/errors.js';
import { dict } from '../../core/own.js';
import type { ColumnCheckSpec, ColumnType, LoadedPipeline, MonitoringSpec } from '../../pipeline-schema/types.js';
import type { DriftResult } from '../data/drift.js';
import { validateData } from '../data/validate.js';
import { requireRepo } from '../registry/repo.js';
import { resolveLiveBatch } from './live.js';
import { monitoredEnvironment, resolveReference, type ReferenceInfo } from './reference.js';
import { monitorPerformance, type DeployedModel, type PerformanceResult } from './performance.js';
import { InputError, UsageError } from '../../core/errors.js';
import { closest } from '../../pipeline-schema/did-you-mean.js';
import { readRegistryEvents, recordOf } from '../registry/events.js';
import { modelNameOf } from '../registry/register.js';
import { buildRegistryState } from '../registry/state.js';
import { resolveStageModel, type StageModelSources } from '../registry/stage-model.js';

export const MONITOR_SCHEMA_ID = 'mlpipeline/monitor@1';

export interface MonitorDocument {
  schema: typeof MONITOR_SCHEMA_ID;
  pipeline: string;
  model: string;
  environment: string | null;
  /** ISO 8601 time of the check. */
  checked_at: string;
  live: { path: string; sha256: string; rows: number; format: string; batches_matched: number };
  reference: ReferenceInfo & { rows: number };
  drift: DriftResult;
  /** `monitoring.performance`: the deployed model on the newest labelled batch; null when not configured. */
  performance?: PerformanceResult | null;
  /** The policy's answer: the live data drifted with severity error, or a performance gate of severity error failed. */
  retrain: boolean;
  /** What the monitor action does about it (`monitoring.open`). */
  open: 'issue' | 'pull-request';
  /** Why `retrain` is what it is, one line each. */
  reasons: string[];
}

export interface MonitorOptions {
  environment?: string;
  /** A live batch path instead of monitoring.live.path (relative to the pipeline folder). */
  live?: string;
  now?: Date;
  /** Where else the deployed model may be found (the monitor action passes its Release asset download). */
  modelSources?: StageModelSources;
}

function sha256File(abs: string): Promise<string> {
  return new Promise((ok, fail) => {
    const h = createHash('sha256');
    createReadStream(abs)
      .on('data', (b) => h.update(b))
      .on('error', fail)
      .on('end', () => ok(h.digest('hex')));
  });
}

/** The monitoring block, or a config error pointing at where it belongs. */
export function monitoringSpec(loaded: LoadedPipeline): MonitoringSpec {
  const spec = loaded.pipeline.monitoring;
  if (!spec) {
    throw new ConfigError([
      {
        message: `${loaded.displayFile ?? loaded.file} has no monitoring: block`,
        location: { file: loaded.displayFile ?? loaded.file, line: 1, column: 1 },
        fix: 'add monitoring: {live: {path: "data/live/*.csv"}} (see docs/monitor.md)',
      },
    ]);
  }
  return spec;
}

/** Column types only: the monitor measures drift, and leaves the value checks to validate-data. */
function typeOnlyColumns(columns: Record<string, ColumnCheckSpec> | undefined): Record<string, ColumnCheckSpec> | undefined {
  if (!columns) return undefined;
  const out = dict<ColumnCheckSpec>();
  for (const [name, c] of Object.entries(columns)) if (c.type) out[name] = { type: c.type };
  return out;
}

export async function runMonitor(loaded: LoadedPipeline, opts: MonitorOptions = {}): Promise<MonitorDocument> {
  const spec = monitoringSpec(loaded);
  const declared = Object.keys(loaded.pipeline.environments ?? {});
  if (opts.environment !== undefined && declared.length && !declared.includes(opts.environment)) {
    const hint = closest(opts.environment, declared);
    throw new UsageError(`unknown environment '${opts.environment}'${hint ? `; did you mean '${hint}'?` : ''}`, { fix: `use one of ${declared.join(', ')} (environments: in ${loaded.displayFile ?? loaded.file})` });
  }
  const root = await requireRepo(loaded.dir);
  const live = await resolveLiveBatch(loaded, spec, root, opts.live);
  const ref = await resolveReference(loaded, spec, root, opts.environment !== undefined ? { environment: opts.environment } : {});
  // Drift settings default to validation's: the same methods, thresholds and skipped columns.
  const { baseline: _baseline, ...validationDrift } = loaded.pipeline.validation?.drift ?? {};
  const drift = spec.drift ?? validationDrift;
  const validationData = loaded.pipeline.validation?.data;
  const types: Record<string, ColumnType> = {
    ...(validationData ? loaded.pipeline.data?.[validationData]?.types : {}),
    ...(ref.info.dataset ? loaded.pipeline.data?.[ref.info.dataset]?.types : {}),
  };
  const columns = typeOnlyColumns(loaded.pipeline.validation?.columns);
  const { document, profile } = await validateData({
    data: { path: live.abs, cwd: loaded.dir, ...(spec.live.format ? { format: spec.live.format } : {}), ...(spec.live.delimiter ? { delimiter: spec.live.delimiter } : {}) },
    spec: { ...(columns ? { columns } : {}), drift },
    types,
    baseline: { path: ref.path, cwd: ref.cwd, label: ref.info.path, ...(ref.ref ? { ref: ref.ref } : {}), ...(ref.format ? { format: ref.format } : {}), ...(ref.delimiter ? { delimiter: ref.delimiter } : {}) },
    configFile: loaded.displayFile ?? loaded.file,
  });
  const result = document.drift!;
  const driftRetrain = result.drifted && result.severity === 'error';
  const total = Object.keys(result.columns).length;
  const reasons = [
    `${result.drifted_columns.length} of ${total} columns drifted (share ${result.share.toFixed(2)}, threshold ${result.share_threshold})`,
    result.drifted ? (driftRetrain ? 'the dataset drifted: retrain' : 'the dataset drifted, with severity warn: no retrain') : 'no dataset drift',
  ];
  let performance: PerformanceResult | null = null;
  if (spec.performance) {
    const environment = ref.info.environment ?? monitoredEnvironment(loaded, spec, opts.environment) ?? null;
    performance = await monitorPerformance({
      loaded,
      spec: spec.performance,
      root,
      live: { abs: live.abs, path: live.path, ...(spec.live.format ? { format: spec.live.format } : {}), ...(spec.live.delimiter ? { delimiter: spec.live.delimiter } : {}) },
      environment,
      deployedModel: () => deployedModel(loaded, root, environment, opts.modelSources),
    });
    reasons.push(performanceReason(performance));
  }
  const retrain = driftRetrain || performance?.failed === true;
  return {
    schema: MONITOR_SCHEMA_ID,
    pipeline: loaded.pipeline.name,
    model: ref.info.model,
    environment: ref.info.environment,
    checked_at: (opts.now ?? new Date()).toISOString(),
    live: { path: live.path, sha256: await sha256File(live.abs), rows: profile.rows, format: profile.source.format, batches_matched: live.matched },
    reference: { ...ref.info, rows: result.baseline.rows },
    drift: result,
    performance,
    retrain,
    open: spec.open ?? 'issue',
    reasons,
  };
}

function performanceReason(p: PerformanceResult): string {
  if (p.status === 'waiting') return `performance: waiting for labels (${p.reason})`;
  const s = p.verdict!.summary;
  const counts = `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped${s.warnings ? `, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}` : ''}`;
  return p.failed ? `performance gates failed on ${p.data!.rows} labelled rows (${counts}): retrain` : `performance gates passed on ${p.data!.rows} labelled rows (${counts})`;
}

/** The model file of the version in `environment`, with its lineage record, checked like a `vs: production` baseline. */
async function deployedModel(loaded: LoadedPipeline, root: string, environment: string | null, sources: StageModelSources = {}): Promise<DeployedModel> {
  const where = { file: loaded.displayFile ?? loaded.file, ...(loaded.locate('/monitoring/performance') ?? {}) };
  if (environment === null) {
    throw new InputError('performance monitoring needs the environment whose deployed model is evaluated', { location: where, fix: 'set monitoring.reference.environment, or declare environments: and promote a version' });
  }
  const answer = await resolveStageModel({ stage: environment, modelName: modelNameOf(loaded), cwd: loaded.dir, pipeline: loaded }, sources);
  if ('missing' in answer) {
    throw new InputError(`cannot evaluate the model in ${environment} on the labelled batch: ${answer.missing}`, {
      location: where,
      fix: 'promote a version first; in CI fetch the registry tags (fetch-depth: 0) and let the action download the model from the version\'s GitHub Release, or restore the stage cache',
    });
  }
  const model = modelNameOf(loaded);
  const { events } = await readRegistryEvents(root, { model });
  const state = buildRegistryState(events).models.get(model);
  const version = answer.version ? state?.versions.get(answer.version) : undefined;
  return { bytes: answer.bytes, display: answer.display, version: answer.version ?? null, record: version ? recordOf(version.event) : null };
}
