import { createHmac } from './hmac.js';
import { HmacSha256Key } from '../prng/hmac-sha256.js';
import { CryptoError } from './errors.js';

/**
 * RFC 5246 §5: PRF(secret, label, seed) = P_<hash>(secret, label + seed), with
 * P_hash(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + …,
 * A(0) = seed, A(i) = HMAC(secret, A(i-1)).
 */
export function tls12Prf(
  hash: 'sha256' | 'sha384',
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new CryptoError(
      'invalid_parameter',
      `PRF output length ${length} is not a non-negative integer`,
    );
  }
  const labelBytes = new TextEncoder().encode(label);
  const labelAndSeed = new Uint8Array(labelBytes.length + seed.length);
  labelAndSeed.set(labelBytes);
  labelAndSeed.set(seed, labelBytes.length);
  const out = new Uint8Array(length);
  if (hash === 'sha256') return pSha256(new HmacSha256Key(secret), labelAndSeed, out);
  const keyed = createHmac(hash, secret);
  let a: Uint8Array = labelAndSeed;
  for (let offset = 0; offset < length;) {
    a = keyed.clone().update(a).digest();
    const block = keyed.clone().update(a).update(labelAndSeed).digest();
    const take = Math.min(block.length, length - offset);
    out.set(block.subarray(0, take), offset);
    offset += take;
  }
  return out;
}

/** P_SHA256 on the pad states computed once per secret. */
function pSha256(key: HmacSha256Key, labelAndSeed: Uint8Array, out: Uint8Array): Uint8Array {
  let a = labelAndSeed;
  for (let offset = 0; offset < out.length;) {
    a = key.mac(a);
    const block = key.mac(a, labelAndSeed);
    const take = Math.min(block.length, out.length - offset);
    out.set(block.subarray(0, take), offset);
    offset += take;
  }
  return out;
}
