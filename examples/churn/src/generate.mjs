// Stage `generate`: synthetic but realistic customer-churn data, seeded so every run and every
// machine produces the same file. Churn follows a logistic model of the features plus noise,
// shaped like the public telecom churn data sets: short-tenure month-to-month customers on
// electronic checks with many support calls leave most.
import { loadParams, rng, writeCsv } from './lib.mjs';

const params = loadParams();
const rows = params.data.rows;
const r = rng(params.data.seed);

// Signup dates count back from a fixed snapshot day, so the data does not depend on today.
const SNAPSHOT = Date.UTC(2024, 5, 30);
const DAY = 86_400_000;

const CONTRACTS = [
  ['month-to-month', 0.55],
  ['one-year', 0.24],
  ['two-year', 0.21],
];
const PAYMENTS = [
  ['electronic-check', 0.34],
  ['mailed-check', 0.23],
  ['bank-transfer', 0.22],
  ['credit-card', 0.21],
];

const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
const sigmoid = (z) => 1 / (1 + Math.exp(-z));

function tenureFor(contract) {
  // Month-to-month customers are mostly recent; long contracts accumulate tenure.
  if (contract === 'month-to-month') return clamp(Math.floor(-Math.log(1 - r.uniform()) * 16), 0, 72);
  if (contract === 'one-year') return clamp(Math.round(6 + r.uniform() * 60 + r.normal() * 4), 1, 72);
  return clamp(Math.round(14 + r.uniform() * 58 + r.normal() * 3), 1, 72);
}

const out = [];
for (let i = 0; i < rows; i++) {
  const contract = r.pick(CONTRACTS);
  const payment = r.pick(PAYMENTS);
  const hasInternet = r.uniform() < 0.78;
  const tenure = tenureFor(contract);
  const monthly = hasInternet
    ? clamp(45 + r.uniform() * 60 + r.normal() * 6, 20, 118.75)
    : clamp(18.25 + r.uniform() * 8 + r.normal(), 18.25, 30);
  const supportCalls = r.poisson(contract === 'month-to-month' ? 1.8 : 0.9);
  // New customers have no bill yet (as in the telecom data), and a few totals were lost in transit.
  const total = tenure === 0 || r.uniform() < 0.006 ? null : tenure * monthly * (1 + 0.02 * r.normal());
  const signup = new Date(SNAPSHOT - (tenure * 30.44 + Math.floor(r.uniform() * 28)) * DAY);

  const logit =
    -2.0 +
    1.25 * (contract === 'month-to-month' ? 1 : 0) -
    0.9 * (contract === 'two-year' ? 1 : 0) -
    0.035 * tenure +
    0.022 * (monthly - 65) +
    0.33 * supportCalls +
    0.55 * (payment === 'electronic-check' ? 1 : 0) +
    0.25 * (hasInternet ? 1 : 0) +
    0.7 * r.normal();
  const churned = r.uniform() < sigmoid(logit) ? 1 : 0;

  out.push({
    customer_id: `C${String(i + 1).padStart(5, '0')}`,
    tenure,
    monthly_charges: monthly.toFixed(2),
    total_charges: total === null ? null : Math.max(total, 0).toFixed(2),
    contract,
    payment_method: payment,
    support_calls: supportCalls,
    has_internet: hasInternet,
    signup_date: signup.toISOString().slice(0, 10),
    churned,
  });
}

writeCsv(
  'data/raw.csv',
  ['customer_id', 'tenure', 'monthly_charges', 'total_charges', 'contract', 'payment_method', 'support_calls', 'has_internet', 'signup_date', 'churned'],
  out,
);
console.log(`generated ${rows} customers -> data/raw.csv (churn rate ${(out.filter((x) => x.churned).length / rows).toFixed(3)})`);
