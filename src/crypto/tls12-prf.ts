import { createHmac } from './hmac.js';
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
    throw new CryptoError('invalid_parameter', `PRF output length ${length} is not a non-negative integer`);
  }
  const labelBytes = new TextEncoder().encode(label);
  const labelAndSeed = new Uint8Array(labelBytes.length + seed.length);
  labelAndSeed.set(labelBytes);
  labelAndSeed.set(seed, labelBytes.length);
  const keyed = createHmac(hash, secret);
  const out = new Uint8Array(length);
  let a: Uint8Array = labelAndSeed;
  for (let offset = 0; offset < length; ) {
    a = keyed.clone().update(a).digest();
    const block = keyed.clone().update(a).update(labelAndSeed).digest();
    const take = Math.min(block.length, length - offset);
    out.set(block.subarray(0, take), offset);
    offset += take;
  }
  return out;
}
