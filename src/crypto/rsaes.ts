/** RSAES-PKCS1-v1_5 (RFC 8017 §7.2) as TLS 1.2's RSA key exchange uses it. */
import type { Random } from '../prng/random.js';
import { bigIntToBytes, bytesToBigInt } from './bigint.js';
import { CryptoError } from './errors.js';
import type { RsaPrivateKey, RsaPublicKey } from './rsa-key.js';
import { checkNotPssOnly, checkRsaPublicKey, rsaModulusBytes } from './rsa-key.js';
import { rsaPrivateOp, rsaPublicOp } from './rsa-primitive.js';

/** RFC 8017 §7.2.1: EM = 0x00 || 0x02 || PS (≥ 8 nonzero random bytes) || 0x00 || M. */
export function rsaEncryptPkcs1v15(
  key: RsaPublicKey,
  message: Uint8Array,
  random: Random,
): Uint8Array {
  checkRsaPublicKey(key);
  checkNotPssOnly(key, 'encryption');
  const k = rsaModulusBytes(key);
  if (message.length > k - 11)
    throw new CryptoError(
      'invalid_parameter',
      `message of ${message.length} bytes too long for a ${k}-byte RSA key`,
    );
  const em = new Uint8Array(k);
  em[1] = 0x02;
  const psLen = k - message.length - 3;
  for (let filled = 0; filled < psLen;) {
    for (const b of random.bytes(psLen - filled)) if (b !== 0) em[2 + filled++] = b;
  }
  em.set(message, k - message.length);
  return bigIntToBytes(rsaPublicOp(key, bytesToBigInt(em)), k);
}

const PREMASTER_LEN = 48;

/** 0xff…ff (as a 32-bit mask, −1) when x is 0, else 0; x is a byte or small integer ≥ 0. */
function zeroMask(x: number): number {
  return ((x | -x) >> 31) ^ -1;
}

/** −1 when a === b, else 0, for 0 ≤ a, b < 2^30. */
function eqMask(a: number, b: number): number {
  return zeroMask(a ^ b);
}

/** −1 when a < b, else 0, for 0 ≤ a, b < 2^30. */
function ltMask(a: number, b: number): number {
  return (a - b) >> 31;
}

/**
 * RFC 5246 §7.4.7.1: the premaster secret from an EncryptedPreMasterSecret,
 * without a padding oracle. It draws 48 random bytes first, always decrypts,
 * checks the PKCS#1 v1.5 block, the 48-byte length and the client_version
 * bytes with masks (no early return, no exception, the same steps whatever
 * is wrong), and returns the decrypted premaster or the random one selected
 * by mask. A ciphertext of the wrong length or ≥ n also yields the random
 * premaster (its length and value against n are public, but the same
 * decryption is still done on a substitute so the timing matches).
 */
export function rsaDecryptTlsPremaster(
  key: RsaPrivateKey,
  ciphertext: Uint8Array,
  clientVersion: number,
  random: Random,
): Uint8Array {
  checkRsaPublicKey(key);
  checkNotPssOnly(key, 'decryption');
  const fallback = random.bytes(PREMASTER_LEN);
  const k = rsaModulusBytes(key);
  let good = eqMask(ciphertext.length, k);
  const fixed = new Uint8Array(k);
  fixed.set(ciphertext.subarray(0, k), Math.max(0, k - ciphertext.length));
  let c = bytesToBigInt(fixed);
  good &= c < key.n ? -1 : 0;
  c %= key.n;
  const em = bigIntToBytes(rsaPrivateOp(key, c, random), k);

  good &= zeroMask(em[0] as number);
  good &= eqMask(em[1] as number, 2);
  // First zero byte after the two header bytes: the separator.
  let found = 0;
  let separator = 0;
  for (let i = 2; i < k; i++) {
    const isZero = zeroMask(em[i] as number) & ~found;
    separator |= i & isZero;
    found |= isZero;
  }
  good &= found;
  // PS is em[2 .. separator), at least 8 bytes (RFC 8017 §7.2.2 step 3).
  good &= ~ltMask(separator, 10);
  good &= eqMask(k - separator - 1, PREMASTER_LEN);
  good &= eqMask(em[k - PREMASTER_LEN] as number, (clientVersion >> 8) & 0xff);
  good &= eqMask(em[k - PREMASTER_LEN + 1] as number, clientVersion & 0xff);

  const out = new Uint8Array(PREMASTER_LEN);
  for (let i = 0; i < PREMASTER_LEN; i++) {
    out[i] = ((em[k - PREMASTER_LEN + i] as number) & good) | ((fallback[i] as number) & ~good);
  }
  return out;
}
