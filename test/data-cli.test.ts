import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { validateDocument } from '../pipeline-schema/documents.js';
import { createAjv } from '../pipeline-schema/ajv.js';
import { runIn, tempWorkspaces } from './cli-workspace.js';

const { workspace } = tempWorkspaces('mlp-data-cli-');
const run = runIn;

const TRAIN = [
  'customer_id,tenure,contract,monthly_charges,email',
  'c1,12,monthly,29.5,a@x.io',
  'c2,40,yearly,80,b@x.io',
  'c3,-1,monthly,55.25,not-an-email',
  'c4,7,weekly,,d@x.io',
  'c2,3,monthly,20,e@x.io',
].join('\n') + '\n';

const PIPELINE = `version: 1
name: churn
data:
  train:
    path: data/train.csv
validation:
  columns:
    customer_id: {type: string, unique: true}
    tenure: {type: integer, min: 0, max: 100}
    contract: {in: [monthly, yearly], severity: warn}
    monthly_charges: {type: number, nullable: false, mean: {min: 10, max: 100}}
    email: {pattern: "^[^@]+@[^@]+$", mostly: 0.75}
  table:
    rows: {min: 3}
    required: [customer_id, churned]
`;

describe('mlpipeline validate-data', () => {
  it('reports each failing check with count, fraction and example rows/lines; exit 1', async () => {
    const dir = workspace({ 'mlpipeline.yaml': PIPELINE, 'data/train.csv': TRAIN });
    const r = await run(dir, 'validate-data', '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    expect(doc.ok).toBe(false);
    const find = (column: string | null, check: string) => doc.checks.find((c: any) => c.column === column && c.check === check);
    expect(find('customer_id', 'unique')).toMatchObject({ passed: false, failed_count: 1, examples: [{ row: 5, line: 6, value: 'c2' }] });
    expect(find('tenure', 'min')).toMatchObject({ passed: false, failed_count: 1, failed_fraction: 0.2, examples: [{ row: 3, line: 4, value: '-1' }] });
    expect(find('tenure', 'max').passed).toBe(true);
    expect(find('contract', 'in')).toMatchObject({ passed: false, severity: 'warn', failed_count: 1, examples: [{ row: 4, line: 5, value: 'weekly' }] });
    expect(find('monthly_charges', 'nullable')).toMatchObject({ passed: false, failed_count: 1, examples: [{ row: 4, line: 5, value: null }] });
    // mean of 29.5, 80, 55.25, 20 = 46.1875 (by hand)
    expect(find('monthly_charges', 'mean')).toMatchObject({ passed: true, observed: 46.1875 });
    // 1 of 5 emails fails: 80 % pass ≥ mostly 0.75
    expect(find('email', 'pattern')).toMatchObject({ passed: true, failed_count: 1, failed_fraction: 0.2, mostly: 0.75 });
    expect(find(null, 'rows')).toMatchObject({ passed: true, observed: 5 });
    expect(find(null, 'required')).toMatchObject({ passed: false, observed: ['churned'] });
    expect(doc.profile.rows).toBe(5);
    expect(doc.profile.columns.tenure).toMatchObject({ type: 'integer', min: -1, max: 40, missing: 0, distinct: 5 });
    expect(doc.profile.columns.monthly_charges.sample).toBeUndefined();
    expect(doc.drift).toBeNull();
  });

  it('passes (exit 0) when only warn-severity checks fail, and prints a text report', async () => {
    const dir = workspace({
      'mlpipeline.yaml': `version: 1\nname: t\ndata:\n  train: {path: d.csv}\nvalidation:\n  columns:\n    a: {max: 1, severity: warn}\n`,
      'd.csv': 'a\n1\n2\n',
    });
    const r = await run(dir, 'validate-data');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/WARN a max \(expected <= 1\): 1 failing \(50\.00%\).*row 2 \(line 3\): "2"/);
    expect(r.out).toMatch(/result: passed/);
  });

  it('drift against a baseline file: numeric KS and categorical chi2 for small data, new/vanished columns', async () => {
    const base = ['x,c,gone'].concat(Array.from({ length: 40 }, (_, i) => `${i},${i % 2 ? 'a' : 'b'},1`)).join('\n') + '\n';
    const cur = ['x,c,fresh'].concat(Array.from({ length: 40 }, (_, i) => `${i + 30},${i % 4 ? 'a' : 'z'},1`)).join('\n') + '\n';
    const dir = workspace({ 'base.csv': base, 'cur.csv': cur });
    const r = await run(dir, 'validate-data', '--data', 'cur.csv', '--baseline', 'base.csv', '--json');
    const doc = JSON.parse(r.out);
    expect(doc.drift.new_columns).toEqual(['fresh']);
    expect(doc.drift.vanished_columns).toEqual(['gone']);
    expect(doc.drift.columns.x).toMatchObject({ kind: 'numeric', method: 'ks', drifted: true });
    // 0..39 vs 30..69: F_R − F_C reaches 30/40 at x = 29 (by hand).
    expect(doc.drift.columns.x.ks_statistic).toBeCloseTo(0.75, 12);
    expect(doc.drift.columns.c).toMatchObject({ kind: 'categorical', method: 'chi2', drifted: true, new_categories: ['z'], vanished_categories: ['b'] });
    expect(doc.drift.share).toBe(1);
    expect(doc.drift.drifted).toBe(true);
    expect(r.code).toBe(1);
  });

  it('a stored profile works as the baseline and gives the same drift as the data file', async () => {
    const base = ['v'].concat(Array.from({ length: 30 }, (_, i) => String((i * 7) % 30))).join('\n') + '\n';
    const cur = ['v'].concat(Array.from({ length: 30 }, (_, i) => String(i + 2))).join('\n') + '\n';
    const dir = workspace({ 'base.csv': base, 'cur.csv': cur });
    const p = await run(dir, 'profile', '--data', 'base.csv', '--out', 'base.profile.json');
    expect(p.code).toBe(0);
    const viaProfile = JSON.parse((await run(dir, 'validate-data', '--data', 'cur.csv', '--baseline', 'base.profile.json', '--json')).out);
    const viaFile = JSON.parse((await run(dir, 'validate-data', '--data', 'cur.csv', '--baseline', 'base.csv', '--json')).out);
    expect(viaProfile.drift.columns.v.ks_statistic).toBeCloseTo(2 / 30, 12);
    expect(viaProfile.drift.columns.v).toEqual(viaFile.drift.columns.v);
  });

  it('--baseline-ref reads the dataset at a git ref (the PR base)', async () => {
    const dir = workspace({ 'mlpipeline.yaml': `version: 1\nname: t\ndata:\n  train: {path: data/d.csv}\n`, 'data/d.csv': 'k\na\na\nb\n' });
    const g = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
    g('init', '-q', '-b', 'main');
    g('config', 'user.email', 't@example.com');
    g('config', 'user.name', 'T');
    g('add', '.');
    g('commit', '-q', '-m', 'base');
    writeFileSync(join(dir, 'data/d.csv'), 'k\nb\nb\nb\n');
    const r = await run(dir, 'validate-data', '--baseline-ref', 'main', '--json');
    const doc = JSON.parse(r.out);
    expect(doc.drift.baseline).toMatchObject({ path: 'data/d.csv', ref: 'main', rows: 3 });
    // p_R = (2/3, 1/3), p_C = (0, 1): L∞ = 2/3 by hand
    expect(doc.drift.columns.k.linf).toBeCloseTo(2 / 3, 12);
    // A dataset new in this change has no baseline at the ref: no drift, not an error.
    writeFileSync(join(dir, 'mlpipeline.yaml'), `version: 1\nname: t\ndata:\n  train: {path: data/new.csv}\n`);
    writeFileSync(join(dir, 'data/new.csv'), 'k\na\n');
    const fresh = await run(dir, 'validate-data', '--baseline-ref', 'main', '--json');
    expect(fresh.code).toBe(0);
    expect(JSON.parse(fresh.out)).toMatchObject({ drift: null, drift_skipped: 'data/new.csv does not exist at main; no baseline to compare with yet' });
    const bad = await run(dir, 'validate-data', '--baseline-ref', 'no-such-ref');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown git ref 'no-such-ref'/);
  });

  it('the documents validate against their JSON Schemas', async () => {
    const dir = workspace({ 'mlpipeline.yaml': PIPELINE, 'data/train.csv': TRAIN, 'base.csv': TRAIN });
    const r = await run(dir, 'validate-data', '--baseline', 'base.csv', '--json');
    const p = await run(dir, 'profile', '--data', 'data/train.csv');
    const schemaDir = join(__dirname, '..', 'pipeline-schema');
    const vSchema = JSON.parse(readFileSync(join(schemaDir, 'validation.schema.json'), 'utf8'));
    const pSchema = JSON.parse(readFileSync(join(schemaDir, 'profile.schema.json'), 'utf8'));
    // The same strict Ajv setup the project uses for every document schema.
    const v = createAjv(vSchema).compile(vSchema);
    expect(v(JSON.parse(r.out)) ? [] : v.errors).toEqual([]);
    const pv = createAjv(pSchema).compile(pSchema);
    expect(pv(JSON.parse(p.out)) ? [] : pv.errors).toEqual([]);
  });
});

