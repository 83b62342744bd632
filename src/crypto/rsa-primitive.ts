/**
 * The RSA primitives of RFC 8017 §5: RSAEP/RSAVP1 (public) and RSADP/RSASP1
 * (private). The private operation uses the CRT quintuple, blinds the input
 * with a random r (c·r^e, then unblinds with r^-1) and checks its own result
 * against the public key before anything leaves (the Boneh–DeMillo–Lipton
 * CRT fault attack recovers p from one faulty signature).
 *
 * BigInt is not constant-time (see bigint.ts): the blinding makes the values
 * entering the exponentiation random; the exponentiation itself runs the same
 * operation sequence for every key of the same size.
 */
import type { Random } from '../prng/random.js';
import { bitLength, modInverse, modPow, modPowPublic, reducer } from './bigint.js';
import { CryptoError } from './errors.js';
import { randomInRange } from './random-bigint.js';
import type { RsaPrivateKey, RsaPublicKey } from './rsa-key.js';

/** RSAEP / RSAVP1: m^e mod n. The caller checks 0 ≤ m < n. */
export function rsaPublicOp(key: RsaPublicKey, m: bigint): bigint {
  return modPowPublic(m, key.e, key.n);
}

/** A blinding pair (r^e, r^-1) mod n, refreshed by squaring after each use, as OpenSSL does, and redrawn every REDRAW uses. */
interface Blinding {
  forward: bigint;
  inverse: bigint;
  uses: number;
}

const REDRAW = 32;
const blindings = new WeakMap<RsaPrivateKey, Blinding>();

function takeBlinding(key: RsaPrivateKey, random: Random): Blinding {
  let b = blindings.get(key);
  if (b === undefined || b.uses >= REDRAW) {
    for (;;) {
      const r = randomInRange(2n, key.n - 1n, random);
      let inverse: bigint;
      try {
        inverse = modInverse(r, key.n);
      } catch (err) {
        // r shares a factor with n: only possible with a broken key or random source.
        if (err instanceof CryptoError) continue;
        throw err;
      }
      b = { forward: modPowPublic(r, key.e, key.n), inverse, uses: 0 };
      break;
    }
  }
  const current = { ...b };
  blindings.set(key, {
    forward: (b.forward * b.forward) % key.n,
    inverse: (b.inverse * b.inverse) % key.n,
    uses: b.uses + 1,
  });
  return current;
}

/** RSADP / RSASP1: c^d mod n via CRT, blinded and checked. The caller checks 0 ≤ c < n. */
export function rsaPrivateOp(key: RsaPrivateKey, c: bigint, random: Random): bigint {
  const { n, p, q, dp, dq, qinv } = key;
  const blinding = takeBlinding(key, random);
  const blinded = reducer(n)(c * blinding.forward);
  // RFC 8017 §5.1.2 step 2.b (ii): Garner's recombination.
  const m1 = modPow(blinded % p, dp, p, bitLength(p));
  const m2 = modPow(blinded % q, dq, q, bitLength(q));
  const h = ((m1 + p - (m2 % p)) * qinv) % p;
  const mBlinded = m2 + h * q;
  const m = (mBlinded * blinding.inverse) % n;
  if (modPowPublic(m, key.e, n) !== c % n) {
    throw new CryptoError(
      'invalid_key',
      'RSA private operation failed its check: inconsistent CRT components or a computation fault',
    );
  }
  return m;
}
