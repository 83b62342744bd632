/**
 * Our P-256 arithmetic (src/crypto/field-p256.ts, p256-point.ts) against
 * noble on random scalars, and the constant-sequence check. The RFC 6979
 * vectors run through ecdsaSign in ecdsa.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { p256 } from '@noble/curves/nist.js';
import { ecdhPublicKey, ecdhSharedSecret } from '../../src/crypto/ecdh.js';
import { ecdsaSignDigest } from '../../src/crypto/ecdsa.js';
import { fpCounter } from '../../src/crypto/field-p256.js';
import { P256_N, p256BaseMultiply, p256Multiply } from '../../src/crypto/p256-point.js';
import { bigIntToBytes } from '../../src/crypto/bigint.js';
import { scriptedRandom } from '../../src/prng/deterministic.js';
import { toHex } from '../helpers/vectors.js';

const scalar = fc.bigInt({ min: 1n, max: P256_N - 1n }).map((k) => bigIntToBytes(k, 32));
const digest = fc.uint8Array({ minLength: 32, maxLength: 32 });

test('property: k·G (public keys) equals noble', () => {
  fc.assert(
    fc.property(scalar, (k) => {
      assert.equal(toHex(ecdhPublicKey('secp256r1', k)), toHex(p256.getPublicKey(k, false)));
    }),
    { numRuns: 50 },
  );
});

test('k·G at the edges: 1, 2, n − 1, and scalars whose signed digits carry to the top', () => {
  for (const k of [
    1n,
    2n,
    P256_N - 1n,
    P256_N - 2n,
    0x8888888888888888888888888888888888888888888888888888888888888888n,
    0xf0n,
  ]) {
    const bytes = bigIntToBytes(k, 32);
    assert.equal(
      toHex(ecdhPublicKey('secp256r1', bytes)),
      toHex(p256.getPublicKey(bytes, false)),
      k.toString(16),
    );
  }
});

test('property: ECDH shared secrets equal noble', () => {
  fc.assert(
    fc.property(scalar, scalar, (a, b) => {
      const peer = p256.getPublicKey(b, false);
      assert.equal(
        toHex(ecdhSharedSecret('secp256r1', a, peer)),
        toHex(p256.getSharedSecret(a, peer, true).subarray(1)),
      );
    }),
    { numRuns: 30 },
  );
});

test('property: our signatures verify with noble and equal noble’s (deterministic and hedged)', () => {
  fc.assert(
    fc.property(scalar, digest, fc.uint8Array({ minLength: 32, maxLength: 32 }), (k, h, extra) => {
      const pub = p256.getPublicKey(k, false);
      const det = ecdsaSignDigest('P-256', k, h);
      assert.equal(p256.verify(det, h, pub, { prehash: false, lowS: false, format: 'der' }), true);
      assert.equal(
        toHex(det),
        toHex(p256.sign(h, k, { prehash: false, lowS: false, format: 'der' })),
      );
      const hedged = ecdsaSignDigest('P-256', k, h, scriptedRandom(extra));
      assert.equal(
        toHex(hedged),
        toHex(p256.sign(h, k, { prehash: false, lowS: false, format: 'der', extraEntropy: extra })),
      );
    }),
    { numRuns: 30 },
  );
});

function countMultiplications(run: () => void): number {
  fpCounter.mul = 0;
  fpCounter.enabled = true;
  try {
    run();
  } finally {
    fpCounter.enabled = false;
  }
  return fpCounter.mul;
}

test('constant sequence: the count of field multiplications does not depend on the scalar', () => {
  const scalars = [
    1n,
    2n,
    P256_N - 1n,
    0x8000000000000000000000000000000000000000000000000000000000000000n,
    0x123456789abcdefn,
  ].map((k) => bigIntToBytes(k, 32));
  const q = p256.getPublicKey(bigIntToBytes(7n, 32), false);
  p256BaseMultiply(bigIntToBytes(1n, 32)); // builds the comb outside the count
  const base = new Set(scalars.map((k) => countMultiplications(() => p256BaseMultiply(k))));
  const variable = new Set(
    scalars.map((k) =>
      countMultiplications(() => p256Multiply(k, q.subarray(1, 33), q.subarray(33))),
    ),
  );
  assert.equal(base.size, 1);
  assert.equal(variable.size, 1);
});
