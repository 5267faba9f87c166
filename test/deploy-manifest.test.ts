/**
 * The manifest edit itself (pure): only the edited values change, byte for byte; comments and
 * odd formatting stay; multi-document files; hostile values stay one scalar; clear errors for a
 * missing field and a manifest that is not the declared kind.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ConfigError } from '../core/errors.js';
import { editManifest, parseManifest, planEdits, releaseAssetUrl, renderUri, scalarText, unifiedDiff } from '../runners/registry/deploy/index.js';
import { githubRepository } from '../runners/registry/deploy/uri.js';
import type { DeploySpec } from '../pipeline-schema/types.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'deploy');
const read = (f: string) => readFileSync(join(FIXTURES, f), 'utf8');

function bump(file: string, spec: DeploySpec, uri: string) {
  const text = read(file);
  return { original: text, ...editManifest(file, text, planEdits(parseManifest(file, text), spec, uri)) };
}

/** Line numbers (1-based) whose text differs; the files must have the same number of lines. */
function changedLines(a: string, b: string): number[] {
  const x = a.split('\n');
  const y = b.split('\n');
  expect(y.length).toBe(x.length);
  return x.flatMap((l, i) => (l === y[i] ? [] : [i + 1]));
}

function caught(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('KServe InferenceService', () => {
  const spec: DeploySpec = { manifest: 'x.yaml', kind: 'kserve', uri: 's3://models/{name}/{version}/model.onnx' };

  it('changes only the storageUri line, keeping its quotes and its comment', () => {
    const r = bump('kserve-inferenceservice.yaml', spec, 's3://models/churn/v1.0.0/model.onnx');
    expect(r.changed).toBe(true);
    const diff = changedLines(read('kserve-inferenceservice.yaml'), r.text);
    expect(diff).toEqual([21]);
    expect(r.text.split('\n')[20]).toBe('      storageUri: "s3://models/churn/v1.0.0/model.onnx" # previous release');
    // Every other byte is the original's: the text before and after the value is identical.
    const old = '"s3://models/churn/v0.9.0/model.onnx"';
    const at = r.text.indexOf('"s3://models/churn/v1.0.0/model.onnx"');
    expect(r.text.slice(0, at)).toBe(read('kserve-inferenceservice.yaml').slice(0, at));
    expect(r.text.slice(at + old.length)).toBe(read('kserve-inferenceservice.yaml').slice(at + old.length));
    expect(r.edits).toEqual([{ document: 0, path: 'spec.predictor.model.storageUri', before: 's3://models/churn/v0.9.0/model.onnx', after: 's3://models/churn/v1.0.0/model.onnx' }]);
  });

  it('sets canaryTrafficPercent too when a canary is declared, and nothing else', () => {
    const r = bump('kserve-inferenceservice.yaml', { ...spec, canary: { percent: 10 } }, 's3://m/v1');
    expect(changedLines(read('kserve-inferenceservice.yaml'), r.text)).toEqual([15, 21]);
    expect(r.text.split('\n')[14]).toBe('    canaryTrafficPercent: 10 # all traffic to the latest revision');
  });

  it('is a no-op when the manifest already holds the value', () => {
    const r = bump('kserve-inferenceservice.yaml', spec, 's3://models/churn/v0.9.0/model.onnx');
    expect(r.changed).toBe(false);
    expect(r.text).toBe(read('kserve-inferenceservice.yaml'));
  });

  it('names the manifest, the missing key and the fix for a field that does not exist', () => {
    const e = caught(() => bump('kserve-no-storage-uri.yaml', spec, 's3://m'));
    expect(e.format()).toContain("kserve-no-storage-uri.yaml:8:7: kserve-no-storage-uri.yaml: the field spec.predictor.model.storageUri does not exist: spec.predictor.model has no 'storageUri'");
    expect(e.fix).toContain("add 'storageUri:' under spec.predictor.model in kserve-no-storage-uri.yaml");
  });

  it('refuses a manifest that is not an InferenceService, or of another apiVersion', () => {
    const e = caught(() => bump('not-kserve.yaml', spec, 's3://m'));
    expect(e.message).toBe('not-kserve.yaml is not a KServe InferenceService (serving.kserve.io/v1beta1): it holds apps/v1 Deployment churn');
    expect(e.location).toMatchObject({ file: 'not-kserve.yaml', line: 2, column: 7 });
    const v = caught(() => bump('kserve-v1alpha1.yaml', spec, 's3://m'));
    expect(v.message).toContain('apiVersion serving.kserve.io/v1alpha1, expected serving.kserve.io/v1beta1');
  });
});

describe('Seldon Core v2 Model and Experiment (one file, three documents)', () => {
  const spec: DeploySpec = { manifest: 'x.yaml', kind: 'seldon', name: 'churn-candidate', uri: 'gs://models/{name}/{version}' };

  it('edits the named Model only: single quotes and comments kept', () => {
    const r = bump('seldon-model.yaml', spec, 'gs://models/churn/v1.0.0');
    expect(changedLines(read('seldon-model.yaml'), r.text)).toEqual([20]);
    expect(r.text.split('\n')[19]).toBe("  storageUri: 'gs://models/churn/v1.0.0'");
    expect(r.edits[0]).toMatchObject({ document: 1, path: 'spec.storageUri' });
  });

  it('sets the candidate weights of the Experiment for a canary', () => {
    const r = bump('seldon-model.yaml', { ...spec, canary: { percent: 10, experiment: 'churn-split' } }, 'gs://models/churn/v1.0.0');
    expect(changedLines(read('seldon-model.yaml'), r.text)).toEqual([20, 33, 35]);
    expect(r.text.split('\n').slice(32, 35)).toEqual(['      weight: 90   # stable share', '    - name: churn-candidate', '      weight: 10   # canary share']);
  });

  it('asks for deploy.name when the file holds several Models', () => {
    const e = caught(() => bump('seldon-model.yaml', { ...spec, name: undefined } as DeploySpec, 'gs://x'));
    expect(e.message).toContain('holds 2 documents that are a Seldon Core v2 Model');
    expect(e.fix).toBe('set deploy.name to the metadata.name of the one to edit');
    const none = caught(() => bump('seldon-model.yaml', { ...spec, name: 'churn-nope' }, 'gs://x'));
    expect(none.message).toContain("holds no a Seldon Core v2 Model (mlops.seldon.io/v1alpha1) named 'churn-nope'");
    expect(none.fix).toBe('set deploy.name to one of: churn-stable, churn-candidate');
  });

  it('refuses a KServe manifest declared as seldon', () => {
    const e = caught(() => bump('kserve-inferenceservice.yaml', spec, 'gs://x'));
    expect(e.message).toContain('is not a Seldon Core v2 Model (mlops.seldon.io/v1alpha1) named \'churn-candidate\': it holds serving.kserve.io/v1beta1 InferenceService churn');
  });
});

describe('hostile values', () => {
  const hostile = ['s3:', 'x:', 'x\n  injected: true', 'a: b', '#not-a-comment', "it's", '"q"', '{a: 1}', '- item', 'true', '123', 'x # y', '\u2028line', '*alias', '!!binary x'];

  it.each(hostile)('%j stays one string scalar, in every quoting style', (value) => {
    for (const text of ['k: old\nother: 1\n', "k: 'old'\nother: 1\n", 'k: "old"\nother: 1\n', 'm: {k: old, other: 1}\n']) {
      const path = text.startsWith('m:') ? ['m', 'k'] : ['k'];
      const r = editManifest('f.yaml', text, [{ select: { label: 'a document' }, path, value }]);
      const docs = parseAllDocuments(r.text);
      expect(Array.isArray(docs) && docs.length).toBe(1);
      const js = (docs as { toJS(): unknown }[])[0]!.toJS() as Record<string, unknown>;
      expect(js).toEqual(text.startsWith('m:') ? { m: { k: value, other: 1 } } : { k: value, other: 1 });
    }
  });

  it('round-trips 300 seeded random strings of YAML indicators in every quoting style', () => {
    const alphabet = ['a', 'Z', '0', ':', ' ', '#', '-', '?', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`', '\\', '\n', '\t', '\r', '\u0000', '\u2028', '\ufeff', 'é', '😀', '/', '.', '~'];
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let n = 0; n < 300; n++) {
      const value = Array.from({ length: 1 + Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
      for (const text of ['k: old # c\nother: 1\n', "k: 'old'\nother: 1\n", 'k: "old"\nother: 1\n', 'm: {k: old, other: 1}\n', 'l: [old, 1]\n']) {
        const path = text.startsWith('m:') ? ['m', 'k'] : text.startsWith('l:') ? ['l', 0] : ['k'];
        const r = editManifest('f.yaml', text, [{ select: { label: 'a document' }, path, value }]);
        const js = (parseAllDocuments(r.text) as { toJS(): unknown }[])[0]!.toJS();
        const want = text.startsWith('m:') ? { m: { k: value, other: 1 } } : text.startsWith('l:') ? { l: [value, 1] } : { k: value, other: 1 };
        expect(js, JSON.stringify({ value, text })).toEqual(want);
        if (text.includes('# c')) expect(r.text.endsWith(' # c\nother: 1\n')).toBe(true);
      }
    }
  });

  it('keeps a plain URI plain and quotes what YAML would misread', () => {
    const plain = { type: 'PLAIN' } as never;
    expect(scalarText('s3://m/churn/v1.0.0+build.1/model.onnx', plain, false)).toBe('s3://m/churn/v1.0.0+build.1/model.onnx');
    expect(scalarText('true', plain, false)).toBe('"true"');
    expect(scalarText('a,b', plain, true)).toBe('"a,b"');
    expect(scalarText('a: b', plain, false)).toBe('"a: b"');
    expect(scalarText('s3:', plain, false)).toBe('"s3:"');
  });

  it('refuses a block scalar and an alias bomb with a clear error', () => {
    expect(caught(() => editManifest('f.yaml', 'spec:\n  uri: |\n    s3://old\n  x: 1\n', [{ select: { label: 'a document' }, path: ['spec', 'uri'], value: 's3://m' }])).message).toBe('f.yaml: spec.uri is a block scalar (| or >)');
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 6 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`), 'k: v', ''].join('\n');
    expect(caught(() => editManifest('f.yaml', bomb, [{ select: { label: 'a document' }, path: ['k'], value: 'w' }])).message).toMatch(/^f\.yaml cannot be read: /);
  });

  it('fills an empty value', () => {
    const r = editManifest('f.yaml', 'spec:\n  storageUri:\n  x: 1\n', [{ select: { label: 'a document' }, path: ['spec', 'storageUri'], value: 's3://m' }]);
    expect(r.text).toBe('spec:\n  storageUri: s3://m\n  x: 1\n');
  });
});

