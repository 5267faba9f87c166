/**
 * A stage's fingerprint: sha256 over its commands, working directory, environment, sorted deps
 * with their content hashes, the values of the params it names and its out paths. Equal
 * fingerprints mean the command would see exactly the same inputs.
 */
import { canonicalJson } from '../../core/canonical-json.js';
import { sha256 } from './hash-cache.js';

export { canonicalJson };

export interface StageInputs {
  cmds: string[];
  wdir: string;
  env: Record<string, string>;
  deps: Record<string, string>;
  params: Record<string, unknown>;
  outs: string[];
}

/**
 * A copy with object keys sorted at every level. An own key named `__proto__` (a params file may
 * hold one) is defined as a data property, never assigned, so it is kept and not turned into
 * the copy's prototype.
 */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as object).sort()) {
      Object.defineProperty(out, k, { value: sortKeys((value as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/** Version of the fingerprint recipe; bump it when the recipe changes so old locks read as stale. */
const RECIPE = 1;

export function fingerprint(inputs: StageInputs): string {
  return sha256(
    canonicalJson({
      recipe: RECIPE,
      cmds: inputs.cmds,
      wdir: inputs.wdir,
      env: inputs.env,
      deps: inputs.deps,
      params: inputs.params,
      outs: [...inputs.outs].sort(),
    }),
  );
}

/** How a value reads in a reason line: strings bare, everything else as JSON. */
export function showValue(v: unknown): string {
  if (v === undefined) return '-';
  return typeof v === 'string' ? v : canonicalJson(v);
}
