/**
 * The workflows `mlpipeline init github` writes, in order. Each generator returns its file, or
 * undefined when it is not part of the chosen variant (the two fork-safe workflows, or the
 * private one-workflow setup). Add a generator with one line.
 */
import type { GeneratedWorkflow, InitWorkflowGenerator, InitWorkflowOptions } from './options.js';
import { prReportWorkflow } from './pr-report.js';
import { prRunWorkflow } from './pr-run.js';
import { prSingleWorkflow } from './pr-single.js';
import { promoteWorkflow } from './promote.js';
import { monitorWorkflow } from './monitor.js';

export const initWorkflows: InitWorkflowGenerator[] = [
  prRunWorkflow,
  prReportWorkflow,
  prSingleWorkflow,
  promoteWorkflow,
  monitorWorkflow,
];

export type { GeneratedWorkflow, InitWorkflowGenerator, InitWorkflowOptions } from './options.js';

/** Every file of this variant, in list order. */
export function generateInitWorkflows(opts: InitWorkflowOptions): GeneratedWorkflow[] {
  return initWorkflows.map((g) => g(opts)).filter((w) => w !== undefined);
}
