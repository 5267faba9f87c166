/**
 * The compiled workflow as a plain object (then text, in render.ts). What each job does:
 *
 *   checkout → Node → npm ci → download the artifacts of the jobs it needs → import-outs (every
 *   out re-hashed and checked against this checkout) → the stage's fingerprint → actions/cache
 *   keyed on it → `mlpipeline run --stage NAME --no-deps --export-outs DIR` → upload DIR.
 *
 * With the cache entry of an unchanged stage restored, `run` restores its outs instead of running
 * the command, so a pull request that changes nothing spends seconds per job, not GPU hours. The
 * final job gathers every artifact, imports them (all stages are then up to date) and hands over
 * to the run action, which validates, evaluates, gates and uploads the results artifact; the
 * `workflow_run` report workflow of `mlpipeline init github` posts it (the fork-safe split: no
 * job here can write anything).
 */
import { UsageError } from '../../../core/errors.js';
import { posixRelative } from '../../../core/paths.js';
import { pipelineStatePaths } from '../../../core/state-paths.js';
import type { LoadedPipeline, Scalar } from '../../../pipeline-schema/types.js';
import { ownActionUses, type ActionsRef } from '../actions-ref.js';
import { PINNED_ACTIONS, type PinnedActionName } from '../pinned-actions.js';
import { RESULTS_ARTIFACT } from '../init/common.js';
import { artifactName, artifactPattern, RESULTS_JOB_ID, type StageJob } from './jobs.js';

export const DEFAULT_RUNS_ON = 'ubuntu-latest';
/** GitHub's own default, written out so the file says what applies. */
export const DEFAULT_TIMEOUT_MINUTES = 360;
const NODE_VERSION = '24';

export interface CompileOptions {
  /** The pipeline's folder relative to the repository root, POSIX, `.` for the root. */
  workingDirectory: string;
  /** The pipeline file relative to `workingDirectory`. */
  pipelineFile: string;
  /** Folder whose `npm ci` installs the project (and mlpipeline), relative to the root. */
  installDirectory: string;
  /** Pushes to this branch run too, saving the caches pull requests restore. */
  defaultBranch: string;
  actions: ActionsRef;
  /** Slug of the pipeline name: file name and workflow name (as `mlpipeline init github` names them). */
  slug: string;
}

export { RESULTS_ARTIFACT };

export type Step = Record<string, unknown>;
export type Job = Record<string, unknown>;
export interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': string };
  jobs: Record<string, Job>;
}

const uses = (name: PinnedActionName): string => `${PINNED_ACTIONS[name].repo}@${PINNED_ACTIONS[name].sha}`;

/** Under `defaults.run.working-directory`, `-f` is only needed for a file not named mlpipeline.yaml. */
function fileFlag(opts: CompileOptions): string {
  return opts.pipelineFile === 'mlpipeline.yaml' ? '' : ` -f ${shellQuote(opts.pipelineFile)}`;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function checkNoExpression(value: string, what: string): void {
  // GitHub evaluates `${{ }}` in env values and runs-on labels; the engine would not, so the job
  // would see something else than a local run (and a label could read a secret into a log).
  if (value.includes('${{')) {
    throw new UsageError(`${what} contains \`\${{\`, which GitHub Actions would evaluate and mlpipeline would not`, {
      fix: 'remove the expression; pass secrets to stages through the runner environment instead',
    });
  }
}

function setupSteps(opts: CompileOptions, checkout: Record<string, unknown>): Step[] {
  const lock = opts.installDirectory === '.' ? 'package-lock.json' : `${opts.installDirectory}/package-lock.json`;
  return [
    { uses: uses('checkout'), with: checkout },
    { uses: uses('setup-node'), with: { 'node-version': NODE_VERSION, cache: 'npm', 'cache-dependency-path': lock } },
    { name: 'Install the project', run: 'npm ci', 'working-directory': opts.installDirectory === '.' ? undefined : opts.installDirectory },
  ].map(dropUndefined);
}

function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function importStep(opts: CompileOptions): Step {
  return { name: 'Import the upstream outs (re-hashed and checked against this checkout)', run: `npx --no-install mlpipeline import-outs${fileFlag(opts)} "$RUNNER_TEMP"/mlpipeline-in/*/` };
}

/** Values of `env:` every instance shares; the rest the engine sets per instance anyway. */
function sharedEnv(job: StageJob): Record<string, string> {
  const first = job.instances[0]?.env ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first)) {
    if (job.instances.every((s) => s.env[k] === v)) {
      checkNoExpression(v, `stages.${job.base}.env.${k}`);
      out[k] = v;
    }
  }
  return out;
}

