// Small helpers shared by the churn stages: a seeded PRNG, a CSV reader/writer for the simple
// files these stages produce, params loading, and the metrics the stages report. Kept
// dependency-free (apart from `yaml`, which mlpipeline itself installs) so the example runs on a
// fresh machine after `npm ci`.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse } from 'yaml';

/** mulberry32: a tiny, well-known 32-bit PRNG; the same seed gives the same data everywhere. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    uniform: next,
    /** Standard normal via Box–Muller. */
    normal() {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    /** Poisson via Knuth's multiplication method (fine for small means). */
    poisson(mean) {
      const limit = Math.exp(-mean);
      let k = 0;
      let p = next();
      while (p > limit) {
        k += 1;
        p *= next();
      }
      return k;
    },
    /** Pick from [value, weight] pairs. */
    pick(weighted) {
      const total = weighted.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [value, w] of weighted) {
        r -= w;
        if (r < 0) return value;
      }
      return weighted[weighted.length - 1][0];
    },
  };
}

/** Read params.yaml (next to mlpipeline.yaml; stages run in the pipeline folder). */
export function loadParams(path = 'params.yaml') {
  return parse(readFileSync(path, 'utf8'));
}

/** Write a file via a temp file and rename, so a failed stage never leaves half a file. */
export function writeFileAtomic(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** CSV cell: quote only when needed. Missing values (null/undefined) are empty cells. */
function cell(v) {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function writeCsv(path, columns, rows) {
  const lines = [columns.map(cell).join(',')];
  for (const row of rows) lines.push(columns.map((c) => cell(row[c])).join(','));
  writeFileAtomic(path, lines.join('\n') + '\n');
}

/** Read a CSV written by writeCsv (RFC 4180 quoting); every value comes back as a string, '' = missing. */
export function readCsv(path) {
  const text = readFileSync(path, 'utf8');
  const records = [];
  let field = '';
  let record = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header, ...body] = records;
  return {
    columns: header,
    rows: body.map((r) => Object.fromEntries(header.map((c, j) => [c, r[j] ?? '']))),
  };
}

/** Round for metrics files, so the committed JSON does not churn on last-bit float noise. */
export const round = (x, digits = 6) => Number(x.toFixed(digits));

/** ROC AUC by the rank-sum (Mann–Whitney) formula, ties counted half. */
export function rocAuc(labels, scores) {
  const idx = scores.map((s, i) => i).sort((i, j) => scores[i] - scores[j]);
  let rankSumPos = 0;
  let pos = 0;
  for (let k = 0; k < idx.length; ) {
    let end = k;
    while (end + 1 < idx.length && scores[idx[end + 1]] === scores[idx[k]]) end++;
    const avgRank = (k + end) / 2 + 1;
    for (let m = k; m <= end; m++) {
      if (labels[idx[m]] === 1) {
        rankSumPos += avgRank;
        pos++;
      }
    }
    k = end + 1;
  }
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return 0;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Mean binary cross-entropy with probabilities clipped to [1e-15, 1 - 1e-15]. */
export function logLoss(labels, probs) {
  let s = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(Math.max(probs[i], 1e-15), 1 - 1e-15);
    s -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return s / labels.length;
}

export function accuracy(labels, probs, threshold = 0.5) {
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if ((probs[i] >= threshold ? 1 : 0) === labels[i]) ok++;
  return ok / labels.length;
}

/**
 * The model's numeric feature columns, in the order the ONNX input expects. The split stage
 * writes exactly these columns (plus the label and the raw `contract` for slicing) to
 * train.csv / test.csv; mlpipeline.yaml lists the same names under `model.features`.
 */
export const FEATURES = [
  'tenure',
  'monthly_charges',
  'total_charges',
  'support_calls',
  'has_internet',
  'contract_one_year',
  'contract_two_year',
  'pay_electronic_check',
];
export const LABEL = 'churned';
