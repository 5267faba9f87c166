/**
 * The documents a report is rendered from (`ReportDocuments`): the typed pipeline and the result
 * documents of the last run (`run`, `validation`, `evaluation`, `verdict`), what each environment
 * holds (`lineage`, keyed by environment), and the commit (`repo`); each undefined when missing.
 * `ReportInputs` adds what the PR comment needs beyond them (diffs against the base, the version
 * history, documents that were found but not used).
 *
 * Contract with reports/model-card/: `buildModelCardData(docs: ReportDocuments)`. The types are
 * defined beside the runner that gathers them (runners/report/documents.ts) and re-exported here,
 * where every renderer imports them from.
 */
export type { ReportAnnotation, ReportDocuments, ReportInputs, VersionMetrics } from '../runners/report/documents.js';
