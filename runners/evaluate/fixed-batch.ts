/**
 * Models exported with a fixed batch size (input shape `[1, 8]`, `[32, 8]`) refuse any other
 * number of rows. They are fed batches of exactly B rows: each batch is cut into chunks of B, the
 * last chunk padded by repeating its last real row, and the padded rows' outputs dropped, so the
 * metrics are those of a dynamic-batch model on the same rows.
 */
import type { Tensor } from 'onnxruntime-node';
import { InputError } from '../../core/errors.js';
import type { Feeds, LoadedModel } from './onnx-session.js';

type Data = Tensor['data'];

/** The fixed batch size B when the model's inputs declare one (a number as the first dim), else undefined. */
export function fixedBatchOf(model: Pick<LoadedModel, 'inputs' | 'display'>): number | undefined {
  let b: number | undefined;
  for (const i of model.inputs) {
    const d = i.shape[0];
    if (!i.isTensor || typeof d !== 'number' || d < 1) continue;
    if (b !== undefined && b !== d) {
      throw new InputError(`${model.display} declares different fixed batch sizes on its inputs (${b} and ${d})`, {
        location: { file: model.display },
        fix: 'export the model with the same (or a dynamic) first dimension on every input',
      });
    }
    b = d;
  }
  return b;
}

function rowSize(dims: readonly number[]): number {
  let s = 1;
  for (let k = 1; k < dims.length; k++) s *= dims[k]!;
  return s;
}

function alloc(like: Data, n: number): Data {
  if (Array.isArray(like)) return new Array<string>(n).fill('') as Data;
  const C = (like as unknown as { constructor: new (n: number) => Data }).constructor;
  return new C(n);
}

function copyRows(src: Data, from: number, to: number, dst: Data, at: number, rs: number): void {
  if (Array.isArray(src)) {
    for (let k = from * rs; k < to * rs; k++) (dst as string[])[at * rs + (k - from * rs)] = src[k] as string;
    return;
  }
  (dst as unknown as { set(a: ArrayLike<unknown>, o: number): void }).set((src as unknown as { subarray(a: number, b: number): ArrayLike<unknown> }).subarray(from * rs, to * rs), at * rs);
}

/** Rows [from, from + k) of t, padded to B rows with copies of its last real row. */
function chunk(ort: LoadedModel['ort'], t: Tensor, from: number, k: number, b: number): Tensor {
  const rs = rowSize(t.dims);
  const data = alloc(t.data, b * rs);
  copyRows(t.data, from, from + k, data, 0, rs);
  for (let p = k; p < b; p++) copyRows(t.data, from + k - 1, from + k, data, p, rs);
  return new ort.Tensor(t.type as 'float32', data as Float32Array, [b, ...t.dims.slice(1)]);
}

/** session.run for a model with fixed batch size `b`, on feeds of any number of rows. */
export async function runFixedBatch(model: LoadedModel, feeds: Feeds, fetch: string[], b: number): Promise<Record<string, Tensor>> {
  const first = Object.values(feeds)[0];
  const n = first?.dims[0] ?? 0;
  if (n === b) return (await model.session.run(feeds, fetch)) as Record<string, Tensor>;
  const parts: Record<string, Tensor>[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < n; i += b) {
    const k = Math.min(b, n - i);
    const f: Feeds = {};
    for (const [name, t] of Object.entries(feeds)) f[name] = chunk(model.ort, t, i, k, b);
    parts.push((await model.session.run(f, fetch)) as Record<string, Tensor>);
    sizes.push(k);
  }
  const out: Record<string, Tensor> = {};
  for (const name of Object.keys(parts[0] ?? {})) {
    const t0 = parts[0]![name]!;
    if (t0.dims[0] !== b) {
      throw new InputError(`${model.display} has a fixed batch size of ${b}, but its output '${name}' has shape [${t0.dims.join(', ')}], not one row per input row`, {
        location: { file: model.display },
        fix: 'export the model with a dynamic batch dimension (e.g. torch.onnx.export(..., dynamic_axes={"input": {0: "N"}}))',
      });
    }
    const rs = rowSize(t0.dims);
    const data = alloc(t0.data, n * rs);
    let at = 0;
    parts.forEach((p, j) => {
      copyRows(p[name]!.data, 0, sizes[j]!, data, at, rs);
      at += sizes[j]!;
    });
    out[name] = new model.ort.Tensor(t0.type as 'float32', data as Float32Array, [n, ...t0.dims.slice(1)]);
  }
  return out;
}
