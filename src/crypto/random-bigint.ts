import type { Random } from '../prng/random.js';
import { bitLength, bytesToBigInt } from './bigint.js';
import { CryptoError } from './errors.js';

/** A uniformly random integer of at most `bits` bits. */
export function randomBits(bits: number, random: Random): bigint {
  if (!Number.isSafeInteger(bits) || bits < 1)
    throw new CryptoError('invalid_parameter', `bad bit count ${bits}`);
  const bytes = random.bytes(Math.ceil(bits / 8));
  const extra = bytes.length * 8 - bits;
  bytes[0] = (bytes[0] as number) & (0xff >> extra);
  return bytesToBigInt(bytes);
}

/** A uniformly random integer in [lo, hi), by rejection sampling (FIPS 186-5 A.2.2 style). */
export function randomInRange(lo: bigint, hi: bigint, random: Random): bigint {
  if (hi <= lo) throw new CryptoError('invalid_parameter', 'empty range');
  const span = hi - lo;
  const bits = bitLength(span);
  for (;;) {
    const x = randomBits(bits, random);
    if (x < span) return lo + x;
  }
}
