/** The verdict document (`mlpipeline/verdict@1`) of `mlpipeline gate`. Schema: pipeline-schema/verdict.schema.json. */
import type { Severity } from '../../pipeline-schema/types.js';
import type { SliceValue } from '../evaluate/document.js';
import type { VerdictBinding } from './binding.js';

export const VERDICT_SCHEMA_ID = 'mlpipeline/verdict@1';

export type GateKind = 'min' | 'max' | 'max_drop' | 'max_drop_pct' | 'min_gain' | 'max_gap';
export type GateStatus = 'passed' | 'failed' | 'skipped';

export interface GateResult {
  /** The gate's `name`, or a generated one such as `f1 >= 0.8 [contract=monthly]`. */
  name: string;
  metric: string;
  slice: Record<string, SliceValue> | null;
  /** For `max_gap`: the column the gap is taken across. */
  across: string | null;
  kind: GateKind;
  threshold: number;
  /** The candidate's value (for `max_gap`: the gap). Null when missing. */
  value: number | null;
  /** Which baseline a comparison gate used (`vs`); null for absolute gates. */
  vs: string | null;
  baseline: number | null;
  /** candidate − baseline (raw, not direction-adjusted); null when there is no baseline value. */
  delta: number | null;
  status: GateStatus;
  severity: Severity;
  reason: string;
}

export interface Verdict extends Partial<VerdictBinding> {
  schema: typeof VERDICT_SCHEMA_ID;
  /** False when any gate of severity `error` failed. Failed `warn` gates are reported but do not fail the verdict. */
  passed: boolean;
  summary: { passed: number; failed: number; skipped: number; warnings: number };
  gates: GateResult[];
}
