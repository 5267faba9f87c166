/**
 * Parse a params or metrics file (YAML or JSON) into plain data, with bad input reported as an
 * InputError that names the file and the line and column the parser stopped at.
 */
import { type Document, parseDocument } from 'yaml';
import { InputError } from '../../core/errors.js';
import { MAX_NESTING, pathText, tooDeep } from '../../core/depth.js';

/** Anchors and aliases beyond this are refused (an "alias bomb" would expand without bound). */
const MAX_ALIASES = 100;

/**
 * @param text  the file's contents
 * @param label how the file is named in messages: a path, or `REF:path` for a file read at a git ref
 * @param what  `params` or `metrics`, for the message
 */
export function parseDataFile(text: string, label: string, what: 'params' | 'metrics'): unknown {
  let value: unknown;
  try {
    value = parseUnbounded(text, label, what);
  } catch (e) {
    // The YAML parser recurses per level: a hostile file overflows it before we can measure it.
    if (e instanceof RangeError) throw deepError(label, what, undefined);
    throw e;
  }
  const deep = tooDeep(value);
  if (deep) throw deepError(label, what, deep);
  return value;
}

function deepError(label: string, what: string, path: string[] | undefined): InputError {
  return new InputError(
    `${what} file nests deeper than ${MAX_NESTING} levels${path ? ` (at ${pathText(path)})` : ''}; expected a flat or shallow map of names to values`,
    { location: { file: label, line: 1 }, fix: `flatten the ${what} (e.g. {"train": {"loss": 0.1}}) to at most ${MAX_NESTING} levels` },
  );
}

function parseUnbounded(text: string, label: string, what: 'params' | 'metrics'): unknown {
  if (label.toLowerCase().endsWith('.json')) {
    try {
      return JSON.parse(text);
    } catch (e) {
      // JSON.parse's message carries no position on every Node version, so find it ourselves.
      const offset = jsonErrorOffset(text);
      const pos = offset === undefined ? undefined : lineColumn(text, offset);
      const reason =
        offset === undefined
          ? firstLine((e as Error).message).slice(0, 120)
          : offset >= text.length
            ? 'unexpected end of file'
            : `unexpected character ${JSON.stringify(text.charAt(offset))}`;
      throw new InputError(`cannot parse ${what} file as JSON: ${reason}`, {
        location: { file: label, line: pos?.line, column: pos?.column },
        fix: 'fix the JSON syntax at that position',
      });
    }
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  const problem = yamlProblem(doc);
  if (problem && /call stack/i.test(problem.message)) throw new RangeError(problem.message);
  if (problem) {
    throw new InputError(`cannot parse ${what} file as YAML: ${problem.message}`, {
      location: { file: label, line: problem.line, column: problem.column },
      fix: 'fix the YAML syntax at that position',
    });
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    throw new InputError(`cannot read ${what} file: ${(e as Error).message}`, {
      location: { file: label },
      fix: `use fewer YAML aliases (at most ${MAX_ALIASES} expansions)`,
    });
  }
}

interface Problem {
  message: string;
  line?: number;
  column?: number;
}

function yamlProblem(doc: Document): Problem | undefined {
  const err = doc.errors[0];
  if (!err) return undefined;
  const at = err.linePos?.[0];
  // The YAML library's message ends with a source excerpt on later lines; keep the first line only.
  const message = firstLine(err.message).replace(/ at line \d+, column \d+:?$/, '');
  return at ? { message, line: at.line, column: at.col } : { message };
}

function firstLine(s: string): string {
  const nl = s.indexOf('\n');
  return nl < 0 ? s : s.slice(0, nl);
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The offset of the first JSON syntax error (RFC 8259), or undefined when the scanner finds none.
 * Only used to point at the error JSON.parse already reported.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  class Stop extends Error {
    constructor(readonly at: number) {
      super(`JSON syntax error at offset ${at}`);
    }
  }
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const expect = (s: string) => {
    if (text.startsWith(s, i)) i += s.length;
    else throw new Stop(i);
  };
  const string = () => {
    expect('"');
    for (;;) {
      if (i >= text.length) throw new Stop(i);
      const c = text.charAt(i);
      if (c === '"') return void i++;
      if (c < ' ') throw new Stop(i);
      if (c === '\\') {
        const n = text[i + 1];
        if (n === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Stop(i);
          i += 6;
        } else if (n !== undefined && '"\\/bfnrt'.includes(n)) i += 2;
        else throw new Stop(i);
      } else i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        string();
        ws();
        expect(':');
        value();
        ws();
        if (text[i] === ',') i++;
        else return expect('}');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else return expect(']');
      }
    }
    if (c === '"') return string();
    const num = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (num && num[0] !== '' && num[0] !== '-') return void (i += num[0].length);
    for (const lit of ['true', 'false', 'null']) if (text.startsWith(lit, i)) return void (i += lit.length);
    throw new Stop(i);
  };
  try {
    value();
    ws();
    return i < text.length ? i : undefined;
  } catch (e) {
    // A RangeError from absurd nesting just means we cannot say where.
    return e instanceof Stop ? e.at : undefined;
  }
}
