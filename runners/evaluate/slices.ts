/**
 * Slices: each declared slice column assigns every row a slice (its value, or its numeric bin),
 * kept as one small integer per row; metrics per slice are computed at the end.
 */
import { InputError } from '../../core/errors.js';
import type { SliceSpec } from '../../pipeline-schema/types.js';
import type { BatchView } from './batch-view.js';
import { canonicalKey, toNumber } from './cells.js';
import type { SliceValue } from './document.js';
import { i32 } from './growable.js';
import { Interner } from './interner.js';
import { sortKeys } from './labels.js';

/** More distinct values than this in a by-value slice column are cut (the largest slices are kept). */
export const MAX_SLICES_PER_COLUMN = 100;

export function binLabel(v: number, edges: number[]): string {
  if (v < edges[0]!) return `< ${edges[0]}`;
  for (let i = 0; i + 1 < edges.length; i++) if (v < edges[i + 1]!) return `[${edges[i]}, ${edges[i + 1]})`;
  return `>= ${edges[edges.length - 1]}`;
}

export class SliceColumn {
  readonly ids = i32();
  private readonly interned = new Interner<SliceValue>();
  private readonly keys = this.interned.keys;
  readonly values = this.interned.values;
  private readonly col: number;
  private readonly edges?: number[];

  constructor(
    readonly spec: SliceSpec,
    columns: string[],
    private readonly dataFile: string,
  ) {
    const col = columns.indexOf(spec.column);
    if (col < 0) {
      throw new InputError(`slice column '${spec.column}' is not in ${dataFile} (columns: ${columns.join(', ')})`, {
        location: { file: dataFile },
        fix: 'fix the column name under evaluation.slices',
      });
    }
    this.col = col;
    if (spec.bins) this.edges = [...spec.bins].sort((a, b) => a - b);
  }

  private id(key: string, value: SliceValue): number {
    return this.interned.id(key, value);
  }

  add(batch: BatchView): void {
    this.ids.pushMany(batch.n, (t, o) => {
      for (let r = 0; r < batch.n; r++) {
        const v = batch.value(r, this.col);
        if (v === null || v === undefined) t[o + r] = this.id('\u0000null', null);
        else if (this.edges) {
          const x = toNumber(v, () => ({ file: this.dataFile, batch, r, column: this.spec.column, columnIndex: this.col }));
          const label = binLabel(x, this.edges);
          t[o + r] = this.id(label, label);
        } else {
          const key = canonicalKey(v);
          t[o + r] = this.id(key, typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' ? v : key);
        }
      }
    });
  }

  /** Each slice's value and row indices, in a stable order (bins by edge, values sorted, null last). */
  groups(warnings: string[]): { value: SliceValue; rows: Int32Array }[] {
    const ids = this.ids.view();
    const counts = new Int32Array(this.keys.length);
    for (let i = 0; i < ids.length; i++) counts[ids[i]!]!++;
    let order = this.keys.map((_, id) => id);
    if (this.edges) {
      const rank = (k: string) => (k.startsWith('<') ? -1 : k.startsWith('>=') ? this.edges!.length : this.edges!.findIndex((e) => k.startsWith(`[${e},`)));
      order.sort((a, b) => rank(this.keys[a]!) - rank(this.keys[b]!));
    } else {
      const sorted = sortKeys(this.keys.filter((k) => k !== '\u0000null'));
      const pos = new Map(sorted.map((k, i) => [k, i]));
      order.sort((a, b) => (pos.get(this.keys[a]!) ?? Infinity) - (pos.get(this.keys[b]!) ?? Infinity));
      if (order.length > MAX_SLICES_PER_COLUMN) {
        const keep = new Set([...order].sort((a, b) => counts[b]! - counts[a]!).slice(0, MAX_SLICES_PER_COLUMN));
        warnings.push(`slice column '${this.spec.column}' has ${order.length} distinct values; only the ${MAX_SLICES_PER_COLUMN} largest slices are reported (use bins for numeric columns)`);
        order = order.filter((id) => keep.has(id));
      }
    }
    const offsets = new Int32Array(this.keys.length);
    const rowsOf = this.keys.map((_, id) => new Int32Array(counts[id]!));
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      rowsOf[id]![offsets[id]!++] = i;
    }
    return order.map((id) => ({ value: this.values[id]!, rows: rowsOf[id]! }));
  }
}
