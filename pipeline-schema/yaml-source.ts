/**
 * Parse YAML keeping where every key and value came from. The `yaml` Document API gives each
 * node a source range; a LineCounter turns offsets into 1-based line/column. We index every
 * map member and sequence item by JSON pointer so schema and semantic errors (which speak in
 * pointers) can be reported at the right spot.
 */
import { CST, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Parser, parseDocument, type Node } from 'yaml';
import { escapePointerToken, type PendingProblem } from './problems.js';

/** The most nodes an alias may expand to; far above any real pipeline, far below a "billion laughs". */
export const MAX_ALIAS_COUNT = 100;

interface Entry {
  /** Offset of the member's key (map members only). */
  key?: number;
  /** Offset of the value. */
  value: number;
}

export class SourceIndex {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly text: string,
    private readonly lines: LineCounter,
  ) {
    this.entries.set('', { value: 0 });
  }

  /** @internal used while walking the document. */
  add(ptr: string, entry: Entry): void {
    if (!this.entries.has(ptr) || ptr === '') this.entries.set(ptr, entry);
  }

  /** Make every pointer under `from` also answer under `to` (for `run` normalised to `cmd`). */
  alias(from: string, to: string): void {
    for (const [p, e] of [...this.entries]) {
      if (p === from || p.startsWith(from + '/')) this.add(to + p.slice(from.length), e);
    }
  }

  has(ptr: string): boolean {
    return this.entries.has(ptr);
  }

  /** Offset of a pointer's key or value; unknown pointers fall back to their nearest indexed ancestor. */
  offset(ptr: string, at: 'key' | 'value' = 'value'): number {
    let p = ptr;
    for (;;) {
      const e = this.entries.get(p);
      if (e) return at === 'key' && e.key !== undefined ? e.key : p === ptr ? e.value : (e.key ?? e.value);
      if (p === '') return 0;
      p = p.slice(0, p.lastIndexOf('/'));
    }
  }

  position(offset: number): { line: number; column: number } {
    const { line, col } = this.lines.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { line, column: col };
  }

  /** Where a pointer is: a member's key when it has one (what a reader looks for), else its value. */
  locate(ptr: string): { line: number; column: number } | undefined {
    if (!this.entries.has(ptr)) return undefined;
    return this.position(this.offset(ptr, 'key'));
  }

  /** Offset of `needle` inside the raw source of the value at `ptr`, e.g. a `${matrix.x}` placeholder. */
  offsetWithin(ptr: string, needle: string): number | undefined {
    const e = this.entries.get(ptr);
    if (!e) return undefined;
    const end = this.text.indexOf('\n', e.value);
    const raw = this.text.slice(e.value, end === -1 ? undefined : end);
    const i = raw.indexOf(needle);
    return i === -1 ? undefined : e.value + i;
  }
}

export interface ParsedYaml {
  /** The plain JS value, or undefined when the text could not be parsed. */
  value: unknown;
  index: SourceIndex;
  problems: PendingProblem[];
}

const SYNTAX_FIXES: Record<string, string> = {
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  DUPLICATE_KEY: 'remove one of the two keys (or merge their contents)',
  MULTIPLE_DOCS: 'keep one YAML document in the file (remove the extra `---`)',
  MISSING_CHAR: 'close the quote or bracket that was opened',
  BAD_INDENT: 'check the indentation of this line against the lines above: keys of one mapping start at the same column',
  BLOCK_AS_IMPLICIT_KEY: 'check the indentation of this line against the lines above: keys of one mapping start at the same column',
  MULTILINE_IMPLICIT_KEY: 'check the indentation of the lines below this key: keys of one mapping start at the same column',
};

/** Parse YAML text; syntax problems come back as problems, never as exceptions. */
export function parseYaml(text: string): ParsedYaml {
  const lines = new LineCounter();
  const index = new SourceIndex(text, lines);
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
  const problems: PendingProblem[] = [];
  // After the first syntax error the parser's picture of the document is off, so what it says
  // next is mostly a consequence: report the first one only. Duplicate keys are independent.
  const first = doc.errors.find((e) => e.code !== 'DUPLICATE_KEY');
  for (const e of doc.errors) {
    if (e.code === 'DUPLICATE_KEY') problems.push({ offset: e.pos[0], message: syntaxMessage(e.code, e.message, text, e.pos[0]), fix: SYNTAX_FIXES.DUPLICATE_KEY! });
    else if (e === first) problems.push(explainSyntaxError(e.code, e.message, text, e.pos[0]));
  }
  for (const w of doc.warnings) {
    // Custom tags mean nothing to mlpipeline and would silently turn into strings.
    if (w.code === 'TAG_RESOLVE_FAILED') problems.push({ offset: w.pos[0], message: `YAML: ${w.message.replace(/^Unresolved tag/, 'unknown tag')}`, fix: 'remove the tag; mlpipeline.yaml uses plain YAML values' });
  }
  if (problems.length > 0) return { value: undefined, index, problems };
  if (doc.contents) {
    index.add('', { value: doc.contents.range?.[0] ?? 0 });
    walk(doc.contents, '', index);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      return {
        value: undefined,
        index,
        problems: [
          {
            offset: firstAliasOffset(doc.contents) ?? 0,
            message: `YAML aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT}); refusing to load what looks like an alias bomb ("billion laughs")`,
            fix: 'write the repeated values out, or use fewer nested aliases (*name)',
          },
        ],
      };
    }
    throw e;
  }
  return { value, index, problems };
}

