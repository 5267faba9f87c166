/**
 * The typed form of `mlpipeline.yaml`, after YAML parsing, JSON Schema validation and semantic
 * checks. This is the contract every runner reads; `mlpipeline.schema.json` describes the same
 * language for editors and for Ajv. Keys are spelled as users write them in YAML (snake_case,
 * `runs-on`).
 */

export type Task = 'binary-classification' | 'multiclass-classification' | 'regression';
export type DataFormat = 'csv' | 'jsonl' | 'parquet';
export type ColumnType = 'integer' | 'number' | 'boolean' | 'string' | 'datetime';
export type Severity = 'error' | 'warn';
export type Scalar = string | number | boolean;

export interface Pipeline {
  version: 1;
  name: string;
  model?: ModelSpec;
  /** Params files read when a stage names a bare dotted key; default `['params.yaml']`. */
  params?: string[];
  data?: Record<string, DatasetSpec>;
  validation?: ValidationSpec;
  stages?: Record<string, StageSpec>;
  evaluation?: EvaluationSpec;
  gates?: GateSpec[];
  /** Defaults for every gate (a gate's own setting wins). */
  gates_defaults?: { on_missing_baseline?: OnMissingBaseline };
  report?: ReportSpec;
  environments?: Record<string, EnvironmentSpec>;
  monitoring?: MonitoringSpec;
}

/** `monitoring:`: the drift monitor (`mlpipeline monitor`, actions/monitor). */
export interface MonitoringSpec {
  /** The live batches: a file or a glob, relative to the pipeline folder; the newest by name is compared. */
  live: { path: string; format?: DataFormat; delimiter?: string };
  /** Default: the recorded training data of the version in the last environment of the order. */
  reference?: { dataset?: string; environment?: string; path?: string };
  /** Default: `validation.drift` without its baseline. */
  drift?: Omit<DriftSpec, 'baseline'>;
  /** Default `issue`. */
  open?: 'issue' | 'pull-request';
  labels?: string[];
  pull_request?: { branch?: string; params?: string; set?: Record<string, string | number | boolean>; base?: string };
  /** Performance when labels arrive: the deployed model evaluated on labelled live batches. */
  performance?: MonitoringPerformanceSpec;
}

/** `monitoring.performance`: evaluation's metrics, slices and gates on the newest labelled batch. */
export interface MonitoringPerformanceSpec {
  /** Labelled batches (model features + label): a file or a glob; default the live batch itself. */
  path?: string;
  format?: DataFormat;
  delimiter?: string;
  /** Fewer labelled rows than this: performance is not judged yet (default 100). */
  min_rows?: number;
  /** Default: the pipeline's `gates`. */
  gates?: GateSpec[];
}

export interface ModelSpec {
  /** Registry name; must match the tag grammar `[a-z0-9][a-z0-9._-]*` (no `@`, `#`, `!`). */
  name?: string;
  /** Path of the ONNX file, relative to the pipeline file's folder. */
  path: string;
  task: Task;
  label: string;
  /** Feature columns in the order the model expects; default: every column but the label, in file order. */
  features?: string[];
  /** Class labels in the model's output order; default: sorted distinct labels. */
  classes?: Scalar[];
  /** Decision threshold for binary tasks; default 0.5. */
  threshold?: number;
  /** How to feed the model: one [N, F] tensor (`tensor`) or one input per column (`columns`). Default inferred. */
  input?: { mode?: 'tensor' | 'columns'; name?: string };
  /** Which model outputs hold what; default inferred from names, types and shapes. */
  outputs?: { probabilities?: string; label?: string; score?: string; prediction?: string };
}

export interface DatasetSpec {
  path: string;
  /** Default: from the extension (`.csv`, `.jsonl`/`.ndjson`, `.parquet`, with optional `.gz`). */
  format?: DataFormat;
  /** CSV only; default `,`. */
  delimiter?: string;
  /** Column types to use instead of inferring them. */
  types?: Record<string, ColumnType>;
}

export interface Bounds {
  min?: number;
  max?: number;
}

