/**
 * Finite-field Diffie–Hellman for TLS: ffdhe groups in TLS 1.3 (RFC 8446
 * §4.2.8.1) and DHE in TLS 1.2 (RFC 5246 §8.1.2), with the RFC 7919 groups
 * and server-configured ones.
 *
 * BigInt is not constant-time (see bigint.ts). Key generation uses a
 * fixed-base table per group: g^x is one multiplication per 4-bit window of
 * x, every window, also for zero digits (the table holds -g^(d·16^i), so
 * no multiplication is by 1). The shared secret uses modPow's fixed window
 * over a public exponent length.
 */
import type { Random } from '../prng/random.js';
import { bigIntToBytes, bitLength, bytesToBigInt, modPow, reducer } from './bigint.js';
import { CryptoError } from './errors.js';
import { checkDhModulusSize } from './key-bounds.js';
import { randomBits, randomInRange } from './random-bigint.js';

import type { DhGroup } from './dh-group.js';

export type { DhGroup };

export { FFDHE2048, FFDHE3072, FFDHE4096 } from './ffdhe.js';

export interface DhKeyPair {
  privateKey: bigint;
  /** g^x mod p, left-padded to the length of p (RFC 8446 §4.2.8.1). */
  publicKey: Uint8Array;
}

/**
 * Private exponent size: RFC 7919 §5.2 allows short exponents of at least
 * twice the group's strength (Appendix A: 225, 275, 325, 375, 400 bits for
 * the 2048…8192-bit groups). We use 256 bits up to 2048-bit p (NIST SP
 * 800-57 Part 1 Table 2: 112-bit strength, 128 with margin), then the RFC's
 * figures; never fewer bits than that.
 */
export function dhDefaultPrivateBits(pBits: number): number {
  if (pBits <= 2048) return 256;
  if (pBits <= 3072) return 275;
  if (pBits <= 4096) return 325;
  if (pBits <= 6144) return 375;
  return 400;
}

const WINDOW = 4;

/** Per group and exponent length: table[i][d] = -(g^(d·16^i)) mod p. */
const fixedBaseTables = new WeakMap<DhGroup, Map<number, bigint[][]>>();

function fixedBaseTable(group: DhGroup, bits: number): bigint[][] {
  let byBits = fixedBaseTables.get(group);
  if (byBits === undefined) {
    byBits = new Map();
    fixedBaseTables.set(group, byBits);
  }
  const cached = byBits.get(bits);
  if (cached !== undefined) return cached;
  const { p } = group;
  const reduce = reducer(p);
  const table: bigint[][] = [];
  let base = group.g % p;
  for (let i = 0; i < Math.ceil(bits / WINDOW); i++) {
    const row = [p - 1n];
    for (let d = 1; d < 1 << WINDOW; d++) row.push(reduce((row[d - 1] as bigint) * base));
    table.push(row);
    // base^16 = (-(-base^15)) · base: row[15] holds -base^15.
    base = reduce((p - (row[15] as bigint)) * base);
  }
  byBits.set(bits, table);
  return table;
}

/** g^x mod p with the fixed-base table: one multiplication per window, whatever the digits. */
function fixedBasePow(group: DhGroup, x: bigint, bits: number): bigint {
  const { p } = group;
  const reduce = reducer(p);
  const table = fixedBaseTable(group, bits);
  const hex = x.toString(16).padStart(table.length, '0');
  let acc = 1n;
  for (let i = 0; i < table.length; i++) {
    const digit = parseInt(hex[hex.length - 1 - i] as string, 16);
    acc = reduce(acc * ((table[i] as bigint[])[digit] as bigint));
  }
  // Each factor carried a sign −1.
  return table.length % 2 === 0 || acc === 0n ? acc : p - acc;
}

function checkGroup(group: DhGroup): void {
  checkDhModulusSize(group.p);
  if (
    bitLength(group.p) < 512 ||
    (group.p & 1n) === 0n ||
    group.g <= 1n ||
    group.g >= group.p - 1n
  ) {
    throw new CryptoError('invalid_parameter', 'unusable DH group');
  }
}

function privateBitsFor(group: DhGroup, requested?: number): number {
  const bits = requested ?? dhDefaultPrivateBits(bitLength(group.p));
  if (!Number.isSafeInteger(bits) || bits < 160 || bits >= bitLength(group.p)) {
    throw new CryptoError('invalid_parameter', `bad DH private key size ${bits}`);
  }
  return bits;
}

/**
 * A key pair: x with exactly `privateBits` bits (top bit set, so every key
 * of the group takes the same operation sequence), or x in [2, q-1] when the
 * group's q is shorter than that.
 */
export function dhGenerate(group: DhGroup, random: Random, privateBits?: number): DhKeyPair {
  checkGroup(group);
  let bits = privateBitsFor(group, privateBits);
  let x: bigint;
  if (group.q !== undefined && bitLength(group.q) <= bits) {
    x = randomInRange(2n, group.q, random);
    bits = bitLength(group.q);
  } else {
    x = randomBits(bits, random) | (1n << BigInt(bits - 1));
  }
  const y = fixedBasePow(group, x, bits);
  return { privateKey: x, publicKey: bigIntToBytes(y, Math.ceil(bitLength(group.p) / 8)) };
}

/**
 * Z = y^x mod p after checking 1 < y < p - 1 (RFC 7919 §5.1, RFC 8446
 * §4.2.8.1; for safe-prime groups this range check is what the RFCs ask, a
 * full y^q check would cost more than the exchange). Output padded to the
 * length of p (TLS 1.3, RFC 8446 §7.4.1) or with leading zeros stripped
 * (TLS 1.2, RFC 5246 §8.1.2).
 */
export function dhSharedSecret(
  group: DhGroup,
  privateKey: bigint,
  peerPublic: Uint8Array,
  options?: { stripLeadingZeros?: boolean },
): Uint8Array {
  checkGroup(group);
  const pLen = Math.ceil(bitLength(group.p) / 8);
  if (peerPublic.length === 0 || peerPublic.length > pLen)
    throw new CryptoError(
      'invalid_public_value',
      `DH public value of ${peerPublic.length} bytes for a ${pLen}-byte group`,
    );
  const y = bytesToBigInt(peerPublic);
  if (y <= 1n || y >= group.p - 1n)
    throw new CryptoError('invalid_public_value', 'DH public value outside 1 < y < p-1');
  if (privateKey <= 1n || privateKey >= group.p - 1n)
    throw new CryptoError('invalid_key', 'DH private key out of range');
  const bits = Math.max(bitLength(privateKey), dhDefaultPrivateBits(bitLength(group.p)));
  const z = modPow(y, privateKey, group.p, bits);
  if (z === 1n) throw new CryptoError('invalid_public_value', 'DH shared secret is 1');
  return options?.stripLeadingZeros === true ? bigIntToBytes(z) : bigIntToBytes(z, pLen);
}
