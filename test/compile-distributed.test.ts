/**
 * The compiled workflow of the example, played job by job (test/workflow-runner.ts): every job
 * in its own fresh clone of a throw-away repository, as separate processes, with nothing passed
 * between jobs but the artifacts. It must end with the same model bytes as one `mlpipeline run`
 * in another clone, the final job must find every stage up to date, and a second run of the
 * workflow (a pull request that changes nothing) must restore every stage from the cache and
 * run no stage command.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIn } from './cli-workspace.js';
import { exec, linkPackages, runWorkflow, type JobRun } from './workflow-runner.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const work = mkdtempSync(join(tmpdir(), 'mlp-distributed-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const origin = join(work, 'origin');
const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
async function git(cwd: string, ...args: string[]): Promise<void> {
  const r = await exec('git', args, { cwd, env });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

const MODELS = ['model/model.onnx', 'model/sweep/l2-0.001.onnx', 'model/sweep/l2-0.1.onnx'];
let workflow: string;
let reference: Record<string, Buffer>;

interface RunDoc {
  stages: { name: string; status: string }[];
}
const runRecord = (j: JobRun): RunDoc => JSON.parse(readFileSync(join(j.clone, 'churn', '.mlpipeline', 'run.json'), 'utf8')) as RunDoc;
const models = (clone: string) => Object.fromEntries(MODELS.map((m) => [m, readFileSync(join(clone, 'churn', m))]));

beforeAll(async () => {
  // The example as a project of its own, in a subfolder, without anything a run produces.
  cpSync(join(root, 'examples', 'churn'), join(origin, 'churn'), { recursive: true, filter: (s) => !/[/\\](model|\.mlpipeline|mlpipeline\.lock)$|[/\\]data[/\\](train|test)\.csv$/.test(s) });
  writeFileSync(join(origin, '.gitignore'), 'node_modules/\n');
  await git(work, 'init', '-q', '-b', 'main', origin);
  const compiled = await runIn(join(origin, 'churn'), 'compile');
  expect(compiled.code, compiled.err).toBe(0);
  await git(origin, 'add', '-A');
  await git(origin, 'commit', '-q', '-m', 'churn with its compiled workflow');
  workflow = readFileSync(join(origin, '.github', 'workflows', 'mlpipeline-churn.yml'), 'utf8');

  // The reference: one `mlpipeline run` in its own clone.
  const single = join(work, 'single');
  await git(work, 'clone', '-q', origin, single);
  linkPackages(single);
  const single1 = await exec(process.execPath, [join(root, 'bin', 'mlpipeline.js'), 'run'], { cwd: join(single, 'churn'), env });
  expect(single1.status, single1.stderr).toBe(0);
  reference = models(single);
}, 300_000);

describe('the compiled workflow, job by job in separate clones', () => {
  let first: JobRun[];
  beforeAll(async () => {
    mkdirSync(join(work, 'runs'), { recursive: true });
    first = await runWorkflow(workflow, { origin, work: join(work, 'runs'), cacheDir: join(work, 'cache') });
  }, 300_000);

  it('runs each stage once, in its own job, and only that stage', () => {
    const stageJobs = first.filter((j) => j.job !== 'mlpipeline-results');
    expect(stageJobs.map((j) => j.instance)).toEqual(['generate', 'split', 'train', 'sweep[l2=0.001]', 'sweep[l2=0.1]', 'evaluate']);
    for (const j of stageJobs) expect(runRecord(j).stages.map((s) => [s.name, s.status])).toEqual([[j.instance, 'ran']]);
    expect(new Set(first.map((j) => j.clone)).size).toBe(first.length);
  });

  it('ends with the same model bytes as a single mlpipeline run, every stage up to date', () => {
    const results = first.find((j) => j.job === 'mlpipeline-results')!;
    const got = models(results.clone);
    for (const m of MODELS) expect(got[m]!.equals(reference[m]!), `${m} differs`).toBe(true);
    const final = JSON.parse(results.logs.at(-1)!.stdout) as RunDoc;
    expect(final.stages.map((s) => s.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    // The evaluate job's metrics reached the final job too, byte for byte what it wrote.
    const evaluate = first.find((j) => j.instance === 'evaluate')!;
    expect(readFileSync(join(results.clone, 'churn', 'metrics', 'test.json'), 'utf8')).toBe(readFileSync(join(evaluate.clone, 'churn', 'metrics', 'test.json'), 'utf8'));
  });

  it('a second run with nothing changed restores every stage from the cache and runs no command', async () => {
    const again = await runWorkflow(workflow, { origin, work: join(work, 'runs'), cacheDir: join(work, 'cache') });
    for (const j of again.filter((x) => x.job !== 'mlpipeline-results')) {
      expect(runRecord(j).stages.map((s) => [s.name, s.status])).toEqual([[j.instance, 'restored']]);
      // A stage command's output is prefixed with the stage name; none ran.
      expect(j.logs.map((l) => l.stdout).join('')).not.toContain(`[${j.instance}]`);
    }
    const got = models(again.find((j) => j.job === 'mlpipeline-results')!.clone);
    for (const m of MODELS) expect(got[m]!.equals(reference[m]!), `${m} differs`).toBe(true);
  });
});
