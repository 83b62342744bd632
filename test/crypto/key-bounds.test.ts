import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dhGenerate, dhSharedSecret, FFDHE2048 } from '../../src/crypto/dh.js';
import { dsaVerify } from '../../src/crypto/dsa.js';
import { CryptoError } from '../../src/crypto/errors.js';
import {
  DH_MAX_P_BITS,
  DSA_MAX_P_BITS,
  RSA_MAX_MODULUS_BITS,
} from '../../src/crypto/key-bounds.js';
import {
  isProbablePrime,
  isProbablePrimeAdversarial,
  millerRabinRoundsAdversarial,
} from '../../src/crypto/prime.js';
import { rsaGenerateKey, rsaPkcs1v15Verify, rsaPssVerify } from '../../src/crypto/rsa.js';
import { deterministicRandom } from '../../src/prng/deterministic.js';
import type { Random } from '../../src/prng/random.js';

/** Issue 13 item 12: keys beyond OpenSSL's bounds are refused before any arithmetic, by a named error. */

const tooLarge = (e: unknown): boolean =>
  e instanceof CryptoError && e.code === 'unsupported_key_size';
/** An odd number of exactly `bits` bits (no primality needed: the bound comes first). */
const oddOfBits = (bits: number): bigint => (1n << BigInt(bits - 1)) | 0x1234567n | 1n;
const msg = new TextEncoder().encode('m');

test('RSA: modulus above 16,384 bits is refused by verification', () => {
  const n = oddOfBits(RSA_MAX_MODULUS_BITS + 1);
  const sig = new Uint8Array(Math.ceil((RSA_MAX_MODULUS_BITS + 1) / 8)).fill(1);
  assert.throws(() => rsaPkcs1v15Verify({ n, e: 65537n }, 'sha256', msg, sig), tooLarge);
  assert.throws(() => rsaPssVerify({ n, e: 65537n }, 'sha256', msg, sig), tooLarge);
  assert.throws(
    () => rsaGenerateKey(RSA_MAX_MODULUS_BITS + 1, deterministicRandom('g')),
    CryptoError,
  );
  // At the bound: only a (false) verdict, no size error.
  const n16k = oddOfBits(RSA_MAX_MODULUS_BITS);
  assert.equal(
    rsaPkcs1v15Verify(
      { n: n16k, e: 65537n },
      'sha256',
      msg,
      new Uint8Array(RSA_MAX_MODULUS_BITS / 8).fill(1),
    ),
    false,
  );
});

test('RSA: public exponent above 64 bits only once the modulus exceeds 3,072 bits', () => {
  const e65 = (1n << 64n) | 1n;
  const e64 = (1n << 63n) | 1n;
  const sig = (bits: number): Uint8Array => new Uint8Array(bits / 8).fill(1);
  assert.throws(
    () => rsaPkcs1v15Verify({ n: oddOfBits(3073 + 7), e: e65 }, 'sha256', msg, sig(3080)),
    tooLarge,
  );
  assert.equal(rsaPkcs1v15Verify({ n: oddOfBits(4096), e: e64 }, 'sha256', msg, sig(4096)), false);
  assert.equal(
    rsaPkcs1v15Verify({ n: oddOfBits(3072), e: (1n << 100n) | 1n }, 'sha256', msg, sig(3072)),
    false,
  );
});

test('DSA: p above 10,000 bits or q not of 160/224/256 bits is refused', () => {
  const q = oddOfBits(256);
  const sig = Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01);
  assert.throws(
    () => dsaVerify({ p: oddOfBits(DSA_MAX_P_BITS + 1), q, g: 2n, y: 3n }, 'sha256', msg, sig),
    tooLarge,
  );
  for (const qBits of [128, 192, 255, 257, 384]) {
    assert.throws(
      () =>
        dsaVerify({ p: oddOfBits(2048), q: oddOfBits(qBits), g: 2n, y: 3n }, 'sha256', msg, sig),
      tooLarge,
      `${qBits}-bit q`,
    );
  }
  assert.equal(
    dsaVerify({ p: oddOfBits(2048), q: oddOfBits(224), g: 2n, y: 3n }, 'sha256', msg, sig),
    false,
  );
});

test('DH: p above 10,000 bits is refused by key generation and by the shared secret', () => {
  const group = { p: oddOfBits(DH_MAX_P_BITS + 1), g: 2n };
  const random = deterministicRandom('dh bounds');
  assert.throws(() => dhGenerate(group, random), tooLarge);
  assert.throws(() => dhSharedSecret(group, 12345n, Uint8Array.of(2)), tooLarge);
  assert.ok(dhGenerate(FFDHE2048, random).publicKey.length === 256);
});

/** Counts the Miller–Rabin witnesses drawn (each round draws one from `random`). */
function counting(inner: Random): Random & { calls: number } {
  const r = {
    calls: 0,
    fill(buf: Uint8Array): void {
      r.calls++;
      inner.fill(buf);
    },
    bytes(n: number): Uint8Array {
      r.calls++;
      return inner.bytes(n);
    },
  };
  return r;
}

test('a peer prime gets OpenSSL bn_mr_min_checks rounds: 64 up to 2048 bits, 128 above', () => {
  assert.equal(millerRabinRoundsAdversarial(1024), 64);
  assert.equal(millerRabinRoundsAdversarial(2048), 64);
  assert.equal(millerRabinRoundsAdversarial(2049), 128);
  const r = counting(deterministicRandom('mr'));
  assert.ok(isProbablePrimeAdversarial(FFDHE2048.p, r));
  assert.ok(r.calls >= 64, `${r.calls} witnesses drawn`);
  const generated = counting(deterministicRandom('mr'));
  assert.ok(isProbablePrime(FFDHE2048.p, generated));
  assert.ok(generated.calls < 64);
  // A strong pseudoprime to the bases 2, 3, 5, 7, 11, 13, 17, 19, 23 (and 29, 31, 37) is still composite.
  assert.equal(isProbablePrimeAdversarial(3825123056546413051n, deterministicRandom('mr')), false);
  assert.equal(isProbablePrimeAdversarial(FFDHE2048.p * 3n, deterministicRandom('mr')), false);
});
