// Stage `train`: L2-regularised logistic regression fitted by full-batch gradient descent on
// standardised features, exported to ONNX with the standardisation folded into the graph (so
// the model takes the raw [N, F] float feature columns). Flags override params for sweeps:
//   node src/train.mjs [--l2 X] [--model PATH] [--metrics PATH]
import { logisticRegressionOnnx } from 'mlpipeline/onnx';
import { FEATURES, LABEL, accuracy, loadParams, logLoss, readCsv, rocAuc, round, writeFileAtomic } from './lib.mjs';

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const params = loadParams();
const lr = Number(params.train.lr);
const epochs = Number(params.train.epochs);
const l2 = Number(flag('l2', params.train.l2));
const threshold = Number(params.train.threshold ?? 0.5);
const modelPath = flag('model', 'model/model.onnx');
const metricsPath = flag('metrics', 'metrics/train.json');

const { rows } = readCsv('data/train.csv');
const n = rows.length;
const f = FEATURES.length;
const X = rows.map((row) => FEATURES.map((c) => Number(row[c])));
const y = rows.map((row) => Number(row[LABEL]));

// Standardise with the training mean and population std (a constant column keeps scale 1).
const mean = FEATURES.map((_, j) => X.reduce((s, x) => s + x[j], 0) / n);
const scale = FEATURES.map((_, j) => {
  const v = X.reduce((s, x) => s + (x[j] - mean[j]) ** 2, 0) / n;
  return v > 0 ? Math.sqrt(v) : 1;
});
const Z = X.map((x) => x.map((v, j) => (v - mean[j]) / scale[j]));

const sigmoid = (t) => 1 / (1 + Math.exp(-t));
const w = new Array(f).fill(0);
let b = 0;
const predict = (z) => sigmoid(z.reduce((s, v, j) => s + v * w[j], b));

// Minimise mean log loss + (l2 / 2)·|w|² (the bias is not penalised).
for (let epoch = 0; epoch < epochs; epoch++) {
  const gw = new Array(f).fill(0);
  let gb = 0;
  for (let i = 0; i < n; i++) {
    const err = predict(Z[i]) - y[i];
    for (let j = 0; j < f; j++) gw[j] += err * Z[i][j];
    gb += err;
  }
  for (let j = 0; j < f; j++) w[j] -= lr * (gw[j] / n + l2 * w[j]);
  b -= lr * (gb / n);
}

const probs = Z.map(predict);
writeFileAtomic(
  modelPath,
  logisticRegressionOnnx({
    weights: w,
    bias: b,
    mean,
    scale,
    threshold,
    metadata: { features: FEATURES.join(','), label: LABEL, trainer: 'examples/churn/src/train.mjs' },
  }),
);
const metrics = {
  rows: n,
  accuracy: round(accuracy(y, probs, threshold)),
  roc_auc: round(rocAuc(y, probs)),
  log_loss: round(logLoss(y, probs)),
  l2,
};
writeFileAtomic(metricsPath, JSON.stringify(metrics, null, 2) + '\n');
console.log(`trained on ${n} rows: train roc_auc ${metrics.roc_auc}, log_loss ${metrics.log_loss} -> ${modelPath}`);
