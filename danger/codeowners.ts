/**
 * CODEOWNERS as GitHub reads it: the first of `.github/CODEOWNERS`, `CODEOWNERS`,
 * `docs/CODEOWNERS`; one `pattern owner…` per line; the LAST matching pattern wins (an entry with
 * no owners un-owns). Patterns follow gitignore with GitHub's differences: no `!` negation, no
 * `[ ]` ranges, no `\#` escape, and `dir/*` matches only files directly in `dir`.
 */

export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  /** 1-based line in the file. */
  line: number;
  match: RegExp;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * A gitignore-style pattern as a RegExp over repository-relative POSIX paths. Also used for the
 * plugin's own path options, so a team writes the same globs it writes in CODEOWNERS.
 */
export function patternRegExp(raw: string): RegExp {
  let p = raw.trim();
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.replace(/\/+$/, '');
  // A slash at the start or in the middle anchors the pattern at the root; otherwise it matches at any depth.
  const anchored = p.startsWith('/') || p.includes('/');
  p = p.replace(/^\/+/, '');
  const segments = p.split('/');
  const last = segments[segments.length - 1] ?? '';
  let body = '';
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const isLast = i === segments.length - 1;
    if (seg === '**') {
      body += isLast ? '.*' : '(?:[^/]+/)*';
      continue;
    }
    body += seg
      .split('**')
      .map((part) =>
        part
          .split('*')
          .map((q) => q.split('?').map(escapeRegExp).join('[^/]'))
          .join('[^/]*'),
      )
      .join('.*');
    if (!isLast) body += '/';
  }
  // A name without wildcards (or a directory pattern) also matches everything below it; `dir/*` does not descend.
  const descends = dirOnly || last === '**' || !/[*?]/.test(last);
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${body}${descends ? '(?:/.*)?' : ''}$`);
}

/** Parse CODEOWNERS text; unusable lines (negations, ranges) are skipped, as GitHub skips them. */
export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  text.split(/\r?\n/).forEach((rawLine, i) => {
    const line = rawLine.replace(/(^|\s)#.*$/, '').trim();
    if (!line) return;
    const [pattern, ...rest] = line.split(/\s+/);
    if (!pattern || pattern.startsWith('!') || /[[\]]/.test(pattern)) return;
    const owners = rest.filter((o) => /^@[\w.-]+(\/[\w.-]+)?$/.test(o) || /^[^@\s]+@[^@\s]+$/.test(o));
    rules.push({ pattern, owners, line: i + 1, match: patternRegExp(pattern) });
  });
  return rules;
}

/** The owners of `path` (repository-relative, POSIX): those of the last rule that matches; empty when none. */
export function ownersOf(rules: CodeownersRule[], path: string): { owners: string[]; rule: CodeownersRule | null } {
  const p = path.replace(/^\.?\//, '');
  for (let i = rules.length - 1; i >= 0; i--) {
    const r = rules[i]!;
    if (r.match.test(p)) return { owners: r.owners, rule: r };
  }
  return { owners: [], rule: null };
}
