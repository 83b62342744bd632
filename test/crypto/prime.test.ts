import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPrimeSync } from 'node:crypto';
import { bitLength } from '../../src/crypto/bigint.js';
import { generatePrime, generateSafePrime, isProbablePrime } from '../../src/crypto/prime.js';
import { deterministicRandom } from '../../src/prng/deterministic.js';

const r = deterministicRandom('prime tests');

test('isProbablePrime: small numbers, Carmichael numbers, Mersenne primes', () => {
  const small = Array.from({ length: 200 }, (_, i) => i).filter((i) =>
    isProbablePrime(BigInt(i), r),
  );
  assert.deepEqual(small.slice(0, 10), [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
  assert.equal(small.length, 46);
  for (const c of [561n, 1105n, 1729n, 3215031751n, 3825123056546413051n])
    assert.equal(isProbablePrime(c, r), false, String(c));
  assert.equal(isProbablePrime(2n ** 127n - 1n, r), true);
  assert.equal(isProbablePrime(2n ** 521n - 1n, r), true);
  assert.equal(isProbablePrime((2n ** 127n - 1n) * (2n ** 89n - 1n), r), false);
});

test('generatePrime: exact size, top two bits set, prime by node:crypto', () => {
  for (const bits of [256, 512, 1024]) {
    const p = generatePrime(bits, r);
    assert.equal(bitLength(p), bits);
    assert.equal(p >> BigInt(bits - 2), 3n);
    assert.ok(checkPrimeSync(p));
  }
});

test('generateSafePrime: p and (p-1)/2 prime, exact size', () => {
  const p = generateSafePrime(384, deterministicRandom('safe'));
  assert.equal(bitLength(p), 384);
  assert.ok(checkPrimeSync(p));
  assert.ok(checkPrimeSync((p - 1n) / 2n));
});
