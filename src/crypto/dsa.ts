/**
 * DSA (FIPS 186-4 §4; kept by FIPS 186-5 for verification, used by TLS 1.2
 * DHE-DSS). Nonces are RFC 6979 deterministic, hedged with fresh randomness
 * when a Random is given. The secret arithmetic is blinded: s is computed as
 * b·(z + x·r) · (k·b)^-1 mod q for a secret random b, so neither k nor x·r
 * meets the (variable-time) inversion or reduction unmasked. BigInt is not
 * constant-time (see bigint.ts); g^k runs the fixed-window sequence over
 * bitLength(q) bits.
 */
import type { Random } from '../prng/random.js';
import { bitLength, modInverse, modPow, modPow2Public, modPowPublic } from './bigint.js';
import { decodeDsaSignature, encodeDsaSignature } from './dsa-signature-der.js';
import { bits2int, rfc6979Nonces } from './dsa-nonce.js';
import { CryptoError } from './errors.js';
import type { HashAlgorithm } from './hash.js';
import { hash } from './hash.js';
import { checkDsaKeySize, DSA_Q_BITS } from './key-bounds.js';

export interface DsaParams {
  p: bigint;
  q: bigint;
  g: bigint;
}
export interface DsaPublicKey extends DsaParams {
  y: bigint;
}
export interface DsaPrivateKey extends DsaPublicKey {
  x: bigint;
}

/**
 * Domain parameter sanity (FIPS 186-4 §4.2, §4.3 partial validation): p of
 * at least 1024 bits, q of 160/224/256 bits dividing p - 1, 1 < g < p and
 * g^q ≡ 1 (mod p). Primality of p and q is not re-proven here.
 */
export function dsaCheckParams(params: DsaParams): void {
  const { p, q, g } = params;
  if (bitLength(p) < 1024)
    throw new CryptoError('invalid_key', 'DSA p must have at least 1024 bits');
  if (!DSA_Q_BITS.includes(bitLength(q)))
    throw new CryptoError('invalid_key', 'DSA q must have 160, 224 or 256 bits');
  checkDsaKeySize(p, q);
  if ((p - 1n) % q !== 0n) throw new CryptoError('invalid_key', 'DSA q does not divide p - 1');
  if (g <= 1n || g >= p) throw new CryptoError('invalid_key', 'DSA g out of range');
  if (modPowPublic(g, q, p) !== 1n)
    throw new CryptoError('invalid_key', 'DSA g does not have order q');
}

/** The cheap structural checks every operation makes; dsaCheckParams does the full ones. */
function checkKeyShape(key: DsaPublicKey): void {
  const { p, q, g, y } = key;
  checkDsaKeySize(p, q);
  if (bitLength(q) < 160 || bitLength(p) <= bitLength(q) || (p & 1n) === 0n || (q & 1n) === 0n) {
    throw new CryptoError('invalid_key', 'DSA parameters have impossible sizes');
  }
  if (g <= 1n || g >= p || y <= 1n || y >= p)
    throw new CryptoError('invalid_key', 'DSA g or y out of range');
}

/** z: the leftmost min(N, outlen) bits of the digest (FIPS 186-4 §4.6). */
function digestToZ(digest: Uint8Array, q: bigint): bigint {
  return bits2int(digest, bitLength(q));
}

export function dsaSignDigest(
  key: DsaPrivateKey,
  hashAlg: HashAlgorithm,
  digest: Uint8Array,
  random?: Random,
): Uint8Array {
  checkKeyShape(key);
  const { p, q, g, x } = key;
  if (x <= 0n || x >= q) throw new CryptoError('invalid_key', 'DSA private key out of range');
  const qBits = bitLength(q);
  const z = digestToZ(digest, q);
  const extra = random?.bytes(Math.ceil(qBits / 8));
  const nonces = rfc6979Nonces(hashAlg, q, x, digest, extra);
  for (;;) {
    const k = nonces.next().value as bigint;
    const r = modPow(g, k, p, qBits) % q;
    if (r === 0n) continue;
    // The blinding factor comes from the same HMAC stream (secret, unpredictable without x).
    const b = nonces.next().value as bigint;
    const kb = (k * b) % q;
    const numerator = (((b * x) % q) * r + b * z) % q;
    const s = (numerator * modInverse(kb, q)) % q;
    if (s === 0n) continue;
    return encodeDsaSignature(r, s);
  }
}

export function dsaSign(
  key: DsaPrivateKey,
  hashAlg: HashAlgorithm,
  message: Uint8Array,
  random?: Random,
): Uint8Array {
  return dsaSignDigest(key, hashAlg, hash(hashAlg, message), random);
}

/** FIPS 186-4 §4.7. False for any malformed or wrong signature; throws only for an unusable key. */
export function dsaVerifyDigest(
  key: DsaPublicKey,
  hashAlg: HashAlgorithm,
  digest: Uint8Array,
  derSignature: Uint8Array,
): boolean {
  checkKeyShape(key);
  const sig = decodeDsaSignature(derSignature);
  if (sig === null) return false;
  const { p, q, g, y } = key;
  const { r, s } = sig;
  if (r <= 0n || r >= q || s <= 0n || s >= q) return false;
  const w = modInverse(s, q);
  const z = digestToZ(digest, q);
  const v = modPow2Public(g, (z * w) % q, y, (r * w) % q, p) % q;
  return v === r;
}

export function dsaVerify(
  key: DsaPublicKey,
  hashAlg: HashAlgorithm,
  message: Uint8Array,
  derSignature: Uint8Array,
): boolean {
  return dsaVerifyDigest(key, hashAlg, hash(hashAlg, message), derSignature);
}
