import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bigIntToBytes,
  bitLength,
  bytesToBigInt,
  modInverse,
  modPow,
  modPow2Public,
  modPowPublic,
} from '../../src/crypto/bigint.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { deterministicRandom } from '../../src/prng/deterministic.js';
import { randomBits } from '../../src/crypto/random-bigint.js';

function naivePow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  for (; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
  return r;
}

test('bytes ↔ bigint round trip, fixed lengths, overflow refused', () => {
  assert.deepEqual(bigIntToBytes(0x0102n, 4), Uint8Array.from([0, 0, 1, 2]));
  assert.deepEqual(bigIntToBytes(0n), Uint8Array.from([0]));
  assert.deepEqual(bigIntToBytes(0n, 3), new Uint8Array(3));
  assert.equal(bytesToBigInt(Uint8Array.from([0, 0xff, 0x01])), 0xff01n);
  assert.equal(bytesToBigInt(new Uint8Array(0)), 0n);
  assert.throws(
    () => bigIntToBytes(0x10000n, 2),
    (e: unknown) => e instanceof CryptoError && e.code === 'invalid_parameter',
  );
  assert.throws(() => bigIntToBytes(-1n), CryptoError);
});

test('bitLength', () => {
  assert.deepEqual([0n, 1n, 2n, 255n, 256n, 1n << 1000n].map(bitLength), [0, 1, 2, 8, 9, 1001]);
});

test('modInverse inverts and refuses non-invertible values', () => {
  assert.equal(modInverse(3n, 7n), 5n);
  assert.equal((((modInverse(-3n, 101n) * -3n) % 101n) + 101n) % 101n, 1n);
  assert.throws(() => modInverse(6n, 9n), CryptoError);
});

test('modPow, modPowPublic and modPow2Public agree with square-and-multiply on random inputs', () => {
  const r = deterministicRandom('modpow');
  for (let i = 0; i < 60; i++) {
    const m = randomBits(16 + i * 37, r) | 1n | (1n << BigInt(15 + i * 37));
    const b = randomBits(2200, r);
    const e = randomBits(1 + i * 23, r);
    const want = naivePow(b, e, m);
    assert.equal(modPow(b, e, m), want);
    assert.equal(modPow(b, e, m, 3000), want, 'padded exponent length');
    assert.equal(modPowPublic(b, e, m), want);
    const e2 = randomBits(300, r);
    assert.equal(modPow2Public(b, e, b + 7n, e2, m), (want * naivePow(b + 7n, e2, m)) % m);
  }
  assert.equal(modPow(5n, 0n, 13n), 1n);
  assert.equal(modPow(0n, 5n, 13n), 0n);
  assert.equal(modPow(13n, 3n, 13n), 0n);
});
