/**
 * Every rule of the danger plugin, through the plugin as a dangerfile calls it (`mlpipeline()`
 * reading danger's globals, stubbed here as danger plugins are tested), on real throw-away PRs:
 * for each rule a case where it fires and one where it does not. Hostile names from data and
 * results documents come out escaped (reports/markdown.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reportFixture } from '../../bench/report-documents.js';
import { mlpipeline, type DangerLike, type MlpipelineDangerOptions } from '../../danger/index.js';
import { validateDocument } from '../../pipeline-schema/documents.js';
import { buildReportData, type ReportData } from '../../reports/report-data.js';
import { BASE_FILES, makePr, PIPELINE, runRecordOf, sha256, stubDanger, type Pr, type Said } from './fixture.js';

const HOSTILE = '@everyone <img src=x onerror=alert(1)> [x](https://evil.example) | #1';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function pr(head: Record<string, string | Buffer | null>, base?: Record<string, string>): Pr {
  const p = makePr(head, base);
  cleanups.push(() => p.cleanup());
  return p;
}

/** Run the plugin as a dangerfile would, with danger's globals stubbed; what it said. */
async function danger(p: Pr, options: MlpipelineDangerOptions): Promise<Said> {
  const stub = stubDanger(p.dangerGit());
  try {
    await mlpipeline({ cwd: p.dir, ...options });
  } finally {
    stub.restore();
  }
  return stub.said;
}

function writeResult(p: Pr, name: string, doc: unknown): void {
  mkdirSync(join(p.dir, '.mlpipeline'), { recursive: true });
  writeFileSync(join(p.dir, '.mlpipeline', name), JSON.stringify(doc));
}

const nothing = (s: Said) => ({ fails: s.fails, warnings: s.warnings, messages: s.messages, markdowns: s.markdowns });
const SILENT = { fails: [], warnings: [], messages: [], markdowns: [] };

/** As in test/report-hostile.test.ts: the render checks need cmark-gfm (apt-get install cmark-gfm); the source checks always run. */
const CMARK = spawnSync('cmark-gfm', ['--version'], { stdio: 'ignore' }).status === 0;
const GFM = ['--extension', 'table', '--extension', 'autolink', '--extension', 'tagfilter', '--unsafe'];