describe('malformed input through the CLI: one message with file and line, exit 2, no stack', () => {
  const cases: [string, string | Buffer, RegExp][] = [
    ['ragged.csv', 'a,b,c\n1,2,3\n4,5\n', /^mlpipeline: ragged\.csv:3:4: line 3 has 2 fields, but the header has 3\n  fix: /],
    ['long-row.csv', 'a,b\n1,2\n3,4,5\n', /^mlpipeline: long-row\.csv:3:5: line 3 has 3 fields, but the header has 2\n  fix: /],
    ['quote.csv', 'a,b\n1,2\n3,"open\n4,5\n', /^mlpipeline: quote\.csv:3:3: unterminated quoted field/],
    ['latin1.csv', Buffer.concat([Buffer.from('a\nok\ncaf'), Buffer.from([0xe9]), Buffer.from('\n')]), /^mlpipeline: latin1\.csv:3:4: invalid UTF-8 at line 3, column 4/],
    ['empty.csv', '', /^mlpipeline: empty\.csv:1: empty\.csv is empty: expected a header line/],
    ['dup.csv', 'a,a\n1,2\n', /^mlpipeline: dup\.csv:1:2: duplicate column name "a"/],
    ['big.csv', `a,b\n1,${'x'.repeat(10 * 1024 * 1024)}\n`, /^mlpipeline: big\.csv:2:3: a field starting at line 2, column 3 is longer than the limit of 1048576 characters/],
  ];
  for (const [name, content, message] of cases) {
    it(name, async () => {
      const dir = workspace({ [name]: content });
      const r = await run(dir, 'validate-data', '--data', name);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
    });
  }

  it('infer-schema --max-categories -3: one message with a fix, exit 2', async () => {
    const dir = workspace({ 'd.csv': 'a\n1\n' });
    const r = await run(dir, 'infer-schema', 'd.csv', '--max-categories', '-3');
    expect(r.code).toBe(2);
    expect(r.err).toBe("mlpipeline: --max-categories must be a whole number, got '-3'\n  fix: pass 0 or more, e.g. --max-categories 10 (the default); 0 writes no `in:` lists\n");
  });

  it('under --json the error is also a JSON document on stdout (schema error)', async () => {
    const dir = workspace({ 'ragged.csv': 'a,b,c\n1,2,3\n4,5\n' });
    const r = await run(dir, 'validate-data', '--data', 'ragged.csv', '--json');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mlpipeline: ragged\.csv:3:4: line 3 has 2 fields/);
    const doc = JSON.parse(r.out) as unknown;
    expect(doc).toEqual({
      error: { code: 'input-invalid', file: 'ragged.csv', line: 3, column: 4, message: 'line 3 has 2 fields, but the header has 3', fix: expect.stringContaining('every row needs exactly 3 fields') as unknown },
    });
    expect(validateDocument('error', doc)).toEqual([]);
  });

  it('a truncated Parquet file', async () => {
    const buf = Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'a', data: [1, 2, 3], type: 'INT32' }] }));
    const dir = workspace({ 't.parquet': buf.subarray(0, buf.length - 12) });
    const r = await run(dir, 'validate-data', '--data', 't.parquet');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mlpipeline: t\.parquet: t\.parquet is not a readable Parquet file/);
    expect(r.err).toMatch(/fix: the file looks truncated/);
  });

  it('header only: one message naming the header line, exit 2 (validate-data, profile, infer-schema)', async () => {
    const dir = workspace({
      'mlpipeline.yaml': `version: 1\nname: t\ndata:\n  train: {path: h.csv}\nvalidation:\n  table: {rows: {min: 1}}\n`,
      'h.csv': 'a,b\n',
    });
    for (const argv of [['validate-data', '--json'], ['profile', '--data', 'h.csv'], ['infer-schema', 'h.csv']]) {
      const r = await run(dir, ...argv);
      expect(r.code).toBe(2);
      // Nothing but the error document under --json (every command prints one for a failure).
      if (argv.includes('--json')) expect(JSON.parse(r.out)).toMatchObject({ error: { file: 'h.csv', line: 1 } });
      else expect(r.out).toBe('');
      expect(r.err).toMatch(/^mlpipeline: h\.csv:1: line 1 is the header \(columns a, b\) and no data rows follow; expected at least one row\n  fix: /);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it('a Parquet file with no rows: one message, exit 2', async () => {
    const buf = Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'a', data: [], type: 'INT32' }] }));
    const dir = workspace({ 'e.parquet': buf });
    const r = await run(dir, 'validate-data', '--data', 'e.parquet');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mlpipeline: e\.parquet: e\.parquet has no data rows \(columns a\); expected at least one row/);
  });

  it('usage: --baseline and --baseline-ref together; no data and no pipeline file', async () => {
    const dir = workspace({ 'd.csv': 'a\n1\n' });
    const both = await run(dir, 'validate-data', '--data', 'd.csv', '--baseline', 'x.csv', '--baseline-ref', 'main');
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/give either --baseline or --baseline-ref, not both/);
    const none = await run(dir, 'validate-data');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no pipeline file at/);
  });
});