function stageJob(loaded: LoadedPipeline, job: StageJob, opts: CompileOptions, jobs: Map<string, StageJob>): Job {
  const spec = loaded.pipeline.stages![job.base]!;
  const runsOn = spec['runs-on'] ?? DEFAULT_RUNS_ON;
  for (const label of Array.isArray(runsOn) ? runsOn : [runsOn]) checkNoExpression(label, `stages.${job.base}.runs-on`);
  const stageRef = job.matrix ? '${{ matrix.mlpipeline-stage }}' : job.instances[0]!.name;
  const artifact = job.matrix ? '${{ matrix.mlpipeline-artifact }}' : artifactName(job, 0);
  const cacheDir = posixRelative(loaded.dir, pipelineStatePaths(loaded.dir, loaded.file).cacheDir);
  const cachePath = opts.workingDirectory === '.' ? cacheDir : `${opts.workingDirectory}/${cacheDir}`;
  const steps: Step[] = [...setupSteps(opts, { 'persist-credentials': false })];
  for (const need of job.needs) {
    const up = jobs.get(need)!;
    steps.push({ name: `Download the outs of ${up.base}`, uses: uses('download-artifact'), with: { pattern: artifactPattern(up), path: '${{ runner.temp }}/mlpipeline-in' } });
  }
  if (job.needs.length > 0) steps.push(importStep(opts));
  steps.push(
    {
      name: 'Fingerprint the stage',
      id: 'fingerprint',
      run: `fingerprint=$(npx --no-install mlpipeline fingerprint${fileFlag(opts)} --stage "$MLPIPELINE_JOB_STAGE")\necho "value=$fingerprint" >> "$GITHUB_OUTPUT"\n`,
    },
    {
      name: 'Restore the stage cache',
      uses: uses('cache'),
      with: { path: cachePath, key: 'mlpipeline-stage-${{ steps.fingerprint.outputs.value }}' },
    },
    {
      name: 'Run the stage (restored from the cache when its fingerprint is there)',
      run: `npx --no-install mlpipeline run${fileFlag(opts)} --stage "$MLPIPELINE_JOB_STAGE" --no-deps --export-outs "$RUNNER_TEMP/mlpipeline-outs"`,
    },
    {
      name: 'Upload the outs for the jobs that need them',
      uses: uses('upload-artifact'),
      with: { name: artifact, path: '${{ runner.temp }}/mlpipeline-outs', 'if-no-files-found': 'error', 'include-hidden-files': true, 'retention-days': 7 },
    },
  );
  const out: Job = {
    name: job.matrix ? '${{ matrix.mlpipeline-stage }}' : job.base,
    ...(job.needs.length ? { needs: job.needs } : {}),
    'runs-on': runsOn,
    'timeout-minutes': spec['timeout-minutes'] ?? DEFAULT_TIMEOUT_MINUTES,
    permissions: { contents: 'read' },
  };
  if (job.matrix) {
    out.strategy = {
      'fail-fast': false,
      matrix: {
        include: job.instances.map((s, i) => ({ ...(s.matrix as Record<string, Scalar>), 'mlpipeline-stage': s.name, 'mlpipeline-artifact': artifactName(job, i) })),
      },
    };
  }
  out.env = { ONNXRUNTIME_NODE_INSTALL: 'skip', ...sharedEnv(job), MLPIPELINE_JOB_STAGE: stageRef };
  if (opts.workingDirectory !== '.') out.defaults = { run: { 'working-directory': opts.workingDirectory } };
  out.steps = steps;
  return out;
}

function resultsJob(jobs: StageJob[], opts: CompileOptions): Job {
  return {
    name: 'results',
    needs: jobs.map((j) => j.id),
    'runs-on': DEFAULT_RUNS_ON,
    'timeout-minutes': 60,
    permissions: { contents: 'read' },
    env: { ONNXRUNTIME_NODE_INSTALL: 'skip' },
    ...(opts.workingDirectory !== '.' ? { defaults: { run: { 'working-directory': opts.workingDirectory } } } : {}),
    steps: [
      // The full history: params, metrics and data diffs read the base branch's files from Git.
      ...setupSteps(opts, { 'fetch-depth': 0 }),
      { name: 'Download the outs of every stage', uses: uses('download-artifact'), with: { pattern: 'mlpipeline-outs-*', path: '${{ runner.temp }}/mlpipeline-in' } },
      importStep(opts),
      {
        name: 'Validate, evaluate, gate and upload the results',
        uses: ownActionUses(opts.actions, 'run'),
        with: dropUndefined({
          'working-directory': opts.workingDirectory === '.' ? undefined : opts.workingDirectory,
          'pipeline-file': opts.pipelineFile,
          'artifact-name': RESULTS_ARTIFACT,
          // Every stage was imported above and is up to date: there is nothing to restore.
          cache: false,
        }),
      },
    ],
  };
}

export function buildWorkflow(loaded: LoadedPipeline, jobs: StageJob[], opts: CompileOptions): Workflow {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const out: Record<string, Job> = {};
  for (const j of jobs) out[j.id] = stageJob(loaded, j, opts, byId);
  out[RESULTS_JOB_ID] = resultsJob(jobs, opts);
  return {
    name: `mlpipeline ${opts.slug}`,
    on: { pull_request: null, push: { branches: [opts.defaultBranch] }, workflow_dispatch: null },
    permissions: {},
    concurrency: {
      group: '${{ github.workflow }}-${{ github.event.pull_request.number || github.ref }}',
      'cancel-in-progress': "${{ github.event_name == 'pull_request' }}",
    },
    jobs: out,
  };
}

/** Repository-relative POSIX path of a folder, `.` for the root. */
export function repoRelative(root: string, abs: string): string {
  return posixRelative(root, abs);
}