/** HTML as GitHub's engine (cmark-gfm with its extensions, raw HTML kept) renders the Markdown. */
function rendered(md: string): string {
  const r = spawnSync('cmark-gfm', GFM, { input: md, encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`cmark-gfm: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

/** No raw HTML, no live mention, no link in what the plugin said, in the source and as rendered. */
function expectEscaped(text: string): void {
  expect(text).not.toMatch(/<img|<a |\[x\]\(https/);
  expect(text).not.toMatch(/@everyone/);
  expect(text).toContain('@&#8203;everyone');
  expect(text).toContain('&lt;img');
  if (!CMARK) return;
  const html = rendered(text);
  expect(html).not.toMatch(/<img|<a[\s>]|<script/i);
  expect(html).not.toMatch(/@everyone/); // GitHub mentions in the rendered text; a zero-width space follows the @
}

function report(mutate: (r: ReportData) => void): ReportData {
  const r = buildReportData(reportFixture({ columns: 4, slices: 1 }));
  mutate(r);
  expect(validateDocument('report', r)).toEqual([]);
  return r;
}

describe('the plugin', () => {
  it('says nothing when no rule is switched on, whatever the PR holds', async () => {
    const p = pr({ 'data/train.csv': 'tenure,churned\n9,9\n', 'model/model.onnx': 'x' });
    expect(nothing(await danger(p, {}))).toEqual(SILENT);
  });

  it('refuses to run outside danger (its globals missing) with a usage error that says how to run it', async () => {
    await expect(mlpipeline({})).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining("danger's globals are missing") });
  });

  it('fails a switched-on rule that cannot decide (an unknown base ref), saying why and how to fix it', async () => {
    const said = await danger(pr({ 'mlpipeline.yaml': PIPELINE.replace('min: 0.8', 'min: 0.7') }), { gateChanges: true, base: 'origin/nope' });
    expect(said.fails).toHaveLength(1);
    expect(said.fails[0]).toMatch(/^mlpipeline rule `gateChanges` could not run: unknown git ref \\'origin\/nope\\'\. Fix: name a branch, tag or commit that exists here/);
  });

  it("reads danger's own DSL type (type-level: DangerDSLType fits DangerLike)", () => {
    type DangerDSL = import('danger/distribution/dsl/DangerDSL.js').DangerDSLType;
    const fits = (d: DangerDSL): DangerLike => d;
    expect(typeof fits).toBe('function');
  });
});

describe('freshResults: data, params or training code changed without fresh results fails', () => {
  it('fires when the PR changes the training data and there is no run.json', async () => {
    const p = pr({ 'data/train.csv': 'tenure,churned\n1,0\n2,1\n3,0\n' });
    const said = await danger(p, { freshResults: true });
    expect(said.fails).toHaveLength(1);
    expect(said.fails[0]).toContain('This PR changes data (`data/train.csv`) but carries no fresh mlpipeline results');
    expect(said.fails[0]).toContain('there is no `run.json` in `.mlpipeline`');
  });

  it('does not fire when the run record matches the PR by content (pipeline file, deps, params)', async () => {
    const p = pr({ 'data/train.csv': 'tenure,churned\n1,0\n2,1\n3,0\n', 'params.yaml': 'train:\n  lr: 0.2\n', 'train.py': 'print("v2")\n' });
    writeResult(p, 'run.json', runRecordOf(p, { lr: 0.2 }));
    expect(nothing(await danger(p, { freshResults: true }))).toEqual(SILENT);
  });

  it('does not fire when the PR touches nothing the pipeline reads (no results needed)', async () => {
    const p = pr({ 'README.md': '# churn, now documented\n' });
    expect(nothing(await danger(p, { freshResults: true }))).toEqual(SILENT);
  });

  it('fires on a stale run: the data changed after the run, and a param it recorded differs', async () => {
    const p = pr({ 'data/train.csv': 'tenure,churned\n1,0\n', 'params.yaml': 'train:\n  lr: 0.3\n' });
    const stale = runRecordOf(p, { lr: 0.1 });
    stale.stages[0]!.deps['data/train.csv'] = 'e'.repeat(64);
    writeResult(p, 'run.json', stale);
    const said = await danger(p, { freshResults: true });
    expect(said.fails).toHaveLength(1);
    expect(said.fails[0]).toContain('This PR changes data, params (`data/train.csv`, `params.yaml`)');
    expect(said.fails[0]).toContain('stage `train`: dep `data/train.csv` changed since the run');
    expect(said.fails[0]).toContain('stage `train`: param `train.lr` changed since the run');
  });

  it('fires when the run read another version of the pipeline file', async () => {
    const p = pr({ 'mlpipeline.yaml': PIPELINE.replace('python train.py', 'python train.py --fast') });
    const run = runRecordOf(p);
    run.pipeline.sha256 = '0'.repeat(64);
    writeResult(p, 'run.json', run);
    const said = await danger(p, { freshResults: true });
    expect(said.fails[0]).toMatch(/This PR changes pipeline .* the run read a different `mlpipeline\.yaml`/);
  });

  it('fires on a run.json that does not match its schema (untrusted), naming the problem, escaped', async () => {
    const p = pr({ 'train.py': 'print("v2")\n' });
    writeResult(p, 'run.json', { ...runRecordOf(p), status: HOSTILE });
    const said = await danger(p, { freshResults: true });
    expect(said.fails).toHaveLength(1);
    expect(said.fails[0]).toContain('changes training code (`train.py`)');
    expect(said.fails[0]).toContain('`run.json` in `.mlpipeline` is not used: does not match the run schema');
  });

  it('never reads a dep a run record names outside the repository: it counts as gone', async () => {
    const p = pr({ 'data/train.csv': 'tenure,churned\n5,1\n' });
    const outside = mkdtempSync(join(tmpdir(), 'mlp-danger-outside-'));
    cleanups.push(() => rmSync(outside, { recursive: true, force: true }));
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    const rel = relative(p.dir, join(outside, 'secret.txt')).split(sep).join('/');
    const run = runRecordOf(p);
    run.stages[0]!.deps[rel] = sha256('secret');
    writeResult(p, 'run.json', run);
    const said = await danger(p, { freshResults: true });
    expect(said.fails).toHaveLength(1);
    expect(said.fails[0]).toContain(`dep \`${rel}\` is gone`);
  });

  it('watches extra training code by glob (`paths`), vouched for only by a clean run of HEAD', async () => {
    const p = pr({ 'src/features/encode.py': 'x = 1\n' });
    writeResult(p, 'run.json', runRecordOf(p, { commit: 'c'.repeat(40) }));
    const stale = await danger(p, { freshResults: { paths: ['src/**/*.py'] } });
    expect(stale.fails[0]).toContain('`src/features/encode.py` is not a dep the run recorded, and the run is not a clean run of HEAD');
    writeResult(p, 'run.json', runRecordOf(p));
    expect(nothing(await danger(p, { freshResults: { paths: ['src/**/*.py'] } }))).toEqual(SILENT);
    // Without the glob, the file is nothing the pipeline reads.
    expect(nothing(await danger(p, { freshResults: true }))).toEqual(SILENT);
  });
});

