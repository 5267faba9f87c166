/**
 * Where a dataset's bytes come from: a workspace file or a blob at a git ref (streamed through
 * `git cat-file`, no checkout), optionally gunzipped. Also decides the format from the name.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { InputError, UsageError } from '../../core/errors.js';
import { repoRoot, resolveCommit, streamFileAtRef, gitRaw } from '../../core/git.js';
import type { DataFormat } from '../../pipeline-schema/types.js';
import type { DataSource } from './source-types.js';

export interface ResolvedFormat {
  format: DataFormat;
  gzip: boolean;
  delimiter: string;
}

/** How a source is named in messages: the path as given, or `ref:path`. */
export function sourceLabel(src: DataSource): string {
  return src.ref ? `${src.ref}:${src.path}` : src.path;
}

/** Format from `src.format` or the extension (`.csv`, `.tsv`, `.jsonl`, `.ndjson`, `.parquet`, plus `.gz`). */
export function resolveFormat(src: DataSource): ResolvedFormat {
  const lower = src.path.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const base = gzip ? lower.slice(0, -3) : lower;
  let format = src.format;
  let defaultDelimiter = ',';
  if (!format) {
    if (base.endsWith('.csv') || base.endsWith('.txt')) format = 'csv';
    else if (base.endsWith('.tsv') || base.endsWith('.tab')) {
      format = 'csv';
      defaultDelimiter = '\t';
    } else if (base.endsWith('.jsonl') || base.endsWith('.ndjson')) format = 'jsonl';
    else if (base.endsWith('.parquet') || base.endsWith('.pq')) format = 'parquet';
    else {
      throw new InputError(`cannot tell the format of ${sourceLabel(src)} from its name`, {
        location: { file: sourceLabel(src) },
        fix: 'use a .csv, .tsv, .jsonl, .ndjson or .parquet name (optionally .gz), or set `format:` on the dataset',
      });
    }
  }
  if (format === 'parquet' && gzip) {
    throw new InputError(`${sourceLabel(src)}: gzip around Parquet is not supported`, {
      location: { file: sourceLabel(src) },
      fix: 'Parquet compresses its own pages; store the .parquet file without .gz',
    });
  }
  const delimiter = src.delimiter ?? defaultDelimiter;
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new UsageError(`invalid CSV delimiter ${JSON.stringify(delimiter)}`, {
      fix: 'use one character other than a quote or a line break, e.g. "," ";" or "\\t"',
    });
  }
  return { format, gzip, delimiter };
}

/** Absolute workspace path of a source (no ref). */
export function workspacePath(src: DataSource): string {
  return isAbsolute(src.path) ? src.path : resolve(src.cwd, src.path);
}

/** Open the raw bytes (after gunzip when `gzip`). Chunks are Buffers of up to 1 MiB. */
export async function openBytes(src: DataSource, gzip: boolean): Promise<NodeJS.ReadableStream> {
  let raw: NodeJS.ReadableStream;
  if (src.ref) {
    const { commit, path } = await locateAtRef(src);
    raw = streamFileAtRef(src.cwd, commit, path);
  } else {
    const abs = workspacePath(src);
    await statOrThrow(abs, src);
    raw = createReadStream(abs, { highWaterMark: 1 << 18 });
  }
  if (!gzip) return raw;
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  raw.on('error', (e: Error) => gunzip.destroy(e));
  return raw.pipe(gunzip);
}

/** The whole file as one Buffer (Parquet needs random access to its footer). */
export async function readAllBytes(src: DataSource): Promise<Buffer> {
  const stream = await openBytes(src, false);
  const parts: Buffer[] = [];
  for await (const b of stream as AsyncIterable<Buffer>) parts.push(b);
  return Buffer.concat(parts);
}

async function statOrThrow(abs: string, src: DataSource): Promise<void> {
  try {
    const st = await stat(abs);
    if (!st.isFile()) throw new InputError(`${src.path} is not a file`, { location: { file: src.path }, fix: 'point --data at a data file' });
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`data file not found: ${src.path}`, {
      location: src.declaredAt ?? { file: src.path },
      fix: src.declaredAt ? `create ${src.path}, or correct the dataset's path (it is relative to ${src.cwd})` : `check the path (it is relative to ${src.cwd})`,
    });
  }
}

/** Commit and repository-root-relative path of a source read at a git ref; clear errors when absent. */
export async function locateAtRef(src: DataSource): Promise<{ commit: string; path: string }> {
  const ref = src.ref!;
  const root = await repoRoot(src.cwd);
  if (!root) {
    throw new InputError(`cannot read ${src.path} at ${ref}: ${src.cwd} is not inside a git repository`, {
      location: { file: src.path },
      fix: 'run in a git checkout, or give the baseline as a file instead of a ref',
    });
  }
  const commit = await resolveCommit(src.cwd, ref);
  const path = src.path.replace(/^\.\//, '');
  const r = await gitRaw(['cat-file', '-e', `${commit}:${path}`], { cwd: src.cwd, okCodes: [1, 128] });
  if (r.code !== 0) {
    throw new InputError(`${path} does not exist at ${ref} (${commit.slice(0, 12)})`, {
      location: { file: `${ref}:${path}` },
      fix: 'the path is relative to the repository root; check it with `git ls-tree -r --name-only ' + ref + '`',
    });
  }
  return { commit, path };
}
