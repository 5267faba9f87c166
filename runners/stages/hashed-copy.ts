/**
 * Copy one regular file while hashing the bytes as they are written, so a cache object is named
 * by what was stored (never by a hash computed earlier from a file that may have changed since)
 * and a restore checks exactly what it copied. The source is opened without following a symlink
 * and must be a regular file: a link to /dev/zero or a FIFO is refused, not read forever.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

export interface CopyResult {
  /** sha256 (hex) of the bytes written. */
  hash: string;
  /** Bytes written. */
  size: number;
  /** Size of the source when it was opened. */
  sourceSize: number;
}

/** The source is not a regular file (a symlink, device, FIFO, socket, directory). */
export class NotRegularFileError extends Error {
  constructor(
    readonly path: string,
    readonly kind: string,
  ) {
    super(`${path} is ${kind}, not a regular file`);
  }
}

export function kindOf(st: { isSymbolicLink(): boolean; isDirectory(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

const CHUNK = 1 << 20;

/** Copy `src` to the new file `dest` (which must not exist) and return the hash of what was written. */
export async function copyHashing(src: string, dest: string): Promise<CopyResult> {
  let input;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; regular files ignore it.
    input = await open(src, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new NotRegularFileError(src, 'a symbolic link');
    throw e;
  }
  try {
    const st = await input.stat();
    if (!st.isFile()) throw new NotRegularFileError(src, kindOf(st));
    const output = await open(dest, 'wx');
    try {
      const h = createHash('sha256');
      const buf = Buffer.allocUnsafe(CHUNK);
      let size = 0;
      for (;;) {
        const { bytesRead } = await input.read(buf, 0, CHUNK, null);
        if (bytesRead === 0) break;
        const chunk = buf.subarray(0, bytesRead);
        let off = 0;
        while (off < bytesRead) off += (await output.write(chunk, off, bytesRead - off)).bytesWritten;
        h.update(chunk);
        size += bytesRead;
      }
      return { hash: h.digest('hex'), size, sourceSize: st.size };
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}
