import { sha256 } from '@noble/hashes/sha2.js';
import type { Random } from './random.js';
import { bytesFrom } from './random.js';

/**
 * A reproducible stream for tests: SHA-256(seed || counter) blocks. Never use
 * it for keys that protect anything.
 */
export function deterministicRandom(seed: Uint8Array | string): Random {
  const seedBytes =
    typeof seed === 'string' ? new TextEncoder().encode(seed) : Uint8Array.from(seed);
  const input = new Uint8Array(seedBytes.length + 8);
  input.set(seedBytes);
  const view = new DataView(input.buffer);
  let counter = 0;
  let block = new Uint8Array(0);
  let used = 0;
  const fill = (buf: Uint8Array): void => {
    for (let i = 0; i < buf.length; i++) {
      if (used === block.length) {
        view.setUint32(seedBytes.length, Math.floor(counter / 2 ** 32));
        view.setUint32(seedBytes.length + 4, counter >>> 0);
        counter++;
        block = sha256(input);
        used = 0;
      }
      buf[i] = block[used++] as number;
    }
  };
  return { fill, bytes: (n) => bytesFrom(fill, n) };
}

/** Raised when a scripted Random is asked for bytes it was not given. */
export class ScriptExhaustedError extends Error {
  constructor(wanted: number, remaining: number) {
    super(`scripted random: asked for ${wanted} bytes, ${remaining} remain`);
    this.name = 'ScriptExhaustedError';
  }
}

/**
 * Hands out exactly the given bytes, in order, for trace replay (RFC 8448:
 * the trace's randoms and private keys are injected through this).
 */
export function scriptedRandom(...chunks: Uint8Array[]): Random & { remaining(): number } {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const all = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.length;
  }
  let pos = 0;
  const fill = (buf: Uint8Array): void => {
    if (pos + buf.length > all.length) throw new ScriptExhaustedError(buf.length, all.length - pos);
    buf.set(all.subarray(pos, pos + buf.length));
    pos += buf.length;
  };
  return { fill, bytes: (n) => bytesFrom(fill, n), remaining: () => all.length - pos };
}
