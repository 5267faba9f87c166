/**
 * model-card.json in the Model Card Toolkit's schema v0.0.2 (tensorflow/model-card-toolkit,
 * model_card_toolkit/schema/v0.0.2/model_card.schema.json). Built as a plain object: strings are
 * carried verbatim as data; metric values are strings there (the schema says so), written with
 * String(), which round-trips every double.
 */
import type { DatasetInfo, ModelCardData } from './data.js';

export const MCT_SCHEMA_VERSION = '0.0.2';

/** A license that looks like an SPDX identifier (or expression) goes in `identifier`, anything else in `custom_text`. */
export function isSpdxLike(license: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9.+-]*(?: (?:AND|OR|WITH) [A-Za-z0-9][A-Za-z0-9.+-]*)*$/.test(license);
}

/** An absolute URL that is already in its normal form (so it is carried verbatim and is a valid `uri`). */
export function isPlainUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.href === s;
  } catch {
    return false;
  }
}

function describe(role: string, d: DatasetInfo): string {
  const parts = [`${role}; path ${d.path}`];
  parts.push(d.sha256 ? `sha256 ${d.sha256}${d.directory ? ' (directory manifest)' : ''}` : 'sha256 unknown');
  if (d.rows !== null) parts.push(`${d.rows} rows`);
  if (d.size_bytes !== null) parts.push(`${d.size_bytes} bytes`);
  return parts.join('; ');
}

function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0))) as Partial<T>;
}

export function renderModelCardToolkit(d: ModelCardData): Record<string, unknown> {
  const m = d.model;
  const date = d.source.registered_at && /^\d{4}-\d{2}-\d{2}/.test(d.source.registered_at) ? d.source.registered_at.slice(0, 10) : undefined;
  const datasets = [
    ...(d.evaluation_data ? [{ d: d.evaluation_data, role: 'evaluation data' }] : []),
    ...d.training_data.map((t) => ({ d: t, role: 'training data' })),
  ];
  const performance: Record<string, unknown>[] = d.metrics.overall.map((x) => ({ type: x.metric, value: String(x.value) }));
  for (const s of d.metrics.slices) for (const x of s.metrics) performance.push({ type: x.metric, value: String(x.value), slice: s.label });

  const inputs = m.inputs.map((i) => ({ key: i.name, value: `${i.type} [${i.shape.map(String).join(', ')}]` }));
  const limitations = d.caveats.map((c) => ({ description: c.text }));
  if (d.text.out_of_scope) limitations.push({ description: `Out of scope: ${d.text.out_of_scope}` });

  return compact({
    schema_version: MCT_SCHEMA_VERSION,
    model_details: compact({
      name: m.name,
      overview: d.text.description ?? undefined,
      owners: d.text.owners.map((o) => compact({ name: o.name, contact: o.contact ?? undefined })),
      version: m.version ? compact({ name: m.version, date }) : undefined,
      licenses: d.text.license === null ? undefined : [isSpdxLike(d.text.license) ? { identifier: d.text.license } : { custom_text: d.text.license }],
      references: d.text.references.filter(isPlainUrl).map((reference) => ({ reference })),
      citations: d.text.citation ? [{ citation: d.text.citation }] : undefined,
      path: m.path ?? undefined,
    }),
    model_parameters: compact({
      data: datasets.map(({ d: x, role }) => ({ name: x.name ?? x.path, description: describe(role, x) })),
      input_format: m.input_mode ? `ONNX ${m.input_mode} input${m.features.length ? ` of features ${m.features.join(', ')}` : ''}` : undefined,
      input_format_map: inputs,
      output_format: m.task ?? undefined,
      output_format_map: m.outputs.map((o) => ({ key: o.role, value: o.name })),
    }),
    quantitative_analysis: compact({ performance_metrics: performance }),
    considerations: compact({
      use_cases: d.text.intended_use ? [{ description: d.text.intended_use }] : undefined,
      limitations,
      ethical_considerations: d.text.ethical_considerations.map((name) => ({ name })),
    }),
  });
}
