import { bitLength } from '../crypto/bigint.js';
import { checkDhModulusSize, DH_MAX_P_BITS } from '../crypto/key-bounds.js';
import { generateSafePrime, isProbablePrime } from '../crypto/prime.js';
import type { Random } from '../prng/random.js';
import { parseDer } from './der.js';
import { positiveInteger, sequence, smallInteger } from './der-read.js';
import { derInteger, derSequence } from './der-write.js';
import { X509Error } from './errors.js';
import { checkKeySize } from './key-size.js';
import { encodePem, parsePem } from './pem.js';

/** A DH group read from a `*_dh1024_param_file`, checked, with its size for the TLS layer's minimum; usable as crypto's DhGroup. */
export interface DhParameters {
  p: bigint;
  g: bigint;
  /** (p − 1) / 2, the prime order of the subgroup. */
  q: bigint;
  /** Bits of p. */
  bits: number;
}

/** PKCS#3 §9 allows a private-value length; below 512 bits p is refused (and OpenSSL 3 refuses below 1024 in TLS). */
export const MIN_DH_PARAMETER_BITS = 512;

function invalid(message: string): X509Error {
  return new X509Error('invalid_dh_parameters', message);
}

/** PKCS#3 §9 DHParameter ::= SEQUENCE { prime INTEGER, base INTEGER, privateValueLength INTEGER OPTIONAL }. */
export function parseDhParametersDer(der: Uint8Array): { p: bigint; g: bigint } {
  const f = sequence(parseDer(der), 'DHParameter', 2, 3);
  const p = positiveInteger(f[0], 'DHParameter prime');
  const g = positiveInteger(f[1], 'DHParameter base');
  if (f[2] !== undefined) smallInteger(f[2], 'DHParameter privateValueLength');
  return { p, g };
}

/** The first `DH PARAMETERS` block of a PEM text (as `openssl dhparam` and `openssl gendh` write). */
export function parseDhParametersPem(text: string): { p: bigint; g: bigint } {
  const block = parsePem(text).find((b) => b.label === 'DH PARAMETERS');
  if (block === undefined) throw new X509Error('malformed_pem', 'no DH PARAMETERS block');
  return parseDhParametersDer(block.der);
}

/**
 * Checks p is a safe prime (p = 2q + 1, q prime: RFC 7919 §5.1's condition
 * for a group without small subgroups) of at least `minBits` bits, and
 * 1 < g < p − 1 (NIST SP 800-56A §5.5.1.1 bounds, which exclude the trivial
 * generators 1 and p − 1).
 */
export function checkDhParameters(
  params: { p: bigint; g: bigint },
  random: Random,
  minBits = MIN_DH_PARAMETER_BITS,
): DhParameters {
  const { p, g } = params;
  const bits = bitLength(p);
  checkKeySize('DH parameters', () => checkDhModulusSize(p));
  if (bits < minBits) throw invalid(`DH prime of ${bits} bits is below the minimum of ${minBits}`);
  if (g <= 1n || g >= p - 1n) throw invalid('DH generator out of range');
  const q = (p - 1n) >> 1n;
  if ((p & 1n) === 0n || !isProbablePrime(q, random) || !isProbablePrime(p, random))
    throw invalid('DH prime is not a safe prime');
  return { p, g, q, bits };
}

export function loadDhParameters(
  text: string,
  random: Random,
  minBits = MIN_DH_PARAMETER_BITS,
): DhParameters {
  return checkDhParameters(parseDhParametersPem(text), random, minBits);
}

export function encodeDhParametersPem(p: bigint, g: bigint): string {
  return encodePem('DH PARAMETERS', derSequence([derInteger(p), derInteger(g)]));
}

/**
 * A new group for `postern dhparam`: a safe prime p of `bits` bits with
 * g = 2. p is taken with p ≡ 23 (mod 24) so that 2 is a quadratic residue
 * and generates the subgroup of prime order q (p ≡ 7 mod 8 makes 2 a residue;
 * every safe prime above 7 is already 2 mod 3).
 */
export function generateDhParameters(
  bits: number,
  random: Random,
  onProgress?: (candidates: number) => void,
): DhParameters {
  if (!Number.isSafeInteger(bits) || bits < MIN_DH_PARAMETER_BITS)
    throw invalid(`DH prime size ${bits} is below ${MIN_DH_PARAMETER_BITS}`);
  if (bits > DH_MAX_P_BITS)
    throw new X509Error(
      'unsupported_key_size',
      `DH prime size ${bits} is above the maximum of ${DH_MAX_P_BITS}`,
    );
  let p: bigint;
  do {
    p = generateSafePrime(bits, random, onProgress);
  } while (p % 24n !== 23n);
  return { p, g: 2n, q: (p - 1n) >> 1n, bits };
}
