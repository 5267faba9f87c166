/**
 * SemVer 2.0.0 with the `v` prefix the registry grammar requires (`v1.2.3`, `v1.2.3-rc.1+build.5`).
 * Precedence follows semver.org §11: build metadata is ignored, a prerelease sorts before its release.
 */

import semver from 'semver';

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

/**
 * Negative when a < b in SemVer precedence, 0 when equal precedence, positive when a > b: the
 * `semver` package's comparison (build metadata ignored, a prerelease before its release). The
 * grammar keeps its own regex (and bounds, grammar.ts) for what a tag may contain.
 */
export function compareVersions(a: SemVer, b: SemVer): number {
  return semver.compare(a.text.slice(1), b.text.slice(1));
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
