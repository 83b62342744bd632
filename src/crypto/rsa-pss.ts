/**
 * RSASSA-PSS (RFC 8017 §8.1) with EMSA-PSS (§9.1) and MGF1 (Appendix B.2.1).
 * MGF1's hash defaults to the message hash (as TLS uses it) and may differ
 * (RFC 4055 §3.1, as certificates may). An id-RSASSA-PSS key with
 * parameters is held to them (RFC 4055 §3.1, RFC 8446 §4.2.3).
 */
import type { Random } from '../prng/random.js';
import { bigIntToBytes, bitLength, bytesToBigInt } from './bigint.js';
import { CryptoError } from './errors.js';
import type { HashAlgorithm } from './hash.js';
import { createHash, hash, hashOutputLen } from './hash.js';
import type { RsaPrivateKey, RsaPublicKey } from './rsa-key.js';
import { checkRsaPublicKey, rsaModulusBytes } from './rsa-key.js';
import { rsaPrivateOp, rsaPublicOp } from './rsa-primitive.js';

/** Salt length meaning "whatever the signature carries" on verification. */
export const PSS_SALT_ANY = -1;

/** MGF1 (RFC 8017 B.2.1): Hash(seed || C) for C = 0, 1, … truncated to `length`. */
export function mgf1(hashAlg: HashAlgorithm, seed: Uint8Array, length: number): Uint8Array {
  const hLen = hashOutputLen(hashAlg);
  const out = new Uint8Array(Math.ceil(length / hLen) * hLen);
  const counter = new Uint8Array(4);
  for (let c = 0, off = 0; off < length; c++, off += hLen) {
    new DataView(counter.buffer).setUint32(0, c);
    out.set(createHash(hashAlg).update(seed).update(counter).digest(), off);
  }
  return out.subarray(0, length);
}

/** H = Hash(0x00 × 8 || mHash || salt), §9.1.1 steps 5–6. */
function mPrimeHash(hashAlg: HashAlgorithm, digest: Uint8Array, salt: Uint8Array): Uint8Array {
  return createHash(hashAlg).update(new Uint8Array(8)).update(digest).update(salt).digest();
}

function checkDigest(hashAlg: HashAlgorithm, digest: Uint8Array): void {
  if (digest.length !== hashOutputLen(hashAlg)) {
    throw new CryptoError(
      'invalid_parameter',
      `${hashAlg} digest must be ${hashOutputLen(hashAlg)} bytes, got ${digest.length}`,
    );
  }
}

/**
 * Does the key's own restriction (if any) allow this hash and MGF1 hash?
 * RFC 4055 §3.1: hashAlgorithm and maskGenAlgorithm must match the key's.
 */
function keyAllows(key: RsaPublicKey, hashAlg: HashAlgorithm, mgfHash: HashAlgorithm): boolean {
  const r = key.pss?.restrictions;
  return r === undefined || (r.hash === hashAlg && r.mgfHash === mgfHash);
}

/** RFC 4055 §3.1: the key's saltLength is the minimum a signature may use. */
function minSaltLength(key: RsaPublicKey): number {
  return key.pss?.restrictions?.minSaltLength ?? 0;
}

/**
 * May this key make (or have made) a PSS signature with this hash, MGF1 hash
 * and salt length? For TLS's rsa_pss_pss_* schemes (RFC 8446 §4.2.3: MGF1
 * with the scheme's hash, salt as long as the hash) ask with
 * (hash, hash, hashOutputLen(hash)). Any RSA key may make PSS signatures.
 */
export function rsaPssKeyAllows(
  key: RsaPublicKey,
  hashAlg: HashAlgorithm,
  mgfHash: HashAlgorithm,
  saltLength: number,
): boolean {
  return keyAllows(key, hashAlg, mgfHash) && saltLength >= minSaltLength(key);
}

