/**
 * report.json `annotations` (runners/report/annotations.ts): each problem on its exact line — a
 * failed gate on the gate's line in mlpipeline.yaml, a failed data check on the data file's lines
 * (from a real validate-data pass over a CSV), a failed stage on its stage — with
 * repository-relative POSIX paths the schema accepts, and nothing outside the repository.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateDocument } from '../pipeline-schema/documents.js';
import { loadPipelineText } from '../pipeline-schema/load.js';
import { buildReportData } from '../reports/report-data.js';
import { validateData } from '../runners/data/validate.js';
import { gateResultNames } from '../runners/gates/gates.js';
import type { GateResult, Verdict } from '../runners/gates/verdict.js';
import { computeAnnotations, repoPath } from '../runners/report/annotations.js';
import { invalidPipelineInputs } from '../runners/report/invalid-pipeline.js';
import { ConfigError } from '../core/errors.js';
import type { RunRecord } from '../pipeline-schema/types.js';

const PIPELINE = `version: 1
name: churn
data:
  raw:
    path: data/raw.csv
validation:
  data: raw
  columns:
    tenure:
      type: integer
      min: 0
gates:
  - metric: f1
    min: 0.8
  - metric: roc_auc
    min: 0.7
    severity: warn
  - metric: accuracy
    max_drop: 0.01
    vs: production
stages:
  train:
    cmd: node train.js
`;

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'mlp-annotations-'));
  mkdirSync(join(root, 'pipelines', 'churn', 'data'), { recursive: true });
  writeFileSync(join(root, 'pipelines', 'churn', 'mlpipeline.yaml'), PIPELINE);
  // Line 1 header; line 3 and line 5 break the checks.
  writeFileSync(join(root, 'pipelines', 'churn', 'data', 'raw.csv'), 'tenure,plan\n3,a\n-4,b\n7,c\nx,d\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function gate(name: string, over: Partial<GateResult>): GateResult {
  return { name, metric: 'f1', slice: null, across: null, kind: 'min', threshold: 0.8, value: 0.7, vs: null, baseline: null, delta: null, status: 'failed', severity: 'error', reason: 'f1 0.7 is below 0.8', ...over };
}

describe('report annotations', () => {
  it('puts gates, data checks and a failed stage on their exact lines', async () => {
    const dir = join(root, 'pipelines', 'churn');
    const loaded = loadPipelineText(PIPELINE, join(dir, 'mlpipeline.yaml'), { cwd: dir, repoRoot: root });
    const gates = loaded.pipeline.gates!;
    const verdict = {
      schema: 'mlpipeline/verdict@1',
      passed: false,
      summary: { passed: 0, failed: 2, skipped: 1, warnings: 1 },
      gates: [
        gate(gateResultNames(gates[0]!)[0]!, {}),
        gate(gateResultNames(gates[1]!)[0]!, { metric: 'roc_auc', severity: 'warn', reason: 'roc_auc 0.6 is below 0.7' }),
        gate(gateResultNames(gates[2]!)[0]!, { metric: 'accuracy', kind: 'max_drop', status: 'skipped', reason: 'no production baseline yet' }),
      ],
    } as Verdict;
    const { document: validation } = await validateData({ data: { path: 'data/raw.csv', cwd: dir }, spec: loaded.pipeline.validation, configFile: loaded.file });
    const run = { stages: [{ name: 'train', status: 'failed', reason: 'exit code 1', duration_ms: 5 }] } as unknown as RunRecord;

    const annotations = computeAnnotations({ pipeline: loaded.pipeline, verdict, validation, run }, { loaded, root });
    const file = 'pipelines/churn/mlpipeline.yaml';
    const data = 'pipelines/churn/data/raw.csv';
    expect(annotations.map((a) => [a.level, a.path, a.start_line, a.title])).toEqual([
      ['failure', file, 13, 'gate failed: f1 >= 0.8'],
      ['failure', data, 5, 'data check failed: tenure type'],
      ['failure', data, 3, 'data check failed: tenure min'],
      ['failure', file, 22, 'stage failed: train'],
      ['warning', file, 15, 'gate failed (warning): roc_auc >= 0.7'],
      ['notice', file, 18, 'gate skipped: accuracy drop vs production <= 0.01'],
    ]);
    expect(annotations[2]!.message).toBe('column "tenure": min expected >= 0; 1 row failed (row 2: "-4")');

    // Carried in report.json, and valid against its schema.
    const report = buildReportData({ pipeline: loaded.pipeline, verdict, validation, annotations, pipeline_file: file, pull_request: { number: 7, head_sha: 'a'.repeat(40) } });
    expect(report.annotations).toEqual(annotations);
    expect(validateDocument('report', report)).toEqual([]);
  });

  it('names only paths inside the repository, as the schema requires', () => {
    expect(repoPath(root, join(root, 'a', 'b.csv'))).toBe('a/b.csv');
    expect(repoPath(root, join(root, '..', 'elsewhere.csv'))).toBeUndefined();
    expect(repoPath(root, '/etc/passwd')).toBeUndefined();
    expect(repoPath(root, root)).toBeUndefined();
    const at = (path: string) => validateDocument('report', { ...buildReportData({ pipeline: { version: 1, name: 'x' } }), annotations: [{ path, start_line: 1, end_line: 1, level: 'notice', title: '', message: 'm' }] });
    expect(at('data/train.csv')).toEqual([]);
    for (const bad of ['/etc/passwd', '../x', 'a/../b', './a', 'a\\b', 'a\u0000b', 'a//b', 'a/']) expect(at(bad), bad).not.toEqual([]);
  });

  it('a pipeline file that does not load: its problems on their lines, nothing else claimed', () => {
    const dir = join(root, 'pipelines', 'churn');
    const file = join(dir, 'mlpipeline.yaml');
    const text = PIPELINE.replace('  - metric: roc_auc\n    min: 0.7', '  - metric: roc_auc\n    minn: 0.7');
    let error: unknown;
    try {
      loadPipelineText(text, file, { cwd: dir, repoRoot: root });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const inputs = invalidPipelineInputs({ file, shown: 'mlpipeline.yaml', root, text, problems: (error as ConfigError).problems });
    expect(inputs.pipeline.name).toBe('churn');
    // The gate's line (no threshold left) and the unknown key's line.
    expect(inputs.annotations!.map((a) => [a.path, a.start_line, a.level])).toEqual([
      ['pipelines/churn/mlpipeline.yaml', 15, 'failure'],
      ['pipelines/churn/mlpipeline.yaml', 16, 'failure'],
    ]);
    expect(inputs.annotations![1]!.message).toContain('minn');
    const report = buildReportData(inputs);
    expect(report.verdict.status).toBe('not-gated');
    expect(report.problems[0]!.problem).toBe("is invalid, so nothing ran: mlpipeline.yaml:15:5: gate on 'roc_auc' has no rule; mlpipeline.yaml:16:5: unknown key 'minn' in gates[1]; did you mean 'min'?");
    expect(validateDocument('report', report)).toEqual([]);
  });
});
