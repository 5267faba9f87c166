/**
 * Strict UTF-8 decoding of a byte stream into text chunks. TextDecoder (fatal) validates and
 * strips a leading BOM; when it refuses a chunk we find the exact bad byte ourselves so the
 * message can name the line and column.
 */

export interface Utf8Position {
  /** 0-based offset in the chunk of the first byte that is not valid UTF-8. */
  offset: number;
}

/** Offset of the first invalid UTF-8 sequence in `b`, or -1. Only used on the error path. */
export function firstInvalidUtf8(b: Uint8Array, allowTruncatedEnd = true): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= n) {
      // A sequence cut by the chunk end: the next chunk may complete it.
      for (let k = i + 1; k < n; k++) if ((b[k]! & 0xc0) !== 0x80) return i;
      return allowTruncatedEnd ? -1 : i;
    }
    let cp = c & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** 1-based line and byte column of `offset` in `b`, counting from `startLine`/`startColumn`. */
export function lineAndColumn(b: Uint8Array, offset: number, startLine: number, startColumn: number): { line: number; column: number } {
  let line = startLine;
  let lastNl = -1;
  for (let i = 0; i < offset; i++) {
    if (b[i] === 10) {
      line++;
      lastNl = i;
    }
  }
  const column = lastNl === -1 ? startColumn + offset : offset - lastNl;
  return { line, column };
}
