import { closeSync, openSync, readSync } from 'node:fs';
import { HmacDrbg } from './hmac-drbg.js';
import type { Random } from './random.js';
import { bytesFrom } from './random.js';
import { EntropySourceError } from './entropy-source-error.js';

export { EntropySourceError };

/** Reads exactly `n` bytes from a device or file (as `tls_random_source = dev:/dev/urandom` does). */
export function readEntropyFile(path: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new EntropySourceError(path, (err as Error).message);
  }
  try {
    let got = 0;
    while (got < n) {
      const r = readSync(fd, out, got, n - got, null);
      if (r === 0) throw new EntropySourceError(path, `end of file after ${got} of ${n} bytes`);
      got += r;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

export interface SystemRandomOptions {
  /** Where seed material comes from; `/dev/urandom` by default. */
  source?: string;
  /** Seed bytes read per (re)seed; 32 by default (tls_random_bytes). */
  seedBytes?: number;
  /** Reseed after this many generate requests; 2^16 by default. */
  reseedInterval?: number;
}

export interface SystemRandom extends Random {
  /** Mixes fresh bytes from the source (or the given ones) into the DRBG. */
  reseed(entropy?: Uint8Array): void;
}

/** An HMAC_DRBG seeded from the entropy source and reseeded from it periodically. */
export function createSystemRandom(options: SystemRandomOptions = {}): SystemRandom {
  const source = options.source ?? '/dev/urandom';
  const seedBytes = Math.max(32, options.seedBytes ?? 32);
  const interval = options.reseedInterval ?? 2 ** 16;
  const personalization = new TextEncoder().encode(`postern pid=${process.pid} t=${Date.now()}`);
  const drbg = new HmacDrbg(
    readEntropyFile(source, seedBytes),
    readEntropyFile(source, 16),
    personalization,
  );
  const reseed = (entropy?: Uint8Array): void =>
    drbg.reseed(entropy ?? readEntropyFile(source, seedBytes));
  const fill = (buf: Uint8Array): void => {
    if (drbg.requestsSinceReseed >= interval) reseed();
    drbg.generate(buf);
  };
  return { fill, bytes: (n) => bytesFrom(fill, n), reseed };
}
