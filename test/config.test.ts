/**
 * Every broken mlpipeline.yaml fixture through the real CLI: exit code 2, the exact line and
 * column (counted by hand from the fixture), and the message. Fixtures are copied into a temp
 * folder outside any Git repository, so that folder is the repository root for path checks.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../cli/context.js';
import { runCli } from '../cli/main.js';
import { present } from './present.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'config');
let work: string;
let outside: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mlpipeline-config-'));
  outside = mkdtempSync(join(tmpdir(), 'mlpipeline-outside-'));
  cpSync(FIXTURES, work, { recursive: true });
  // A symlink inside the "repository" whose target is outside it.
  symlinkSync(outside, join(work, 'external'));
  // Larger than 1 MiB, though valid YAML (all comments).
  writeFileSync(join(work, 'huge.yaml'), 'version: 1\nname: huge\n' + `# ${'x'.repeat(1000)}\n`.repeat(1100));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

interface Row {
  file: string;
  line: number;
  column: number;
  message: string | RegExp;
}

const rows: Row[] = [
  // YAML itself
  { file: 'syntax-unclosed-flow.yaml', line: 3, column: 7, message: 'YAML syntax error: the [ opened on line 3 is never closed with ]' },
  { file: 'tab-indentation.yaml', line: 4, column: 1, message: 'tabs are not allowed as indentation' },
  { file: 'duplicate-key.yaml', line: 3, column: 1, message: "duplicate key 'name'" },
  { file: 'alias-bomb.yaml', line: 4, column: 8, message: 'alias bomb' },
  { file: 'huge.yaml', line: 1, column: 1, message: 'a pipeline file may be at most 1048576 bytes (1 MiB)' },
  { file: 'empty.yaml', line: 1, column: 1, message: 'the pipeline file is empty' },
  { file: 'only-comment.yaml', line: 1, column: 1, message: 'the pipeline file is empty' },
  { file: 'top-level-list.yaml', line: 1, column: 1, message: 'the top level must be a mapping (key: value), got a list' },
  { file: 'top-level-scalar.yaml', line: 1, column: 1, message: 'the top level must be a mapping (key: value), got a string' },
  { file: 'multiple-documents.yaml', line: 3, column: 1, message: 'more than one document' },
  { file: 'unknown-tag.yaml', line: 2, column: 7, message: 'unknown tag: !secret' },
  { file: 'unquoted-placeholder-in-flow.yaml', line: 8, column: 19, message: 'YAML syntax error' },
  // schema
  { file: 'unknown-top-key.yaml', line: 3, column: 1, message: "unknown key 'stagse' at the top level; did you mean 'stages'?" },
  { file: 'unknown-nested-key.yaml', line: 6, column: 5, message: "unknown key 'dpes' in stages.train; did you mean 'deps'?" },
  { file: 'wrong-type.yaml', line: 6, column: 11, message: 'stages.train.deps must be a list, got the string "data.csv"' },
  { file: 'bad-enum-task.yaml', line: 5, column: 9, message: "model.task: 'classification' is not one of binary-classification, multiclass-classification, regression" },
  { file: 'missing-model-path.yaml', line: 3, column: 1, message: "model is missing required key 'path'" },
  { file: 'missing-version.yaml', line: 1, column: 1, message: "missing required key 'version'" },
  { file: 'version-2.yaml', line: 1, column: 10, message: 'version must be 1, got the number 2' },
  { file: 'bad-model-name.yaml', line: 4, column: 9, message: "model.name: 'Churn@v1' is not a valid name" },
  // GTO reads only [a-z0-9-] names; anything else would be a tag GTO silently skips.
  { file: 'model-name-outside-gto.yaml', line: 4, column: 9, message: "model.name: 'churn_v2' is not a valid name; names are used in Git tags and may hold only lowercase letters, digits and '-'" },
  { file: 'bad-stage-name.yaml', line: 4, column: 3, message: "'train model' is not a valid name" },
  { file: 'stage-without-cmd.yaml', line: 4, column: 3, message: "stage 'train' has no command" },
  { file: 'cmd-and-run.yaml', line: 6, column: 5, message: "stage 'train' has both 'cmd' and its alias 'run'" },
  { file: 'max-drop-without-vs.yaml', line: 5, column: 5, message: "'max_drop' compares with a baseline, so the gate needs 'vs'" },
  { file: 'max-gap-without-across.yaml', line: 5, column: 5, message: "the gate needs 'across'" },
  { file: 'gate-without-rule.yaml', line: 4, column: 5, message: "gate on 'accuracy' has no rule" },
  { file: 'bad-params-ref.yaml', line: 6, column: 24, message: "params ref 'params.yaml:train.epochs' is not of the form 'key.path' or 'file#key.path'" },
  { file: 'bad-min-soak.yaml', line: 7, column: 15, message: "min_soak: '1day' is not a duration like '30m', '24h', '2d' or '1w'" },
  // semantics
  { file: 'cycle-of-two.yaml', line: 6, column: 12, message: 'cycle: a → b → a' },
  { file: 'cycle-of-three.yaml', line: 6, column: 12, message: 'cycle: a → c → b → a' },
  { file: 'self-dependency.yaml', line: 6, column: 12, message: "stage 'train' depends on its own output: dep 'models' overlaps out 'models/model.onnx'" },
  { file: 'same-out-two-stages.yaml', line: 9, column: 12, message: "stages 'train' and 'retrain' both write 'model.onnx'" },
  { file: 'matrix-same-out.yaml', line: 8, column: 12, message: "matrix instances 'train[lr=0.1]' and 'train[lr=0.01]' both write 'model.onnx'" },
  { file: 'absolute-path.yaml', line: 5, column: 11, message: "path '/etc/passwd' is absolute" },
  { file: 'dotdot-escape.yaml', line: 4, column: 9, message: "path '../../outside/model.onnx' escapes the repository" },
  { file: 'symlink-escape.yaml', line: 5, column: 11, message: "path 'external/train.csv' leads outside the repository through the symlink 'external'" },
  { file: 'unknown-metric.yaml', line: 4, column: 13, message: "unknown metric 'roc-auc'; did you mean 'roc_auc'?" },
  { file: 'custom-metric-no-direction.yaml', line: 6, column: 5, message: "'max_drop' needs a direction, but custom metric 'revenue_uplift' has none" },
  { file: 'gate-min-above-max.yaml', line: 5, column: 10, message: 'min 0.9 is greater than max 0.8' },
  { file: 'env-after-unknown.yaml', line: 6, column: 12, message: "comes after 'stagin', which is not defined under 'environments'; did you mean 'staging'?" },
  { file: 'env-cycle.yaml', line: 5, column: 12, message: 'environments come after each other in a cycle: staging → production → staging' },
  { file: 'unknown-dataset-evaluation.yaml', line: 7, column: 9, message: "evaluation.data refers to dataset 'holdout', which is not defined under 'data'" },
  { file: 'unknown-dataset-validation.yaml', line: 6, column: 9, message: "dataset 'trian', which is not defined under 'data'; did you mean 'train'?" },
  { file: 'bad-matrix-placeholder.yaml', line: 5, column: 31, message: "'${matrix.rate}' names no key of stage 'train's matrix" },
  // deploy: blocks (GitOps manifest bump)
  { file: 'deploy-unknown-placeholder.yaml', line: 8, column: 31, message: "environment 'staging': unknown placeholder '{verison}' in the deploy uri; did you mean '{version}'?" },
  { file: 'deploy-custom-without-field.yaml', line: 7, column: 13, message: "a custom deploy needs 'field', the dotted path to set" },
  { file: 'deploy-manifest-escape.yaml', line: 6, column: 17, message: "path '../../cluster/staging.yaml' escapes the repository" },
  { file: 'deploy-bad-mode.yaml', line: 9, column: 13, message: "environments.staging.deploy.mode: 'merge' is not one of commit, pull-request" },
];

async function validate(args: string[]) {
  const io = bufferIo();
  const code = await runCli(['validate', ...args], { io, cwd: work });
  return { code, io };
}

describe('mlpipeline validate on broken fixtures', () => {
  it('has a row for every broken fixture, and a fixture for every row', () => {
    // huge.yaml is written by beforeAll (1 MiB is too big to commit); valid/ holds the good ones.
    const fixtures = readdirSync(FIXTURES, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
    expect(rows.map((r) => r.file).sort()).toEqual([...fixtures, 'huge.yaml'].sort());
  });

  it.each(rows)('$file → $line:$column', async (row) => {
    const text = await validate(['-f', row.file]);
    expect(text.code).toBe(2);
    // One line per problem, `file:line:col: message`, then the fix; never a stack trace.
    const first = present(text.io.stderr.split('\n')[0], 'a first line on stderr');
    expect(first.startsWith(`mlpipeline: ${row.file}:${row.line}:${row.column}: `)).toBe(true);
    expect(first).toContain(row.message);
    expect(text.io.stderr).toMatch(/\n {2}fix: \S/);
    expect(text.io.stderr).not.toMatch(/\n\s+at /);

    const json = await validate(['-f', row.file, '--json']);
    expect(json.code).toBe(2);
    const out = JSON.parse(json.io.stdout) as { ok: boolean; file: string; problems: { file: string; line: number; column: number; message: string; fix: string }[] };
    expect(out.ok).toBe(false);
    expect(out.file).toBe(row.file);
    const problem = present(out.problems[0], 'a problem');
    expect(problem).toMatchObject({ file: row.file, line: row.line, column: row.column });
    expect(problem.message).toContain(row.message);
    expect(typeof problem.fix).toBe('string');
  });

  it('reports every problem at once, in file order', async () => {
    writeFileSync(
      join(work, 'many.yaml'),
      ['version: 1', 'name: many', 'stages:', '  train:', '    cmd: make', '    deps: [../x.csv]', '    outz: [m.onnx]', 'gates:', '  - metric: acuracy', '    min: 0.5', ''].join('\n'),
    );
    const { code, io } = await validate(['-f', 'many.yaml', '--json']);
    expect(code).toBe(2);
    const problems = (JSON.parse(io.stdout) as { problems: { line: number; column: number; message: string }[] }).problems;
    expect(problems.map((p) => [p.line, p.column])).toEqual([
      [6, 12],
      [7, 5],
      [9, 13],
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining("path '../x.csv' escapes the repository"),
      expect.stringContaining("unknown key 'outz' in stages.train; did you mean 'outs'?"),
      expect.stringContaining("unknown metric 'acuracy'; did you mean 'accuracy'?"),
    ]);
  });

  it('names a missing file with exit 2', async () => {
    const { code, io } = await validate(['-f', 'nope.yaml', '--json']);
    expect(code).toBe(2);
    const out = JSON.parse(io.stdout) as { ok: boolean; problems: { message: string }[] };
    expect(out.ok).toBe(false);
    expect(present(out.problems[0], 'a problem').message).toMatch(/no pipeline file at .*nope\.yaml/);
  });
});

describe('mlpipeline validate on a valid pipeline', () => {
  it('prints a summary with stages in dependency order', async () => {
    const { code, io } = await validate(['-f', 'valid/full.yaml']);
    expect(code).toBe(0);
    expect(io.stdout).toContain("valid/full.yaml: OK — pipeline 'churn'");
    expect(io.stdout).toContain('stages (3, in dependency order): prepare → train → package');
    expect(io.stdout).toContain('datasets (2): train, test');
    expect(io.stdout).toContain('gates: 7');
    expect(io.stdout).toContain('environments (2): staging, production');
  });

  it('prints the JSON shape', async () => {
    const { code, io } = await validate(['-f', 'valid/full.yaml', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(io.stdout)).toEqual({
      ok: true,
      file: 'valid/full.yaml',
      pipeline: 'churn',
      stages: ['prepare', 'train', 'package'],
      datasets: ['train', 'test'],
      gates: 7,
      environments: ['staging', 'production'],
      problems: [],
      // Outs of `prepare` that are not there before the first run: warnings, not errors.
      warnings: [
        { file: 'valid/full.yaml', line: 17, column: 5, message: "dataset 'train': data/train.csv does not exist yet; stage 'prepare' produces it", fix: 'run `mlpipeline run` before the commands that read it (validate-data, evaluate)' },
        { file: 'valid/full.yaml', line: 20, column: 5, message: "dataset 'test': data/test.csv does not exist yet; stage 'prepare' produces it", fix: 'run `mlpipeline run` before the commands that read it (validate-data, evaluate)' },
      ],
    });
  });
});

describe('mlpipeline schema', () => {
  it('prints the pipeline schema as JSON', async () => {
    const io = bufferIo();
    expect(await runCli(['schema'], { io })).toBe(0);
    const schema = JSON.parse(io.stdout) as { $id: string; $schema: string };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toMatch(/mlpipeline\.schema\.json$/);
    expect(io.stdout).toBe(readFileSync(join(import.meta.dirname, '..', 'pipeline-schema', 'mlpipeline.schema.json'), 'utf8'));
  });

  it('lists kinds and refuses an unknown one with a suggestion', async () => {
    const list = bufferIo();
    expect(await runCli(['schema', '--list'], { io: list })).toBe(0);
    expect(list.stdout.split('\n')).toContain('mlpipeline');
    const bad = bufferIo();
    expect(await runCli(['schema', 'mlpipelin'], { io: bad })).toBe(2);
    expect(bad.stderr).toContain("no schema named 'mlpipelin'; did you mean 'mlpipeline'?");
  });
});