/** The text's lines with their start offsets and indentation (spaces before the first character). */
interface SourceLine {
  n: number;
  start: number;
  text: string;
  indent: number;
  /** Blank or only a comment: indentation means nothing there. */
  blank: boolean;
}

function sourceLines(text: string): SourceLine[] {
  const out: SourceLine[] = [];
  let start = 0;
  text.split('\n').forEach((t, i) => {
    const indent = /^ */.exec(t)![0].length;
    out.push({ n: i + 1, start, text: t, indent, blank: /^\s*(#.*)?$/.test(t) });
    start += t.length + 1;
  });
  return out;
}

function lineAt(all: SourceLine[], offset: number): SourceLine {
  let found = all[0]!;
  for (const l of all) {
    if (l.start > offset) break;
    found = l;
  }
  return found;
}

const prevContent = (all: SourceLine[], l: SourceLine) => all.slice(0, l.n - 1).reverse().find((x) => !x.blank);
const nextContent = (all: SourceLine[], l: SourceLine) => all.slice(l.n).find((x) => !x.blank);
const at = (l: SourceLine) => l.start + l.indent;
const keyOf = (l: SourceLine) => /^\s*(?:-\s+)?([^:#]+?)\s*:/.exec(l.text)?.[1];

/** One problem for the first syntax error: where the construct went wrong, and a fix in its terms. */
function explainSyntaxError(code: string, message: string, text: string, offset: number): PendingProblem {
  const plain = { offset, message: syntaxMessage(code, message, text, offset), fix: syntaxFix(code, text, offset) };
  if (plain.fix.startsWith('quote values')) return plain;
  const all = sourceLines(text);
  const line = lineAt(all, offset);

  // An unclosed [ or { and an unterminated quote are found where the parser gave up (often lines
  // later); point at where they were opened.
  const opened = unclosedOpener(text);
  if (opened && opened.offset <= offset && (code === 'MISSING_CHAR' || code === 'BAD_INDENT' || code === 'UNEXPECTED_TOKEN' || /flow|quote/i.test(message))) {
    const where = lineAt(all, opened.offset).n;
    if (opened.kind === 'quote') {
      return {
        offset: opened.offset,
        message: `YAML syntax error: the ${opened.char} opened on line ${where} is never closed`,
        fix: `close the quote with ${opened.char} on line ${where}, or remove it`,
      };
    }
    const [what, close] = opened.char === '[' ? ['list', ']'] : ['mapping', '}'];
    return {
      offset: opened.offset,
      message: `YAML syntax error: the ${opened.char} opened on line ${where} is never closed with ${close}`,
      fix: opened.char === '[' ? `end the ${what} with ] on line ${where} (e.g. deps: [a.csv, b.csv]), or write it as a block list, one '- item' per line` : `end the ${what} with } on line ${where}, or write it as indented key: value lines`,
    };
  }

  if (code === 'BAD_INDENT' && /same column/i.test(message)) {
    const prev = prevContent(all, line);
    if (prev && prev.indent !== line.indent) {
      const more = line.indent > prev.indent;
      return {
        offset: at(line),
        message: `YAML syntax error: line ${line.n} is indented ${more ? 'more' : 'less'} than its siblings at column ${prev.indent + 1}`,
        fix: `align line ${line.n} with the keys above (start it at column ${prev.indent + 1})`,
      };
    }
  }

  if (code === 'BLOCK_AS_IMPLICIT_KEY' && /block sequence/i.test(message)) {
    const item = all.slice(0, line.n - 1).reverse().find((x) => !x.blank && /^\s*- /.test(x.text) && x.indent !== line.indent);
    if (item && /^\s*- /.test(line.text)) {
      return {
        offset: at(line),
        message: `YAML syntax error: the list item on line ${line.n} starts at column ${line.indent + 1}, not at column ${item.indent + 1} like the item on line ${item.n}`,
        fix: `align its '-' with the '-' on line ${item.n} (column ${item.indent + 1})`,
      };
    }
  }

  if (code === 'BLOCK_AS_IMPLICIT_KEY' || code === 'MULTILINE_IMPLICIT_KEY') {
    const next = nextContent(all, line);
    const prev = prevContent(all, line);
    if (next && next.indent > line.indent) {
      const parent = prev && /:\s*(#.*)?$/.test(prev.text) && prev.indent >= line.indent ? prev : undefined;
      if (parent) {
        // `model:` then `path:` at model's column, then `  task:`: path lost its indentation.
        return {
          offset: at(line),
          message: `YAML syntax error: line ${line.n} is indented less than the keys under '${keyOf(parent) ?? 'the key'}:' (line ${parent.n}) that follow it at column ${next.indent + 1}`,
          fix: `indent line ${line.n} to column ${next.indent + 1}, like the keys below it`,
        };
      }
      return {
        offset: at(next),
        message: `YAML syntax error: line ${next.n} is indented more than its siblings at column ${line.indent + 1}`,
        fix: `align line ${next.n} with the keys above (start it at column ${line.indent + 1})${keyOf(line) ? `; to nest it under '${keyOf(line)}', put nothing after '${keyOf(line)}:'` : ''}`,
      };
    }
  }
  return plain;
}

/** The first `[`, `{` or quote that is never closed, from the parser's concrete syntax tree. */
function unclosedOpener(text: string): { offset: number; kind: 'flow' | 'quote'; char: string } | undefined {
  let found: { offset: number; kind: 'flow' | 'quote'; char: string } | undefined;
  const consider = (tok: CST.Token | undefined): void => {
    if (!tok || found) return;
    if (tok.type === 'flow-collection') {
      const close = tok.start.source === '[' ? ']' : '}';
      if (!tok.end.some((e) => e.source === close)) found = { offset: tok.start.offset, kind: 'flow', char: tok.start.source };
      for (const it of tok.items) {
        consider(it.key ?? undefined);
        consider(it.value ?? undefined);
      }
    } else if (tok.type === 'double-quoted-scalar' || tok.type === 'single-quoted-scalar') {
      const q = tok.source.charAt(0);
      const trailingBackslashes = /(\\*)"$/.exec(tok.source)?.[1]?.length ?? 0;
      const closed = tok.source.length >= 2 && tok.source.endsWith(q) && (q !== '"' || trailingBackslashes % 2 === 0);
      if (!closed) found = { offset: tok.offset, kind: 'quote', char: q };
    }
  };
  for (const top of new Parser().parse(text)) {
    if (found) break;
    if (top.type !== 'document') continue;
    consider(top.value);
    CST.visit(top, (item) => {
      consider(item.key ?? undefined);
      consider(item.value ?? undefined);
      return found ? CST.visit.BREAK : undefined;
    });
  }
  return found;
}

function syntaxFix(code: string, text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', offset);
  const line = text.slice(start, end === -1 ? undefined : end);
  // `{` starts a flow mapping inside [ ] and { }, so unquoted `${matrix.x}` there breaks the line.
  if (/\$\{/.test(line) && /[[{]/.test(line.replace(/\$\{[^}]*\}/g, ''))) {
    return "quote values that contain ${...} inside [ ] or { }, e.g. ['model-${matrix.lr}.onnx'], or use a block list (- item)";
  }
  return SYNTAX_FIXES[code] ?? 'fix the YAML syntax at this position';
}

function syntaxMessage(code: string, message: string, text: string, offset: number): string {
  if (code === 'DUPLICATE_KEY') {
    const key = /^[^:\n]*/.exec(text.slice(offset))?.[0].trim();
    return key ? `duplicate key '${key.replace(/^["']|["']$/g, '')}'` : 'duplicate key';
  }
  if (code === 'MULTIPLE_DOCS') return 'YAML: the file holds more than one document';
  return `YAML syntax error: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
}

function walk(node: unknown, ptr: string, index: SourceIndex): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      const keyValue = isScalar(keyNode) ? keyNode.value : keyNode;
      // `<<` merge keys bring members from an anchor; those members are located at the anchor.
      if (keyValue === '<<' || (isScalar(keyNode) && (keyNode as { source?: string }).source === '<<')) continue;
      const child = ptr + '/' + escapePointerToken(String(keyValue));
      const keyOffset = keyNode?.range?.[0];
      const valueNode = pair.value as Node | null;
      const valueOffset = valueNode?.range?.[0] ?? keyNode?.range?.[1] ?? 0;
      index.add(child, { key: keyOffset, value: valueOffset });
      walk(valueNode, child, index);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const n = item as Node | null;
      const child = `${ptr}/${i}`;
      if (n?.range) index.add(child, { value: n.range[0] });
      walk(n, child, index);
    });
  }
  // Scalars end the walk; aliases are not followed (their target is indexed where it is defined).
}

function firstAliasOffset(node: unknown): number | undefined {
  if (isAlias(node)) return node.range?.[0];
  if (isMap(node) || isSeq(node)) {
    for (const item of node.items) {
      const found = isPair(item) ? (firstAliasOffset(item.key) ?? firstAliasOffset(item.value)) : firstAliasOffset(item);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
