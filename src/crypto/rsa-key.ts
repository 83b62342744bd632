import type { Random } from '../prng/random.js';
import { bitLength, modInverse } from './bigint.js';
import { CryptoError } from './errors.js';
import type { HashAlgorithm } from './hash.js';
import { checkRsaKeySize, RSA_MAX_MODULUS_BITS } from './key-bounds.js';
import { generatePrime } from './prime.js';

/**
 * What an id-RSASSA-PSS key (RFC 4055 §1.2, §3.1; RFC 8017 A.2.3) allows:
 * PSS signatures only, and with `restrictions` (the key's parameters) only
 * with that hash and MGF1 hash and a salt at least that long.
 */
export interface RsaPssKeyParameters {
  restrictions?: { hash: HashAlgorithm; mgfHash: HashAlgorithm; minSaltLength: number };
}

export interface RsaPublicKey {
  n: bigint;
  e: bigint;
  /** Present on an id-RSASSA-PSS key; absent on an rsaEncryption key, which any RSA scheme may use. */
  pss?: RsaPssKeyParameters;
}

/** RFC 8017 §3.2 second representation: the CRT quintuple alongside d. */
export interface RsaPrivateKey extends RsaPublicKey {
  d: bigint;
  p: bigint;
  q: bigint;
  dp: bigint;
  dq: bigint;
  qinv: bigint;
}

/** k, the modulus length in bytes (RFC 8017 §2). */
export function rsaModulusBytes(key: RsaPublicKey): number {
  return Math.ceil(bitLength(key.n) / 8);
}

/** The smallest modulus accepted at all; policy on key sizes belongs to x509/tls. */
const MIN_MODULUS_BITS = 512;

/** Throws CryptoError('invalid_key') for a public key no operation can use (RFC 8017 §3.1), 'unsupported_key_size' above the bounds. */
export function checkRsaPublicKey(key: RsaPublicKey): void {
  checkRsaKeySize(key.n, key.e);
  if (bitLength(key.n) < MIN_MODULUS_BITS || (key.n & 1n) === 0n) {
    throw new CryptoError(
      'invalid_key',
      `RSA modulus must be odd and at least ${MIN_MODULUS_BITS} bits`,
    );
  }
  if (key.e < 3n || (key.e & 1n) === 0n || key.e >= key.n) {
    throw new CryptoError('invalid_key', 'RSA public exponent must be odd, at least 3 and below n');
  }
}

/** RFC 4055 §1.2: an id-RSASSA-PSS key is for PSS signatures only, not PKCS#1 v1.5 signatures or encryption. */
export function checkNotPssOnly(key: RsaPublicKey, operation: string): void {
  if (key.pss !== undefined)
    throw new CryptoError('invalid_key', `an RSASSA-PSS key cannot be used for ${operation}`);
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/**
 * Builds a private key from n, e, d, p, q: computes dp, dq, qinv (RFC 8017
 * §3.2) after checking p·q = n and e·d ≡ 1 (mod λ(n)).
 */
export function rsaPrivateFromComponents(
  n: bigint,
  e: bigint,
  d: bigint,
  p: bigint,
  q: bigint,
): RsaPrivateKey {
  checkRsaPublicKey({ n, e });
  if (p <= 1n || q <= 1n || p === q || p * q !== n)
    throw new CryptoError('invalid_key', 'RSA primes do not multiply to n');
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  if (d <= 0n || d >= n || (e * d) % lambda !== 1n)
    throw new CryptoError('invalid_key', 'RSA exponents are not inverses modulo λ(n)');
  let qinv: bigint;
  try {
    qinv = modInverse(q, p);
  } catch (err) {
    throw new CryptoError('invalid_key', `q is not invertible modulo p: ${(err as Error).message}`);
  }
  return { n, e, d, p, q, dp: d % (p - 1n), dq: d % (q - 1n), qinv };
}

/**
 * A new key of exactly `bits` bits (FIPS 186-5 A.1.3 with probable primes):
 * p and q of ⌈bits/2⌉ and ⌊bits/2⌋ bits with their top two bits set,
 * gcd(e, p-1) = gcd(e, q-1) = 1, |p - q| > 2^(bits/2 - 100), d = e^-1 mod λ(n)
 * and d > 2^(bits/2).
 */
export function rsaGenerateKey(bits: number, random: Random, e: bigint = 65537n): RsaPrivateKey {
  if (!Number.isSafeInteger(bits) || bits < MIN_MODULUS_BITS || bits > RSA_MAX_MODULUS_BITS) {
    throw new CryptoError(
      'invalid_parameter',
      `RSA key size ${bits} outside ${MIN_MODULUS_BITS}..${RSA_MAX_MODULUS_BITS}`,
    );
  }
  if (e < 3n || (e & 1n) === 0n || bitLength(e) > 256)
    throw new CryptoError(
      'invalid_parameter',
      'RSA public exponent must be odd, ≥ 3, at most 256 bits',
    );
  const pBits = Math.ceil(bits / 2);
  const qBits = bits - pBits;
  const minDistance = 1n << BigInt(Math.max(pBits - 100, 0));
  for (;;) {
    const p = primeCoprimeTo(pBits, e, random);
    const q = primeCoprimeTo(qBits, e, random);
    const diff = p > q ? p - q : q - p;
    if (diff <= minDistance) continue;
    const n = p * q;
    if (bitLength(n) !== bits) continue;
    const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
    const d = modInverse(e, lambda);
    if (bitLength(d) <= pBits) continue;
    const [big, small] = p > q ? [p, q] : [q, p];
    return rsaPrivateFromComponents(n, e, d, big, small);
  }
}

function primeCoprimeTo(bits: number, e: bigint, random: Random): bigint {
  for (;;) {
    const p = generatePrime(bits, random);
    if (gcd(p - 1n, e) === 1n) return p;
  }
}
