/**
 * The documents of the registry readers: `mlpipeline registry --json` (schema registry) and
 * `mlpipeline history NAME --json` (schema history), built from the registry state.
 */
import type { RegistryEvent } from './events.js';
import { latestVersion, type ModelState, type RegistryState } from './state.js';

export const REGISTRY_LISTING_SCHEMA = 'mlpipeline/registry@1';
export const REGISTRY_HISTORY_SCHEMA = 'mlpipeline/history@1';

export interface ListedModel {
  name: string;
  latest: string | null;
  deprecated: boolean;
  versions: { version: string; tag: string; commit: string; registered_at: string; by: string; deprecated: boolean }[];
  environments: Record<string, { version: string; since: string; tag: string; by: string } | null>;
}

export interface RegistryListing {
  schema: typeof REGISTRY_LISTING_SCHEMA;
  models: ListedModel[];
  /** Tags in the grammar that were not counted, and why. */
  skipped: { tag: string; reason: string }[];
}

export interface HistoryEvent {
  time: string;
  tag: string;
  action: RegistryEvent['action'];
  version: string | null;
  environment: string | null;
  counter: number | null;
  commit: string;
  tagger: { name: string; email: string };
  subject: string;
}

export interface RegistryHistory {
  schema: typeof REGISTRY_HISTORY_SCHEMA;
  model: string;
  events: HistoryEvent[];
}

/** ISO 8601 to the second, as tags carry it: `2026-01-02T03:04:05Z`. */
export const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Every model with at least one version, by name: its versions and who holds each environment. */
export function registryListing(state: RegistryState, skipped: RegistryListing['skipped']): RegistryListing {
  const models = [...state.models.values()]
    .filter((m) => m.versions.size > 0)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((m) => ({
      name: m.name,
      latest: latestVersion(m)?.version ?? null,
      deprecated: m.deprecated !== null,
      versions: [...m.versions.values()].map((v) => ({
        version: v.version,
        tag: v.event.tag,
        commit: v.commit,
        registered_at: isoSeconds(v.event.time),
        by: v.event.tagger.name,
        deprecated: v.deregistered !== null,
      })),
      environments: Object.fromEntries(
        [...m.environments.values()]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((e) => [e.name, e.current && e.since ? { version: e.current, since: isoSeconds(e.since.time), tag: e.since.tag, by: e.since.tagger.name } : null]),
      ),
    }));
  return { schema: REGISTRY_LISTING_SCHEMA, models, skipped };
}

/** Every registry event of one model, in time order. */
export function registryHistory(model: ModelState, name: string): RegistryHistory {
  const events = model.events.map((e) => ({
    time: isoSeconds(e.time),
    tag: e.tag,
    action: e.action,
    version: e.version,
    environment: e.environment,
    counter: e.counter,
    commit: e.commit,
    tagger: e.tagger,
    subject: e.subject,
  }));
  return { schema: REGISTRY_HISTORY_SCHEMA, model: name, events };
}
