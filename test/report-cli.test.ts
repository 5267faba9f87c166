/**
 * `mlpipeline report` for real: on the bundled example after `run`, `validate-data`, `evaluate`
 * and `gate` on a pull-request branch (each step leaves its document in .mlpipeline/), it writes
 * all six files; with a stage that failed, it says what did not run and why instead of failing.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../cli/context.js';
import { runCli } from '../cli/main.js';
import { validateDocument } from '../pipeline-schema/documents.js';
import { REPORT_FILES } from '../reports/report-files.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const example = join(root, 'examples', 'churn');
const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_ACTOR: '', GITHUB_REF: '', GITHUB_BASE_REF: '', GITHUB_HEAD_REF: '' };
let work: string;
let repo: string;

async function mlp(args: string[], cwd = repo): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo();
  const code = await runCli(args, { io, cwd, env });
  return { code, out: io.stdout, err: io.stderr };
}
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env, stdio: 'pipe' });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mlp-report-'));
  repo = join(work, 'churn');
  cpSync(example, repo, { recursive: true, filter: (src) => !/[/\\](data|model|metrics|\.mlpipeline)([/\\]|$)/.test(src.slice(example.length)) });
  mkdirSync(join(repo, 'node_modules'));
  symlinkSync(root, join(repo, 'node_modules', 'mlpipeline'));
  for (const entry of readdirSync(join(root, 'node_modules'))) if (!entry.startsWith('.')) symlinkSync(join(root, 'node_modules', entry), join(repo, 'node_modules', entry));
  writeFileSync(join(repo, '.gitignore'), 'node_modules/\n.mlpipeline/\n');
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Dana Scientist');
  git('config', 'user.email', 'dana@example.com');
  expect((await mlp(['run'])).code).toBe(0);
  git('add', '-A');
  git('commit', '-q', '-m', 'Train the first churn model');
  git('checkout', '-q', '-b', 'feature/stronger-l2');
  const params = readFileSync(join(repo, 'params.yaml'), 'utf8');
  writeFileSync(join(repo, 'params.yaml'), params.replace(/^(\s*l2:\s*)([0-9.eE+-]+)/m, '$10.5'));
  expect((await mlp(['run'])).code).toBe(0);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('mlpipeline report on the bundled example', () => {
  it('validate-data, evaluate and gate leave their documents in .mlpipeline/', async () => {
    expect([0, 1]).toContain((await mlp(['validate-data'])).code);
    expect((await mlp(['evaluate', '--baseline-ref', 'main'])).code).toBe(0);
    expect([0, 1]).toContain((await mlp(['gate'])).code);
    for (const f of ['run.json', 'validation.json', 'evaluation.json', 'verdict.json']) expect(existsSync(join(repo, '.mlpipeline', f)), f).toBe(true);
  });

  it('writes all six files, and the comment starts with the verdict and diffs against the merge base', async () => {
    const r = await mlp(['report']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(REPORT_FILES.map((f) => `wrote ${f.padEnd(16)} .mlpipeline/report/${f}\n`).join(''));
    for (const f of REPORT_FILES) expect(readFileSync(join(repo, '.mlpipeline', 'report', f), 'utf8').length, f).toBeGreaterThan(0);
    const comment = readFileSync(join(repo, '.mlpipeline', 'report', 'comment.md'), 'utf8');
    expect(comment.split('\n')[0]).toBe('<!-- mlpipeline-report pipeline=churn file=mlpipeline.yaml -->');
    expect(comment.split('\n')[1]).toMatch(/^## mlpipeline report: \*\*(✅ churn: passed|❌ churn: failed|⚠️ churn: passed with warnings)\*\*/);
    expect(comment).toContain('vs merge\\-base with main: 1 params changed');
    expect(comment).toContain('| params\\.yaml | train\\.l2 | 0\\.01 | 0\\.5 |');
    expect(comment).toMatch(/### Metrics\n\n\d+ metrics: vs base \d+ better, \d+ worse/);
    expect(comment).toContain('### Drift');
    expect(comment).toContain('### Slices');
    // report.json carries what the report action needs beyond the comment: the pipeline file and
    // the check run's annotations (repository-relative paths), valid against its schema.
    const data = JSON.parse(readFileSync(join(repo, '.mlpipeline', 'report', 'report.json'), 'utf8'));
    expect(data.pipeline_file).toBe('mlpipeline.yaml');
    expect(Array.isArray(data.annotations)).toBe(true);
    for (const a of data.annotations) expect(a.path).toMatch(/^(mlpipeline\.yaml|data\/[^/]+)$/);
    expect(validateDocument('report', data)).toEqual([]);
  });

  it('--base, --results and --out', async () => {
    const r = await mlp(['report', '--base', 'HEAD', '--results', '.mlpipeline', '--out', 'out', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).files['comment.md']).toBe('out/comment.md');
    expect(readFileSync(join(repo, 'out', 'comment.md'), 'utf8')).toContain('vs HEAD: 1 params changed');
    const bad = await mlp(['report', '--base', 'no-such-ref']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("unknown git ref 'no-such-ref'");
  });
});