export interface ColumnCheckSpec {
  type?: ColumnType;
  nullable?: boolean;
  /** Largest allowed fraction of missing values, 0..1. */
  max_missing?: number;
  min?: number;
  max?: number;
  in?: Scalar[];
  pattern?: string;
  unique?: boolean;
  length?: Bounds;
  mean?: Bounds;
  std?: Bounds;
  /** Bounds on quantiles, keyed `p1`, `p5`, `p25`, `p50`, `p75`, `p95`, `p99`. */
  quantiles?: Record<string, Bounds>;
  /** Fraction of non-null values that must pass each value-level check (Great Expectations' `mostly`). */
  mostly?: number;
  severity?: Severity;
}

export interface TableCheckSpec {
  rows?: Bounds;
  required?: string[];
  allow_extra_columns?: boolean;
  severity?: Severity;
}

export type DriftMethod = 'auto' | 'ks' | 'wasserstein' | 'psi' | 'chi2' | 'jsd' | 'js_distance' | 'linf';

export interface DriftColumnSpec {
  method?: DriftMethod;
  threshold?: number;
  /** Leave this column out of drift. */
  skip?: boolean;
}

export interface DriftSpec {
  /** Where the baseline comes from: a git ref (the PR base), a data file, or a stored profile. */
  baseline?: { ref?: string; path?: string; profile?: string };
  method?: DriftMethod;
  /** Threshold of the chosen method (p-value for ks/chi2, distance otherwise). */
  threshold?: number;
  /** A dataset drifts when the share of drifted columns is at least this; default 0.5. */
  share?: number;
  columns?: Record<string, DriftColumnSpec>;
  severity?: Severity;
}

export interface ValidationSpec {
  /** Name of the dataset under `data` to validate; default: the only dataset, or `train`. */
  data?: string;
  columns?: Record<string, ColumnCheckSpec>;
  table?: TableCheckSpec;
  drift?: DriftSpec;
}

/** A dependency on a params key: `train.lr` (default params file) or `params.yaml#train.lr`. */
export type ParamRef = string;

export interface StageSpec {
  /** Shell command run with `sh -c` in `wdir`. `run` is accepted as an alias in YAML. */
  cmd: string | string[];
  deps?: string[];
  params?: ParamRef[];
  outs?: string[];
  /** Metrics JSON/YAML files the stage writes; they are outs too, and are collected into run.json. */
  metrics?: string[];
  env?: Record<string, string>;
  /** Working directory relative to the pipeline file; default `.`. */
  wdir?: string;
  /** Runner labels when compiled to a GitHub Actions workflow. */
  'runs-on'?: string | string[];
  /** Job timeout when compiled to a GitHub Actions workflow; default 360 (GitHub's default). */
  'timeout-minutes'?: number;
  /** Sweep: each combination becomes one stage instance; `${matrix.KEY}` is substituted in cmd, deps and outs. */
  matrix?: Record<string, Scalar[]>;
}

export interface SliceSpec {
  column: string;
  /** Numeric bin edges; without them each distinct value is a slice. */
  bins?: number[];
}

export interface EvaluationSpec {
  /** Dataset name under `data` (or a path) holding the held-out rows. */
  data: string;
  metrics?: string[];
  slices?: SliceSpec[];
  /** What to compare against: a model file, the model at a git ref, or a registry stage. */
  baseline?: { model?: string; ref?: string; stage?: string };
  /** Metrics that are not built in, with their direction; values come from stage metrics files. */
  custom_metrics?: Record<string, { higher_is_better: boolean; file?: string; key?: string }>;
  latency?: { samples?: number; warmup?: number };
  batch_size?: number;
  importance?: { enabled?: boolean; repeats?: number; seed?: number; metric?: string };
  /** Where `mlpipeline evaluate` writes its document; default `.mlpipeline/evaluation.json`. */
  output?: string;
}

export type OnMissingBaseline = 'skip' | 'fail';

export interface GateSpec {
  metric: string;
  /** Optional name shown in reports. */
  name?: string;
  min?: number;
  max?: number;
  /** `production`, `base`, or another environment name. */
  vs?: string;
  max_drop?: number;
  max_drop_pct?: number;
  min_gain?: number;
  slice?: Record<string, Scalar>;
  max_gap?: number;
  across?: string;
  higher_is_better?: boolean;
  /** `skip` (default): a comparison whose baseline model cannot be found is skipped, with the reason; `fail`: it fails. */
  on_missing_baseline?: OnMissingBaseline;
  severity?: Severity;
}

