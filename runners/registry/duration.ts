/** Durations as written in mlpipeline.yaml (`min_soak: 24h`): a sequence of NUMBER UNIT with units w, d, h, m, s. */
const UNIT_MS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

export const DURATION_RULE = 'a duration like 30m, 24h, 2d or 1h30m (units: w, d, h, m, s)';

export function parseDuration(text: string): number | undefined {
  const s = String(text).trim();
  if (!/^(?:\d+(?:\.\d+)?[wdhms])+$/.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)([wdhms])/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total;
}

/** `1d 2h 5m`, or `0s`; seconds only below a minute. */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.round(ms / 1000));
  const parts: string[] = [];
  for (const [u, secs] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    const n = Math.floor(rest / secs);
    if (n > 0) parts.push(`${n}${u}`);
    rest -= n * secs;
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest}s`);
  return parts.join(' ');
}