describe('gateChanges: a gate loosened or removed warns and asks a CODEOWNERS owner', () => {
  it('fires on a lowered min, naming the gate, old → new, the line, and the base branch owners (last match wins)', async () => {
    const p = pr({ 'mlpipeline.yaml': PIPELINE.replace('min: 0.8', 'min: 0.7'), CODEOWNERS: '* @mallory\n' });
    const said = await danger(p, { gateChanges: true });
    expect(said.warnings).toHaveLength(1);
    expect(said.warnings[0]).toBe(
      'Gate `roc_auc` (higher is better) is loosened in `mlpipeline.yaml`: `min` `0.8` → `0.7`. Ask `@org/ml-leads` or `@alice` (owners of `mlpipeline.yaml` in `CODEOWNERS:2` on `main`) to approve this change.',
    );
    expect(said.calls[0]).toMatchObject({ file: 'mlpipeline.yaml', line: 18 });
  });

  it('fires on a removed gate, a raised max_drop, severity error → warn, and a turned-around direction', async () => {
    const head = PIPELINE.replace('  - metric: roc_auc\n    min: 0.8\n', '').replace('max_drop: 0.02', 'max_drop: 0.05\n    severity: warn\n    higher_is_better: false');
    const said = await danger(pr({ 'mlpipeline.yaml': head }), { gateChanges: true });
    expect(said.warnings).toHaveLength(2);
    expect(said.warnings[0]).toMatch(/^Gate `roc_auc` \(higher is better\) is removed from `mlpipeline\.yaml`; it held `min` `0\.8`\. Ask /);
    expect(said.warnings[1]).toContain('Gate `f1 vs production` (higher is better) is loosened in `mlpipeline.yaml`: `max_drop` `0.02` → `0.05`; severity `error` → `warn`');
    expect(said.warnings[1]).toContain('direction turned around (higher is better → lower is better)');
  });

  it('does not fire when gates are only tightened, added or reordered', async () => {
    const head = PIPELINE.replace('  - metric: roc_auc\n    min: 0.8\n', '').replace('max_drop: 0.02', 'max_drop: 0.01\n  - metric: roc_auc\n    min: 0.85\n  - metric: recall\n    min: 0.5');
    expect(nothing(await danger(pr({ 'mlpipeline.yaml': head }), { gateChanges: true }))).toEqual(SILENT);
  });

  it('escapes a hostile gate name, and says when no CODEOWNERS entry owns the file', async () => {
    const base = { ...BASE_FILES, CODEOWNERS: '/docs/ @org/docs\n', 'mlpipeline.yaml': PIPELINE.replace('  - metric: roc_auc', `  - name: ${JSON.stringify(HOSTILE)}\n    metric: roc_auc`) };
    const said = await danger(pr({ 'mlpipeline.yaml': PIPELINE.replace('  - metric: roc_auc\n    min: 0.8\n', '') }, base), { gateChanges: true });
    expect(said.warnings).toHaveLength(1);
    expect(said.warnings[0]).toContain('No CODEOWNERS entry on `main` owns `mlpipeline.yaml`');
    // A gate name is shown in a code span: literal, no mention, no HTML, no link.
    expect(said.warnings[0]).toContain('`@everyone <img src=x onerror=alert(1)> [x](https://evil.example) \\| #1`');
  });
});

