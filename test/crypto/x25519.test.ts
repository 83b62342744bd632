/**
 * Our limb X25519 (src/crypto/x25519.ts) on RFC 7748's vectors, against
 * noble on random inputs, and the constant-sequence check.
 *
 * The 1,000,000-iteration vector of RFC 7748 §5.2 takes minutes; it runs
 * only with POSTERN_SLOW_TESTS=1 in the environment:
 *   POSTERN_SLOW_TESTS=1 node --test dist/test/crypto/x25519.test.js
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { x25519 as nobleX25519 } from '@noble/curves/ed25519.js';
import { feCounter } from '../../src/crypto/field25519.js';
import { x25519, x25519Base, x25519BaseByLadder } from '../../src/crypto/x25519.js';
import { loadVectors, hex, toHex } from '../helpers/vectors.js';

interface Iterated {
  iterations: number;
  output: string;
}
interface X25519Vectors {
  scalar_mult: { scalar: string; u: string; output: string }[];
  iterated: Iterated[];
  iterated_slow: Iterated[];
  diffie_hellman: Record<
    'alice_private' | 'alice_public' | 'bob_private' | 'bob_public' | 'shared_secret',
    string
  >;
  low_order_public_values: { name: string; u: string }[];
}
const v = loadVectors<X25519Vectors>('rfc7748-x25519.json');

/** RFC 7748 §5.2: k = u = 9, then k, u = X25519(k, u), k, `iterations` times. */
function iterate(iterations: number): string {
  let k: Uint8Array = new Uint8Array(32);
  k[0] = 9;
  let u: Uint8Array = Uint8Array.from(k);
  for (let i = 0; i < iterations; i++) {
    const next = x25519(k, u);
    u = k;
    k = next;
  }
  return toHex(k);
}

test('RFC 7748 §5.2 scalar multiplication vectors', () => {
  for (const s of v.scalar_mult) assert.equal(toHex(x25519(hex(s.scalar), hex(s.u))), s.output);
});

test('RFC 7748 §5.2 iterated vectors (1 and 1,000 iterations)', () => {
  for (const it of v.iterated)
    assert.equal(iterate(it.iterations), it.output, `${it.iterations} iterations`);
});

if (process.env['POSTERN_SLOW_TESTS'] === '1') {
  test('RFC 7748 §5.2 iterated vector, 1,000,000 iterations (slow, opt-in)', () => {
    for (const it of v.iterated_slow) assert.equal(iterate(it.iterations), it.output);
  });
}

test('RFC 7748 §6.1 Diffie-Hellman: public keys by the fixed-base table, shared secrets by the ladder', () => {
  const d = v.diffie_hellman;
  assert.equal(toHex(x25519Base(hex(d.alice_private))), d.alice_public);
  assert.equal(toHex(x25519Base(hex(d.bob_private))), d.bob_public);
  assert.equal(toHex(x25519(hex(d.alice_private), hex(d.bob_public))), d.shared_secret);
  assert.equal(toHex(x25519(hex(d.bob_private), hex(d.alice_public))), d.shared_secret);
});

test('low-order u-coordinates give the all-zero result', () => {
  const k = hex(v.diffie_hellman.alice_private);
  for (const lo of v.low_order_public_values)
    assert.equal(toHex(x25519(k, hex(lo.u))), '00'.repeat(32), lo.name);
});

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

test('property: the ladder equals noble on random scalars and u-coordinates (any 32 bytes, non-canonical too)', () => {
  fc.assert(
    fc.property(bytes32, bytes32, (k, u) => {
      assert.equal(toHex(x25519(k, u)), toHex(nobleX25519.scalarMult(k, u)));
    }),
    { numRuns: 60 },
  );
});

test('property: the fixed-base table equals the ladder on 9 and noble', () => {
  fc.assert(
    fc.property(bytes32, (k) => {
      const ours = toHex(x25519Base(k));
      assert.equal(ours, toHex(x25519BaseByLadder(k)));
      assert.equal(ours, toHex(nobleX25519.getPublicKey(k)));
    }),
    { numRuns: 60 },
  );
});

/** Field multiplications of one call, counted by field25519.ts. */
function countMultiplications(run: () => void): number {
  feCounter.mul = 0;
  feCounter.enabled = true;
  try {
    run();
  } finally {
    feCounter.enabled = false;
  }
  return feCounter.mul;
}

test('constant sequence: the count of field multiplications does not depend on the scalar or the point', () => {
  const scalars = [
    new Uint8Array(32),
    new Uint8Array(32).fill(0xff),
    hex(v.diffie_hellman.alice_private),
    hex(v.diffie_hellman.bob_private),
  ];
  const points = [
    hex(v.diffie_hellman.bob_public),
    new Uint8Array(32),
    hex(v.scalar_mult[0]?.u ?? ''),
  ];
  x25519Base(new Uint8Array(32)); // builds the table outside the count
  const ladder = new Set(
    scalars.flatMap((k) => points.map((u) => countMultiplications(() => x25519(k, u)))),
  );
  const base = new Set(scalars.map((k) => countMultiplications(() => x25519Base(k))));
  assert.equal(ladder.size, 1);
  assert.equal(base.size, 1);
});
