import type { HashAlgorithm } from './hash.js';
import { hashOutputLen } from './hash.js';
import { createHmac, hmac } from './hmac.js';
import { CryptoError } from './errors.js';

/**
 * RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM). An empty salt is the same as
 * HashLen zero octets, because HMAC pads every key to the block size.
 */
export function hkdfExtract(hash: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return hmac(hash, salt, ikm);
}

/** RFC 5869 §2.3: T(i) = HMAC-Hash(PRK, T(i-1) | info | i), L ≤ 255·HashLen. */
export function hkdfExpand(
  hash: HashAlgorithm,
  prk: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  const hashLen = hashOutputLen(hash);
  if (!Number.isSafeInteger(length) || length < 0 || length > 255 * hashLen) {
    throw new CryptoError(
      'invalid_parameter',
      `HKDF-Expand length ${length} is outside 0..${255 * hashLen}`,
    );
  }
  const keyed = createHmac(hash, prk);
  const out = new Uint8Array(length);
  const counter = new Uint8Array(1);
  let previous: Uint8Array = new Uint8Array(0);
  for (let offset = 0, i = 1; offset < length; i++) {
    counter[0] = i;
    // The keyed state is forked for every block but the last, which may use it up.
    const state = offset + hashLen >= length ? keyed : keyed.clone();
    previous = state.update(previous).update(info).update(counter).digest();
    out.set(previous.subarray(0, Math.min(hashLen, length - offset)), offset);
    offset += hashLen;
  }
  return out;
}

/** RFC 5869 §2: extract then expand. */
export function hkdf(
  hash: HashAlgorithm,
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  return hkdfExpand(hash, hkdfExtract(hash, salt, ikm), info, length);
}
