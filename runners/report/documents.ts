/**
 * The documents a report is rendered from: everything `mlpipeline report` found for the last
 * run, parsed and schema-validated, each `undefined` when it is missing (the step did not run,
 * or failed before writing it). Gathered by collect.ts, rendered by reports/ (the PR comment, the
 * job summary, the model card in its three forms), which re-exports these types from
 * reports/report-documents.ts.
 *
 * Contract with reports/model-card/: `buildModelCardData(docs: ReportDocuments)`. Fields may be
 * added here (optional only); none is removed or retyped without telling every renderer.
 */
import type { Pipeline, RunRecord } from '../../pipeline-schema/types.js';
import type { ValidationDocument } from '../data/validate.js';
import type { DiffDocument } from '../diff/diff.js';
import type { EvaluationDocument } from '../evaluate/document.js';
import type { Verdict } from '../gates/verdict.js';
import type { LineageReport } from '../registry/lineage.js';

export interface ReportDocuments {
  /** The typed pipeline (mlpipeline.yaml as loaded). */
  pipeline: Pipeline;
  /** `run.json` of the last `mlpipeline run`. */
  run?: RunRecord;
  /** `validation.json` of the last `mlpipeline validate-data`. */
  validation?: ValidationDocument;
  /** `evaluation.json` of the last `mlpipeline evaluate`. */
  evaluation?: EvaluationDocument;
  /** `verdict.json` of the last `mlpipeline gate`. */
  verdict?: Verdict;
  /** What each environment holds, keyed by environment name (`production`, `staging`): its lineage. */
  lineage?: Record<string, LineageReport>;
  /** The commit and ref the report describes. */
  repo?: { commit: string; ref: string };
  /**
   * The sha256 recorded for the model at registration, for a card of a registered version that
   * has no evaluation document at hand (a Release made by actions/promote); used only when no
   * evaluation, verdict or run record names the model's digest.
   */
  registered_model_sha256?: string;
}

/** A check-run annotation of report.json (computed by annotations.ts): a problem on its exact line. */
export interface ReportAnnotation {
  /** Repository-relative POSIX path. */
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  level: 'notice' | 'warning' | 'failure';
  title: string;
  message: string;
}

/** One registered version's metrics, oldest first: the history chart. */
export interface VersionMetrics {
  version: string;
  /** ISO time of the registration. */
  time: string;
  /** Flattened metrics of the run recorded with the version (every metrics file merged). */
  metrics: Record<string, number>;
}

/**
 * What the PR comment and the job summary need beyond the documents: the diffs against the base
 * ref, the version history, and why a document is missing.
 */
export interface ReportInputs extends ReportDocuments {
  /** The base the diffs compare with: the ref as given, and the commit it resolved to. */
  base?: { ref: string; commit: string | null };
  params_diff?: DiffDocument;
  metrics_diff?: DiffDocument;
  /** Why the diffs are absent (not a git repository, the base ref is unknown, ...). */
  diff_skipped?: string;
  /** Registered versions of the pipeline's model, oldest first. */
  history?: VersionMetrics[];
  /** The pipeline file's path relative to the repository root (posix), in the comment's marker. */
  pipeline_file?: string;
  /** What the reader should know about documents that are used (a run record from another commit). */
  notes?: string[];
  /** Documents that were found but not used (invalid against their schema, another pipeline's), with why. */
  problems?: { document: string; problem: string }[];
  /** Check-run annotations on the exact lines (annotations.ts). */
  annotations?: ReportAnnotation[];
  /** The pull request the run was for, from the runner's event payload (a `pull_request` job). */
  pull_request?: { number: number; head_sha: string };
}