describe('mlpipeline infer-schema', () => {
  it('prints a validation block with types, nullability, ranges and small category sets', async () => {
    const dir = workspace({ 'd.csv': 'id,age,plan,score,churned,ok\nu1,31,basic,0.5,0,true\nu2,45,pro,,1,false\nu3,28,basic,0.25,0,true\n' });
    const r = await run(dir, 'infer-schema', 'd.csv');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^# inferred by mlpipeline infer-schema from d\.csv \(3 rows\)/);
    expect(r.out).toContain('validation:');
    expect(r.out).toMatch(/age:\n\s+type: integer\n\s+nullable: false\n\s+min: 28\n\s+max: 45/);
    expect(r.out).toMatch(/plan:\n\s+type: string\n\s+nullable: false\n\s+in: \[basic, pro\]/);
    // 1 of 3 missing → max_missing with 2× headroom, rounded up to 0.67
    expect(r.out).toMatch(/score:\n\s+type: number\n\s+max_missing: 0.67/);
    expect(r.out).toMatch(/churned:\n\s+type: integer\n\s+nullable: false\n\s+min: 0\n\s+max: 1\n\s+in: \[0, 1\]/);
    expect(r.out).toMatch(/ok:\n\s+type: boolean\n\s+nullable: false\n/);
    expect(r.out).toMatch(/required: \[id, age, plan, score, churned, ok\]/);
  });
  it('its output pasted into mlpipeline.yaml passes `mlpipeline validate`, and the data it came from passes validate-data', async () => {
    const rows = ['id,age,plan,score,churned,ok,signup,note'];
    for (let i = 0; i < 40; i++) {
      rows.push(`u${i},${20 + (i % 30)},${['basic', 'pro', 'team'][i % 3]},${i % 9 === 0 ? '' : (i / 40).toFixed(3)},${i % 2},${i % 4 === 0},2024-03-${String(1 + (i % 28)).padStart(2, '0')},"free text, #${i}"`);
    }
    const dir = workspace({ 'd.csv': rows.join('\n') + '\n' });
    const inferred = await run(dir, 'infer-schema', 'd.csv');
    expect(inferred.code).toBe(0);
    writeFileSync(join(dir, 'mlpipeline.yaml'), `version: 1\nname: t\ndata:\n  train: {path: d.csv}\n${inferred.out}`);
    const checked = await run(dir, 'validate');
    expect(checked.err).toBe('');
    expect(checked.code).toBe(0);
    const validated = await run(dir, 'validate-data', '--json');
    expect(validated.code).toBe(0);
    const doc = JSON.parse(validated.out);
    expect(doc.ok).toBe(true);
    // Every column got at least a type check, and the table block came along.
    expect(new Set(doc.checks.filter((c: any) => c.check === 'type').map((c: any) => c.column))).toEqual(new Set(['id', 'age', 'plan', 'score', 'churned', 'ok', 'signup', 'note']));
    expect(doc.checks.find((c: any) => c.column === 'plan' && c.check === 'in')).toMatchObject({ passed: true, expected: 'in ["basic", "pro", "team"]' });
    expect(doc.checks.find((c: any) => c.column === null && c.check === 'required')).toMatchObject({ passed: true });
  });
});

