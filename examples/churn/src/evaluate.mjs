// Stage `evaluate`: load the exported ONNX model with onnxruntime-node, score the held-out
// rows and write metrics/test.json. (`mlpipeline evaluate` does the full evaluation with slices
// and gates; this stage keeps the headline numbers next to the training metrics.)
import ort from 'onnxruntime-node';
import { FEATURES, LABEL, accuracy, loadParams, logLoss, readCsv, rocAuc, round, writeFileAtomic } from './lib.mjs';

const params = loadParams();
const threshold = Number(params.train.threshold ?? 0.5);
const { rows } = readCsv('data/test.csv');
const n = rows.length;
const input = new Float32Array(n * FEATURES.length);
rows.forEach((row, i) => FEATURES.forEach((c, j) => (input[i * FEATURES.length + j] = Number(row[c]))));
const y = rows.map((row) => Number(row[LABEL]));

const session = await ort.InferenceSession.create('model/model.onnx');
const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, [n, FEATURES.length]) });
const p = result.probabilities.data;
const probs = Array.from({ length: n }, (_, i) => p[i * 2 + 1]);

const metrics = {
  rows: n,
  accuracy: round(accuracy(y, probs, threshold)),
  roc_auc: round(rocAuc(y, probs)),
  log_loss: round(logLoss(y, probs)),
};
writeFileAtomic('metrics/test.json', JSON.stringify(metrics, null, 2) + '\n');
console.log(`evaluated on ${n} rows: accuracy ${metrics.accuracy}, roc_auc ${metrics.roc_auc}, log_loss ${metrics.log_loss}`);