describe('largeFiles: a model binary or large data file committed warns with the size', () => {
  it('fires on a model binary of any size and on a data file over the limit', async () => {
    const p = pr({ 'model/model.onnx': Buffer.alloc(1536), 'data/big.csv': Buffer.alloc(11 * 1024 * 1024, 'a'), 'models/@everyone <img src=x> | #1.pt': 'x' });
    const said = await danger(p, { largeFiles: true });
    expect(said.warnings).toHaveLength(3);
    // A file name from the PR is shown literally in a code span: no mention, no HTML, no link.
    if (CMARK) expect(rendered(said.warnings[2]!)).toMatch(/^<p><code>models\/@everyone &lt;img src=x&gt; \\\| #1\.pt<\/code> is a model binary/);
    expect(said.warnings[2]).toMatch(/^`models\/@everyone <img src=x> \\\| #1\.pt` is a model binary committed to Git: 1 B\./);
    expect(said.warnings[0]).toMatch(/^`data\/big\.csv` is a large file \(over the 10\.0 MiB limit\) committed to Git: 11\.0 MiB\. Fix: /);
    expect(said.warnings[1]).toMatch(/^`model\/model\.onnx` is a model binary committed to Git: 1\.5 KiB\. Fix: /);
  });

  it('does not fire on code and small data, or on deleted binaries', async () => {
    const base = { ...BASE_FILES, 'old.pkl': 'pickle' };
    const said = await danger(pr({ 'train.py': 'print(2)\n', 'data/train.csv': 'a,b\n1,2\n', 'old.pkl': null }, base), { largeFiles: { maxBytes: 1024 } });
    expect(nothing(said)).toEqual(SILENT);
  });
});

describe('metricRegressions: metrics worse than the baseline beyond tolerance warn with a table', () => {
  const rows = (metrics: ReportData['metrics']) => (r: ReportData) => {
    r.metrics = metrics;
  };
  const m = (name: string, direction: 'higher' | 'lower' | null, candidate: number, base: number | null, production: number | null) => ({
    name,
    direction,
    candidate,
    base,
    production,
    vs_base: null,
    vs_production: null,
    change_base: null,
    change_production: null,
  });

  it('fires on an ungated metric that dropped and on a loss that rose, with an escaped table', async () => {
    const p = pr({});
    writeResult(
      p,
      'report.json',
      report(rows([m('precision', 'higher', 0.7, 0.75, null), m('log_loss', 'lower', 0.5, 0.4, 0.45), m(HOSTILE, 'higher', 0.1, 0.5, null), m('roc_auc', 'higher', 0.9, 0.905, null)])),
    );
    const said = await danger(p, { metricRegressions: { tolerance: 0.01 } });
    expect(said.warnings).toHaveLength(1);
    expect(said.warnings[0]).toMatch(/^3 metrics regressed beyond the team tolerance/);
    expect(said.markdowns).toHaveLength(1);
    const table = said.markdowns[0]!;
    expect(table).toContain('| precision | base | 0.75 | 0.7 | -0.05 (higher is better) | 0.01 | no gate |');
    expect(table).toContain('| log\\_loss | base | 0.4 | 0.5 | +0.1 (lower is better) | 0.01 | no gate |');
    expect(table).toContain('| log\\_loss | production | 0.45 | 0.5 | +0.05 (lower is better) | 0.01 | no gate |');
    expect(table).not.toContain('roc\\_auc'); // -0.005 is within the tolerance
    expectEscaped(table);
  });

  it('reads evaluation.json when there is no report.json', async () => {
    const p = pr({});
    const { evaluation } = reportFixture({ columns: 4, slices: 1 });
    writeResult(p, 'evaluation.json', evaluation);
    // f1 0.616 against production 0.62216: worse by 0.00616.
    const loose = await danger(p, { metricRegressions: { tolerance: { '*': 1, f1: 0.01 }, against: ['production'] } });
    expect(nothing(loose)).toEqual(SILENT);
    const strict = await danger(p, { metricRegressions: { tolerance: { '*': 1, f1: 0.006 }, against: ['production'] } });
    expect(strict.warnings).toEqual([expect.stringMatching(/^1 metric regressed beyond the team tolerance \(`f1`\)/)]);
    expect(strict.markdowns[0]).toContain('From `.mlpipeline/evaluation.json`.');
    expect(strict.markdowns[0]).toContain('| f1 | production | 0.6222 | 0.616 | -0.00616 (higher is better) | 0.006 | gated |');
  });

  it('does not fire on improvements, regressions within tolerance, or serving latency without a named tolerance', async () => {
    const p = pr({});
    writeResult(p, 'report.json', report(rows([m('f1', 'higher', 0.8, 0.79, 0.805), m('latency_p95_ms', 'lower', 40, 10, 10), m('custom', null, 1, 5, 5)])));
    expect(nothing(await danger(p, { metricRegressions: { tolerance: 0.01 } }))).toEqual(SILENT);
  });
});

describe('drift: a message with the top drifted columns', () => {
  const driftOf = (columns: { column: string; value: number; drifted: boolean }[]) => (r: ReportData) => {
    r.drift = {
      drifted: columns.filter((c) => c.drifted).length / columns.length >= 0.5,
      share: columns.filter((c) => c.drifted).length / columns.length,
      share_threshold: 0.5,
      baseline: 'main:data/train.csv',
      drifted_count: columns.filter((c) => c.drifted).length,
      columns: columns.map((c) => ({ ...c, method: 'wasserstein', threshold: 0.1 })),
      skipped: [],
    };
  };

  it('fires with the most drifted columns first, at most `top`, hostile names escaped', async () => {
    const p = pr({});
    writeResult(
      p,
      'report.json',
      report(driftOf([{ column: 'tenure', value: 0.15, drifted: true }, { column: HOSTILE, value: 0.4, drifted: true }, { column: 'plan', value: 0.12, drifted: true }, { column: 'age', value: 0.01, drifted: false }])),
    );
    const said = await danger(p, { drift: { top: 2 } });
    expect(said.messages).toHaveLength(1);
    const text = said.messages[0]!;
    expect(text).toMatch(/^Drift detected against `main:data\/train\.csv`: 3 of 4 columns drifted \(75\.00%; the dataset drifts, 50\.00%\)\. Top drifted: /);
    expect(text.indexOf('img')).toBeLessThan(text.indexOf('tenure'));
    expect(text).toContain('tenure (wasserstein 0.15 &gt; 0.1), and 1 more.');
    expect(text).not.toContain('plan');
    expectEscaped(text);
  });

  it('does not fire when no column drifted, or without drift results', async () => {
    const p = pr({});
    writeResult(p, 'report.json', report(driftOf([{ column: 'tenure', value: 0.05, drifted: false }])));
    expect(nothing(await danger(p, { drift: true }))).toEqual(SILENT);
    const q = pr({});
    expect(nothing(await danger(q, { drift: true }))).toEqual(SILENT);
  });

  it('reads validation.json when there is no report.json', async () => {
    const p = pr({});
    const { validation } = reportFixture({ columns: 4, slices: 1 });
    // The bench's stand-in lacks the statistics a real document carries, and is refused as it is.
    writeResult(p, 'validation.json', validation);
    expect(nothing(await danger(p, { drift: true }))).toEqual(SILENT);
    for (const c of Object.values(validation!.drift!.columns)) Object.assign(c, { ks_statistic: 0.1, ks_p_value: 0.5, wasserstein_normed: c.value, psi: 0.01 });
    expect(validateDocument('validation', validation)).toEqual([]);
    writeResult(p, 'validation.json', validation);
    const said = await danger(p, { drift: true });
    expect(said.messages[0]).toMatch(/^Drift detected against `main:data\/raw\.csv`: 2 of 4 columns drifted \(50\.00%; the dataset drifts, 50\.00%\)\. Top drifted: col\\_0001 \(wasserstein 0\.148 &gt; 0\.1\); col\\_0002/);
  });
});

describe('modelCard: empty intended use or limitations warn', () => {
  it('fires on a blank intended use and missing limitations, on the model card line', async () => {
    const head = PIPELINE.replace('intended_use: Rank customers by churn risk for retention offers.', 'intended_use: "  "').replace('    limitations:\n      - Trained on 2024 EU customers only.\n', '');
    const said = await danger(pr({ 'mlpipeline.yaml': head }), { modelCard: true });
    expect(said.warnings).toEqual([
      'The model card leaves `report.model_card.intended_use` and `report.model_card.limitations` empty in `mlpipeline.yaml`. Fix: say what the model is for and where it must not be trusted, so the card and the Release say it too.',
    ]);
    expect(said.calls[0]).toMatchObject({ file: 'mlpipeline.yaml', line: 24 });
  });

  it('does not fire when both are written', async () => {
    expect(nothing(await danger(pr({}), { modelCard: true }))).toEqual(SILENT);
  });
});
