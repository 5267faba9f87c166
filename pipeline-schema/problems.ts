/**
 * A problem found while loading mlpipeline.yaml, before it is tied to a line and column. Each
 * checker says *where* in the document it is (a JSON pointer, and whether the key or the value
 * is meant) or gives a raw source offset; the loader turns that into `file:line:col`.
 */
export interface PendingProblem {
  message: string;
  fix: string;
  /** JSON pointer into the document, e.g. `/stages/train/deps/0`. */
  pointer?: string;
  /** Point at the key of that member (unknown keys, names) or its value (bad values). Default: value. */
  at?: 'key' | 'value';
  /** A raw offset into the source text, when known more precisely than a pointer. */
  offset?: number;
  /** Point at this text inside the value (e.g. one `${matrix.x}` placeholder), when it is found there. */
  within?: string;
}

/** RFC 6901 escaping of one reference token. */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function pointer(...tokens: (string | number)[]): string {
  return tokens.map((t) => '/' + escapePointerToken(String(t))).join('');
}

/** `stages.train.deps[0]`: how a pointer reads in a message. */
export function pointerToPath(ptr: string): string {
  if (ptr === '') return 'the top level';
  let out = '';
  for (const raw of ptr.split('/').slice(1)) {
    const t = unescapePointerToken(raw);
    if (/^\d+$/.test(t)) out += `[${t}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(t)) out += (out ? '.' : '') + t;
    else out += `[${JSON.stringify(t)}]`;
  }
  return out;
}