describe('unified diff', () => {
  it('prints git-style hunks with context', () => {
    const a = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n';
    const b = a.replace('c', 'C').replace('j', 'J');
    expect(unifiedDiff('m.yaml', a, b)).toBe('--- a/m.yaml\n+++ b/m.yaml\n@@ -1,10 +1,10 @@\n a\n b\n-c\n+C\n d\n e\n f\n g\n h\n i\n-j\n+J\n');
    expect(unifiedDiff('m.yaml', a, a)).toBe('');
    const far = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n') + '\n';
    const d = unifiedDiff('m.yaml', far, far.replace('l1\n', 'L1\n').replace('l18', 'L18'));
    expect(d.match(/^@@/gm)).toHaveLength(2);
    expect(d).toContain('@@ -1,5 +1,5 @@');
    expect(d).toContain('@@ -16,5 +16,5 @@');
  });
});

describe('custom kind', () => {
  it('sets any dotted path, a number indexing a list (a Seldon Core v1 SeldonDeployment)', () => {
    const text = 'apiVersion: machinelearning.seldon.io/v1\nkind: SeldonDeployment\nmetadata:\n  name: churn\nspec:\n  predictors:\n    - name: default\n      graph:\n        modelUri: gs://old # here\n';
    const r = editManifest('sd.yaml', text, planEdits(parseManifest('sd.yaml', text), { manifest: 'sd.yaml', kind: 'custom', field: 'spec.predictors.0.graph.modelUri', uri: 'x' }, 'gs://new'));
    expect(r.text).toBe(text.replace('gs://old', 'gs://new'));
    const e = caught(() => editManifest('sd.yaml', text, [{ select: { label: 'a YAML document' }, path: ['spec', 'predictors', 'graph'], value: 'x' }]));
    expect(e.message).toBe("sd.yaml: spec.predictors is a list, so 'graph' in spec.predictors.graph must be an index");
  });
});

