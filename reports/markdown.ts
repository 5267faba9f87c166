/**
 * Escaping for untrusted text (data values, column, model and metric names) rendered into
 * GitHub-flavoured Markdown. The output can contain no HTML, no images, no links or autolinks,
 * no @mentions, #references, GH-123 or commit-SHA references that we did not make ourselves, no
 * bidi or control characters, and cannot break a table. Nothing untrusted can put `<!--` or `-->`
 * in the raw Markdown (code spans included), so no data can forge a hidden comment marker in the
 * body the GitHub API returns. Line and paragraph separators (U+2028, U+2029) become spaces, and a
 * `:` is an entity, so no `:shortcode:` pair is left for GitHub's emoji filter.
 */

const MD_SPECIAL = /[\\`*_{}[\]()<>#+\-.!|~"'&=:@$^%]/g;

/** Any value as text: nothing for null, JSON for objects and lists. */
function plainText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean | bigint);
}

/** Bidirectional overrides, embeddings, isolates and marks: they reorder what a reviewer sees (Trojan Source). */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** C0 and C1 control characters and DEL. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const ZWSP = '\u200b';

/**
 * GitHub links some plain text after rendering, whatever the Markdown escapes: `GH-42` (an
 * issue), a bare run of 7 to 40 hex digits (a commit SHA; `org/repo@sha` too). A zero-width
 * space, as after `@` and `#` below, breaks each: one between `GH` and `-`, and one after every
 * 6 hex digits of a longer run, so no run of 7 is left.
 */
function breakAutoReferences(s: string): string {
  return s.replace(/\b(gh)-(?=\d)/gi, `$1${ZWSP}-`).replace(/[0-9a-f]{7,}/gi, (run) => run.replace(/[0-9a-f]{6}(?=[0-9a-f])/gi, `$&${ZWSP}`));
}

/**
 * An emoji shortcode's opening colon (`:shipit:`, `:+1:`, `:100:`): GitHub's emoji filter pattern,
 * less all-digit pairs that name no emoji (`12:00:04`), so times stay readable in the source.
 */
const EMOJI_CODE = /^:(?:[\w+-]*[a-z+][\w+-]*|100|1234):/i;

/** The string with every lone surrogate as U+FFFD (String.prototype.toWellFormed, ES2024). */
export function wellFormed(s: string): string {
  return (s as string & { toWellFormed(): string }).toWellFormed();
}

/** Longest untrusted text the report keeps in a table cell or code span, in code points (then `…`). */
export const MAX_CELL = 500;

/**
 * Text cut to at most `max` code points (a surrogate pair is never split; a lone surrogate is
 * made well-formed first), with `…` in place of what was cut. For untrusted text only, before
 * escaping: assembled Markdown is never cut.
 */
export function clipText(text: unknown, max: number): string {
  const s = wellFormed(plainText(text));
  if (s.length <= max) return s;
  const points = [...s];
  return points.length <= max ? s : points.slice(0, Math.max(0, max)).join('') + '…';
}

/** Escape text for inline Markdown (paragraphs and table cells). Cut it first with clipText where its length is untrusted. */
export function escapeMarkdown(text: unknown): string {
  const s = wellFormed(plainText(text));
  return (
    breakAutoReferences(
      s
        // Control characters and newlines would end a table row or a line of prose.
        .replace(/\r\n|\r|\n|\u2028|\u2029/g, ' ')
        .replace(CONTROL, '')
        // Bidi controls are shown as U+FFFD, so their presence is visible and the order is not changed.
        .replace(BIDI, '\ufffd'),
    )
      // Every punctuation character Markdown or GFM autolinking might act on is escaped with a
      // backslash (or an entity where backslashes are not honoured).
      .replace(MD_SPECIAL, (c: string, at: number, all: string) => {
        switch (c) {
          case '<':
            return '&lt;';
          case '>':
            return '&gt;';
          case '&':
            return '&amp;';
          case '|':
            return '\\|';
          case '@':
            // GitHub finds @mentions (and emails) in the rendered text, so an entity for '@' alone
            // would still notify; a zero-width space after it breaks the mention pattern.
            return '@&#8203;';
          case '#':
            // Likewise `#123` and `owner/repo#123` become issue links in the rendered text.
            return '\\#&#8203;';
          case ':':
            // Breaks autolinks such as https://… (www. detection needs a dot, which is escaped too),
            // and GitHub's emoji shortcodes (`:shipit:` becomes an <img>): the filter runs on the
            // rendered text, where an entity is a colon again, so a zero-width space follows it.
            return EMOJI_CODE.test(all.slice(at, at + 80)) ? '&#58;&#8203;' : '&#58;';
          default:
            return '\\' + c;
        }
      })
      // The zero-width spaces (ours and any in the input) as an entity, so they are visible in the source.
      .replace(/\u200b/g, '&#8203;')
  );
}

/**
 * Text shown inside an inline code span, which is safe for any content that has no backticks or
 * newlines. A code span shows its text literally, so an HTML comment's `<!--` or `-->` in it is
 * still in the raw Markdown (what the GitHub API returns): a zero-width space (U+200B, shown as
 * nothing) goes between `<` and `!` and between `-` and `>`, so neither is ever left whole.
 */
export function codeSpan(text: unknown): string {
  const s = wellFormed(plainText(text))
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(CONTROL, '')
    .replace(BIDI, '\ufffd')
    .replace(/<(?=!)/g, `<${ZWSP}`)
    .replace(/-(?=>)/g, `-${ZWSP}`);
  const ticks = s.match(/`+/g)?.reduce((m, t) => Math.max(m, t.length), 0) ?? 0;
  const fence = '`'.repeat(ticks + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s.replace(/\|/g, '\\|')}${pad}${fence}`;
}

/** A GFM table from already-escaped cells. */
export function markdownTable(header: string[], rows: string[][], align?: ('left' | 'right' | 'center')[]): string {
  const sep = header.map((_, i) => {
    const a = align?.[i] ?? 'left';
    return a === 'right' ? '---:' : a === 'center' ? ':---:' : '---';
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(sep), ...rows.map(line)].join('\n') + '\n';
}