describe('the CSV fast path agrees with the general path', () => {
  it('same profile and check results whether fields are quoted (general path) or not (fast path)', async () => {
    const rows = ['n,t,s'];
    for (let i = 0; i < 300; i++) rows.push(`${i % 7 === 0 ? '' : (i * 37) % 101 - 50}.${i % 3},${i % 5 === 0 ? '1e3' : String(i)},${['x', 'yy', '-', '5.'][i % 4]}`);
    const plain = rows.join('\n') + '\n';
    const quoted = rows.map((r) => r.split(',').map((c) => (c === '' ? '' : `"${c}"`)).join(',')).join('\n') + '\n';
    const pipeline = `version: 1\nname: t\ndata:\n  train: {path: d.csv}\nvalidation:\n  columns:\n    n: {type: integer, min: -10, max: 40, in: [1, 2.1, -3.2]}\n    t: {type: integer, unique: true}\n    s: {type: number, length: {max: 1}}\n`;
    const a = workspace({ 'mlpipeline.yaml': pipeline, 'd.csv': plain });
    const b = workspace({ 'mlpipeline.yaml': pipeline, 'd.csv': quoted });
    const da = JSON.parse((await run(a, 'validate-data', '--json')).out);
    const db = JSON.parse((await run(b, 'validate-data', '--json')).out);
    expect(da.profile).toEqual(db.profile);
    expect(da.checks).toEqual(db.checks);
    // Sanity by hand: column t holds 0..299 with every 5th row written 1e3 → 60 values "1e3", 59 repeats.
    expect(da.checks.find((c: any) => c.column === 't' && c.check === 'unique').failed_count).toBe(59);
    expect(da.checks.find((c: any) => c.column === 't' && c.check === 'type').failed_count).toBe(60);
  });
});
