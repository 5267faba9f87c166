/**
 * Gather what `mlpipeline report` renders: the result documents of the last run (each validated
 * against its schema; a missing one is not an error, the report says why), the params and
 * metrics diffs against the base ref, what each environment holds (its lineage) and the metrics
 * of every registered version. Nothing here renders or writes.
 */
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { flattenDotted } from '../../core/dotted-keys.js';
import { gitRaw, headCommit, repoRoot, resolveCommit } from '../../core/git.js';
import { pipelineStatePaths } from '../../core/state-paths.js';
import { validateDocument } from '../../pipeline-schema/documents.js';
import type { LoadedPipeline, RunRecord } from '../../pipeline-schema/types.js';
import type { ValidationDocument } from '../data/validate.js';
import { diffFiles } from '../diff/diff.js';
import { WORKSPACE } from '../diff/sources.js';
import type { EvaluationDocument } from '../evaluate/document.js';
import { evaluationOutputPath } from '../evaluate/request.js';
import { gatesConfigDigest } from '../gates/binding.js';
import type { Verdict } from '../gates/verdict.js';
import { recordOf, readRegistryEvents } from '../registry/events.js';
import { buildLineage, type LineageReport } from '../registry/lineage.js';
import { defaultBranch } from '../registry/policy-source.js';
import { compareVersions } from '../registry/semver.js';
import { buildRegistryState } from '../registry/state.js';
import { preflight } from '../stages/preflight.js';
import { computeAnnotations } from './annotations.js';
import type { ReportInputs, VersionMetrics } from './documents.js';

export interface CollectOptions {
  pipeline: LoadedPipeline;
  /** Folder of the result documents; default the pipeline's (`.mlpipeline/` for mlpipeline.yaml). */
  results?: string;
  /** Base ref of the diffs; default `origin/$GITHUB_BASE_REF` when set, else the merge base with the default branch. */
  base?: string;
  env: NodeJS.ProcessEnv;
}

type Problems = NonNullable<ReportInputs['problems']>;

async function readDocument<T>(file: string, kind: string, shown: string, problems: Problems): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    problems.push({ document: shown, problem: `cannot be read: ${(e as Error).message}` });
    return undefined;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    problems.push({ document: shown, problem: `is not JSON: ${(e as Error).message}` });
    return undefined;
  }
  const bad = validateDocument(kind, doc);
  if (bad.length) {
    problems.push({ document: shown, problem: `does not match the ${kind} schema: ${bad.slice(0, 3).join('; ')}` });
    return undefined;
  }
  return doc as T;
}

const short = (sha: string | null | undefined) => (sha ? sha.slice(0, 12) : 'none');

/**
 * Why a verdict does not judge what the report shows, or null when it does: it must be bound to
 * the evaluation document present (the model, the evaluation data and the evaluation config it
 * names) and to the pipeline's current gates (the digest `gate` records, runners/gates/binding.ts).
 * A stale or forged verdict is then "not used", and the report is not gated.
 */
export function verdictMismatch(verdict: Verdict, evaluation: EvaluationDocument | undefined, pipeline: LoadedPipeline['pipeline'], evaluationShown: string): string | null {
  if (!evaluation) return `has no evaluation document to be checked against (${evaluationShown} is missing or not used)`;
  const why: string[] = [];
  if (!verdict.model?.sha256) why.push('it names no model it judged');
  else if (verdict.model.sha256 !== evaluation.model.sha256) why.push(`it judged model sha256 ${short(verdict.model.sha256)}, the evaluation is of ${short(evaluation.model.sha256)}`);
  const data = evaluation.data.sha256;
  if (data && verdict.evaluation_data?.sha256 !== data) why.push(`it judged evaluation data sha256 ${short(verdict.evaluation_data?.sha256)}, the evaluation read ${short(data)}`);
  if (evaluation.config && verdict.evaluation_config?.sha256 !== evaluation.config.sha256) {
    why.push(`it judged evaluation config sha256 ${short(verdict.evaluation_config?.sha256)}, the evaluation used ${short(evaluation.config.sha256)}`);
  }
  const gates = gatesConfigDigest(pipeline.gates, pipeline.gates_defaults);
  if (verdict.gates_config?.sha256 !== gates.sha256) why.push(`its gates config sha256 ${short(verdict.gates_config?.sha256)} is not the pipeline's gates now (${short(gates.sha256)}); run mlpipeline gate again`);
  return why.length ? `does not judge this evaluation: ${why.join('; ')}` : null;
}

