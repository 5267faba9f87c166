/**
 * One model under evaluation: feeds batches, reads its outputs per the OutputPlan, and keeps
 * per-row results in typed arrays (a few bytes per row: the exact ROC AUC, average precision
 * and median need every score). Also measures single-row latency.
 */
import { performance } from 'node:perf_hooks';
import type { Tensor } from 'onnxruntime-node';
import { InputError } from '../../core/errors.js';
import type { Task } from '../../pipeline-schema/types.js';
import { FeedEncoder } from './feeds.js';
import { fixedBatchOf, runFixedBatch } from './fixed-batch.js';
import { fetchNames, type InputPlan, type OutputPlan } from './io-plan.js';
import type { LabelInterner } from './labels.js';
import { f64, i32 } from './growable.js';
import type { Feeds, LoadedModel } from './onnx-session.js';

type Meta = { firstRow: number; lines?: ArrayLike<number> };

/** What a model said about n rows. */
export interface BatchOutput {
  n: number;
  /** Binary: positive-class score per row. Multiclass: row-major N×C probabilities. Regression: predictions. */
  values: Float64Array | null;
  /** Interned ids of the labels the model output, when it has a label output. */
  labelIds: Int32Array | null;
}

export class ModelRunner {
  readonly encoder: FeedEncoder;
  readonly planKey: string;
  private fetch: string[];
  /** Columns per row in `values` (binary: 1, multiclass: C, regression: 1), once known. */
  width: number | undefined;
  /** Probability columns the model declares (binary with a score: 1). */
  probColumns: number | undefined;
  scoreIsProbability = true;
  /** Time spent in session.run on the batches after the first, and their rows (see consume). */
  private runSeconds = 0;
  private timedRows = 0;
  /** The first batch's feeds, kept only until a second batch arrives (see throughput). */
  private firstFeeds: Feeds | undefined;
  private batches = 0;
  readonly values = f64();
  readonly labelIds = i32();
  readonly predictedIds = new Set<number>();

  constructor(
    readonly model: LoadedModel,
    readonly plan: InputPlan,
    readonly outputs: OutputPlan,
    readonly task: Task,
    columns: string[],
    dataFile: string,
    private readonly interner: LabelInterner,
  ) {
    this.encoder = new FeedEncoder(model.ort, plan, columns, dataFile);
    this.planKey = JSON.stringify(plan);
    this.fetch = fetchNames(outputs);
    this.fixedBatch = fixedBatchOf(model);
  }

  /** Fixed batch size of the model's inputs (`[32, 8]`), fed by runFixedBatch; undefined = dynamic. */
  readonly fixedBatch: number | undefined;

  private run(f: Feeds): Promise<Record<string, Tensor>> {
    if (this.fixedBatch !== undefined) return runFixedBatch(this.model, f, this.fetch, this.fixedBatch);
    return this.model.session.run(f, this.fetch) as Promise<Record<string, Tensor>>;
  }

  /** Run one batch and keep its results. `feeds` may be shared with another model of the same input plan. */
  async consume(rows: ArrayLike<unknown>, meta: Meta, feeds?: Feeds): Promise<void> {
    const f = feeds ?? this.encoder.encode(rows as unknown[][], meta);
    // The first run initialises kernels and buffers, so it is left out of the throughput figure
    // (rather than run twice): throughput is measured on the batches after it.
    const first = this.batches++ === 0;
    this.firstFeeds = first ? f : undefined;
    const t0 = performance.now();
    const out = await this.predict(rows, meta, f);
    if (!first) {
      this.runSeconds += (performance.now() - t0) / 1000;
      this.timedRows += rows.length;
    }
    if (out.values) {
      const v = out.values;
      this.values.pushMany(v.length, (t, o) => t.set(v, o));
    }
    if (out.labelIds) {
      const l = out.labelIds;
      this.labelIds.pushMany(l.length, (t, o) => t.set(l, o));
    }
  }

  async predict(rows: ArrayLike<unknown>, meta: Meta, feeds?: Feeds): Promise<BatchOutput> {
    const n = rows.length;
    const f = feeds ?? this.encoder.encode(rows as unknown[][], meta);
    let res: Record<string, Tensor>;
    try {
      res = await this.run(f);
    } catch (e) {
      throw new InputError(`onnxruntime failed to run ${this.model.display} on rows ${meta.firstRow}–${meta.firstRow + n - 1}: ${((e as Error).message ?? String(e)).split('\n')[0]}`, {
        location: { file: this.model.display },
        fix: 'check that model.features / model.input match what the model was trained on',
      });
    }
    return this.read(res, n, meta);
  }

