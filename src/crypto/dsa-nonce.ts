/**
 * Deterministic DSA nonces, RFC 6979 §3.2, with the optional additional
 * data of §3.6 for hedged signing (fresh randomness mixed in, so a repeated
 * message does not reuse k and a weak random source does not either).
 */
import { bigIntToBytes, bitLength, bytesToBigInt } from './bigint.js';
import { concatBytes } from '@noble/hashes/utils.js';
import type { HashAlgorithm } from './hash.js';
import { hmac } from './hmac.js';

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
export function* rfc6979Nonces(hashAlg: HashAlgorithm, q: bigint, x: bigint, h1: Uint8Array, extra?: Uint8Array): Generator<bigint> {
  const qlen = bitLength(q);
  const rlen = Math.ceil(qlen / 8);
  const z1 = bits2int(h1, qlen);
  const seed = concatBytes(bigIntToBytes(x, rlen), bigIntToBytes(z1 >= q ? z1 - q : z1, rlen), extra ?? new Uint8Array(0));
  const hlen = hmac(hashAlg, new Uint8Array(0), new Uint8Array(0)).length;
  let v: Uint8Array = new Uint8Array(hlen).fill(0x01);
  let k: Uint8Array = new Uint8Array(hlen);
  k = hmac(hashAlg, k, concatBytes(v, Uint8Array.of(0x00), seed));
  v = hmac(hashAlg, k, v);
  k = hmac(hashAlg, k, concatBytes(v, Uint8Array.of(0x01), seed));
  v = hmac(hashAlg, k, v);
  for (;;) {
    let t: Uint8Array = new Uint8Array(0);
    while (t.length < rlen) {
      v = hmac(hashAlg, k, v);
      t = concatBytes(t, v);
    }
    const candidate = bits2int(t.subarray(0, rlen), qlen);
    if (candidate >= 1n && candidate < q) yield candidate;
    k = hmac(hashAlg, k, concatBytes(v, Uint8Array.of(0x00)));
    v = hmac(hashAlg, k, v);
  }
}
