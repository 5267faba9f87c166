/**
 * A copy of examples/churn in a throw-away Git repository with a version of churn registered and
 * promoted to staging and production, trained (for the registry) on data/train.csv: rows of the
 * example's committed data/raw.csv. Live batches: the example's clean one, and shifted ones made
 * from it (not a test file itself).
 */
import { cpSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { logisticRegressionOnnx } from '../core/onnx-builder.js';
import { openRepo, type Repo } from './registry-fixture.js';

const EXAMPLE = join(__dirname, '..', 'examples', 'churn');
export const CLEAN_BATCH = 'data/live/2026-12-01.csv';

/** The example's environments without gates and soak, so a test can promote an ungated version at once. */
const ENVIRONMENTS = `environments:
  staging:
    require_gates: false
  production:
    after: staging
    require_gates: false
`;

export function exampleText(): string {
  return readFileSync(join(EXAMPLE, 'mlpipeline.yaml'), 'utf8');
}

/** The example's monitoring.performance block (three lines), which needs a real model. */
const PERFORMANCE_BLOCK = /\n  performance:[^\n]*\n(?:    [^\n]*\n)+/;

/** The example's pipeline text with its environments block replaced and `edit` applied; `performance: false` drops monitoring.performance. */
export function pipelineText(edit: (text: string) => string = (t) => t, opts: { performance?: boolean } = {}): string {
  let text = exampleText();
  if (!PERFORMANCE_BLOCK.test(text)) throw new Error('examples/churn/mlpipeline.yaml has no monitoring.performance block');
  if (opts.performance === false) text = text.replace(PERFORMANCE_BLOCK, '\n');
  const at = text.indexOf('\nenvironments:\n');
  if (at < 0) throw new Error('examples/churn/mlpipeline.yaml has no environments block');
  return edit(text.slice(0, at + 1) + ENVIRONMENTS);
}

/** The clean batch with monthly charges raised 60%, tenure halved and every contract month-to-month. */
export function shiftedBatch(text: string): string {
  const [header, ...rows] = text.trimEnd().split('\n');
  const cols = header!.split(',');
  const at = (n: string) => cols.indexOf(n);
  return (
    [
      header,
      ...rows.map((line) => {
        const c = line.split(',');
        c[at('monthly_charges')] = (Number(c[at('monthly_charges')]) * 1.6).toFixed(2);
        c[at('tenure')] = String(Math.floor(Number(c[at('tenure')]) / 2));
        c[at('support_calls')] = String(Number(c[at('support_calls')]) + 4);
        c[at('contract')] = 'month-to-month';
        c[at('payment_method')] = 'electronic-check';
        return c.join(',');
      }),
    ].join('\n') + '\n'
  );
}

/**
 * `model`: a real ONNX model to commit (and keep monitoring.performance); without it the model
 * file is a placeholder the drift monitor never loads, and monitoring.performance is dropped.
 */
export async function makeMonitorRepo(dir: string, opts: { edit?: (text: string) => string; promote?: boolean; model?: Uint8Array } = {}): Promise<Repo> {
  cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !/[/\\](model|\.mlpipeline)([/\\]|$)/.test(src.slice(EXAMPLE.length)) });
  const repo = openRepo(dir);
  repo.git('init', '-q', '-b', 'main');
  repo.git('config', 'user.name', 'Alice Example');
  repo.git('config', 'user.email', 'alice@example.com');
  repo.write('mlpipeline.yaml', pipelineText(opts.edit, { performance: opts.model !== undefined }));
  // The example ignores its stage outs; this repository commits the training data, as a team
  // with small data does, so the reference is read from the version's Git objects.
  repo.write('.gitignore', '.mlpipeline/\n');
  const raw = readFileSync(join(dir, 'data', 'raw.csv'), 'utf8').trimEnd().split('\n');
  repo.write('data/train.csv', raw.slice(0, 4001).join('\n') + '\n');
  repo.write('data/test.csv', [raw[0], ...raw.slice(4401)].join('\n') + '\n');
  mkdirSync(join(dir, 'model'), { recursive: true });
  writeFileSync(join(dir, 'model', 'model.onnx'), opts.model ?? 'not a real model: the drift monitor never loads it');
  repo.commit('Train churn');
  if (opts.promote !== false) {
    for (const args of [['register', 'churn', '--version', 'v1.0.0'], ['promote', 'churn@v1.0.0', '--to', 'staging'], ['promote', 'churn@v1.0.0', '--to', 'production']]) {
      const r = await repo.cli(args);
      if (r.code !== 0) throw new Error(`mlpipeline ${args.join(' ')}: ${r.stderr}`);
    }
  }
  return repo;
}

/** Write the shifted batch as a newer live batch; returns its path. */
export function addShiftedBatch(repo: Repo, name = 'data/live/2026-12-02.csv'): string {
  repo.write(name, shiftedBatch(readFileSync(join(repo.dir, CLEAN_BATCH), 'utf8')));
  return name;
}

/** Over the example's 8 features (model.features order, support_calls 4th): sigmoid(support_calls − 2.5): p > 0.5 exactly when support_calls >= 3. */
export const PERFORMANCE_MODEL = logisticRegressionOnnx({ weights: [0, 0, 0, 1, 0, 0, 0, 0], bias: -2.5 });
export const predicts = (supportCalls: number) => (supportCalls >= 3 ? 1 : 0);

/** The example's labelled batch with `churned` replaced by `label(row index, support_calls)`. */
export function labelledBatch(label: (i: number, calls: number) => number): { text: string; rows: { calls: number; y: number }[] } {
  const example = readFileSync(join(__dirname, '..', 'examples', 'churn', 'data', 'labelled', '2026-12-01.csv'), 'utf8').trimEnd().split('\n');
  const cols = example[0]!.split(',');
  const at = (n: string) => cols.indexOf(n);
  const rows: { calls: number; y: number }[] = [];
  const lines = example.slice(1).map((line, i) => {
    const c = line.split(',');
    const calls = Number(c[at('support_calls')]);
    const y = label(i, calls);
    c[at('churned')] = String(y);
    rows.push({ calls, y });
    return c.join(',');
  });
  return { text: [example[0], ...lines].join('\n') + '\n', rows };
}

