/**
 * bom.cdx.json: a CycloneDX 1.6 BOM whose components are the model (`machine-learning-model`,
 * with its `modelCard`) and the datasets it was trained and evaluated on (`data`), each with its
 * SHA-256. Built as plain objects (the CycloneDX library does not model `modelCard`); the tests
 * validate the result with the library's JSON validator against the bundled 1.6 schema.
 * Deterministic given `serialNumber` and `timestamp`.
 */
import { randomUUID } from 'node:crypto';
import type { DatasetInfo, ModelCardData } from './data.js';

export interface CycloneDxOptions {
  /** `urn:uuid:…`; a random one when absent. */
  serialNumber?: string;
  /** ISO 8601 time of the BOM; now when absent. */
  timestamp?: string;
  /** The tool recorded in `metadata.tools`; default `mlpipeline` without a version. */
  tool?: { name: string; version?: string };
}

export const MODEL_REF = 'mlpipeline:model';
const DATA_REF_PREFIX = 'mlpipeline:data:';

type Json = Record<string, unknown>;

function hashes(sha256: string | null): Json[] | undefined {
  return sha256 ? [{ alg: 'SHA-256', content: sha256 }] : undefined;
}

function props(entries: [string, string | number | null | undefined][]): Json[] | undefined {
  const out = entries.filter((e): e is [string, string | number] => e[1] !== null && e[1] !== undefined).map(([name, value]) => ({ name, value: String(value) }));
  return out.length ? out : undefined;
}

function compact(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)));
}

function dataRef(d: DatasetInfo): string {
  return DATA_REF_PREFIX + (d.name ?? d.path);
}

function dataComponent(d: DatasetInfo, role: 'training' | 'evaluation'): Json {
  return compact({
    type: 'data',
    'bom-ref': dataRef(d),
    name: d.name ?? d.path,
    hashes: hashes(d.sha256),
    data: [compact({ type: 'dataset', name: d.name ?? d.path })],
    properties: props([
      ['mlpipeline:role', role],
      ['mlpipeline:path', d.path],
      ['mlpipeline:rows', d.rows],
      ['mlpipeline:size_bytes', d.size_bytes],
      ['mlpipeline:digest', d.directory ? 'sha256 of the directory manifest' : null],
      ['mlpipeline:digest_from', d.source],
    ]),
  });
}

function modelCard(d: ModelCardData, datasets: DatasetInfo[]): Json {
  const m = d.model;
  const performanceMetrics: Json[] = d.metrics.overall.map((x) => ({ type: x.metric, value: String(x.value) }));
  for (const s of d.metrics.slices) for (const x of s.metrics) performanceMetrics.push({ type: x.metric, value: String(x.value), slice: s.label });
  const limitations = d.caveats.map((c) => c.text);
  return compact({
    modelParameters: compact({
      approach: m.task ? { type: 'supervised' } : undefined,
      task: m.task ?? undefined,
      datasets: datasets.map((x) => ({ ref: dataRef(x) })),
      inputs: m.inputs.map((i) => ({ format: `${i.name}: ${i.type} [${i.shape.map(String).join(', ')}]` })),
      outputs: m.outputs.map((o) => ({ format: `${o.role}: ${o.name}` })),
    }),
    quantitativeAnalysis: performanceMetrics.length ? { performanceMetrics } : undefined,
    considerations: compact({
      useCases: d.text.intended_use ? [d.text.intended_use] : undefined,
      technicalLimitations: limitations,
      ethicalConsiderations: d.text.ethical_considerations.map((name) => ({ name })),
    }),
    properties: props([['mlpipeline:out_of_scope', d.text.out_of_scope]]),
  });
}

export function renderCycloneDx(d: ModelCardData, opts: CycloneDxOptions = {}): Record<string, unknown> {
  const m = d.model;
  const datasets: { d: DatasetInfo; role: 'training' | 'evaluation' }[] = [];
  const seen = new Set<string>();
  const add = (x: DatasetInfo, role: 'training' | 'evaluation') => {
    const ref = dataRef(x);
    if (seen.has(ref)) return;
    seen.add(ref);
    datasets.push({ d: x, role });
  };
  for (const t of d.training_data) add(t, 'training');
  if (d.evaluation_data) add(d.evaluation_data, 'evaluation');

  const model = compact({
    type: 'machine-learning-model',
    'bom-ref': MODEL_REF,
    name: m.name,
    version: m.version ?? undefined,
    description: d.text.description ?? undefined,
    authors: d.text.owners.map((o) => ({ name: o.name })),
    hashes: hashes(m.sha256),
    licenses: d.text.license === null ? undefined : [{ license: { name: d.text.license } }],
    externalReferences: d.text.references.map((url) => ({ type: 'documentation', url })),
    modelCard: modelCard(
      d,
      datasets.map((x) => x.d),
    ),
    properties: props([
      ['mlpipeline:pipeline', d.pipeline],
      ['mlpipeline:path', m.path],
      ['mlpipeline:size_bytes', m.size_bytes],
      ['mlpipeline:commit', d.source.commit],
      ['mlpipeline:ref', d.source.ref],
      ...d.text.owners.filter((o) => o.contact !== null).map((o): [string, string] => ['mlpipeline:owner_contact', `${o.name}: ${o.contact}`]),
      ['mlpipeline:citation', d.text.citation],
      ...m.environments.map((env): [string, string] => ['mlpipeline:environment', env]),
    ]),
  });

  const tool = opts.tool ?? { name: 'mlpipeline' };
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: opts.serialNumber ?? `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: opts.timestamp ?? new Date().toISOString(),
      tools: { components: [compact({ type: 'application', name: tool.name, version: tool.version })] },
    },
    components: [model, ...datasets.map((x) => dataComponent(x.d, x.role))],
    dependencies: [compact({ ref: MODEL_REF, dependsOn: datasets.filter((x) => x.role === 'training').map((x) => dataRef(x.d)) })],
  };
}