describe('review findings on the real command', () => {
  const results = (name: string, docs: string[], edit?: (verdict: Record<string, any>) => void) => {
    const dir = join(work, name);
    mkdirSync(dir, { recursive: true });
    for (const d of docs) cpSync(join(repo, '.mlpipeline', d), join(dir, d));
    if (edit) {
      const v = JSON.parse(readFileSync(join(dir, 'verdict.json'), 'utf8'));
      edit(v);
      writeFileSync(join(dir, 'verdict.json'), JSON.stringify(v));
    }
    return dir;
  };

  it('finding 5: a verdict whose gates digest is not the pipeline\'s is "not used" and the report is not gated', async () => {
    const dir = results('forged-gates', ['run.json', 'validation.json', 'evaluation.json', 'verdict.json'], (v) => {
      v.passed = true;
      v.gates_config.sha256 = 'f'.repeat(64);
    });
    const r = await mlp(['report', '--results', dir, '--out', join(work, 'out-forged')]);
    expect(r.code, r.err).toBe(0);
    const comment = readFileSync(join(work, 'out-forged', 'comment.md'), 'utf8');
    expect(comment.split('\n')[1]).toMatch(/^## mlpipeline report: \*\*⚪ churn: not gated\*\* — no gate verdict&#58; verdict\\\.json is not used/);
    expect(comment).toContain('- verdict\\.json not used: does not judge this evaluation&#58; its gates config sha256 ffffff&#8203;ffffff is not the pipeline');
    expect(JSON.parse(readFileSync(join(work, 'out-forged', 'report.json'), 'utf8')).verdict.status).toBe('not-gated');
  });

  it('finding 5: a verdict bound to another model, or with no evaluation document, is not used', async () => {
    const other = results('forged-model', ['evaluation.json', 'verdict.json'], (v) => {
      v.model.sha256 = 'a'.repeat(64);
    });
    expect((await mlp(['report', '--results', other, '--out', join(work, 'out-model')])).code).toBe(0);
    expect(readFileSync(join(work, 'out-model', 'comment.md'), 'utf8')).toContain('it judged model sha256 aaaaaa&#8203;aaaaaa, the evaluation is of');
    const alone = results('verdict-alone', ['verdict.json']);
    expect((await mlp(['report', '--results', alone, '--out', join(work, 'out-alone')])).code).toBe(0);
    const comment = readFileSync(join(work, 'out-alone', 'comment.md'), 'utf8');
    expect(comment).toContain('**⚪ churn: not gated**');
    expect(comment).toContain('- verdict\\.json not used: has no evaluation document to be checked against');
  });

  it('finding 6: a symlinked default output folder is refused (exit 2); --out is the user\'s choice', async () => {
    const elsewhere = join(work, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    rmSync(join(repo, '.mlpipeline', 'report'), { recursive: true, force: true });
    symlinkSync(elsewhere, join(repo, '.mlpipeline', 'report'));
    try {
      const r = await mlp(['report']);
      expect(r.code).toBe(2);
      expect(r.err).toContain('is under a symbolic link (.mlpipeline/report)');
      expect(r.err).toContain('--out DIR');
      expect(readdirSync(elsewhere)).toEqual([]);
      expect((await mlp(['report', '--out', '.mlpipeline/report'])).code).toBe(0);
    } finally {
      rmSync(join(repo, '.mlpipeline', 'report'));
    }
    expect((await mlp(['report'])).code).toBe(0);
  });

  it('finding 6: writeFileAtomic({ confineTo }) refuses a folder whose realpath is outside', async () => {
    const { writeFileAtomic, writeFileAtomicSync } = await import('../core/atomic-write.js');
    const base = join(work, 'confine');
    mkdirSync(join(base, 'inside'), { recursive: true });
    symlinkSync(join(work, 'elsewhere'), join(base, 'inside', 'state'));
    await expect(writeFileAtomic(join(base, 'inside', 'state', 'x', 'f.json'), '{}', { confineTo: join(base, 'inside') })).rejects.toThrow(/would be written outside/);
    expect(() => writeFileAtomicSync(join(base, 'inside', 'state', 'f.json'), '{}', { confineTo: join(base, 'inside') })).toThrow(/would be written outside/);
    await writeFileAtomic(join(base, 'inside', 'new', 'f.json'), '{}', { confineTo: join(base, 'inside') });
    expect(readFileSync(join(base, 'inside', 'new', 'f.json'), 'utf8')).toBe('{}');
  });

  it('finding 4: a lone surrogate in the pipeline name is a config error (exit 2), not a crash', async () => {
    const dir = join(work, 'surrogate');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'mlpipeline.yaml'), 'version: 1\nname: "churn\\ud800"\n');
    const r = await mlp(['report'], dir);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain('lone surrogate');
  });

  it('finding 5: a run record from another commit is reported with a note', async () => {
    writeFileSync(join(repo, 'NOTES.md'), 'later\n');
    git('add', 'NOTES.md');
    git('commit', '-q', '-m', 'a later commit');
    const r = await mlp(['report']);
    expect(r.code, r.err).toBe(0);
    const comment = readFileSync(join(repo, '.mlpipeline', 'report', 'comment.md'), 'utf8');
    expect(comment).toMatch(/- run record is from commit [0-9a-f]{6}(&#8203;)?[0-9a-f]{6}, not HEAD [0-9a-f]{6}(&#8203;)?[0-9a-f]{6}/);
  });
});

describe('mlpipeline report when steps did not run', () => {
  it('a failed training stage: the report says "no evaluation: stage train failed" and exits 0', async () => {
    const dir = join(work, 'failing');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'mlpipeline.yaml'),
      'version: 1\nname: tiny\nmodel: {path: model.onnx, task: binary-classification, label: y}\nstages:\n  train: {cmd: "exit 3", outs: [model.onnx]}\n',
    );
    expect((await mlp(['run'], dir)).code).toBe(1);
    const r = await mlp(['report'], dir);
    expect(r.code, r.err).toBe(0);
    const comment = readFileSync(join(dir, '.mlpipeline', 'report', 'comment.md'), 'utf8');
    expect(comment).toContain('## mlpipeline report: **⚪ tiny: not gated** — no gate verdict&#58; no evaluation \\(stage train failed\\)');
    expect(comment).toContain('- no evaluation&#58; stage train failed\n');
    expect(comment).toContain('| train | failed |');
    const data = JSON.parse(readFileSync(join(dir, '.mlpipeline', 'report', 'report.json'), 'utf8'));
    expect(data.verdict).toMatchObject({ status: 'not-gated' });
  });
});
