/**
 * SemVer 2.0.0 with the `v` prefix the registry grammar requires (`v1.2.3`, `v1.2.3-rc.1+build.5`).
 * Precedence follows semver.org §11: build metadata is ignored, a prerelease sorts before its release.
 */

// The official SemVer 2.0.0 regular expression (semver.org), anchored, after a literal `v`.
const SEMVER_BODY =
  '(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)' +
  '(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?' +
  '(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?';

/** Unanchored source, for embedding in the tag grammar. */
export const VERSION_PATTERN = `v${SEMVER_BODY}`;
const VERSION_RE = new RegExp(`^v${SEMVER_BODY}$`);

export const VERSION_RULE =
  'a version is `v` followed by SemVer 2.0.0: vMAJOR.MINOR.PATCH with optional -prerelease and +build (e.g. v1.4.0, v2.0.0-rc.1)';

export interface SemVer {
  text: string;
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
  build: string[];
}

export function parseVersion(text: string): SemVer | undefined {
  const m = VERSION_RE.exec(text);
  if (!m) return undefined;
  return {
    text,
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    prerelease: m[4] ? m[4].split('.') : [],
    build: m[5] ? m[5].split('.') : [],
  };
}

export function isVersion(text: string): boolean {
  return VERSION_RE.test(text);
}

function compareIdentifiers(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return Number(a) - Number(b) || 0;
  if (an) return -1; // numeric identifiers have lower precedence than alphanumeric ones
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative when a < b in SemVer precedence, 0 when equal precedence, positive when a > b. */
export function compareVersions(a: SemVer, b: SemVer): number {
  const d = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (d !== 0) return Math.sign(d);
  // A release has higher precedence than any of its prereleases.
  if (a.prerelease.length === 0 && b.prerelease.length === 0) return 0;
  if (a.prerelease.length === 0) return 1;
  if (b.prerelease.length === 0) return -1;
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const c = compareIdentifiers(x, y);
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}

export type BumpPart = 'major' | 'minor' | 'patch';

/** The next release after `latest` (undefined = nothing registered yet: v0.0.1 / v0.1.0 / v1.0.0). */
export function bumpVersion(latest: SemVer | undefined, part: BumpPart): string {
  if (!latest) return part === 'major' ? 'v1.0.0' : part === 'minor' ? 'v0.1.0' : 'v0.0.1';
  const { major, minor, patch } = latest;
  // A prerelease bumps to its own release first (v1.3.0-rc.1 --bump minor → v1.3.0 when patch is 0).
  if (latest.prerelease.length > 0) {
    if (part === 'patch' || (part === 'minor' && patch === 0) || (part === 'major' && minor === 0 && patch === 0)) {
      return `v${major}.${minor}.${patch}`;
    }
  }
  if (part === 'major') return `v${major + 1}.0.0`;
  if (part === 'minor') return `v${major}.${minor + 1}.0`;
  return `v${major}.${minor}.${patch + 1}`;
}
