/** Which environment the monitor watches by default: the last one in the promotion order. */
import type { EnvironmentSpec } from '../../pipeline-schema/types.js';

/**
 * The environments in promotion order: each after the one it names in `after`, ties in file
 * order. The last is where users are (production); a cycle (refused by the schema rules) falls
 * back to file order.
 */
export function promotionOrder(envs: Record<string, EnvironmentSpec>): string[] {
  const names = Object.keys(envs);
  const order: string[] = [];
  const placed = new Set<string>();
  for (let round = 0; round < names.length && order.length < names.length; round++) {
    for (const n of names) {
      if (placed.has(n)) continue;
      const after = envs[n]?.after;
      if (after === undefined || placed.has(after) || !names.includes(after)) {
        order.push(n);
        placed.add(n);
      }
    }
  }
  for (const n of names) if (!placed.has(n)) order.push(n);
  return order;
}

export function lastEnvironment(envs: Record<string, EnvironmentSpec> | undefined): string | undefined {
  const order = promotionOrder(envs ?? {});
  return order[order.length - 1];
}
