/**
 * Deterministic DSA nonces, RFC 6979 §3.2, with the optional additional
 * data of §3.6 for hedged signing (fresh randomness mixed in, so a repeated
 * message does not reuse k and a weak random source does not either).
 */
import { bigIntToBytes, bitLength, bytesToBigInt } from './bigint.js';
import { concatBytes } from '@noble/hashes/utils.js';
import type { HashAlgorithm } from './hash.js';
import { hmac } from './hmac.js';
import { HmacSha256Key } from '../prng/hmac-sha256.js';

/** bits2int (§2.3.2): the leftmost qlen bits of b as an integer. */
export function bits2int(b: Uint8Array, qlen: number): bigint {
  const x = bytesToBigInt(b);
  const blen = b.length * 8;
  return blen > qlen ? x >> BigInt(blen - qlen) : x;
}

/**
 * Successive candidates k in [1, q-1] for private key x and message hash h1
 * (§3.2 steps b–h; the generator continues at step h.3 when the caller
 * needs another value).
 */
export function* rfc6979Nonces(
  hashAlg: HashAlgorithm,
  q: bigint,
  x: bigint,
  h1: Uint8Array,
  extra?: Uint8Array,
): Generator<bigint> {
  const qlen = bitLength(q);
  const rlen = Math.ceil(qlen / 8);
  const z1 = bits2int(h1, qlen);
  const seed = concatBytes(
    bigIntToBytes(x, rlen),
    bigIntToBytes(z1 >= q ? z1 - q : z1, rlen),
    extra ?? new Uint8Array(0),
  );
  const mac = macFor(hashAlg);
  const hlen = HASH_LENGTH[hashAlg];
  let v: Uint8Array = new Uint8Array(hlen).fill(0x01);
  let k: Uint8Array = new Uint8Array(hlen);
  k = mac(k, v, ZERO, seed);
  v = mac(k, v);
  k = mac(k, v, ONE, seed);
  v = mac(k, v);
  for (;;) {
    let t: Uint8Array = new Uint8Array(0);
    while (t.length < rlen) {
      v = mac(k, v);
      t = t.length === 0 ? v : concatBytes(t, v);
    }
    const candidate = bits2int(t.subarray(0, rlen), qlen);
    if (candidate >= 1n && candidate < q) yield candidate;
    k = mac(k, v, ZERO);
    v = mac(k, v);
  }
}

const ZERO = Uint8Array.of(0x00);
const ONE = Uint8Array.of(0x01);
const HASH_LENGTH: Record<HashAlgorithm, number> = {
  md5: 16,
  sha1: 20,
  sha256: 32,
  sha384: 48,
  sha512: 64,
};

type Mac = (key: Uint8Array, ...parts: Uint8Array[]) => Uint8Array;

/** HMAC_K(parts…): SHA-256 on its pad-state HMAC (the P-256 signing path, issue 18), others on noble's. */
function macFor(hashAlg: HashAlgorithm): Mac {
  if (hashAlg === 'sha256') return (key, ...parts) => new HmacSha256Key(key).mac(...parts);
  return (key, ...parts) =>
    hmac(hashAlg, key, parts.length === 1 ? (parts[0] as Uint8Array) : concatBytes(...parts));
}
