/**
 * The evaluation document (`mlpipeline/evaluation@1`), written by `mlpipeline evaluate` and read
 * by `mlpipeline gate`, the reports and lineage. Schema: pipeline-schema/evaluation.schema.json.
 */
import type { Task } from '../../pipeline-schema/types.js';
import type { EvaluationConfigBinding } from './evaluation-config.js';

export const EVALUATION_SCHEMA_ID = 'mlpipeline/evaluation@1';

export type SliceValue = string | number | boolean | null;

export interface SliceResult {
  /** One column → its value (by-value slices) or its bin label such as `[12, 24)` (binned slices). */
  slice: Record<string, SliceValue>;
  rows: number;
  metrics: Record<string, number>;
}

export interface ModelSummary {
  path: string;
  sha256: string;
  size_bytes: number;
  input_mode: 'tensor' | 'columns';
  inputs: { name: string; type: string; shape: (number | string)[] }[];
  /** Which model output was read for what. */
  outputs: { probabilities?: string; score?: string; label?: string; prediction?: string };
}

export interface ConfusionMatrix {
  /** Class labels, in `classes` order: rows are true classes, columns predicted ones. */
  labels: (string | number)[];
  matrix: number[][];
}

export interface BaselineSource {
  kind: 'model' | 'ref' | 'stage';
  path?: string;
  ref?: string;
  commit?: string;
  stage?: string;
  version?: string;
}

export interface BaselineResult {
  /** `base` for --baseline-model / --baseline-ref, the stage name (e.g. `production`) for a registry stage. */
  name: string;
  source: BaselineSource;
  model: ModelSummary;
  metrics: Record<string, number>;
  /** candidate − baseline for every metric both have. */
  deltas: Record<string, number>;
  slices: SliceResult[];
  confusion_matrix: ConfusionMatrix | null;
}

export interface MissingBaseline {
  name: string;
  source: BaselineSource;
  reason: string;
}

export interface ImportanceEntry {
  feature: string;
  /** Mean worsening of `importance_metric` when the feature is shuffled (positive = the model needs it). */
  drop: number;
  std: number;
}

export interface EvaluationDocument {
  schema: typeof EVALUATION_SCHEMA_ID;
  generated_at: string;
  task: Task;
  rows: number;
  label: string;
  features: string[];
  classes: (string | number)[] | null;
  threshold: number | null;
  /** The rows evaluated: path, and the sha256 and size of the bytes read (hashed before and after the read, which must agree). */
  data: { path: string; sha256?: string; size_bytes?: number };
  /** Everything in the pipeline that decides the metrics (runners/evaluate/evaluation-config.ts). */
  config?: EvaluationConfigBinding;
  model: ModelSummary;
  metrics: Record<string, number>;
  /** Directions of custom metrics (built-in metrics carry theirs in pipeline-schema/metrics.ts). */
  directions: Record<string, 'higher' | 'lower'>;
  confusion_matrix: ConfusionMatrix | null;
  calibration: import('./metrics/classification.js').CalibrationBin[] | null;
  slices: SliceResult[];
  /** The first baseline (the side-by-side shape); all of them are in `baselines`. */
  baseline: BaselineResult | null;
  baselines: BaselineResult[];
  /** Baselines that were asked for but do not exist yet (gates against them are skipped). */
  baselines_missing: MissingBaseline[];
  importance: ImportanceEntry[];
  importance_metric: string | null;
  warnings: string[];
}
