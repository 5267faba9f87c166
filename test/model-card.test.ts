/**
 * The model card in its four forms (reports/model-card/): golden output for a fixed set of
 * documents (test/fixtures/report/documents/), the Model Card Toolkit JSON against the vendored v0.0.2
 * schema, the CycloneDX BOM against the 1.6 schema shipped in @cyclonedx/cyclonedx-library,
 * every number equal to the one in the documents, and hostile strings through every form.
 * Documents: test/fixtures/report/documents/; golden files: test/fixtures/report/model-card/ (`npx vitest run test/model-card.test.ts -u` rewrites them).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { formatNumber } from '../core/numbers.js';
import { validateDocument } from '../pipeline-schema/documents.js';
import { loadPipelineText } from '../pipeline-schema/load.js';
import { metricsForTask } from '../pipeline-schema/metrics.js';
import type { Pipeline } from '../pipeline-schema/types.js';
import type { ValidationDocument } from '../runners/data/validate.js';
import type { EvaluationDocument } from '../runners/evaluate/document.js';
import type { Verdict } from '../runners/gates/verdict.js';
import type { LineageReport } from '../runners/registry/lineage.js';
import {
  buildModelCardData,
  frontMatterObject,
  modelCardSummary,
  renderCycloneDx,
  renderModelCardMarkdown,
  renderModelCardToolkit,
  sliceLabel,
} from '../reports/model-card/index.js';
import { metricName } from '../reports/model-card/metric-names.js';
import type { ReportDocuments } from '../reports/report-documents.js';
import type { RunRecord } from '../pipeline-schema/types.js';

const require = createRequire(import.meta.url);
const FIXTURES = join(import.meta.dirname, 'fixtures', 'report', 'documents');
const GOLDEN = join(import.meta.dirname, 'fixtures', 'report', 'model-card');
const MCT_SCHEMA = join(import.meta.dirname, 'fixtures', 'schemas', 'model_card.schema.json');
const MCT_SCHEMA_SHA256 = '5fa8263ea5036c17ba4a8b93e3b34d07e11077b4e9c0c2048d3ba8897a48757c';
const BOM_OPTS = { serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79', timestamp: '2026-12-01T00:00:00.000Z' };

const readJson = (f: string) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8'));

function loadPipeline(): Pipeline {
  const file = join(FIXTURES, 'mlpipeline.yaml');
  return loadPipelineText(readFileSync(file, 'utf8'), file, { repoRoot: FIXTURES }).pipeline;
}

interface Fixture {
  docs: ReportDocuments;
  run: RunRecord;
  evaluation: EvaluationDocument;
  verdict: Verdict;
  lineage: LineageReport;
  validation: ValidationDocument;
}

function fixture(): Fixture {
  const run = readJson('run.json') as RunRecord;
  const evaluation = readJson('evaluation.json') as EvaluationDocument;
  const verdict = readJson('verdict.json') as Verdict;
  const lineage = readJson('lineage-staging.json') as LineageReport;
  const validation = readJson('validation.json') as ValidationDocument;
  const docs: ReportDocuments = {
    pipeline: loadPipeline(),
    run,
    evaluation,
    verdict,
    validation,
    lineage: { staging: lineage },
    repo: { commit: run.git.commit!, ref: 'refs/pull/42/merge' },
  };
  return { docs, run, evaluation, verdict, lineage, validation };
}

/** Ajv (draft-07, the MCT schema's draft) with formats, compiled from the vendored schema after checking it is the one recorded. */
function mctValidator() {
  const bytes = readFileSync(MCT_SCHEMA);
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(MCT_SCHEMA_SHA256);
  const schema = JSON.parse(bytes.toString('utf8'));
  expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  const Ajv = require('ajv').default;
  const ajv = new Ajv({ allErrors: true, strict: false });
  require('ajv-formats').default(ajv);
  return ajv.compile(schema);
}

