/**
 * Extracts an artifact zip under strict rules, because a fork's pull request made it: every
 * entry a plain file directly in the folder (no `/`, no `\`, no `..`, no absolute or drive
 * path, no directory, no symbolic link, no duplicate), stored or deflated, its size within the
 * cap before and after inflating (a zip bomb stops at the cap), its CRC-32 right. Files are
 * created exclusively (`wx`) in a folder the caller just made. Which names are allowed is the
 * results loader's business (results.ts); this only guarantees nothing lands outside `into`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';

export class UnsafeArchiveError extends Error {}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export interface ZipLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
}

function entryName(raw: Buffer): string {
  const name = raw.toString('utf8');
  const refuse = (why: string) => {
    throw new UnsafeArchiveError(`the archive entry ${JSON.stringify(name)} ${why}`);
  };
  if (name === '' || /[\u0000-\u001f\u007f]/.test(name)) refuse('has an empty name or a control character');
  if (name.includes('/') || name.includes('\\')) refuse(name.split(/[/\\]/).includes('..') ? 'is a path traversal' : 'is not directly in the archive\'s top folder');
  if (name === '.' || name === '..' || /^[A-Za-z]:/.test(name)) refuse('is not a file name');
  return name;
}

export async function extractZip(zip: Buffer, into: string, limits: ZipLimits): Promise<string[]> {
  // End of central directory: the last 22 bytes plus a comment of at most 65535.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new UnsafeArchiveError('the artifact is not a zip archive');
  const count = zip.readUInt16LE(eocd + 10);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (count > limits.maxEntries) throw new UnsafeArchiveError(`the archive has ${count} entries, more than ${limits.maxEntries}`);
  const seen = new Set<string>();
  const written: string[] = [];
  let total = 0;
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== CENTRAL) throw new UnsafeArchiveError('the archive\'s central directory is damaged');
    const flags = zip.readUInt16LE(p + 8);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const compressed = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const madeBy = zip.readUInt16LE(p + 4) >> 8;
    const external = zip.readUInt32LE(p + 38);
    const localOffset = zip.readUInt32LE(p + 42);
    const name = entryName(zip.subarray(p + 46, p + 46 + nameLength));
    p += 46 + nameLength + extraLength + commentLength;

    const unixMode = madeBy === 3 ? external >>> 16 : 0;
    if ((unixMode & 0o170000) === 0o120000) throw new UnsafeArchiveError(`the archive entry ${JSON.stringify(name)} is a symbolic link`);
    if ((unixMode & 0o170000) === 0o040000 || (external & 0x10) !== 0) throw new UnsafeArchiveError(`the archive entry ${JSON.stringify(name)} is a directory`);
    if (flags & 0x1) throw new UnsafeArchiveError(`the archive entry ${JSON.stringify(name)} is encrypted`);
    // One file on a case-insensitive or normalisation-insensitive file system (macOS runners).
    const key = name.normalize('NFC').toLowerCase();
    if (seen.has(key)) throw new UnsafeArchiveError(`the archive has ${JSON.stringify(name)} twice (names that differ only in case or Unicode normalisation are one file on some runners)`);
    seen.add(key);
    if (size > limits.maxEntryBytes || compressed > limits.maxEntryBytes) throw new UnsafeArchiveError(`the archive entry ${JSON.stringify(name)} is larger than ${limits.maxEntryBytes} bytes`);
    total += size;
    if (total > limits.maxTotalBytes) throw new UnsafeArchiveError(`the archive holds more than ${limits.maxTotalBytes} bytes`);

    if (localOffset + 30 > zip.length || zip.readUInt32LE(localOffset) !== LOCAL) throw new UnsafeArchiveError(`the archive entry ${JSON.stringify(name)} has no local header`);
    const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    if (start + compressed > zip.length) throw new UnsafeArchiveError(`the archive entry ${JSON.stringify(name)} is cut short`);
    const raw = zip.subarray(start, start + compressed);
    let data: Buffer;
    if (method === 0) data = raw;
    else if (method === 8) {
      try {
        data = inflateRawSync(raw, { maxOutputLength: limits.maxEntryBytes });
      } catch (e) {
        throw new UnsafeArchiveError(`the archive entry ${JSON.stringify(name)} does not inflate within ${limits.maxEntryBytes} bytes (${(e as Error).message})`);
      }
    } else throw new UnsafeArchiveError(`the archive entry ${JSON.stringify(name)} uses compression method ${method}`);
    if (data.length !== size || crc32(data) !== crc) throw new UnsafeArchiveError(`the archive entry ${JSON.stringify(name)} does not match its recorded size and CRC-32`);
    try {
      await writeFile(join(into, name), data, { flag: 'wx', mode: 0o600 });
    } catch (e) {
      // EEXIST, ENAMETOOLONG, EILSEQ…: the runner's file system refuses the name. A refusal, not a bug.
      throw new UnsafeArchiveError(`the archive entry ${JSON.stringify(name)} cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    written.push(name);
  }
  return written;
}