async function tryCommit(root: string, ref: string): Promise<string | undefined> {
  return resolveCommit(root, ref).catch(() => undefined);
}

/** The base the diffs compare with, or why there is none. */
async function findBase(root: string, given: string | undefined, env: NodeJS.ProcessEnv): Promise<{ ref: string; commit: string } | { skipped: string }> {
  if (given) return { ref: given, commit: await resolveCommit(root, given) };
  const pr = env.GITHUB_BASE_REF;
  if (pr) {
    for (const ref of [`origin/${pr}`, pr]) {
      const commit = await tryCommit(root, ref);
      if (commit) return { ref, commit };
    }
    return { skipped: `the base branch ${pr} (GITHUB_BASE_REF) is not fetched` };
  }
  const def = await defaultBranch(root);
  if (!def) return { skipped: 'no default branch (origin/HEAD, main or master) to compare with' };
  const mb = await gitRaw(['merge-base', 'HEAD', def.commit], { cwd: root, okCodes: [1, 128] });
  const name = def.ref.replace(/^refs\/(heads|remotes)\//, '');
  if (mb.code !== 0) return { skipped: `HEAD has no merge base with ${name}` };
  return { ref: `merge-base with ${name}`, commit: mb.stdout.toString('utf8').trim() };
}

async function diffs(loaded: LoadedPipeline, base: { commit: string; ref: string }): Promise<Pick<ReportInputs, 'params_diff' | 'metrics_diff'>> {
  const one = async (kind: 'params' | 'metrics') => {
    const doc = await diffFiles({ kind, cwd: loaded.dir, a: base.commit, b: WORKSPACE, pipeline: { file: loaded.file, pipeline: loaded.pipeline } });
    return { ...doc, a: base.ref };
  };
  return { params_diff: await one('params'), metrics_diff: await one('metrics') };
}

function numericMetrics(metrics: Record<string, Record<string, unknown>> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of Object.values(metrics ?? {})) {
    for (const [k, v] of flattenDotted(m)) if (typeof v === 'number' && !(k in out)) out[k] = v;
  }
  return out;
}

async function registry(root: string, model: string): Promise<{ lineage: Record<string, LineageReport>; history: VersionMetrics[] }> {
  const state = buildRegistryState((await readRegistryEvents(root, { model })).events);
  const m = state.models.get(model);
  const lineage: Record<string, LineageReport> = {};
  const history: VersionMetrics[] = [];
  if (!m) return { lineage, history };
  for (const env of m.environments.values()) {
    if (env.current) lineage[env.name] = buildLineage(state, { kind: 'environment', name: model, environment: env.name }, `${model}#${env.name}`);
  }
  const versions = [...m.versions.values()].filter((v) => !v.deregistered).sort((a, b) => compareVersions(a.semver, b.semver));
  for (const v of versions) {
    const rec = recordOf(v.event);
    history.push({ version: v.version, time: new Date(v.event.time).toISOString(), metrics: numericMetrics(rec?.run?.metrics) });
  }
  return { lineage, history };
}

/**
 * The pull request of a `pull_request` job, from the payload the runner wrote (GITHUB_EVENT_PATH):
 * its number and head commit. The checkout is GitHub's merge commit, not the head, so the head is
 * what the report action compares with the run that posts it.
 */