async function cdxErrors(bom: unknown): Promise<unknown> {
  return new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(JSON.stringify(bom));
}

/** The front matter's YAML text and the Markdown after it. */
function splitFrontMatter(md: string): { yaml: string; body: string } {
  expect(md.startsWith('---\n')).toBe(true);
  const end = md.indexOf('\n---\n', 3);
  expect(end).toBeGreaterThan(0);
  return { yaml: md.slice(4, end + 1), body: md.slice(end + 5) };
}

const CMARK = spawnSync('cmark-gfm', ['--version'], { encoding: 'utf8' });
const HAVE_CMARK = CMARK.status === 0;
const NO_CMARK = 'cmark-gfm is not installed (apt-get install -y cmark-gfm): GitHub-renderer checks skipped';
if (!HAVE_CMARK) console.warn(`model-card.test.ts: ${NO_CMARK}`);

/** Render as GitHub does (cmark-gfm with its extensions), with raw HTML let through so that any unescaped HTML shows. */
function cmark(md: string): string {
  const r = spawnSync('cmark-gfm', ['--unsafe', '-e', 'table', '-e', 'autolink', '-e', 'strikethrough', '-e', 'tagfilter', '-e', 'tasklist'], { input: md, encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('model card: fixed documents', () => {
  test('the fixture documents are valid against the repository schemas', () => {
    const f = fixture();
    expect(validateDocument('run', f.run)).toEqual([]);
    expect(validateDocument('evaluation', f.evaluation)).toEqual([]);
    expect(validateDocument('verdict', f.verdict)).toEqual([]);
    expect(validateDocument('lineage-report', f.lineage)).toEqual([]);
    expect(validateDocument('validation', f.validation)).toEqual([]);
  });

  test('golden output of all four forms', async () => {
    const d = buildModelCardData(fixture().docs);
    await expect(renderModelCardMarkdown(d)).toMatchFileSnapshot(join(GOLDEN, 'model-card.md'));
    await expect(JSON.stringify(renderModelCardToolkit(d), null, 2) + '\n').toMatchFileSnapshot(join(GOLDEN, 'model-card.json'));
    await expect(JSON.stringify(renderCycloneDx(d, BOM_OPTS), null, 2) + '\n').toMatchFileSnapshot(join(GOLDEN, 'bom.cdx.json'));
    await expect(modelCardSummary(d)).toMatchFileSnapshot(join(GOLDEN, 'summary.md'));
  });

  test('model-card.json is valid against the Model Card Toolkit schema v0.0.2', () => {
    const validate = mctValidator();
    const card = renderModelCardToolkit(buildModelCardData(fixture().docs));
    expect(validate(card), JSON.stringify(validate.errors)).toBe(true);
    // and the check has teeth: a number where the schema wants a string is refused
    expect(validate({ ...card, quantitative_analysis: { performance_metrics: [{ type: 'f1', value: 0.5 }] } })).toBe(false);
  });

  test('bom.cdx.json is valid CycloneDX 1.6 (the library\'s strict JSON validator, offline)', async () => {
    const bom = renderCycloneDx(buildModelCardData(fixture().docs), BOM_OPTS);
    expect(await cdxErrors(bom)).toBeNull();
    expect(await cdxErrors({ ...bom, serialNumber: 'not-a-urn' })).not.toBeNull();
    const random = renderCycloneDx(buildModelCardData(fixture().docs));
    expect(random.serialNumber).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(await cdxErrors(random)).toBeNull();
  });

  test('every number and digest in every form is the one in the documents', () => {
    const f = fixture();
    const d = buildModelCardData(f.docs);
    const ev = f.evaluation;
    const md = renderModelCardMarkdown(d);
    const fm = parseYaml(splitFrontMatter(md).yaml);
    const mct: any = renderModelCardToolkit(d);
    const bom: any = renderCycloneDx(d, BOM_OPTS);
    const card = bom.components.find((c: any) => c.type === 'machine-learning-model');

    // overall metrics
    const results = fm['model-index'][0].results[0];
    expect(results.metrics.map((m: any) => m.type).sort()).toEqual(Object.keys(ev.metrics).sort());
    for (const [metric, value] of Object.entries(ev.metrics)) {
      expect(results.metrics.find((m: any) => m.type === metric)).toEqual({ type: metric, value, name: metricName(metric) });
      const unsliced = (xs: any[]) => xs.filter((x) => x.type === metric && x.slice === undefined);
      expect(unsliced(mct.quantitative_analysis.performance_metrics).map((x: any) => Number(x.value))).toEqual([value]);
      expect(unsliced(card.modelCard.quantitativeAnalysis.performanceMetrics).map((x: any) => Number(x.value))).toEqual([value]);
      expect(md).toContain(`| \`${metric}\` | ${metricName(metric).replace(/[()]/g, '\\$&')} | ${formatNumber(value)} |`);
    }
    // per slice
    for (const s of ev.slices) {
      const label = sliceLabel(s.slice);
      for (const [metric, value] of Object.entries(s.metrics)) {
        const hit = (xs: any[]) => xs.filter((x) => x.type === metric && x.slice === label).map((x) => Number(x.value));
        expect(hit(mct.quantitative_analysis.performance_metrics)).toEqual([value]);
        expect(hit(card.modelCard.quantitativeAnalysis.performanceMetrics)).toEqual([value]);
      }
      const row = md.split('\n').find((l) => l.startsWith(`| ${label.replace(/[-=[\]()]/g, '\\$&')} |`));
      expect(row, label).toBeDefined();
      expect(row).toContain(`| ${s.rows} |`);
      for (const value of Object.values(s.metrics)) expect(row).toContain(`| ${formatNumber(value)} `);
    }
    // model digest and size
    expect(card.hashes).toEqual([{ alg: 'SHA-256', content: ev.model.sha256 }]);
    expect(card.properties).toContainEqual({ name: 'mlpipeline:size_bytes', value: String(ev.model.size_bytes) });
    expect(md).toContain(`| **sha256** | \`${ev.model.sha256}\` |`);
    expect(md).toContain(`| **Size (bytes)** | ${ev.model.size_bytes} |`);
    expect(mct.model_details.path).toBe(ev.model.path);
    // version from the lineage of the environment holding this model file
    expect(f.lineage.model_file!.sha256).toBe(ev.model.sha256);
    expect(card.version).toBe(f.lineage.version);
    expect(mct.model_details.version.name).toBe(f.lineage.version);
    // evaluation data: path, digest, size and rows from the evaluation (the verdict copies the digest)
    const evalComp = bom.components.find((c: any) => c.properties?.some((p: any) => p.name === 'mlpipeline:role' && p.value === 'evaluation'));
    expect(evalComp.hashes[0].content).toBe(ev.data.sha256);
    expect(ev.data.sha256).toBe(f.verdict.evaluation_data!.sha256);
    expect(evalComp.properties).toContainEqual({ name: 'mlpipeline:rows', value: String(ev.rows) });
    expect(evalComp.properties).toContainEqual({ name: 'mlpipeline:size_bytes', value: String(ev.data.size_bytes) });
    expect(md).toContain(`| \`${ev.data.path}\` | \`${ev.data.sha256}\` | ${ev.rows} | ${ev.data.size_bytes} | evaluation |`);
    // an evaluation written before it recorded the digest: the verdict's
    const older = structuredClone(ev);
    delete older.data.sha256;
    delete older.data.size_bytes;
    const fromVerdict = buildModelCardData({ ...f.docs, evaluation: older }).evaluation_data!;
    expect([fromVerdict.sha256, fromVerdict.size_bytes, fromVerdict.source]).toEqual([f.verdict.evaluation_data!.sha256, f.verdict.evaluation_data!.size, 'verdict']);
    // training data: the datasets upstream of the model in the run record, with its digests
    const trainStage = f.run.stages.find((s) => Object.keys(s.outs).includes(ev.model.path))!;
    const splitStage = f.run.stages.find((s) => Object.keys(s.outs).includes('data/train.csv'))!;
    const expected = { 'data/train.csv': trainStage.deps['data/train.csv'], 'data/raw.csv': splitStage.deps['data/raw.csv'] };
    const training = bom.components.filter((c: any) => c.properties?.some((p: any) => p.name === 'mlpipeline:role' && p.value === 'training'));
    const got = Object.fromEntries(training.map((c: any) => [c.properties.find((p: any) => p.name === 'mlpipeline:path').value, c.hashes[0].content]));
    expect(got).toEqual(expected);
    for (const [path, sha] of Object.entries(expected)) {
      const size = f.lineage.data.find((x) => x.path === path)!.size;
      const rows = path === f.validation.data.path ? String(f.validation.profile.rows) : '_unknown_';
      expect(md).toContain(`| \`${path}\` | \`${sha}\` | ${rows} | ${size} |`);
    }
    // rows of the validated dataset, from the validation document's profile
    const validated = training.find((c: any) => c.properties.some((p: any) => p.name === 'mlpipeline:path' && p.value === f.validation.data.path));
    expect(validated.properties).toContainEqual({ name: 'mlpipeline:rows', value: String(f.validation.profile.rows) });
    expect(card.modelCard.modelParameters.datasets.map((x: any) => x.ref).sort()).toEqual(
      bom.components.filter((c: any) => c.type === 'data').map((c: any) => c['bom-ref']).sort(),
    );
    // gates: values and thresholds from the verdict
    for (const g of f.verdict.gates) {
      const row = md.split('\n').find((l) => l.includes(`| \`${g.metric}\` |`) && l.includes(`| ${g.kind.replace(/_/g, '\\_')} ${formatNumber(g.threshold)} |`));
      expect(row, g.name).toContain(`| ${formatNumber(g.value!)} |`);
    }
    // summary: the configured headline metrics, in order
    const summary = modelCardSummary(d);
    const headline = f.docs.pipeline.report!.metrics!.map((m) => `${metricName(m)} ${formatNumber(ev.metrics[m]!)}`).join(', ');
    expect(summary).toContain(`**Headline metrics:** ${headline}`);
    expect(summary).toContain(`**Caveats:** ${f.docs.pipeline.report!.model_card!.limitations!.length} listed`);
  });

  test('text fields come from report.model_card', () => {
    const f = fixture();
    const mc = f.docs.pipeline.report!.model_card!;
    const d = buildModelCardData(f.docs);
    const mct: any = renderModelCardToolkit(d);
    const bom: any = renderCycloneDx(d, BOM_OPTS);
    const card = bom.components[0].modelCard;
    expect(mct.model_details.overview).toBe(mc.description);
    expect(mct.considerations.use_cases).toEqual([{ description: mc.intended_use }]);
    expect(mct.considerations.ethical_considerations).toEqual(mc.ethical_considerations!.map((name) => ({ name })));
    expect(mct.considerations.limitations).toEqual([...mc.limitations!.map((description) => ({ description })), { description: `Out of scope: ${mc.out_of_scope}` }]);
    expect(card.considerations.useCases).toEqual([mc.intended_use]);
    expect(card.considerations.technicalLimitations).toEqual(mc.limitations);
    expect(card.considerations.ethicalConsiderations).toEqual(mc.ethical_considerations!.map((name) => ({ name })));
    expect(card.modelParameters.task).toBe(f.evaluation.task);
    expect(d.factors).toEqual([
      { column: 'contract', bins: null },
      { column: 'tenure', bins: [12, 24] },
    ]);
  });

  test('every built-in metric of every task has a display name', () => {
    for (const task of ['binary-classification', 'multiclass-classification', 'regression'] as const) {
      for (const m of metricsForTask(task)) expect(metricName(m), m).not.toBe(m);
    }
    expect(metricName('train_roc_auc')).toBe('train_roc_auc');
  });
});

describe('model card: other tasks and directory digests', () => {
  test('regression with a directory of training data: task names, digests and validity in every form', async () => {
    const f = fixture();
    const p = structuredClone(f.docs.pipeline);
    p.model = { ...p.model!, task: 'regression' };
    const ev = structuredClone(f.evaluation);
    ev.task = 'regression';
    ev.classes = null;
    ev.threshold = null;
    ev.confusion_matrix = null;
    ev.metrics = { mae: 1.5, mse: 3.25, rmse: Math.sqrt(3.25), r2: 0.71, mape: 0.12, median_ae: 1.1, max_error: 9.75, rows: 400 };
    ev.slices = [{ slice: { contract: 'one-year' }, rows: 110, metrics: { mae: 1.25, r2: 0.8 } }];
    ev.baseline = null;
    ev.baselines = [];
    const run = structuredClone(f.run);
    const dirHash = 'ab'.repeat(32);
    for (const s of run.stages) {
      if ('data/train.csv' in s.deps) s.deps['data/train.csv'] = `${dirHash}.dir`;
      if ('data/train.csv' in s.outs) s.outs['data/train.csv'] = `${dirHash}.dir`;
    }
    expect(validateDocument('evaluation', ev)).toEqual([]);
    expect(validateDocument('run', run)).toEqual([]);
    const d = buildModelCardData({ ...f.docs, pipeline: p, evaluation: ev, run, verdict: undefined });
    const md = renderModelCardMarkdown(d);
    const fm = parseYaml(splitFrontMatter(md).yaml);
    expect(fm['model-index'][0].results[0].task).toEqual({ type: 'tabular-regression', name: 'Regression' });
    expect(fm['model-index'][0].results[0].metrics.map((m: any) => m.type)).toEqual(['mae', 'mse', 'rmse', 'r2', 'mape', 'median_ae', 'max_error', 'rows']);
    expect(md).toContain(`| \`mae\` | Mean absolute error | ${formatNumber(ev.metrics.mae!)} |`);
    expect(md).toContain(`| \`data/train.csv\` | \`${dirHash}\` (manifest of a directory) |`);
    const bom: any = renderCycloneDx(d, BOM_OPTS);
    const train = bom.components.find((c: any) => c['bom-ref'] === 'mlpipeline:data:train');
    expect(train.hashes).toEqual([{ alg: 'SHA-256', content: dirHash }]);
    expect(train.properties).toContainEqual({ name: 'mlpipeline:digest', value: 'sha256 of the directory manifest' });
    expect(bom.components[0].modelCard.modelParameters.task).toBe('regression');
    expect(await cdxErrors(bom)).toBeNull();
    const mct: any = renderModelCardToolkit(d);
    expect(mctValidator()(mct)).toBe(true);
    expect(mct.quantitative_analysis.performance_metrics).toContainEqual({ type: 'rmse', value: String(Math.sqrt(3.25)) });
    expect(modelCardSummary(d)).toContain(`Mean absolute error ${formatNumber(ev.metrics.mae!)}`);
  });
});

describe('model card: missing documents', () => {
  test('only the pipeline: the card says what is unknown, and the JSON forms stay valid', async () => {
    const d = buildModelCardData({ pipeline: loadPipeline() });
    expect(d.model.sha256).toBeNull();
    expect(d.metrics.overall).toEqual([]);
    const md = renderModelCardMarkdown(d);
    expect(md).toContain('## Not known');
    expect(md).toContain('there is no evaluation document');
    expect(md).toContain('there is no verdict');
    expect(parseYaml(splitFrontMatter(md).yaml)['model-index']).toEqual([{ name: 'churn', results: [] }]);
    expect(mctValidator()(renderModelCardToolkit(d))).toBe(true);
    expect(await cdxErrors(renderCycloneDx(d, BOM_OPTS))).toBeNull();
    expect(modelCardSummary(d)).toContain('_unknown_ (no evaluation document)');
  });

  test('no lineage for this model file: not registered; no run record: training digests unknown', () => {
    const f = fixture();
    const d = buildModelCardData({ ...f.docs, run: undefined, lineage: { production: { ...f.lineage, model_file: { ...f.lineage.model_file!, sha256: 'f'.repeat(64) } } } });
    expect(d.model.version).toBeNull();
    expect(renderModelCardMarkdown(d)).toContain('| **Version** | not registered |');
    expect(d.training_data.filter((t) => t.sha256 !== null)).toEqual([]);
    expect(modelCardSummary(d)).toContain('(not registered)');
  });
});

/** Markdown with its code spans (as codeSpan writes them: no newlines inside) removed. */
function withoutCodeSpans(md: string): string {
  return md.replace(/(`+)[^\n]*?\1(?!`)/g, '');
}

const HOSTILE = '---\n<img src=x onerror=alert(1)> @everyone #1 [x](http://evil) | cell\nnext line';

function hostileDocs(): ReportDocuments {
  const f = fixture();
  const p = structuredClone(f.docs.pipeline);
  p.name = `pipe ${HOSTILE}`;
  p.model = { ...p.model!, name: HOSTILE };
  p.data = { ...p.data, [HOSTILE]: { path: 'data/raw.csv' } };
  delete p.data.raw;
  p.report = {
    metrics: ['roc_auc', HOSTILE],
    model_card: {
      description: `desc ${HOSTILE}`,
      intended_use: `use ${HOSTILE}`,
      out_of_scope: `oos ${HOSTILE}`,
      limitations: [`lim ${HOSTILE}`],
      ethical_considerations: [`eth ${HOSTILE}`],
      owners: [{ name: `owner ${HOSTILE}`, contact: `contact ${HOSTILE}` }],
      license: `license ${HOSTILE}`,
      references: [HOSTILE, 'https://example.com/ok'],
      citation: `cite ${HOSTILE}`,
    },
  };
  const ev = structuredClone(f.evaluation);
  ev.metrics[HOSTILE] = 0.25;
  ev.slices.push({ slice: { [HOSTILE]: HOSTILE }, rows: 3, metrics: { [HOSTILE]: 0.5, f1: 0.125 } });
  ev.warnings.push(`warn ${HOSTILE}`);
  const verdict = structuredClone(f.verdict);
  verdict.gates[0]!.name = `gate ${HOSTILE}`;
  verdict.gates[0]!.reason = `reason ${HOSTILE}`;
  return { ...f.docs, pipeline: p, evaluation: ev, verdict };
}

describe('model card: hostile strings from configs, data and metric names', () => {
  const d = buildModelCardData(hostileDocs());
  const md = renderModelCardMarkdown(d);

  test('the front matter parses back to exactly the given strings', () => {
    const { yaml } = splitFrontMatter(md);
    const fm = parseYaml(yaml);
    expect(fm).toEqual(frontMatterObject(d));
    expect(fm['model-index'][0].name).toBe(HOSTILE);
    expect(fm.license).toBe(`license ${HOSTILE}`);
    expect(fm['model-index'][0].results[0].metrics).toContainEqual({ type: HOSTILE, value: 0.25, name: HOSTILE });
    // one block: the value never starts a line of its own, so `---` cannot end it early
    expect(yaml.split('\n').filter((l) => /^(---|\.\.\.)\s*$/.test(l))).toEqual([]);
  });

  test('the Markdown body carries no raw hostile syntax outside code spans', () => {
    // codeSpan (reports/markdown.ts) shows paths, hashes and metric ids as code, where GitHub makes
    // no HTML, links, mentions or references; everywhere else the text must be escaped.
    const body = withoutCodeSpans(splitFrontMatter(md).body);
    expect(body).not.toContain('`');
    expect(body).not.toMatch(/<img/i);
    expect(body).not.toContain('@everyone');
    expect(body).not.toContain('#1');
    expect(body).not.toContain('[x](');
    expect(body).not.toContain('http://evil');
    expect(body).not.toMatch(/^---/m);
    expect(body).toContain('&lt;img src\\=x onerror\\=alert\\(1\\)&gt;');
  });

  test.skipIf(!HAVE_CMARK)(`rendered by cmark-gfm: no HTML, no links, no mentions, tables intact${HAVE_CMARK ? '' : ` (skipped: ${NO_CMARK})`}`, () => {
    for (const text of [splitFrontMatter(md).body, modelCardSummary(d)]) {
      const html = cmark(text);
      expect(html).not.toMatch(/<img|<a\s|<script|<hr|<iframe/i);
      // GitHub finds mentions and references in text outside <code>; inside it they stay text.
      expect(html.replace(/<code>[^<]*<\/code>/g, '')).not.toMatch(/@everyone|#1\b/);
      // every row of every table has as many cells as its header
      for (const table of html.split('<table>').slice(1)) {
        const rows = table.split('</table>')[0]!.split('<tr>').slice(1);
        const cells = rows.map((r) => (r.match(/<t[hd][ >]/g) ?? []).length);
        expect(new Set(cells).size, table.slice(0, 200)).toBe(1);
      }
      // headings: exactly ours
      const headings = html.match(/<h[1-6]>/g) ?? [];
      expect(headings.length).toBe((text.match(/^#{1,6} /gm) ?? []).length);
    }
    expect((cmark(splitFrontMatter(md).body).match(/<h2>/g) ?? []).length).toBe((md.match(/^## /gm) ?? []).length);
  });

  test('the summary is escaped and one block', () => {
    const s = modelCardSummary(d);
    expect(s).not.toContain('@everyone');
    expect(s).not.toMatch(/<img/);
    expect(s.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(5);
  });

  test('the JSON forms carry the strings verbatim as data and stay valid', async () => {
    const mct: any = renderModelCardToolkit(d);
    const bom: any = renderCycloneDx(d, BOM_OPTS);
    expect(mctValidator()(mct)).toBe(true);
    expect(await cdxErrors(bom)).toBeNull();
    expect(mct.model_details.name).toBe(HOSTILE);
    expect(mct.model_details.overview).toBe(`desc ${HOSTILE}`);
    expect(mct.model_details.owners).toEqual([{ name: `owner ${HOSTILE}`, contact: `contact ${HOSTILE}` }]);
    expect(mct.model_details.licenses).toEqual([{ custom_text: `license ${HOSTILE}` }]);
    // the schema's `reference` is a URI: only real URLs go there
    expect(mct.model_details.references).toEqual([{ reference: 'https://example.com/ok' }]);
    expect(mct.considerations.use_cases).toEqual([{ description: `use ${HOSTILE}` }]);
    expect(mct.quantitative_analysis.performance_metrics).toContainEqual({ type: HOSTILE, value: '0.25' });
    expect(mct.quantitative_analysis.performance_metrics).toContainEqual({ type: HOSTILE, value: '0.5', slice: `${HOSTILE}=${HOSTILE}` });
    const model = bom.components[0];
    expect(model.name).toBe(HOSTILE);
    expect(model.description).toBe(`desc ${HOSTILE}`);
    expect(model.modelCard.considerations.useCases).toEqual([`use ${HOSTILE}`]);
    expect(model.modelCard.considerations.ethicalConsiderations).toEqual([{ name: `eth ${HOSTILE}` }]);
    expect(model.modelCard.considerations.technicalLimitations).toContain(`lim ${HOSTILE}`);
    expect(model.modelCard.quantitativeAnalysis.performanceMetrics).toContainEqual({ type: HOSTILE, value: '0.25' });
    expect(bom.components.map((c: any) => c.name)).toContain(HOSTILE);
    // JSON.stringify is the only serialisation: the text parses back to the same object
    expect(JSON.parse(JSON.stringify(bom))).toEqual(bom);
  });
});
