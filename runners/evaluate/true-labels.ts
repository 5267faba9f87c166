/**
 * The true label of every row, compactly: a class index per row (interned, shared with the
 * models' predicted labels) for classification, the value for regression.
 */
import type { BatchView } from './batch-view.js';
import { badCell, toNumber } from './cells.js';
import { f64, i32 } from './growable.js';
import type { LabelInterner } from './labels.js';

export class TrueLabels {
  readonly ids = i32();
  readonly values = f64();
  /** Class ids seen as true labels. */
  readonly classIds = new Set<number>();

  constructor(
    private readonly classification: boolean,
    private readonly interner: LabelInterner,
    private readonly label: string,
    private readonly dataFile: string,
  ) {}

  add(batch: BatchView, labelCol: number): void {
    if (this.classification) this.addClasses(batch, labelCol);
    else this.addValues(batch, labelCol);
  }

  private addClasses(batch: BatchView, labelCol: number): void {
    const { interner, classIds, label, dataFile } = this;
    const n = batch.n;
    // Labels repeat; consecutive equal cells skip the interner.
    let lastRaw: unknown = undefined;
    let lastId = -1;
    this.ids.pushMany(n, (t, o) => {
      for (let r = 0; r < n; r++) {
        const v = batch.value(r, labelCol);
        if (v !== lastRaw || lastId < 0) {
          if (v === null || v === undefined) {
            throw badCell({ file: dataFile, batch, r, column: label, columnIndex: labelCol }, '', v, 'drop rows without a label from the evaluation data');
          }
          lastId = interner.id(v, () => {
            const line = batch.lines?.[r];
            return { row: batch.firstRow + r, location: { file: dataFile, ...(line !== undefined ? { line, column: labelCol + 1 } : {}) } };
          });
          lastRaw = v;
          classIds.add(lastId);
        }
        t[o + r] = lastId;
      }
    });
  }

  private addValues(batch: BatchView, labelCol: number): void {
    const { label, dataFile } = this;
    const n = batch.n;
    this.values.pushMany(n, (t, o) => {
      for (let r = 0; r < n; r++) t[o + r] = toNumber(batch.value(r, labelCol), () => ({ file: dataFile, batch, r, column: label, columnIndex: labelCol }));
    });
  }
}
