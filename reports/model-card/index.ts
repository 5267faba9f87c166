/**
 * The model card in four forms from one data set (DESIGN.md, "Reports"): model-card.md with
 * Hugging Face front matter, model-card.json (Model Card Toolkit v0.0.2), bom.cdx.json
 * (CycloneDX 1.6) and a short summary for the PR comment. Pure functions of the documents.
 */
export { buildModelCardData, sliceLabel } from './data.js';
export type { Caveat, DatasetInfo, GateLine, MetricValue, ModelCardData, SliceMetrics } from './data.js';
export { renderModelCardMarkdown } from './markdown.js';
export { renderModelCardToolkit, MCT_SCHEMA_VERSION } from './toolkit.js';
export { renderCycloneDx, MODEL_REF } from './cyclonedx.js';
export type { CycloneDxOptions } from './cyclonedx.js';
export { modelCardBrief, modelCardSummary, renderModelCardBrief, type ModelCardBrief } from './summary.js';
export { frontMatterObject } from './front-matter.js';
