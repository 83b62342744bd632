import { closeSync, openSync, readSync } from 'node:fs';
import { EntropySourceError } from './entropy-source-error.js';

/**
 * Reads a plain file given as tls_random_source (no dev: or egd: prefix):
 * from its start, up to `n` bytes, with no 255-byte cap ("If you specify a
 * normal file, a larger amount of data can be read"). A shorter file gives
 * what it has, like Postfix's tls_prng_file_read; an empty one is an error.
 */
export function readPlainFile(path: string, n: number): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new EntropySourceError(path, `cannot open: ${(err as Error).message}`);
  }
  try {
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const r = readSync(fd, out, got, n - got, got);
      if (r === 0) break;
      got += r;
    }
    if (got === 0) throw new EntropySourceError(path, 'the file is empty');
    return out.slice(0, got);
  } catch (err) {
    if (err instanceof EntropySourceError) throw err;
    throw new EntropySourceError(path, `read failed: ${(err as Error).message}`);
  } finally {
    closeSync(fd);
  }
}
