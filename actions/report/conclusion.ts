/**
 * What the check run says, from report.json alone: its conclusion (what branch protection reads)
 * and its one-line title (plain text: counts, never names from the documents).
 */
import type { ReportData } from '../../reports/report-data.js';
import { checkRunName as checkRunNameOf } from '../../runners/workflow/init/options.js';

export type Conclusion = 'success' | 'failure' | 'neutral';

/**
 * `failure` when a gate, an error-severity data check or a stage failed, or the pipeline file
 * has a problem (a failure annotation: invalid, or what `run` would stop at); `neutral` for
 * warnings only and for a run that was not gated (nothing to pass); `success` when the gates passed.
 */
export function conclusionOf(d: ReportData): Conclusion {
  const failedChecks = d.checks?.failed ?? [];
  const failing = d.verdict.status === 'failed' || failedChecks.some((c) => c.severity === 'error') || d.run_status === 'failed';
  if (failing || (d.annotations ?? []).some((a) => a.level === 'failure')) return 'failure';
  if (d.verdict.status === 'passed' && failedChecks.length === 0) return 'success';
  return 'neutral';
}

export function checkTitle(d: ReportData): string {
  const v = d.verdict;
  const checks = (d.checks?.failed ?? []).filter((c) => c.severity === 'error').length;
  const parts: string[] = [];
  if (v.status === 'failed') parts.push(`${v.failing.length} gate${v.failing.length === 1 ? '' : 's'} failed`);
  if (v.status === 'warnings') parts.push(`${v.warnings.length} gate warning${v.warnings.length === 1 ? '' : 's'}`);
  if (v.status === 'passed') parts.push(`${v.counts?.passed ?? 0} gates passed`);
  if (v.status === 'not-gated') parts.push('not gated');
  if (checks) parts.push(`${checks} data check${checks === 1 ? '' : 's'} failed`);
  if (d.run_status === 'failed') parts.push('a stage failed');
  const config = (d.annotations ?? []).filter((a) => a.level === 'failure' && a.path === d.pipeline_file).length;
  if (config && v.status !== 'failed' && d.run_status !== 'failed') parts.push(`${config} problem${config === 1 ? '' : 's'} in ${d.pipeline_file ?? 'the pipeline file'}`);
  return parts.join(', ');
}

/**
 * The check run's name, `mlpipeline / <pipeline>`: one per pipeline, stable across pushes (what
 * branch protection requires). One rule with what `mlpipeline init github` tells people to require.
 */
export function checkRunName(d: ReportData): string {
  return checkRunNameOf(d.pipeline.name);
}