async function pullRequestOf(env: NodeJS.ProcessEnv): Promise<ReportInputs['pull_request']> {
  if (!env.GITHUB_EVENT_PATH || !/^pull_request(_target)?$/.test(env.GITHUB_EVENT_NAME ?? '')) return undefined;
  try {
    const payload = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as { pull_request?: { number?: unknown; head?: { sha?: unknown } } };
    const number = payload.pull_request?.number;
    const sha = payload.pull_request?.head?.sha;
    if (typeof number === 'number' && Number.isInteger(number) && number > 0 && typeof sha === 'string' && /^[0-9a-f]{40}$/.test(sha)) return { number, head_sha: sha };
  } catch {
    // No readable payload: the report simply names no pull request.
  }
  return undefined;
}

export async function collectReportInputs(opts: CollectOptions): Promise<ReportInputs> {
  const loaded = opts.pipeline;
  const paths = pipelineStatePaths(loaded.dir, loaded.file);
  const dir = opts.results ?? paths.resultsDir;
  const problems: Problems = [];
  const at = (name: string) => join(dir, name);
  const shown = (name: string) => (opts.results ? name : `${paths.resultsDir === paths.stateDir ? '.mlpipeline' : '.mlpipeline/pipelines/' + paths.stem}/${name}`);
  const evaluationFile = opts.results ? at('evaluation.json') : evaluationOutputPath(loaded.dir, loaded);
  const [run, validation, evaluation, verdict] = await Promise.all([
    readDocument<RunRecord>(at('run.json'), 'run', shown('run.json'), problems),
    readDocument<ValidationDocument>(at('validation.json'), 'validation', shown('validation.json'), problems),
    readDocument<EvaluationDocument>(evaluationFile, 'evaluation', shown('evaluation.json'), problems),
    readDocument<Verdict>(at('verdict.json'), 'verdict', shown('verdict.json'), problems),
  ]);
  let runDoc = run;
  if (run && run.pipeline.name !== loaded.pipeline.name) {
    problems.push({ document: shown('run.json'), problem: `is the run of pipeline ${run.pipeline.name}, not ${loaded.pipeline.name}` });
    runDoc = undefined;
  }
  let verdictDoc = verdict;
  if (verdict) {
    const why = verdictMismatch(verdict, evaluation, loaded.pipeline, shown('evaluation.json'));
    if (why) {
      problems.push({ document: shown('verdict.json'), problem: why });
      verdictDoc = undefined;
    }
  }
  const inputs: ReportInputs = { pipeline: loaded.pipeline, run: runDoc, validation, evaluation, verdict: verdictDoc, problems };
  const root = await repoRoot(loaded.dir);
  if (!root) {
    inputs.diff_skipped = 'not inside a git repository';
    return inputs;
  }
  inputs.pipeline_file = relative(root, loaded.file).split(sep).join('/');
  const pull = await pullRequestOf(opts.env);
  if (pull) inputs.pull_request = pull;
  // Preflight findings are config problems worth a line; the stage graph may not build (the
  // loader said why), and then there are none to add.
  const found = await preflight(loaded).catch(() => undefined);
  inputs.annotations = computeAnnotations(inputs, { loaded, root, preflight: found ? { errors: found.errors, warnings: [] } : undefined });
  const commit = await headCommit(root).catch(() => undefined);
  if (commit && runDoc?.git?.commit && runDoc.git.commit !== commit) {
    (inputs.notes ??= []).push(`run record is from commit ${short(runDoc.git.commit)}, not HEAD ${short(commit)}: its stages and metrics may not describe this commit`);
  }
  if (commit) {
    const branch = await gitRaw(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: root, okCodes: [128] });
    inputs.repo = { commit, ref: opts.env.GITHUB_HEAD_REF || (branch.code === 0 ? branch.stdout.toString('utf8').trim() : 'HEAD') };
  }
  const base = await findBase(root, opts.base, opts.env);
  if ('skipped' in base) inputs.diff_skipped = base.skipped;
  else {
    inputs.base = base;
    Object.assign(inputs, await diffs(loaded, base));
  }
  const model = loaded.pipeline.model?.name;
  if (model) Object.assign(inputs, await registry(root, model));
  return inputs;
}
