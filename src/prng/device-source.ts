import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { EntropySourceError } from './entropy-source-error.js';

/** The seed: "A maximum 255 bytes is read from these sources in each step." */
export const DEVICE_MAX_READ = 255;
/** How often a device with nothing to give is polled again until the deadline. */
const POLL_MS = 5;

function isNoDataYet(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EWOULDBLOCK';
}

/**
 * Reads up to `n` bytes from a device special file (tls_random_source =
 * dev:...), opened non-blocking as the seed asks ("make sure to only use
 * non-blocking sources"), at most 255 bytes a read. A device that has given
 * something and then has nothing more ends the read with what it gave; one
 * that gives nothing before `timeoutMs` is an error. On a regular file
 * (allowed, like Postfix) end of file ends the read.
 */
export async function readDevice(path: string, n: number, timeoutMs = 10_000): Promise<Uint8Array> {
  const source = `dev:${path}`;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    throw new EntropySourceError(source, `cannot open: ${(err as Error).message}`);
  }
  try {
    const regular = fstatSync(fd).isFile();
    const out = new Uint8Array(n);
    const deadline = Date.now() + timeoutMs;
    let got = 0;
    while (got < n) {
      const r = readStep(fd, out, got, Math.min(DEVICE_MAX_READ, n - got), source);
      if (r > 0) {
        got += r;
        continue;
      }
      if (got > 0 || regular) break;
      if (Date.now() >= deadline)
        throw new EntropySourceError(source, `no data within ${timeoutMs} ms`);
      await sleep(POLL_MS);
    }
    if (got === 0) throw new EntropySourceError(source, 'end of file before any byte');
    return out.slice(0, got);
  } finally {
    closeSync(fd);
  }
}

/** One read; 0 when the device has nothing now (EAGAIN) or a FIFO has no writer. */
function readStep(fd: number, out: Uint8Array, off: number, len: number, source: string): number {
  try {
    return readSync(fd, out, off, len, null);
  } catch (err) {
    if (isNoDataYet(err)) return 0;
    throw new EntropySourceError(source, `read failed: ${(err as Error).message}`);
  }
}
