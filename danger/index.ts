/**
 * `mlpipeline/danger`: the team's reviewer rules as a danger-js plugin. In `dangerfile.ts`:
 *
 *   import { mlpipeline } from 'mlpipeline/danger';
 *   schedule(mlpipeline({ freshResults: true, gateChanges: true, largeFiles: { maxBytes: 5e6 } }));
 *
 * Every rule is off until named. Each gathers its inputs (danger/gather.ts), decides with a pure
 * function (danger/rules/), and its findings go to danger's `fail` / `warn` / `message` /
 * `markdown`. The plugin reads danger's globals and never imports danger, so installing
 * mlpipeline does not install danger.
 */
import { posix, relative, resolve, sep } from 'node:path';
import { isMlpipelineError } from '../core/errors.js';
import { repoRoot } from '../core/git.js';
import { DEFAULT_PIPELINE_FILE, pipelineStatePaths } from '../core/state-paths.js';
import { codeSpan, escapeMarkdown } from '../reports/markdown.js';
import { dangerGlobals, type DangerGlobals, type DangerLike } from './danger-globals.js';
import { report, type Finding, type RuleName } from './findings.js';
import { changedFileSizes, driftOf, freshResultsInput, gateChangesInput, metricRows, modelCardInput, type PrContext } from './gather.js';
import { drift, DEFAULT_TOP } from './rules/drift.js';
import { freshResults } from './rules/fresh-results.js';
import { gateChanges } from './rules/gate-changes.js';
import { DEFAULT_MAX_BYTES, largeFiles, MODEL_EXTENSIONS } from './rules/large-files.js';
import { metricRegressions, type Against } from './rules/metric-regressions.js';
import { modelCard } from './rules/model-card.js';

export type { DangerGitLike, DangerGlobals, DangerLike, Report } from './danger-globals.js';
export type { Finding, RuleName } from './findings.js';
export { ownersOf, parseCodeowners, patternRegExp } from './codeowners.js';
export { freshResults, type FreshResultsInput } from './rules/fresh-results.js';
export { gateChanges, type GateChangesInput } from './rules/gate-changes.js';
export { largeFiles, type LargeFilesInput } from './rules/large-files.js';
export { metricRegressions, type MetricRegressionsInput } from './rules/metric-regressions.js';
export { drift, type DriftInput } from './rules/drift.js';
export { modelCard, type ModelCardInput } from './rules/model-card.js';

export interface MlpipelineDangerOptions {
  /** Where to look for the repository; default the current directory (danger runs at the root). */
  cwd?: string;
  /** The pipeline file, relative to the repository root; default `mlpipeline.yaml`. */
  pipelineFile?: string;
  /** The results folder (contract 1: report.json, run.json, …), relative to the root; default the pipeline's `.mlpipeline/`. */
  results?: string;
  /** The ref the PR is compared with; default the PR's base SHA, else `danger.git.base` (`--base` of `danger local`). */
  base?: string;

  /** Fail a PR that changes data, params or training code without fresh results. `paths`: more training code (CODEOWNERS-style globs). */
  freshResults?: boolean | { paths?: string[] };
  /** Warn on a gate loosened or removed in the pipeline file, asking its CODEOWNERS to approve. */
  gateChanges?: boolean;
  /** Warn on model binaries and files over `maxBytes` (default 10 MiB) committed to Git. */
  largeFiles?: boolean | { maxBytes?: number; modelExtensions?: string[] };
  /** Warn with a table on metrics worse than `against` (default base and production) by more than `tolerance` (default 0). */
  metricRegressions?: boolean | { tolerance?: number | Record<string, number>; against?: Against[] };
  /** Message with the `top` (default 5) drifted columns. */
  drift?: boolean | { top?: number };
  /** Warn when the model card's intended use or limitations are empty. */
  modelCard?: boolean;
}

