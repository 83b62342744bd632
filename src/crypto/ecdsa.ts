import { ecdsa } from '@noble/curves/abstract/weierstrass.js';
import type { ECDSA } from '@noble/curves/abstract/weierstrass.js';
import { p256, p384 } from '@noble/curves/nist.js';
import type { Random } from '../prng/random.js';
import type { HashAlgorithm } from './hash.js';
import { hash as digestOf, nobleHash } from './hash.js';
import { encodeDsaSignature } from './dsa-signature-der.js';
import { p256SignDigest } from './ecdsa-p256-sign.js';
import { CryptoError } from './errors.js';
import { p256BaseMultiply } from './p256-point.js';

export type EcdsaCurve = 'P-256' | 'P-384';

interface CurveInfo {
  readonly base: ECDSA;
  /** Byte length of n and of a coordinate. */
  readonly size: number;
  readonly n: bigint;
  readonly defaultHash: HashAlgorithm;
}

const CURVES: Record<EcdsaCurve, CurveInfo> = {
  'P-256': { base: p256, size: 32, n: p256.Point.Fn.ORDER, defaultHash: 'sha256' },
  'P-384': { base: p384, size: 48, n: p384.Point.Fn.ORDER, defaultHash: 'sha384' },
};

/**
 * RFC 6979 §3.2 runs HMAC_DRBG with the hash that made the digest, so signing
 * needs one noble ECDSA instance per (curve, hash). Built on first use.
 */
const signers = new Map<string, ECDSA>();

function signer(curve: EcdsaCurve, hash: HashAlgorithm): ECDSA {
  const info = CURVES[curve];
  if (hash === info.defaultHash) return info.base;
  const key = `${curve}/${hash}`;
  let instance = signers.get(key);
  if (instance === undefined) {
    instance = ecdsa(info.base.Point, nobleHash(hash));
    signers.set(key, instance);
  }
  return instance;
}

const HASH_BY_DIGEST_LENGTH: ReadonlyMap<number, HashAlgorithm> = new Map([
  [20, 'sha1'],
  [32, 'sha256'],
  [48, 'sha384'],
  [64, 'sha512'],
]);

/** Uncompressed SEC1 public key (SEC 1 §2.3.3). */
export function ecdsaPublicKey(curve: EcdsaCurve, privateKey: Uint8Array): Uint8Array {
  checkPrivateKey(curve, privateKey);
  if (curve === 'P-256') {
    const { x, y } = p256BaseMultiply(privateKey);
    return Uint8Array.from([0x04, ...x, ...y]);
  }
  return CURVES[curve].base.getPublicKey(privateKey, false);
}

/** DER signature over hash(message); k per RFC 6979, hedged with `random` when given (RFC 6979 §3.6). */
export function ecdsaSign(
  curve: EcdsaCurve,
  privateKey: Uint8Array,
  hash: HashAlgorithm,
  message: Uint8Array,
  random?: Random,
): Uint8Array {
  return signDigest(curve, privateKey, digestOf(hash, message), hash, random);
}

/**
 * DER signature over a digest made elsewhere (a TLS transcript). The RFC 6979
 * HMAC uses the SHA whose output has the digest's length, else the curve's own hash.
 */
export function ecdsaSignDigest(
  curve: EcdsaCurve,
  privateKey: Uint8Array,
  digest: Uint8Array,
  random?: Random,
): Uint8Array {
  const hash = HASH_BY_DIGEST_LENGTH.get(digest.length) ?? CURVES[curve].defaultHash;
  return signDigest(curve, privateKey, digest, hash, random);
}

export function ecdsaVerify(
  curve: EcdsaCurve,
  publicKey: Uint8Array,
  hash: HashAlgorithm,
  message: Uint8Array,
  derSignature: Uint8Array,
): boolean {
  return ecdsaVerifyDigest(curve, publicKey, digestOf(hash, message), derSignature);
}

/**
 * SEC 1 §4.1.4 verification of a strict-DER signature. High-S is accepted
 * (TLS peers and CAs produce it). A bad signature is `false`; a malformed
 * public key throws CryptoError('invalid_key').
 */