export function rsaPssSignDigest(
  key: RsaPrivateKey,
  hashAlg: HashAlgorithm,
  digest: Uint8Array,
  random: Random,
  saltLength?: number,
  mgfHash: HashAlgorithm = hashAlg,
): Uint8Array {
  checkRsaPublicKey(key);
  checkDigest(hashAlg, digest);
  if (!keyAllows(key, hashAlg, mgfHash)) {
    throw new CryptoError(
      'invalid_parameter',
      `this RSASSA-PSS key is restricted to ${key.pss?.restrictions?.hash} with MGF1-${key.pss?.restrictions?.mgfHash}`,
    );
  }
  const hLen = hashOutputLen(hashAlg);
  const sLen = saltLength ?? hLen;
  if (sLen < minSaltLength(key))
    throw new CryptoError(
      'invalid_parameter',
      `PSS salt of ${sLen} bytes is below this key's minimum of ${minSaltLength(key)}`,
    );
  const emBits = bitLength(key.n) - 1;
  const emLen = Math.ceil(emBits / 8);
  if (!Number.isSafeInteger(sLen) || sLen < 0)
    throw new CryptoError('invalid_parameter', `bad PSS salt length ${sLen}`);
  if (emLen < hLen + sLen + 2)
    throw new CryptoError(
      'invalid_parameter',
      'RSA key too short for this PSS hash and salt length',
    );
  // §9.1.1 steps 4–12.
  const salt = random.bytes(sLen);
  const h = mPrimeHash(hashAlg, digest, salt);
  const db = new Uint8Array(emLen - hLen - 1);
  db[emLen - sLen - hLen - 2] = 0x01;
  db.set(salt, db.length - sLen);
  const mask = mgf1(mgfHash, h, db.length);
  for (let i = 0; i < db.length; i++) db[i] = (db[i] as number) ^ (mask[i] as number);
  db[0] = (db[0] as number) & (0xff >> (8 * emLen - emBits));
  const em = new Uint8Array(emLen);
  em.set(db);
  em.set(h, db.length);
  em[emLen - 1] = 0xbc;
  return bigIntToBytes(rsaPrivateOp(key, bytesToBigInt(em), random), rsaModulusBytes(key));
}

export function rsaPssSign(
  key: RsaPrivateKey,
  hashAlg: HashAlgorithm,
  message: Uint8Array,
  random: Random,
  saltLength?: number,
  mgfHash: HashAlgorithm = hashAlg,
): Uint8Array {
  return rsaPssSignDigest(key, hashAlg, hash(hashAlg, message), random, saltLength, mgfHash);
}

/**
 * §8.1.2 and EMSA-PSS-VERIFY §9.1.2. `saltLength` -1 accepts any salt length
 * the encoding carries (at least the key's minimum). False for a hash or MGF
 * hash the key's parameters do not allow.
 */
export function rsaPssVerifyDigest(
  key: RsaPublicKey,
  hashAlg: HashAlgorithm,
  digest: Uint8Array,
  signature: Uint8Array,
  saltLength?: number,
  mgfHash: HashAlgorithm = hashAlg,
): boolean {
  checkRsaPublicKey(key);
  const hLen = hashOutputLen(hashAlg);
  const sLen = saltLength ?? hLen;
  if (digest.length !== hLen || !Number.isSafeInteger(sLen) || sLen < PSS_SALT_ANY) return false;
  if (!keyAllows(key, hashAlg, mgfHash)) return false;
  const k = rsaModulusBytes(key);
  if (signature.length !== k) return false;
  const s = bytesToBigInt(signature);
  if (s >= key.n) return false;
  const emBits = bitLength(key.n) - 1;
  const emLen = Math.ceil(emBits / 8);
  const m = rsaPublicOp(key, s);
  if (bitLength(m) > emBits) return false;
  const em = bigIntToBytes(m, emLen);
  if (emLen < hLen + Math.max(sLen, 0) + 2 || em[emLen - 1] !== 0xbc) return false;
  const db = em.slice(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const topMask = 0xff >> (8 * emLen - emBits);
  if (((db[0] as number) & ~topMask) !== 0) return false;
  const mask = mgf1(mgfHash, h, db.length);
  for (let i = 0; i < db.length; i++) db[i] = (db[i] as number) ^ (mask[i] as number);
  db[0] = (db[0] as number) & topMask;
  // §9.1.2 step 10: zeros, then 0x01, then the salt.
  let one = 0;
  while (one < db.length && db[one] === 0) one++;
  if (one === db.length || db[one] !== 0x01) return false;
  const salt = db.subarray(one + 1);
  if ((sLen !== PSS_SALT_ANY && salt.length !== sLen) || salt.length < minSaltLength(key))
    return false;
  const expected = mPrimeHash(hashAlg, digest, salt);
  let diff = 0;
  for (let i = 0; i < hLen; i++) diff |= (expected[i] as number) ^ (h[i] as number);
  return diff === 0;
}

export function rsaPssVerify(
  key: RsaPublicKey,
  hashAlg: HashAlgorithm,
  message: Uint8Array,
  signature: Uint8Array,
  saltLength?: number,
  mgfHash: HashAlgorithm = hashAlg,
): boolean {
  return rsaPssVerifyDigest(key, hashAlg, hash(hashAlg, message), signature, saltLength, mgfHash);
}