  private read(res: Record<string, Tensor>, n: number, meta: Meta): BatchOutput {
    const o = this.outputs;
    let values: Float64Array | null = null;
    let labelIds: Int32Array | null = null;
    if (this.task === 'regression') {
      values = this.floats(res[o.prediction!]!, n, o.prediction!, 1, meta);
    } else {
      if (o.probabilitiesOrScore) {
        const t = res[o.probabilitiesOrScore]!;
        const w = t.dims.length === 2 ? t.dims[1]! : 1;
        if (w > 1) o.probabilities = o.probabilitiesOrScore;
        else o.score = o.probabilitiesOrScore;
        o.probabilitiesOrScore = undefined;
      }
      if (o.probabilities) {
        const t = res[o.probabilities]!;
        const c = t.dims.length === 2 ? t.dims[1]! : 1;
        this.probColumns ??= c;
        if (this.task === 'binary-classification') {
          if (c === 2) values = this.column(t, n, 1, 2, o.probabilities, meta);
          else if (c === 1) values = this.floats(t, n, o.probabilities, 1, meta);
          else {
            throw new InputError(`${this.model.display} outputs ${c} probability columns in '${o.probabilities}', but the task is binary-classification`, {
              location: { file: this.model.display },
              fix: 'use task: multiclass-classification, or a binary model',
            });
          }
        } else values = this.floats(t, n, o.probabilities, c, meta);
      } else if (o.score) {
        this.probColumns ??= 1;
        if (this.task === 'multiclass-classification') {
          throw new InputError(`${this.model.display} outputs a single score '${o.score}', but the task is multiclass-classification`, {
            location: { file: this.model.display },
            fix: 'export a [N, C] probabilities output, or name it under model.outputs.probabilities',
          });
        }
        values = this.floats(res[o.score]!, n, o.score, 1, meta);
      }
      if (o.label && res[o.label]) labelIds = this.labels(res[o.label]!, n);
    }
    if (values && this.task === 'binary-classification' && this.scoreIsProbability) {
      for (let i = 0; i < values.length; i++) {
        if (values[i]! < 0 || values[i]! > 1) {
          this.scoreIsProbability = false;
          break;
        }
      }
    }
    this.width ??= values && n ? values.length / n : undefined;
    return { n, values, labelIds };
  }

  private check(t: Tensor, n: number, name: string, width: number): void {
    const d = t.dims;
    const ok = (d.length === 1 && d[0] === n && width === 1) || (d.length === 2 && d[0] === n && d[1] === width) || (d.length === 0 && n === 1 && width === 1);
    if (!ok) {
      throw new InputError(`${this.model.display} output '${name}' has shape [${d.join(', ')}] for ${n} rows; expected [${n}${width === 1 ? '' : `, ${width}`}]`, {
        location: { file: this.model.display },
        fix: 'name the right output under model.outputs',
      });
    }
    if (t.type !== 'float32' && t.type !== 'float64') {
      throw new InputError(`${this.model.display} output '${name}' is ${t.type}; expected float32 or float64`, { location: { file: this.model.display } });
    }
  }

  private nanError(name: string, meta: Meta, i: number): InputError {
    return new InputError(`${this.model.display} output '${name}' is NaN for row ${meta.firstRow + i}`, {
      location: { file: this.model.display },
      fix: 'check the input values of that row; the model cannot score it',
    });
  }

  private floats(t: Tensor, n: number, name: string, width: number, meta: Meta): Float64Array {
    this.check(t, n, name, width);
    const src = t.data as Float32Array | Float64Array;
    const out = new Float64Array(src);
    for (let i = 0; i < out.length; i++) if (out[i] !== out[i]) throw this.nanError(name, meta, Math.floor(i / width));
    return out;
  }

  private column(t: Tensor, n: number, col: number, width: number, name: string, meta: Meta): Float64Array {
    this.check(t, n, name, width);
    const src = t.data as Float32Array | Float64Array;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = src[i * width + col]!;
      if (v !== v) throw this.nanError(name, meta, i);
      out[i] = v;
    }
    return out;
  }

  private labels(t: Tensor, n: number): Int32Array {
    const data = t.data as ArrayLike<unknown>;
    if (data.length !== n) {
      throw new InputError(`${this.model.display} label output has ${data.length} values for ${n} rows`, { location: { file: this.model.display } });
    }
    const out = new Int32Array(n);
    // Labels repeat a lot: cache the id of the previous distinct raw value.
    let lastRaw: unknown = Symbol('none');
    let lastId = -1;
    for (let i = 0; i < n; i++) {
      const v = data[i];
      if (v !== lastRaw) {
        lastRaw = v;
        lastId = this.interner.id(typeof v === 'bigint' ? Number(v) : v);
        this.predictedIds.add(lastId);
      }
      out[i] = lastId;
    }
    return out;
  }

  /** Everything consumed so far, for metrics. */
  predictions(): import('./outcome.js').Predictions {
    return {
      task: this.task,
      display: this.model.display,
      values: this.values.length ? this.values.view() : null,
      labelIds: this.labelIds.length ? this.labelIds.view() : null,
      scoreIsProbability: this.scoreIsProbability,
    };
  }

  /**
   * Rows per second of batched inference (run + reading the outputs) over every batch but the
   * first. With a single batch, that batch is run once more, now warm, and timed.
   */
  async throughput(): Promise<number> {
    if (this.timedRows === 0 && this.firstFeeds) {
      const f = this.firstFeeds;
      this.firstFeeds = undefined;
      const n = Object.values(f)[0]!.dims[0] ?? 1;
      const t0 = performance.now();
      await this.predict({ length: n }, { firstRow: 1 }, f);
      this.runSeconds = (performance.now() - t0) / 1000;
      this.timedRows = n;
    }
    return this.runSeconds > 0 ? this.timedRows / this.runSeconds : 0;
  }

  /** Milliseconds per single-row call, after `warmup` unmeasured calls. */
  async latency(rows: unknown[][], meta: Meta[], samples: number, warmup: number): Promise<number[]> {
    const times: number[] = [];
    if (rows.length === 0) return times;
    for (let k = 0; k < warmup + samples; k++) {
      const i = k % rows.length;
      const feeds = this.encoder.encode([rows[i]!], meta[i]!);
      const t0 = performance.now();
      await this.run(feeds);
      const dt = performance.now() - t0;
      if (k >= warmup) times.push(dt);
    }
    return times;
  }
}
