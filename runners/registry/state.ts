/**
 * Fold registry events into the state of each model: its versions, which version holds each
 * environment, and the timeline of holders (for soak times, rollbacks and lineage). Stage events
 * of one model are ordered by their counter N, which is unique per model and monotonic, rather
 * than by tagger clocks that may disagree between CI machines.
 */
import { compareVersions, parseVersion, type SemVer } from './semver.js';
import { recordField, type RegistryEvent } from './events.js';

export interface VersionState {
  version: string;
  semver: SemVer;
  event: RegistryEvent;
  commit: string;
  deregistered: RegistryEvent | null;
}

/** One change of the holder of an environment. */
export interface HolderChange {
  event: RegistryEvent;
  /** The version holding the environment after this event (null: nobody). */
  holder: string | null;
  /** The version holding it before. */
  previous: string | null;
  rollbackOf: string | null;
}

export interface EnvironmentState {
  name: string;
  current: string | null;
  /** The assign event that put `current` there. */
  since: RegistryEvent | null;
  timeline: HolderChange[];
}

export interface ModelState {
  name: string;
  versions: Map<string, VersionState>;
  deprecated: RegistryEvent | null;
  environments: Map<string, EnvironmentState>;
  /** Every event of this model in time order. */
  events: RegistryEvent[];
  maxCounter: number;
}

export interface RegistryState {
  models: Map<string, ModelState>;
}

const ACTION_RANK: Record<string, number> = { create: 0, register: 1, assign: 2, unassign: 3, deregister: 4, deprecate: 5 };

export function compareEventsByTime(a: RegistryEvent, b: RegistryEvent): number {
  return (
    a.time - b.time ||
    (a.counter ?? 0) - (b.counter ?? 0) ||
    ACTION_RANK[a.action]! - ACTION_RANK[b.action]! ||
    (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0)
  );
}

function compareStageEvents(a: RegistryEvent, b: RegistryEvent): number {
  return (a.counter ?? 0) - (b.counter ?? 0) || compareEventsByTime(a, b);
}

export function buildRegistryState(events: RegistryEvent[]): RegistryState {
  const byModel = new Map<string, RegistryEvent[]>();
  for (const e of events) {
    let list = byModel.get(e.model);
    if (!list) byModel.set(e.model, (list = []));
    list.push(e);
  }
  const models = new Map<string, ModelState>();
  for (const [name, list] of byModel) models.set(name, buildModelState(name, list));
  return { models };
}

function buildModelState(name: string, events: RegistryEvent[]): ModelState {
  const sorted = [...events].sort(compareEventsByTime);
  const model: ModelState = { name, versions: new Map(), deprecated: null, environments: new Map(), events: sorted, maxCounter: 0 };
  const stageEvents: RegistryEvent[] = [];
  for (const e of sorted) {
    if (e.counter !== null) model.maxCounter = Math.max(model.maxCounter, e.counter);
    if (e.action === 'register' && e.version && !model.versions.has(e.version)) {
      model.versions.set(e.version, { version: e.version, semver: parseVersion(e.version)!, event: e, commit: e.commit, deregistered: null });
    } else if (e.action === 'deregister' && e.version) {
      const v = model.versions.get(e.version);
      if (v && !v.deregistered) v.deregistered = e;
    } else if (e.action === 'deprecate') {
      model.deprecated ??= e;
    } else if (e.action === 'assign' || e.action === 'unassign') {
      stageEvents.push(e);
    }
  }
  stageEvents.sort(compareStageEvents);
  // GTO semantics: an environment is held by the most recently assigned version that has not
  // been unassigned since.
  const active = new Map<string, string[]>();
  for (const e of stageEvents) {
    const version = resolveStageVersion(model, e);
    e.version = version;
    const envName = e.environment!;
    let env = model.environments.get(envName);
    if (!env) model.environments.set(envName, (env = { name: envName, current: null, since: null, timeline: [] }));
    let list = active.get(envName);
    if (!list) active.set(envName, (list = []));
    const previous = list.at(-1) ?? null;
    if (version) {
      const i = list.indexOf(version);
      if (i >= 0) list.splice(i, 1);
      if (e.action === 'assign') list.push(version);
    }
    const holder = list.at(-1) ?? null;
    env.timeline.push({ event: e, holder, previous, rollbackOf: recordField(e, 'rollback_of') });
    if (holder !== previous) {
      env.current = holder;
      env.since = holder === null ? null : e;
    }
  }
  return model;
}

/** The version a stage tag assigns: named in its record, else the version registered at its commit. */
function resolveStageVersion(model: ModelState, e: RegistryEvent): string | null {
  const named = recordField(e, 'version');
  if (named && model.versions.has(named)) return named;
  let best: VersionState | undefined;
  for (const v of model.versions.values()) {
    if (v.commit === e.commit && (!best || compareVersions(v.semver, best.semver) > 0)) best = v;
  }
  return best?.version ?? named;
}

/** Highest registered version by SemVer; `includeDeregistered` for choosing the next version number. */
export function latestVersion(model: ModelState, includeDeregistered = false): VersionState | undefined {
  let best: VersionState | undefined;
  for (const v of model.versions.values()) {
    if (!includeDeregistered && v.deregistered) continue;
    if (!best || compareVersions(v.semver, best.semver) > 0) best = v;
  }
  return best;
}

/** Milliseconds `version` has held `env` in total, up to `now`. */
export function timeHeld(env: EnvironmentState | undefined, version: string, now: number): number {
  if (!env) return 0;
  let total = 0;
  let since: number | null = null;
  for (const c of env.timeline) {
    if (since !== null && c.holder !== version) {
      total += Math.max(0, c.event.time - since);
      since = null;
    } else if (since === null && c.holder === version) {
      since = c.event.time;
    }
  }
  if (since !== null) total += Math.max(0, now - since);
  return total;
}

/** Did `version` ever hold `env`? */
export function everHeld(env: EnvironmentState | undefined, version: string): boolean {
  return Boolean(env?.timeline.some((c) => c.holder === version));
}

/**
 * The version a rollback of `env` returns to: the most recent earlier holder that is not the
 * current one, was not itself rolled back from, and is not deregistered.
 */
export function rollbackTarget(model: ModelState, env: EnvironmentState): string | null {
  const skip = new Set<string>();
  if (env.current) skip.add(env.current);
  for (const c of env.timeline) if (c.rollbackOf) skip.add(c.rollbackOf);
  for (let i = env.timeline.length - 1; i >= 0; i--) {
    const h = env.timeline[i]!.holder;
    if (h && !skip.has(h) && !model.versions.get(h)?.deregistered) return h;
  }
  return null;
}
