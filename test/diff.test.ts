/** Unit tests for the diff engine's pieces: flattening, row computation, parsing, rendering. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { renderDiffMarkdown, renderDiffText, formatChange } from '../reports/diff-table.js';
import { diffFlat, type DiffDocument } from '../runners/diff/diff.js';
import { expandMatrix, metricsFiles, paramsFiles } from '../runners/diff/files.js';
import { flattenDotted } from '../core/dotted-keys.js';
import { jsonErrorOffset, parseDataFile } from '../runners/diff/parse-file.js';
import type { Pipeline } from '../pipeline-schema/types.js';
import { present } from './present.js';

const map = (o: Record<string, string | number | boolean | null>) => new Map(Object.entries(o));

describe('flattenDotted', () => {
  it('joins nested keys with dots and indexes arrays', () => {
    const flat = flattenDotted({ train: { lr: 0.1, layers: [{ units: 64 }, { units: 32 }], opt: 'adam' }, seed: 7, debug: false });
    expect([...flat]).toEqual([
      ['train.lr', 0.1],
      ['train.layers.0.units', 64],
      ['train.layers.1.units', 32],
      ['train.opt', 'adam'],
      ['seed', 7],
      ['debug', false],
    ]);
  });

  it('keeps null, empty containers and non-finite numbers visible', () => {
    expect([...flattenDotted({ a: null, b: [], c: {}, d: Number.NaN, e: -Infinity })]).toEqual([
      ['a', null],
      ['b', '[]'],
      ['c', '{}'],
      ['d', 'NaN'],
      ['e', '-Infinity'],
    ]);
  });

  it('gives an empty document no keys', () => {
    expect(flattenDotted(null).size).toBe(0);
    expect(flattenDotted({}).size).toBe(0);
    expect(flattenDotted([]).size).toBe(0);
  });
});

describe('diffFlat', () => {
  const a = map({ 'train.lr': 0.1, 'train.epochs': 4, 'train.opt': 'adam', 'train.warmup': 0, seed: 7, gone: 1 });
  const b = map({ 'train.lr': 0.2, 'train.epochs': 3, 'train.opt': 'sgd', 'train.warmup': 5, seed: 7, 'train.batch': 32 });

  it('reports changed, added and removed keys with b − a and the percentage of |a|', () => {
    const rows = diffFlat('params.yaml', a, b, false);
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(rows.map((r) => r.key)).toEqual(['train.lr', 'train.epochs', 'train.opt', 'train.warmup', 'train.batch', 'gone']);
    expect(byKey['train.lr']).toEqual({ file: 'params.yaml', key: 'train.lr', a: 0.1, b: 0.2, change: 0.1, pct: 100, status: 'changed' });
    expect(byKey['train.epochs']).toMatchObject({ change: -1, pct: -25 });
    expect(byKey['train.opt']).toMatchObject({ a: 'adam', b: 'sgd', change: null, pct: null, status: 'changed' });
    // From zero there is a change but no percentage.
    expect(byKey['train.warmup']).toMatchObject({ change: 5, pct: null });
    expect(byKey['train.batch']).toMatchObject({ a: null, b: 32, change: null, status: 'added' });
    expect(byKey.gone).toMatchObject({ a: 1, b: null, change: null, status: 'removed' });
  });

  it('hides unchanged keys unless asked for all', () => {
    expect(diffFlat('p', a, b, false).some((r) => r.key === 'seed')).toBe(false);
    expect(diffFlat('p', a, b, true).find((r) => r.key === 'seed')).toMatchObject({ a: 7, b: 7, change: 0, pct: 0, status: 'unchanged' });
  });

  it('treats a file missing on one side as every key added or removed', () => {
    expect(diffFlat('m.json', undefined, map({ acc: 0.9 }), false)).toEqual([
      { file: 'm.json', key: 'acc', a: null, b: 0.9, change: null, pct: null, status: 'added' },
    ]);
    expect(diffFlat('m.json', map({ acc: 0.9 }), undefined, false)[0]).toMatchObject({ a: 0.9, b: null, status: 'removed' });
  });

  it('does not treat a number and a numeric string as equal, and shows no numeric change between them', () => {
    const [row] = diffFlat('p', map({ x: 1 }), map({ x: '1' }), false);
    expect(row).toMatchObject({ status: 'changed', change: null });
  });

  it('removes floating-point noise from the change (0.3 − 0.1 is 0.2)', () => {
    const [row] = diffFlat('p', map({ x: 0.1 }), map({ x: 0.3 }), false);
    expect(row).toMatchObject({ change: 0.2, pct: 200 });
  });
});

describe('which files', () => {
  const pipeline = {
    version: 1,
    name: 'p',
    params: ['params.yaml', 'extra.json'],
    stages: {
      prep: { cmd: 'x', params: ['prep.k', 'conf/prep.yaml#a.b', 'conf/prep.yaml#c'] },
      train: { cmd: 'y', metrics: ['m/train.json'] },
      sweep: { cmd: 'z', matrix: { lr: [0.1, 0.2], depth: [2, 3] }, metrics: ['m/lr-${matrix.lr}-d${matrix.depth}.json'] },
    },
  } as Pipeline;

  it('params: the pipeline list plus each file#key file, once', () => {
    expect(paramsFiles(pipeline)).toEqual(['params.yaml', 'extra.json', 'conf/prep.yaml']);
    expect(paramsFiles({ version: 1, name: 'p' })).toEqual(['params.yaml']);
  });

  it('metrics: every stage file, matrix instances expanded', () => {
    expect(metricsFiles(pipeline)).toEqual([
      'm/train.json',
      'm/lr-0.1-d2.json',
      'm/lr-0.1-d3.json',
      'm/lr-0.2-d2.json',
      'm/lr-0.2-d3.json',
    ]);
    expect(expandMatrix('a-${matrix.unknown}.json', { matrix: { lr: [1] } })).toEqual(['a-${matrix.unknown}.json']);
  });
});

describe('parseDataFile', () => {
  function fail(text: string, label: string): InputError {
    try {
      parseDataFile(text, label, 'params');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return e as InputError;
    }
    throw new Error('expected a parse error');
  }

  it('names the YAML file, line and column', () => {
    const e = fail('train:\n  lr: 0.1\n  lr: 0.2\n', 'params.yaml');
    expect(e.exitCode).toBe(2);
    expect(e.location).toEqual({ file: 'params.yaml', line: 3, column: 3 });
    expect(e.message).toBe('cannot parse params file as YAML: Map keys must be unique');
    expect(e.format()).toMatch(/^params\.yaml:3:3: cannot parse params file as YAML/);
  });

  it('locates a JSON error that JSON.parse reports without a position', () => {
    const e = fail('{\n  "acc": 0.9,\n  "loss": }\n', 'HEAD:metrics.json');
    expect(e.location).toEqual({ file: 'HEAD:metrics.json', line: 3, column: 11 });
    expect(e.message).toBe('cannot parse params file as JSON: unexpected character "}"');
  });

  it('finds JSON error offsets: trailing comma, truncated file, bad literal, junk after the value', () => {
    expect(jsonErrorOffset('[1,2,]')).toBe(5);
    expect(jsonErrorOffset('{"a": 1')).toBe(7);
    expect(jsonErrorOffset('{"a": tru}')).toBe(6);
    expect(jsonErrorOffset('{} x')).toBe(3);
    expect(jsonErrorOffset('{"a": [1, -2.5e3, "x\\n", null, true]}')).toBeUndefined();
  });

  it('refuses YAML alias bombs', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefg'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill('*' + 'abcdefg'[i]).join(', ')}]`)].join('\n');
    const e = fail(bomb + '\n', 'params.yaml');
    expect(e.message).toMatch(/^cannot read params file: .*alias/i);
  });

  it('reads JSON and YAML', () => {
    expect(parseDataFile('{"a": {"b": 1}}', 'm.json', 'metrics')).toEqual({ a: { b: 1 } });
    expect(parseDataFile('a:\n  b: 1\n', 'p.yml', 'params')).toEqual({ a: { b: 1 } });
  });
});

describe('rendering', () => {
  const doc: DiffDocument = {
    kind: 'params',
    a: 'HEAD',
    b: 'workspace',
    rows: [
      { file: 'params.yaml', key: 'train.lr', a: 0.1, b: 0.2, change: 0.1, pct: 100, status: 'changed' },
      { file: 'params.yaml', key: 'train.opt', a: 'adam', b: 'sgd', change: null, pct: null, status: 'changed' },
      { file: 'params.yaml', key: 'train.batch', a: null, b: 32, change: null, pct: null, status: 'added' },
      { file: 'params.yaml', key: 'rows', a: 1000, b: 1234, change: 234, pct: 23.4, status: 'changed' },
    ],
  };

  it('formats the change column', () => {
    expect(formatChange({ change: 0.1, pct: 100 })).toBe('+0.1 (+100%)');
    expect(formatChange({ change: -1, pct: -25 })).toBe('-1 (-25%)');
    expect(formatChange({ change: 5, pct: null })).toBe('+5');
    expect(formatChange({ change: 0.0123456789, pct: 1.23456 })).toBe('+0.0123457 (+1.23%)');
    expect(formatChange({ change: null, pct: null })).toBe('-');
  });

  it('prints an aligned text table with the refs as column names and - for missing', () => {
    expect(renderDiffText(doc)).toBe(
      [
        'Path         Key          HEAD  workspace  Change',
        'params.yaml  train.lr     0.1   0.2        +0.1 (+100%)',
        'params.yaml  train.opt    adam  sgd        -',
        'params.yaml  train.batch  -     32         -',
        'params.yaml  rows         1000  1234       +234 (+23.4%)',
        '',
      ].join('\n'),
    );
  });

  it('says so when nothing changed', () => {
    expect(renderDiffText({ ...doc, rows: [] })).toBe('No params changes between HEAD and workspace.\n');
    expect(renderDiffMarkdown({ ...doc, rows: [] })).toBe('No params changes between HEAD and workspace\\.\n');
  });

  it('renders a Markdown table', () => {
    expect(renderDiffMarkdown(doc).split('\n').slice(0, 3)).toEqual([
      '| Path | Key | HEAD | workspace | Change |',
      '| --- | --- | ---: | ---: | ---: |',
      '| params\\.yaml | train\\.lr | 0\\.1 | 0\\.2 | \\+0\\.1 \\(\\+100\\%\\) |',
    ]);
  });

  it('escapes hostile keys, values, paths and ref names in Markdown', () => {
    const hostile: DiffDocument = {
      kind: 'metrics',
      a: '<b>main</b>',
      b: 'workspace',
      rows: [
        { file: 'm|x.json', key: '<img src=x onerror=alert(1)>', a: '@admin', b: '[click](https://evil.example)', change: null, pct: null, status: 'changed' },
        { file: 'm.json', key: '@admin', a: 1, b: '`code`|pipe\nnewline', change: null, pct: null, status: 'changed' },
      ],
    };
    const md = renderDiffMarkdown(hostile);
    expect(md).not.toMatch(/<img|<b>|\]\(https|(^|[^;])@admin/m);
    expect(md).toContain('&lt;img src\\=x onerror\\=alert\\(1\\)&gt;');
    expect(md).toContain('@&#8203;admin');
    expect(md).toContain('&lt;b&gt;main&lt;/b&gt;');
    // Every row keeps exactly 6 unescaped pipes (5 cells), so no cell broke out of the table.
    for (const line of md.trimEnd().split('\n')) expect(line.replace(/\\\|/g, '').split('|').length - 1).toBe(6);
  });

  it('shows control characters in the text table instead of sending them to the terminal', () => {
    const text = renderDiffText({ ...doc, rows: [{ ...present(doc.rows[1], 'a second row'), key: 'k\u001b[31mred' }] });
    expect(text).not.toContain('\u001b');
    expect(text).toContain('k\\u001b[31mred');
  });
});