describe('the URI template', () => {
  const values = { name: 'churn', version: 'v1.4.0', sha256: 'ab'.repeat(32) };
  it('fills every placeholder, with literal braces', () => {
    expect(renderUri('s3://m/{name}/{version}/{sha256}/{{x}}', values, { file: 'f' })).toBe(`s3://m/churn/v1.4.0/${'ab'.repeat(32)}/{x}`);
    expect(renderUri('{release_asset_url}', { ...values, release_asset_url: 'https://h/a' }, { file: 'f' })).toBe('https://h/a');
  });
  it('refuses {release_asset_url} when no Release is known, and an unknown placeholder', () => {
    expect(() => renderUri('{release_asset_url}', values, { file: 'f' })).toThrow(/uses \{release_asset_url\}, but it is not known here/);
    expect(() => renderUri('{nmae}', values, { file: 'f' })).toThrow("unknown placeholder '{nmae}' in the deploy uri; did you mean '{name}'?");
  });
  it('names the Release asset of contract 4 (tag name@vX.Y.Z, asset name-vX.Y.Z.onnx)', () => {
    expect(releaseAssetUrl('https://github.com/', 'acme/churn', 'churn', 'v1.4.0')).toBe('https://github.com/acme/churn/releases/download/churn%40v1.4.0/churn-v1.4.0.onnx');
    expect(githubRepository('git@github.com:acme/churn.git')).toEqual({ server: 'https://github.com', repository: 'acme/churn' });
    expect(githubRepository('https://github.com/acme/churn')).toEqual({ server: 'https://github.com', repository: 'acme/churn' });
    expect(githubRepository('https://gitlab.com/acme/churn.git')).toBeUndefined();
  });
});
