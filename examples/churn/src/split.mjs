// Stage `split`: a seeded train/test split, and the model's feature encoding. train.csv and
// test.csv hold the numeric feature columns the ONNX model takes (in model.features order),
// the label, and the raw `contract` and `customer_id` columns for slicing and tracing.
import { FEATURES, LABEL, loadParams, readCsv, rng, writeCsv } from './lib.mjs';

const params = loadParams();
const r = rng(params.split.seed);
const { rows } = readCsv('data/raw.csv');

function encode(row) {
  const tenure = Number(row.tenure);
  const monthly = Number(row.monthly_charges);
  return {
    customer_id: row.customer_id,
    contract: row.contract,
    tenure,
    monthly_charges: monthly,
    // A missing total is imputed as tenure × monthly charge, which is what it approximates.
    total_charges: row.total_charges === '' ? Number((tenure * monthly).toFixed(2)) : Number(row.total_charges),
    support_calls: Number(row.support_calls),
    has_internet: row.has_internet === 'true' ? 1 : 0,
    contract_one_year: row.contract === 'one-year' ? 1 : 0,
    contract_two_year: row.contract === 'two-year' ? 1 : 0,
    pay_electronic_check: row.payment_method === 'electronic-check' ? 1 : 0,
    [LABEL]: Number(row[LABEL]),
  };
}

// Fisher–Yates shuffle of the row order, then the first test_fraction go to test.
const order = rows.map((_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(r.uniform() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
const nTest = Math.round(rows.length * params.split.test_fraction);
const testIdx = new Set(order.slice(0, nTest));
const train = [];
const test = [];
rows.forEach((row, i) => (testIdx.has(i) ? test : train).push(encode(row)));

const columns = ['customer_id', 'contract', ...FEATURES, LABEL];
writeCsv('data/train.csv', columns, train);
writeCsv('data/test.csv', columns, test);
console.log(`split ${rows.length} rows -> data/train.csv (${train.length}), data/test.csv (${test.length})`);
