/**
 * ECDSA signing on P-256 (SEC 1 §4.1.3) with our own k·G (p256-point.ts).
 * k comes from RFC 6979 §3.2 (hedged by §3.6's additional data when the
 * caller gives randomness), as noble made it before: same signatures.
 *
 * The scalar arithmetic mod n is BigInt. k^-1 is computed blinded: the
 * variable-time inverse is taken of k·β, then multiplied by β, where β in
 * [1, n − 1] is SHA-256 of k (secret, and unrelated to k's value as far as
 * the inversion's timing can tell). A second HMAC_DRBG output for β was
 * measured to cost more than the whole inversion.
 */
import { bigIntToBytes, modInverse } from './bigint.js';
import { bits2int, rfc6979Nonces } from './dsa-nonce.js';
import type { HashAlgorithm } from './hash.js';
import { hash as digestOf } from './hash.js';
import { P256_N, p256BaseMultiply } from './p256-point.js';

function toBigInt(b: Uint8Array): bigint {
  let n = 0n;
  for (const byte of b) n = (n << 8n) | BigInt(byte);
  return n;
}

/** (r, s) over a digest; the private key is 32 bytes in [1, n − 1] (checked by the caller). */
export function p256SignDigest(
  privateKey: Uint8Array,
  digest: Uint8Array,
  hash: HashAlgorithm,
  extra?: Uint8Array,
): { r: bigint; s: bigint } {
  const n = P256_N;
  const d = toBigInt(privateKey);
  // SEC 1 §4.1.3 step 5: e is the leftmost 256 bits of the digest.
  const e = bits2int(digest, 256) % n;
  const nonces = rfc6979Nonces(hash, n, d, digest, extra);
  for (;;) {
    const k = nonces.next().value as bigint;
    const kBytes = bigIntToBytes(k, 32);
    const beta = (toBigInt(digestOf('sha256', kBytes)) % (n - 1n)) + 1n;
    const r = toBigInt(p256BaseMultiply(kBytes).x) % n;
    // r = 0 or s = 0 (probability about 2^-256): the next candidate k (§3.2 step h.3).
    if (r === 0n) continue;
    const kInverse = (modInverse((k * beta) % n, n) * beta) % n;
    const s = (kInverse * ((e + r * d) % n)) % n;
    if (s !== 0n) return { r, s };
  }
}
