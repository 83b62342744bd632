import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EntropySourceError } from './entropy-source-error.js';
import { syncPathSync } from './sync-path.js';

/** tls_random_exchange_name: "its length is fixed at 1024 bytes" (Postfix). */
export const EXCHANGE_FILE_SIZE = 1024;

/**
 * Reads the exchange file whole. A file of another length (one written by
 * something else) is refused: postern itself never leaves one, see
 * writeExchangeFile.
 */
export function readExchangeFile(path: string): Uint8Array {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    throw new EntropySourceError(path, `cannot read the exchange file: ${(err as Error).message}`);
  }
  if (data.length !== EXCHANGE_FILE_SIZE)
    throw new EntropySourceError(
      path,
      `the exchange file has ${data.length} bytes, not ${EXCHANGE_FILE_SIZE}`,
    );
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

let tempCounter = 0;

/**
 * Replaces the exchange file with `data` (1024 bytes) atomically: write a
 * temporary file in the same directory, fsync it, rename(2) it over the
 * name, fsync the directory.
 *
 * What guarantees that a reader never sees a torn or short file is rename(2):
 * POSIX requires it to replace the directory entry atomically, so an open()
 * of the name finds either the old inode or the new one, never neither, and
 * never a file still being written (the new inode is complete, and fsync'd,
 * before it gets the name). A reader that opened the old inode keeps reading
 * the old, complete content. The temporary name is in the same directory
 * because rename is only atomic within one file system. The fsync before the
 * rename keeps a crash from leaving the name on an empty file; the directory
 * fsync makes the rename itself durable.
 */
export function writeExchangeFile(path: string, data: Uint8Array): void {
  if (data.length !== EXCHANGE_FILE_SIZE)
    throw new RangeError(`the exchange file holds ${EXCHANGE_FILE_SIZE} bytes, not ${data.length}`);
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${tempCounter++}.tmp`);
  let fd: number;
  try {
    fd = openSync(temp, 'wx', 0o600);
  } catch (err) {
    throw new EntropySourceError(path, `cannot create ${temp}: ${(err as Error).message}`);
  }
  try {
    try {
      for (let off = 0; off < data.length;) off += writeSync(fd, data, off, data.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (err) {
    removeQuietly(temp);
    throw new EntropySourceError(
      path,
      `cannot replace the exchange file: ${(err as Error).message}`,
    );
  }
  syncPathSync(dir);
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    // The temporary file may not exist (the failure was its creation); nothing else to undo.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
