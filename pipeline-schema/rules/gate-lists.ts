/**
 * Every list of gates in a pipeline file: `gates:` (CI) and `monitoring.performance.gates`
 * (performance on labelled live data). The gate rules check both the same way, naming each by
 * its own path, so a typo in a monitor gate is caught at `mlpipeline check` time, not at 6 a.m.
 */
import { pointer } from '../problems.js';
import { arr, obj, type Obj } from './read.js';

export interface GateEntry {
  gate: unknown;
  index: number;
  /** JSON pointer of the gate. */
  base: string;
  /** How messages name it: `gates[2]`, `monitoring.performance.gates[0]`. */
  label: string;
  /** Pointer of a key under the gate. */
  at: (...keys: string[]) => string;
}

export function gateEntries(doc: Obj): GateEntry[] {
  const lists: { items: unknown[]; path: string[]; name: string }[] = [
    { items: arr(doc.gates), path: ['gates'], name: 'gates' },
    { items: arr(obj(obj(doc.monitoring).performance).gates), path: ['monitoring', 'performance', 'gates'], name: 'monitoring.performance.gates' },
  ];
  return lists.flatMap(({ items, path, name }) =>
    items.map((gate, index) => ({ gate, index, base: pointer(...path, index), label: `${name}[${index}]`, at: (...keys: string[]) => pointer(...path, index, ...keys) })),
  );
}