const RULES: RuleName[] = ['freshResults', 'gateChanges', 'largeFiles', 'metricRegressions', 'drift', 'modelCard'];

function settings<T extends object>(v: boolean | T | undefined): T | undefined {
  if (v === undefined || v === false) return undefined;
  return v === true ? ({} as T) : v;
}

const toPosix = (p: string) => p.split(sep).join('/');

export async function prContext(options: MlpipelineDangerOptions, danger: DangerLike): Promise<PrContext> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const root = (await repoRoot(cwd)) ?? cwd;
  const pipelineFile = toPosix(relative(root, resolve(cwd, options.pipelineFile ?? DEFAULT_PIPELINE_FILE)));
  const pipelineDir = posix.dirname(pipelineFile) === '.' ? '' : posix.dirname(pipelineFile);
  const resultsDir = options.results ? resolve(cwd, options.results) : pipelineStatePaths(resolve(root, pipelineDir), resolve(root, pipelineFile)).resultsDir;
  const baseRef = options.base ?? danger.github?.pr?.base?.sha ?? danger.git.base ?? 'HEAD^';
  return {
    root,
    pipelineFile,
    pipelineDir,
    baseRef,
    changed: { created: danger.git.created_files, modified: danger.git.modified_files, deleted: danger.git.deleted_files },
    resultsDir,
    resultsShown: toPosix(relative(root, resultsDir)) || '.',
  };
}

async function runRule(rule: RuleName, options: MlpipelineDangerOptions, ctx: PrContext): Promise<Finding[]> {
  switch (rule) {
    case 'freshResults': {
      const s = settings(options.freshResults);
      return s ? freshResults(await freshResultsInput(ctx, s.paths ?? [])) : [];
    }
    case 'gateChanges':
      return options.gateChanges ? gateChanges(await gateChangesInput(ctx)) : [];
    case 'largeFiles': {
      const s = settings(options.largeFiles);
      return s ? largeFiles({ files: await changedFileSizes(ctx), maxBytes: s.maxBytes ?? DEFAULT_MAX_BYTES, modelExtensions: s.modelExtensions ?? MODEL_EXTENSIONS }) : [];
    }
    case 'metricRegressions': {
      const s = settings(options.metricRegressions);
      if (!s) return [];
      const { rows, source, gated } = await metricRows(ctx);
      return metricRegressions({ metrics: rows, source, gated, tolerance: s.tolerance ?? 0, against: s.against ?? ['base', 'production'] });
    }
    case 'drift': {
      const s = settings(options.drift);
      return s ? drift({ drift: await driftOf(ctx), top: s.top ?? DEFAULT_TOP }) : [];
    }
    case 'modelCard':
      return options.modelCard ? modelCard({ pipelineFile: ctx.pipelineFile, ...(await modelCardInput(ctx)) }) : [];
  }
}

/** The findings of the rules switched on, without reporting them. A rule that cannot run is a failure that says why. */
export async function collectFindings(options: MlpipelineDangerOptions, danger: DangerLike): Promise<Finding[]> {
  const ctx = await prContext(options, danger);
  const out: Finding[] = [];
  for (const rule of RULES) {
    try {
      out.push(...(await runRule(rule, options, ctx)));
    } catch (e) {
      // A rule the team switched on that cannot decide must not pass silently.
      const fix = isMlpipelineError(e) && e.fix ? ` Fix: ${escapeMarkdown(e.fix)}.` : '';
      out.push({ rule, level: 'fail', text: `mlpipeline rule ${codeSpan(rule)} could not run: ${escapeMarkdown((e as Error).message)}.${fix}` });
    }
  }
  return out;
}

/** Run the rules switched on in `options` and report their findings to danger; resolves to the findings. */
export async function mlpipeline(options: MlpipelineDangerOptions = {}, globals: DangerGlobals = dangerGlobals()): Promise<Finding[]> {
  const findings = await collectFindings(options, globals.danger);
  report(findings, globals);
  return findings;
}