export interface ModelCardSpec {
  description?: string;
  intended_use?: string;
  out_of_scope?: string;
  limitations?: string[];
  ethical_considerations?: string[];
  owners?: { name: string; contact?: string }[];
  license?: string;
  references?: string[];
  citation?: string;
  datasets?: string[];
}

export interface ReportSpec {
  model_card?: ModelCardSpec;
  /** Extra metrics to show in the PR comment; default: all. */
  metrics?: string[];
  charts?: boolean;
}

export interface EnvironmentSpec {
  /** The environment a version must have been in first. */
  after?: string;
  /** GitHub logins or `@org/team` slugs allowed to promote here; empty or absent = anyone. */
  allowed?: string[];
  /** Minimum time in `after` before promotion, e.g. `24h`, `30m`, `2d`. */
  min_soak?: string;
  /** Require the version's recorded gate verdict to have passed; default true. */
  require_gates?: boolean;
  /** GitHub deployment environment name, when it differs. */
  github_environment?: string;
  /** GitOps manifest bump on promotion (runners/registry/deploy/). */
  deploy?: DeploySpec;
  /** A hand-pushed tag that breaks the policy: `report` it (default) or also `revert` it with an unassign tag. */
  enforce?: 'report' | 'revert';
}

export type DeployKind = 'kserve' | 'seldon' | 'custom';
export type DeployMode = 'commit' | 'pull-request';

export interface DeploySpec {
  /** Manifest file, relative to the pipeline file's folder, inside the repository. */
  manifest: string;
  kind: DeployKind;
  /** `metadata.name` of the document to edit when the file holds several of the kind. */
  name?: string;
  /** Dotted path of the field; default per kind. */
  field?: string;
  /** URI template: `{name}`, `{version}`, `{sha256}`, `{release_asset_url}`. */
  uri: string;
  canary?: { percent: number; field?: string; experiment?: string };
  /** The branch Argo CD / Flux watch; default: the default branch. */
  branch?: string;
  /** Default `commit`. */
  mode?: DeployMode;
}

/** A loaded pipeline plus where it came from (for resolving paths and reporting errors). */
export interface LoadedPipeline {
  pipeline: Pipeline;
  /** Absolute path of mlpipeline.yaml. */
  file: string;
  /** How messages name the file: relative to the loader's cwd when that is shorter, else absolute. */
  displayFile?: string;
  /** Folder of mlpipeline.yaml; all relative paths in the pipeline resolve against it. */
  dir: string;
  /** Source positions for JSON pointers into the document (e.g. `/stages/train/cmd`), when known. */
  locate(pointer: string): { line: number; column: number } | undefined;
}

/** The run record written to `run.json` by `mlpipeline run`. Schema: `run.schema.json`. */
export interface RunRecord {
  schema: 'mlpipeline/run@2';
  /** The pipeline this record is bound to: its name and the file it was read from, by path and content. */
  pipeline: RunPipelineRef;
  /** `running` while the run is in progress (also what a killed run leaves), then how it ended. */
  status: RunStatus;
  started_at: string;
  /** null while running. */
  finished_at: string | null;
  git: { commit: string | null; dirty: boolean };
  /** True only for status `succeeded`. */
  ok: boolean;
  stages: RunStageRecord[];
  /** Flattened metrics of every stage's metrics files, keyed by file path, then dotted key. */
  metrics: Record<string, Record<string, number | string | boolean | null>>;
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';

export interface RunPipelineRef {
  /** `name:` in the pipeline file. */
  name: string;
  /** Path of the pipeline file, relative to the repository root (to its folder outside Git), `/`-separated. */
  path: string;
  /** sha256 of the pipeline file's bytes as the run read them. */
  sha256: string;
}

export type StageStatus = 'ran' | 'skipped' | 'restored' | 'failed' | 'not-run';

export interface RunStageRecord {
  name: string;
  status: StageStatus;
  fingerprint: string;
  duration_ms: number;
  exit_code?: number;
  /** Why the stage ran (or would run): `new`, `deps changed: data/x.csv`, `params changed: train.lr`, `forced`, ... */
  reason?: string;
  cmd: string;
  deps: Record<string, string>;
  params: Record<string, unknown>;
  outs: Record<string, string>;
  metrics: Record<string, Record<string, number | string | boolean | null>>;
}
