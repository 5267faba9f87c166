/**
 * The batches of a columnar CSV read: the one being filled, the full ones waiting to be handed
 * out, and (when the consumer keeps nothing of a batch) the handed-out ones whose buffers are
 * filled again instead of allocating new ones. Owns the row numbering, so every batch knows
 * its first data row.
 */
import { InternalError } from '../../core/internal-error.js';
import type { NumericBatch } from './numeric-batch.js';

/** Which columns a batch holds, and how; fixed once the header is read. */
export interface BatchLayout {
  columns: string[];
  numericCols: number[];
  textCols: number[];
}

export class NumericBatchPool {
  private layout: BatchLayout | undefined;
  private readonly free: NumericBatch[] = [];
  private readonly ready: NumericBatch[] = [];
  private current: NumericBatch | undefined;
  /** Data row number of the next batch's first row. */
  private nextRow = 1;
  /** Rows handed out in full batches plus the last partial one. */
  private emitted = 0;

  constructor(
    readonly batchSize: number,
    /** Fill handed-out batches again once the consumer asks for the next one. */
    private readonly reuse: boolean,
  ) {}

  setLayout(layout: BatchLayout): void {
    this.layout = layout;
  }

  /** The batch the next row goes into. */
  filling(): NumericBatch {
    return (this.current ??= this.take());
  }

  /** Close row `b.n` of `b` (read from file line `line`); a full batch joins the ready queue. */
  finishRow(b: NumericBatch, line: number): void {
    b.lines[b.n++] = line;
    if (b.n === this.batchSize) {
      this.ready.push(b);
      this.nextRow += b.n;
      this.emitted += b.n;
      this.current = undefined;
    }
  }

  /**
   * Hand out the full batches. A handed-out batch returns to the pool when the consumer asks for
   * the next one (the generator resumes only then), so its buffers are never overwritten early.
   */
  *drainReady(): Generator<NumericBatch> {
    for (let b = this.ready.shift(); b; b = this.ready.shift()) {
      yield b;
      if (this.reuse) this.free.push(b);
    }
  }

  /**
   * What is left at the end of the input: the partial batch, trimmed to its rows, or for a file
   * with a header and no rows one empty batch (it still tells consumers the columns).
   */
  finalBatch(): NumericBatch | undefined {
    const cur = this.current;
    this.current = undefined;
    if (cur && cur.n > 0) {
      this.emitted += cur.n;
      return trimmed(cur, this.batchSize);
    }
    return this.emitted === 0 ? trimmed(this.take(), this.batchSize) : undefined;
  }

  /** A pooled batch emptied, else a new one with buffers for the layout. */
  private take(): NumericBatch {
    const old = this.free.pop();
    if (old) {
      old.n = 0;
      old.firstRow = this.nextRow;
      old.exceptions.fill(undefined);
      return old;
    }
    const layout = this.layout;
    if (!layout) throw new InternalError('a batch is filled before the header set its layout');
    const { columns, numericCols, textCols } = layout;
    const width = columns.length;
    const size = this.batchSize;
    const numbers = new Array<Float64Array | undefined>(width).fill(undefined);
    const text = new Array<(string | null)[] | undefined>(width).fill(undefined);
    for (const c of numericCols) numbers[c] = new Float64Array(size);
    for (const c of textCols) text[c] = new Array<string | null>(size).fill(null);
    return { columns, n: 0, firstRow: this.nextRow, lines: new Int32Array(size), numbers, exceptions: new Array<Map<number, string | null> | undefined>(width).fill(undefined), text };
  }
}

/** `b` cut to its `n` rows (a view of the same buffers; text arrays are copied). */
function trimmed(b: NumericBatch, batchSize: number): NumericBatch {
  if (b.n === batchSize) return b;
  const n = b.n;
  return {
    ...b,
    lines: b.lines.subarray(0, n),
    numbers: b.numbers.map((x) => x?.subarray(0, n)),
    text: b.text.map((x) => x?.slice(0, n)),
  };
}
