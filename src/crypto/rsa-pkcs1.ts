/** RSASSA-PKCS1-v1_5 (RFC 8017 §8.2, EMSA-PKCS1-v1_5 §9.2). */
import type { Random } from '../prng/random.js';
import { bigIntToBytes, bytesToBigInt } from './bigint.js';
import { CryptoError } from './errors.js';
import type { HashAlgorithm } from './hash.js';
import { hash, hashOutputLen } from './hash.js';
import type { RsaPrivateKey, RsaPublicKey } from './rsa-key.js';
import { checkNotPssOnly, checkRsaPublicKey, rsaModulusBytes } from './rsa-key.js';
import { rsaPrivateOp, rsaPublicOp } from './rsa-primitive.js';

/** DER of DigestInfo up to the digest, RFC 8017 §9.2 note 1. */
const DIGEST_INFO_PREFIX: Record<HashAlgorithm, Uint8Array> = {
  md5: Uint8Array.from([
    0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05, 0x05, 0x00,
    0x04, 0x10,
  ]),
  sha1: Uint8Array.from([
    0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14,
  ]),
  sha256: Uint8Array.from([
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
  ]),
  sha384: Uint8Array.from([
    0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05,
    0x00, 0x04, 0x30,
  ]),
  sha512: Uint8Array.from([
    0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05,
    0x00, 0x04, 0x40,
  ]),
};

/** EMSA-PKCS1-v1_5-ENCODE: 0x00 0x01 FF..FF 0x00 DigestInfo; null if k is too short (§9.2 step 3). */
function encode(hashAlg: HashAlgorithm, digest: Uint8Array, k: number): Uint8Array | null {
  const prefix = DIGEST_INFO_PREFIX[hashAlg];
  const tLen = prefix.length + digest.length;
  if (k < tLen + 11) return null;
  const em = new Uint8Array(k).fill(0xff);
  em[0] = 0x00;
  em[1] = 0x01;
  em[k - tLen - 1] = 0x00;
  em.set(prefix, k - tLen);
  em.set(digest, k - digest.length);
  return em;
}

function checkDigest(hashAlg: HashAlgorithm, digest: Uint8Array): void {
  if (digest.length !== hashOutputLen(hashAlg)) {
    throw new CryptoError(
      'invalid_parameter',
      `${hashAlg} digest must be ${hashOutputLen(hashAlg)} bytes, got ${digest.length}`,
    );
  }
}

export function rsaPkcs1v15SignDigest(
  key: RsaPrivateKey,
  hashAlg: HashAlgorithm,
  digest: Uint8Array,
  random: Random,
): Uint8Array {
  checkRsaPublicKey(key);
  checkNotPssOnly(key, 'PKCS#1 v1.5 signatures');
  checkDigest(hashAlg, digest);
  const k = rsaModulusBytes(key);
  const em = encode(hashAlg, digest, k);
  if (em === null)
    throw new CryptoError(
      'invalid_parameter',
      `RSA key of ${k} bytes too short for a ${hashAlg} signature`,
    );
  return bigIntToBytes(rsaPrivateOp(key, bytesToBigInt(em), random), k);
}

export function rsaPkcs1v15Sign(
  key: RsaPrivateKey,
  hashAlg: HashAlgorithm,
  message: Uint8Array,
  random: Random,
): Uint8Array {
  return rsaPkcs1v15SignDigest(key, hashAlg, hash(hashAlg, message), random);
}

/**
 * RFC 8017 §8.2.2: re-encodes the expected block and compares all of it, so
 * a signature with garbage hidden in or after a leniently parsed DigestInfo
 * (Bleichenbacher 2006) cannot pass. False for any bad signature and for an
 * RSASSA-PSS key (RFC 4055 §1.2); throws only for an unusable key.
 */
export function rsaPkcs1v15VerifyDigest(
  key: RsaPublicKey,
  hashAlg: HashAlgorithm,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean {
  checkRsaPublicKey(key);
  if (key.pss !== undefined) return false;
  const k = rsaModulusBytes(key);
  if (signature.length !== k || digest.length !== hashOutputLen(hashAlg)) return false;
  const s = bytesToBigInt(signature);
  if (s >= key.n) return false;
  const expected = encode(hashAlg, digest, k);
  if (expected === null) return false;
  const em = bigIntToBytes(rsaPublicOp(key, s), k);
  let diff = 0;
  for (let i = 0; i < k; i++) diff |= (em[i] as number) ^ (expected[i] as number);
  return diff === 0;
}

export function rsaPkcs1v15Verify(
  key: RsaPublicKey,
  hashAlg: HashAlgorithm,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  return rsaPkcs1v15VerifyDigest(key, hashAlg, hash(hashAlg, message), signature);
}
