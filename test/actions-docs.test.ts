/**
 * Every action under actions/<name>/ documents itself in three places that must agree: its
 * action.yml (every input and output described, kebab-case, the permissions it needs named in
 * the description), its README.md (every input, output and the permissions), and the index in
 * actions/README.md (a row linking it, with its inputs and outputs). Read from the files, so an
 * input added without documentation fails here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageVersion } from '../core/package-root.js';
import { DEFAULT_ACTIONS } from '../runners/workflow/actions-ref.js';
import { generateInitWorkflows } from '../runners/workflow/init/index.js';

const actionsDir = resolve(fileURLToPath(new URL('../actions', import.meta.url)));
const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

interface ActionYml {
  name?: string;
  description?: string;
  inputs?: Record<string, { description?: string }>;
  outputs?: Record<string, { description?: string }>;
  runs?: { using?: string };
}

const actions = readdirSync(actionsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(actionsDir, d.name, 'action.yml')))
  .map((d) => d.name)
  .sort();

const index = readFileSync(join(actionsDir, 'README.md'), 'utf8');
/** The index row of an action: the table line that links its README. */
const rowOf = (name: string) => index.split('\n').find((l) => l.startsWith('|') && l.includes(`](${name}/README.md)`));

describe('actions document their inputs, outputs and permissions', () => {
  it('the index lists run and report with their permissions', () => {
    expect(rowOf('run')).toContain('`contents: read`');
    expect(rowOf('report')).toMatch(/`pull-requests: write`.*`checks: write`.*`actions: read`/);
  });

  it('each action.yml, README.md and index row agree (every action found under actions/)', () => {
    for (const name of actions) {
      const yml = parse(readFileSync(join(actionsDir, name, 'action.yml'), 'utf8')) as ActionYml;
      const where = `actions/${name}/action.yml`;
      expect(yml.description, `${where}: description`).toBeTruthy();
      expect(yml.description, `${where}: the description names the permissions it needs`).toMatch(/permissions/i);
      expect(['node24', 'composite'], `${where}: runs.using`).toContain(yml.runs?.using);
      const inputs = Object.entries(yml.inputs ?? {});
      const outputs = Object.entries(yml.outputs ?? {});
      const readmePath = join(actionsDir, name, 'README.md');
      expect(existsSync(readmePath), `actions/${name}/README.md exists`).toBe(true);
      const readme = readFileSync(readmePath, 'utf8');
      expect(readme, `actions/${name}/README.md: permissions`).toMatch(/permissions/i);
      const row = rowOf(name);
      expect(row, `actions/README.md has a row linking ${name}/README.md`).toBeDefined();
      for (const [key, spec] of [...inputs, ...outputs]) {
        expect(key, `${where}: ${key} is kebab-case`).toMatch(KEBAB);
        expect(spec?.description, `${where}: ${key} has a description`).toBeTruthy();
        expect(readme, `actions/${name}/README.md documents ${key}`).toContain(`\`${key}\``);
        expect(row, `actions/README.md's row for ${name} names ${key}`).toContain(`\`${key}\``);
      }
    }
  });
});

describe("the report README's fork-safe example", () => {
  it('is triggered by the name `init github` gives the run workflow, with the same job condition', () => {
    const files = generateInitWorkflows({
      pipelineName: 'churn',
      slug: 'churn',
      workingDirectory: '.',
      pipelineFile: 'mlpipeline.yaml',
      installDirectory: '.',
      environments: [],
      defaultBranch: 'main',
      actions: DEFAULT_ACTIONS,
      private: false,
      version: packageVersion(),
    });
    type Wf = { name: string; on: { workflow_run?: { workflows: string[] } }; jobs: Record<string, { if?: string }> };
    const generated = files.map((f) => parse(f.text) as Wf);
    const run = generated.find((w) => !w.on.workflow_run)!;
    const report = generated.find((w) => w.on.workflow_run)!;
    const readme = readFileSync(join(actionsDir, 'report', 'README.md'), 'utf8');
    const example = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!) as Wf).find((w) => w?.on?.workflow_run);
    expect(example, 'actions/report/README.md has a workflow_run example').toBeDefined();
    expect(example!.on.workflow_run!.workflows).toEqual([run.name]);
    expect(example!.name).toBe(report.name);
    expect(example!.jobs.report!.if).toBe(report.jobs.report!.if);
  });
});
