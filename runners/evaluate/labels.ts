/**
 * Class labels: every true label (and every label a model predicts) is interned by its
 * canonical text while rows stream; once all rows are seen the class order is fixed (`classes`
 * from mlpipeline.yaml, or the sorted distinct labels) and ids are remapped to class indices.
 */
import { InputError, type SourceLocation } from '../../core/errors.js';
import type { Scalar, Task } from '../../pipeline-schema/types.js';
import { canonicalKey } from './cells.js';
import { Interner } from './interner.js';

export class LabelInterner {
  private readonly interned = new Interner<unknown>();
  /** Canonical key of each id. */
  readonly keys = this.interned.keys;
  /** A raw value per key, to report classes as numbers when they were numbers. */
  readonly raw = this.interned.values;
  /** Where each key was first seen as a true label (undefined when only a model predicted it). */
  readonly firstSeen: ({ row: number; location: SourceLocation } | undefined)[] = [];

  id(v: unknown, seen?: () => { row: number; location: SourceLocation }): number {
    const id = this.interned.id(canonicalKey(v), v);
    if (id === this.firstSeen.length) this.firstSeen.push(seen?.());
    else if (seen && this.firstSeen[id] === undefined) this.firstSeen[id] = seen();
    return id;
  }
}

const isNumeric = (k: string) => k !== '' && Number.isFinite(+k);

/** scikit-learn's np.unique order: numbers numerically, otherwise by code point. */
export function sortKeys(keys: string[]): string[] {
  if (keys.every(isNumeric)) return [...keys].sort((a, b) => +a - +b);
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface ClassOrder {
  /** Canonical keys in class-index order. */
  keys: string[];
  /** For reports: numbers when every class looks numeric, else strings. */
  labels: (string | number)[];
  /** interned id → class index (−1 = a predicted label outside the classes). */
  index: Int32Array;
}

export function resolveClasses(opts: {
  task: Task;
  interner: LabelInterner;
  /** Interned ids that occurred as true labels. */
  trueIds: Set<number>;
  /** Ids whose keys make the default class set (true labels ∪ the candidate's predicted labels). */
  defaultIds?: Set<number>;
  configured?: Scalar[];
  /** Probability columns the model outputs, when known. */
  probColumns?: number;
  label: string;
  modelDisplay: string;
}): ClassOrder {
  const { interner, trueIds, task } = opts;
  let keys: string[];
  if (opts.configured) {
    keys = opts.configured.map(canonicalKey);
    const known = new Set(keys);
    for (const id of trueIds) {
      if (!known.has(interner.keys[id]!)) {
        const seen = interner.firstSeen[id];
        throw new InputError(`label '${interner.keys[id]}' in column '${opts.label}'${seen ? ` (row ${seen.row})` : ''} is not one of model.classes [${keys.join(', ')}]`, {
          location: seen?.location,
          fix: 'add the label to model.classes (in the model\'s output order), or drop those rows from the evaluation data',
        });
      }
    }
  } else {
    keys = sortKeys([...(opts.defaultIds ?? trueIds)].map((id) => interner.keys[id]!));
    if (task === 'binary-classification' && keys.length < 2) {
      // A single-class evaluation set: complete the usual binary pairs, else ask for classes.
      const k = keys[0];
      if (k === '0' || k === '1') keys = ['0', '1'];
      else if (k === 'false' || k === 'true') keys = ['false', 'true'];
    }
  }
  if (task === 'binary-classification' && keys.length !== 2) {
    throw new InputError(
      `binary-classification needs exactly 2 classes, but ${opts.configured ? 'model.classes lists' : `column '${opts.label}' (with the model's predicted labels) has`} ${keys.length}: ${keys.slice(0, 10).join(', ')}`,
      { fix: keys.length > 2 ? 'use task: multiclass-classification, or set model.classes' : 'set model.classes to the two class labels, negative first' },
    );
  }
  if (opts.probColumns !== undefined && opts.probColumns !== keys.length && !(task === 'binary-classification' && opts.probColumns === 1)) {
    throw new InputError(
      `${opts.modelDisplay} outputs ${opts.probColumns} probability columns, but there are ${keys.length} classes (${keys.slice(0, 10).join(', ')})`,
      { location: { file: opts.modelDisplay }, fix: "set model.classes to the model's classes in its output order" },
    );
  }
  const pos = new Map(keys.map((k, i) => [k, i]));
  const index = new Int32Array(interner.keys.length);
  interner.keys.forEach((k, id) => (index[id] = pos.get(k) ?? -1));
  const labels = keys.every(isNumeric) ? keys.map(Number) : keys;
  return { keys, labels, index };
}
