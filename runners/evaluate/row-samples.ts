/**
 * The two bounded row samples an evaluation keeps past a batch (copies, so batch buffers may be
 * reused): the first rows for single-row latency timing, and a seeded uniform reservoir
 * (Algorithm R) for permutation importance.
 */
import { defined } from '../../core/internal-error.js';
import type { BatchView } from './batch-view.js';
import { mulberry32 } from './random.js';

export type RowMeta = { firstRow: number; lines?: ArrayLike<number> };

/** The first `capacity` rows, with where each came from. */
export class LatencySample {
  readonly rows: unknown[][] = [];
  readonly metas: RowMeta[] = [];

  constructor(private readonly capacity: number) {}

  add(batch: BatchView): void {
    for (let r = 0; r < batch.n && this.rows.length < this.capacity; r++) {
      this.rows.push(batch.row(r));
      const lines = batch.lines ? [defined(batch.lines[r], 'a batch has a line number per row')] : undefined;
      this.metas.push({ firstRow: batch.firstRow + r, lines });
    }
  }
}

/** A uniform sample of `capacity` rows with their 0-based index in the data. */
export class Reservoir {
  readonly entries: { row: unknown[]; index: number }[] = [];
  private readonly rand: () => number;

  constructor(
    private readonly capacity: number,
    seed: number,
  ) {
    this.rand = mulberry32(seed);
  }

  /** Offer a batch whose first row has index `offset`. */
  add(batch: BatchView, offset: number): void {
    const { capacity, entries } = this;
    for (let r = 0; r < batch.n && capacity > 0; r++) {
      const index = offset + r;
      if (entries.length < capacity) entries.push({ row: batch.row(r), index });
      else {
        const j = Math.floor(this.rand() * (index + 1));
        if (j < capacity) entries[j] = { row: batch.row(r), index };
      }
    }
  }
}
