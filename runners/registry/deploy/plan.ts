/**
 * From a `deploy:` block and a manifest to the edits: which document (the declared kind, and
 * `name`), which field (the kind's default unless `field` is given), and the canary. KServe's
 * canary is one number on the InferenceService; Seldon Core v2's is the candidate weights of an
 * Experiment in the same file: the candidate named like the edited Model gets `percent`, the one
 * other candidate (the stable model) the rest.
 */
import type { DeployKind, DeploySpec } from '../../../pipeline-schema/types.js';
import { ConfigError } from '../../../core/errors.js';
import { parseManifest, readValue, splitField, type DocumentSelector, type ManifestEdit, type ParsedManifest } from './manifest-edit.js';

export const KIND_DOCUMENTS: Record<Exclude<DeployKind, 'custom'>, { apiVersion: string; kind: string; label: string; field: string }> = {
  kserve: { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', label: 'a KServe InferenceService (serving.kserve.io/v1beta1)', field: 'spec.predictor.model.storageUri' },
  seldon: { apiVersion: 'mlops.seldon.io/v1alpha1', kind: 'Model', label: 'a Seldon Core v2 Model (mlops.seldon.io/v1alpha1)', field: 'spec.storageUri' },
};
export const SELDON_EXPERIMENT = { apiVersion: 'mlops.seldon.io/v1alpha1', kind: 'Experiment', label: 'a Seldon Core v2 Experiment (mlops.seldon.io/v1alpha1)' } as const;
export const KSERVE_CANARY_FIELD = 'spec.predictor.canaryTrafficPercent';

export function defaultField(spec: Pick<DeploySpec, 'kind' | 'field'>): string {
  if (spec.field) return spec.field;
  if (spec.kind === 'custom') throw new ConfigError([{ message: "a custom deploy needs 'field'", location: { file: 'mlpipeline.yaml' }, fix: 'add field: <dotted path>' }]);
  return KIND_DOCUMENTS[spec.kind].field;
}

export function documentSelector(spec: Pick<DeploySpec, 'kind' | 'name'>): DocumentSelector {
  if (spec.kind === 'custom') return { label: 'a YAML document', ...(spec.name ? { name: spec.name } : {}) };
  const k = KIND_DOCUMENTS[spec.kind];
  return { apiVersion: k.apiVersion, kind: k.kind, label: k.label, ...(spec.name ? { name: spec.name } : {}) };
}

/** The edits for `uri` (and the canary) on the manifest `m`. */
export function planEdits(m: ParsedManifest, spec: DeploySpec, uri: string): ManifestEdit[] {
  const select = documentSelector(spec);
  const edits: ManifestEdit[] = [{ select, path: splitField(defaultField(spec)), value: uri }];
  const canary = spec.canary;
  if (!canary) return edits;
  if (spec.kind !== 'seldon') {
    const f = canary.field ?? KSERVE_CANARY_FIELD;
    edits.push({ select, path: splitField(f), value: canary.percent });
    return edits;
  }
  const model = readValue(m, select, ['metadata', 'name']);
  const modelName = typeof model.value === 'string' ? model.value : undefined;
  const exp: DocumentSelector = { ...SELDON_EXPERIMENT, ...(canary.experiment ? { name: canary.experiment } : {}) };
  const { value } = readValue(m, exp, ['spec', 'candidates']);
  const candidates = Array.isArray(value) ? (value as unknown[]) : [];
  const names = candidates.map((c) => (c && typeof c === 'object' ? (c as Record<string, unknown>).name : undefined));
  const mine = names.indexOf(modelName);
  const fail = (message: string, fix: string) => new ConfigError([{ message: `${m.file}: ${message}`, location: { file: m.file }, fix }]);
  if (candidates.length !== 2) throw fail(`the Experiment '${canary.experiment ?? ''}' must have exactly 2 candidates (the canary and the stable model) for a canary, it has ${candidates.length}`, 'list the candidate Model and the stable Model under spec.candidates');
  if (mine < 0) throw fail(`the Experiment '${canary.experiment ?? ''}' has no candidate named '${modelName ?? '?'}' (the Model the bump edits); its candidates: ${names.map(String).join(', ')}`, `add a candidate 'name: ${modelName ?? '?'}', or set deploy.name to the Model that is a candidate`);
  edits.push({ select: exp, path: ['spec', 'candidates', mine, 'weight'], value: canary.percent });
  edits.push({ select: exp, path: ['spec', 'candidates', 1 - mine, 'weight'], value: 100 - canary.percent });
  return edits;
}

export { parseManifest };
