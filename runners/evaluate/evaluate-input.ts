/** What one evaluation is given: the models, the rows, and how to judge them. */
import type { SourceLocation } from '../../core/errors.js';
import type { ModelSpec, Scalar, SliceSpec, Task } from '../../pipeline-schema/types.js';
import type { ColumnSelection, NumericBatch } from '../data/numeric-batch.js';
import type { RowBatch } from '../data/source-types.js';
import type { BaselineSource } from './document.js';

export interface ModelInput {
  bytes: Uint8Array;
  /** How to name it in messages and the document (a path, or `path@ref`). */
  display: string;
}

export interface BaselineInput {
  name: string;
  source: BaselineSource;
  /** Absent when there is no baseline yet; `missingReason` says why. */
  model?: ModelInput;
  missingReason?: string;
}

export interface EvaluateInput {
  task: Task;
  label: string;
  features?: string[];
  /** Where mlpipeline.yaml lists a feature (model.features[i]), so a feature missing from the data points there. */
  featureAt?: (feature: string) => SourceLocation | undefined;
  classes?: Scalar[];
  threshold?: number;
  input?: ModelSpec['input'];
  outputs?: ModelSpec['outputs'];
  model: ModelInput;
  baselines?: BaselineInput[];
  /**
   * The rows: raw batches (any format), or a columnar CSV read (`numeric`, which is given the
   * columns to parse as numbers once the header is known; much faster on large CSV files).
   * Nothing of a batch is kept past the next one (samples are copied), so its buffers may be reused.
   */
  data: { display: string; batches: AsyncIterable<RowBatch> } | { display: string; numeric: (select: (columns: string[]) => ColumnSelection) => AsyncIterable<NumericBatch> };
  slices?: SliceSpec[];
  /** Report only these metrics (plus `rows`); default all of the task's. */
  metrics?: string[];
  latency?: { samples?: number; warmup?: number };
  importance?: { enabled?: boolean; repeats?: number; seed?: number; metric?: string; rows?: number };
  custom?: { values: Record<string, number>; directions: Record<string, 'higher' | 'lower'> };
  /** Rows per model call when scoring importance samples. */
  batchSize?: number;
  now?: () => Date;
}
