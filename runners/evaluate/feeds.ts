/** Encoding a batch of raw rows into the tensors an InputPlan describes. */
import type { Tensor } from 'onnxruntime-node';
import type { BatchView } from './batch-view.js';
import { parseDecimal, toBool, toInteger, toNumber, toText, type CellPlace } from './cells.js';
import type { InputPlan, InputType } from './io-plan.js';
import type { Feeds, Ort } from './onnx-session.js';

type Meta = { firstRow: number; lines?: ArrayLike<number> };

export class FeedEncoder {
  private readonly colIndex: number[];

  constructor(
    private readonly ort: Ort,
    private readonly plan: InputPlan,
    columns: string[],
    private readonly dataFile: string,
  ) {
    const idx = new Map(columns.map((c, i) => [c, i]));
    this.colIndex = plan.features.map((f) => idx.get(f)!);
  }

  encode(rows: unknown[][], meta: Meta): Feeds {
    const n = rows.length;
    if (this.plan.mode === 'tensor') {
      const f = this.plan.features.length;
      const t = this.plan.tensor!;
      return { [t.name]: this.tensor(t.type, rows, meta, 0, f, [n, f]) };
    }
    const feeds: Feeds = {};
    this.plan.columns!.forEach((c, k) => {
      feeds[c.name] = this.tensor(c.type, rows, meta, k, 1, c.rank2 ? [n, 1] : [n]);
    });
    return feeds;
  }

  /**
   * The same tensors from a BatchView. Numeric columns of a columnar batch are copied from their
   * Float64Array; their exceptions (and text columns) convert exactly as `encode` converts raw
   * cells, and the first bad cell in row-major order is the one reported, as `encode` would.
   */
  encodeView(view: BatchView): Feeds {
    const n = view.n;
    if (this.plan.mode === 'tensor') {
      const f = this.plan.features.length;
      const t = this.plan.tensor!;
      return { [t.name]: this.viewTensor(t.type, view, 0, f, [n, f]) };
    }
    const feeds: Feeds = {};
    this.plan.columns!.forEach((c, k) => {
      feeds[c.name] = this.viewTensor(c.type, view, k, 1, c.rank2 ? [n, 1] : [n]);
    });
    return feeds;
  }

  private viewTensor(type: InputType, view: BatchView, from: number, width: number, dims: number[]): Tensor {
    if (type !== 'float32' && type !== 'float64') {
      // Non-float inputs read text columns (the caller selects them as text): raw cells as rows.
      const rows = Array.from({ length: view.n }, (_, r) => view.row(r));
      return this.tensor(type, rows, view, from, width, dims);
    }
    const n = view.n;
    const cols = this.colIndex;
    const data = type === 'float32' ? new Float32Array(n * width) : new Float64Array(n * width);
    // Index (r * width + j) of the first bad cell, if any.
    let bad = -1;
    const convert = (v: unknown, at: number): number => {
      const x = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? parseDecimal(v) : NaN;
      if (Number.isFinite(x)) return x;
      if (bad < 0 || at < bad) bad = at;
      return 0;
    };
    for (let j = 0; j < width; j++) {
      const c = cols[from + j]!;
      const num = view.numbers(c);
      if (num) {
        for (let r = 0, o = j; r < n; r++, o += width) data[o] = num[r]!;
        const exc = view.exceptions(c);
        if (exc) for (const [r, v] of exc) data[r * width + j] = convert(v, r * width + j);
      } else {
        for (let r = 0, o = j; r < n; r++, o += width) data[o] = convert(view.value(r, c), o);
      }
    }
    if (bad >= 0) {
      const r = Math.floor(bad / width);
      const j = bad % width;
      const c = cols[from + j]!;
      toNumber(view.value(r, c), () => ({ file: this.dataFile, batch: view, r, column: this.plan.features[from + j]!, columnIndex: c }));
    }
    return new this.ort.Tensor(type, data, dims);
  }

  /** Fill a tensor from features [from, from + width) of each row. */
  private tensor(type: InputType, rows: unknown[][], meta: Meta, from: number, width: number, dims: number[]): Tensor {
    const n = rows.length;
    const cols = this.colIndex;
    const place = (r: number, k: number) => (): CellPlace => ({
      file: this.dataFile,
      batch: meta,
      r,
      column: this.plan.features[k]!,
      columnIndex: cols[k]!,
    });
    switch (type) {
      case 'float32':
      case 'float64': {
        const data = type === 'float32' ? new Float32Array(n * width) : new Float64Array(n * width);
        for (let r = 0; r < n; r++) {
          const row = rows[r]!;
          for (let j = 0; j < width; j++) {
            const v = row[cols[from + j]!];
            // Fast path for the common case (numbers and numeric strings); toNumber explains failures.
            const x = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? parseDecimal(v) : NaN;
            data[r * width + j] = Number.isFinite(x) ? x : toNumber(v, place(r, from + j));
          }
        }
        return new this.ort.Tensor(type, data, dims);
      }
      case 'int64': {
        const data = new BigInt64Array(n * width);
        for (let r = 0; r < n; r++) for (let j = 0; j < width; j++) data[r * width + j] = toInteger(rows[r]![cols[from + j]!], place(r, from + j));
        return new this.ort.Tensor('int64', data, dims);
      }
      case 'int32': {
        const data = new Int32Array(n * width);
        for (let r = 0; r < n; r++) for (let j = 0; j < width; j++) data[r * width + j] = Number(toInteger(rows[r]![cols[from + j]!], place(r, from + j)));
        return new this.ort.Tensor('int32', data, dims);
      }
      case 'bool': {
        const data = new Uint8Array(n * width);
        for (let r = 0; r < n; r++) for (let j = 0; j < width; j++) data[r * width + j] = toBool(rows[r]![cols[from + j]!], place(r, from + j)) ? 1 : 0;
        return new this.ort.Tensor('bool', data, dims);
      }
      case 'string': {
        const data = new Array<string>(n * width);
        for (let r = 0; r < n; r++) for (let j = 0; j < width; j++) data[r * width + j] = toText(rows[r]![cols[from + j]!], place(r, from + j));
        return new this.ort.Tensor('string', data, dims);
      }
    }
  }
}