export function ecdsaVerifyDigest(
  curve: EcdsaCurve,
  publicKey: Uint8Array,
  digest: Uint8Array,
  derSignature: Uint8Array,
): boolean {
  const info = CURVES[curve];
  checkPublicKey(curve, publicKey);
  const parsed = parseDerSignature(derSignature);
  if (parsed === undefined) return false;
  const { r, s } = parsed;
  // SEC 1 §4.1.4 step 1: r and s must be in [1, n-1].
  if (r < 1n || r >= info.n || s < 1n || s >= info.n) return false;
  const compact = new Uint8Array(2 * info.size);
  compact.set(toFixedBytes(r, info.size), 0);
  compact.set(toFixedBytes(s, info.size), info.size);
  // prehash: false — the digest is ours; noble truncates it to n's bit length (SEC 1 §4.1.3 step 5).
  return info.base.verify(compact, digest, publicKey, {
    prehash: false,
    lowS: false,
    format: 'compact',
  });
}

function signDigest(
  curve: EcdsaCurve,
  privateKey: Uint8Array,
  digest: Uint8Array,
  hash: HashAlgorithm,
  random: Random | undefined,
): Uint8Array {
  checkPrivateKey(curve, privateKey);
  const extraEntropy = random === undefined ? false : random.bytes(CURVES[curve].size);
  if (curve === 'P-256') {
    // Our own k·G (p256-point.ts); P-384 stays on noble.
    const { r, s } = p256SignDigest(
      privateKey,
      digest,
      hash,
      extraEntropy === false ? undefined : extraEntropy,
    );
    return encodeDsaSignature(r, s);
  }
  // lowS: false — the signature is the one RFC 6979 and SEC 1 define, as OpenSSL makes it.
  return signer(curve, hash).sign(digest, privateKey, {
    prehash: false,
    lowS: false,
    format: 'der',
    extraEntropy,
  });
}

function checkPrivateKey(curve: EcdsaCurve, privateKey: Uint8Array): void {
  const info = CURVES[curve];
  if (privateKey.length !== info.size || !info.base.utils.isValidSecretKey(privateKey)) {
    throw new CryptoError(
      'invalid_key',
      `${curve} private key must be ${info.size} bytes encoding a scalar in [1, n-1]`,
    );
  }
}

/** SEC 1 §2.3.4: 0x04 || X || Y, or 0x02/0x03 || X. Hybrid (0x06/0x07) and infinity are refused. */
function checkPublicKey(curve: EcdsaCurve, publicKey: Uint8Array): void {
  const { size, base } = CURVES[curve];
  const first = publicKey[0];
  const shapeOk =
    (first === 0x04 && publicKey.length === 1 + 2 * size) ||
    ((first === 0x02 || first === 0x03) && publicKey.length === 1 + size);
  if (!shapeOk)
    throw new CryptoError('invalid_key', `${curve} public key is not a SEC1 point encoding`);
  try {
    base.Point.fromBytes(publicKey).assertValidity();
  } catch (e) {
    throw new CryptoError(
      'invalid_key',
      `${curve} public key is not on the curve: ${(e as Error).message}`,
    );
  }
}

/**
 * ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 §2.2.3) in
 * strict DER (X.690 §10): short-form lengths (every valid P-256/P-384
 * signature is under 128 bytes), minimal non-negative integers, nothing after.
 */
function parseDerSignature(der: Uint8Array): { r: bigint; s: bigint } | undefined {
  if (der.length < 2 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const r = parseDerInteger(der, 2);
  if (r === undefined) return undefined;
  const s = parseDerInteger(der, r.next);
  if (s === undefined || s.next !== der.length) return undefined;
  return { r: r.value, s: s.value };
}

function parseDerInteger(der: Uint8Array, at: number): { value: bigint; next: number } | undefined {
  if (der[at] !== 0x02) return undefined;
  const length = der[at + 1];
  // Short form only (X.690 §10.1), at least one content byte (§8.3.1).
  if (length === undefined || length === 0 || length >= 0x80) return undefined;
  const start = at + 2;
  const end = start + length;
  if (end > der.length) return undefined;
  const first = der[start] as number;
  if (first & 0x80) return undefined; // negative
  if (first === 0 && length > 1 && ((der[start + 1] as number) & 0x80) === 0) return undefined; // not minimal (X.690 §8.3.2)
  let value = 0n;
  for (let i = start; i < end; i++) value = (value << 8n) | BigInt(der[i] as number);
  return { value, next: end };
}

function toFixedBytes(x: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--, x >>= 8n) out[i] = Number(x & 0xffn);
  return out;
}
