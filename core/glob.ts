/**
 * A small glob matcher for repository-relative POSIX paths (Node 20 has no fs.glob; the packages
 * that have one are not our runtime dependencies). Supported: `*` and `?` (never across `/`),
 * `**` as a whole segment (any number of folders, none included), `[abc]`, `[a-z]`, `[!abc]`,
 * and `{a,b}` (not nested). A leading `.` in a segment is matched only by a literal `.`, as in a
 * shell, so `*.csv` does not pick up `.hidden.csv` left by a half-written upload.
 */

const GLOB_CHARS = /[*?[{]/;

export function isGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

/** The leading segments without glob characters: the folder a walk must start from (`''` for the root). */
export function globBase(pattern: string): string {
  const segs = pattern.split('/');
  const fixed: string[] = [];
  for (const s of segs.slice(0, -1)) {
    if (isGlob(s)) break;
    fixed.push(s);
  }
  return fixed.join('/');
}

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

function segmentSource(seg: string): string {
  let out = '';
  let i = 0;
  if (seg.startsWith('*') || seg.startsWith('?') || seg.startsWith('[')) out += '(?!\\.)';
  while (i < seg.length) {
    const c = seg[i]!;
    if (c === '*') {
      out += '[^/]*';
      while (seg[i + 1] === '*') i++;
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close < 0) out += '\\[';
      else {
        let body = seg.slice(i + 1, close);
        const negate = body.startsWith('!') || body.startsWith('^');
        if (negate) body = body.slice(1);
        out += `[${negate ? '^/' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
        i = close;
      }
    } else if (c === '{') {
      const close = seg.indexOf('}', i + 1);
      if (close < 0) out += '\\{';
      else {
        out += `(?:${seg.slice(i + 1, close).split(',').map((alt) => [...alt].map(escapeRe).join('')).join('|')})`;
        i = close;
      }
    } else out += escapeRe(c);
    i++;
  }
  return out;
}

/** The pattern as an anchored regular expression over a whole POSIX path. */
export function globToRegExp(pattern: string): RegExp {
  const segs = pattern.split('/');
  let src = '';
  segs.forEach((seg, i) => {
    const last = i === segs.length - 1;
    if (seg === '**') src += last ? '(?:(?!\\.)[^/]*(?:/(?!\\.)[^/]*)*)?' : '(?:(?!\\.)[^/]*/)*';
    else src += segmentSource(seg) + (last ? '' : '/');
  });
  return new RegExp(`^${src}$`);
}

export function globMatch(pattern: string, path: string): boolean {
  return globToRegExp(pattern).test(path);
}
