import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { checkPrimeSync, createDiffieHellman } from 'node:crypto';
import { bigIntToBytes, bitLength } from '../../src/crypto/bigint.js';
import {
  dhGenerate,
  dhSharedSecret,
  FFDHE2048,
  FFDHE3072,
  FFDHE4096,
  type DhGroup,
} from '../../src/crypto/dh.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { deterministicRandom } from '../../src/prng/deterministic.js';

const groups: [DhGroup, number, bigint][] = [
  // RFC 7919 Appendix A: the X of each group's formula.
  [FFDHE2048, 2048, 560316n],
  [FFDHE3072, 3072, 2625351n],
  [FFDHE4096, 4096, 5736041n],
];

/** floor(2^k · e), from the series e = Σ 1/n!, with guard bits. */
function scaledE(k: number): bigint {
  const guard = 64n;
  const one = 1n << (BigInt(k) + guard);
  let term = one;
  let sum = 0n;
  for (let n = 1n; term > 0n; n++) {
    sum += term;
    term /= n;
  }
  return sum >> guard;
}

test('RFC 7919 groups: p = 2^b - 2^(b-64) + {[2^(b-130) e] + X} * 2^64 - 1, ends in 64 one-bits, g = 2, q = (p-1)/2', () => {
  for (const [group, b, x] of groups) {
    const B = BigInt(b);
    const expected = (1n << B) - (1n << (B - 64n)) + (scaledE(b - 130) + x) * (1n << 64n) - 1n;
    assert.equal(group.p, expected, group.name);
    assert.equal(bitLength(group.p), b);
    assert.equal(group.p >> (B - 64n), (1n << 64n) - 1n, 'leading 64 bits all ones');
    assert.equal(group.p & ((1n << 64n) - 1n), (1n << 64n) - 1n, 'trailing 64 bits all ones');
    assert.equal(group.g, 2n);
    assert.equal(group.q, (group.p - 1n) / 2n);
  }
});

test('RFC 7919 groups match OpenSSL’s built-in copies', () => {
  for (const [group] of groups) {
    const pem = execFileSync('openssl', [
      'genpkey',
      '-genparam',
      '-algorithm',
      'DH',
      '-pkeyopt',
      `group:${group.name ?? ''}`,
    ]);
    const parsed = execFileSync('openssl', ['asn1parse'], { input: pem }).toString();
    const match = /INTEGER\s+:([0-9A-F]+)/.exec(parsed);
    assert.ok(match?.[1]);
    assert.equal(BigInt('0x' + match[1]), group.p, group.name);
  }
});

test('ffdhe2048: p and q are prime (safe prime)', () => {
  assert.ok(checkPrimeSync(FFDHE2048.p));
  assert.ok(checkPrimeSync(FFDHE2048.q as bigint));
});

test('shared secrets agree with node:crypto both ways, padded and stripped', () => {
  const r = deterministicRandom('dh interop');
  for (const [group] of groups.slice(0, 2)) {
    const node = createDiffieHellman(Buffer.from(group.p.toString(16), 'hex'), Buffer.from([2]));
    node.generateKeys();
    const ours = dhGenerate(group, r);
    const pLen = bitLength(group.p) / 8;
    assert.equal(ours.publicKey.length, pLen);
    const z = dhSharedSecret(group, ours.privateKey, node.getPublicKey());
    assert.equal(z.length, pLen);
    const theirs = node.computeSecret(Buffer.from(ours.publicKey));
    const stripped = dhSharedSecret(group, ours.privateKey, node.getPublicKey(), {
      stripLeadingZeros: true,
    });
    assert.deepEqual(Buffer.from(z).subarray(pLen - theirs.length), theirs);
    assert.deepEqual(Buffer.from(stripped), theirs.subarray(theirs.findIndex((b) => b !== 0)));
  }
});

test('our two parties agree; private keys have the default sizes', () => {
  const r = deterministicRandom('dh pair');
  for (const [group, ,] of groups.slice(0, 2)) {
    const a = dhGenerate(group, r);
    const b = dhGenerate(group, r);
    assert.deepEqual(
      dhSharedSecret(group, a.privateKey, b.publicKey),
      dhSharedSecret(group, b.privateKey, a.publicKey),
    );
  }
  assert.equal(bitLength(dhGenerate(FFDHE2048, r).privateKey), 256);
  assert.equal(bitLength(dhGenerate(FFDHE3072, r).privateKey), 275);
  assert.equal(bitLength(dhGenerate(FFDHE2048, r, 300).privateKey), 300);
});

test('invalid peer values are refused with invalid_public_value', () => {
  const { p } = FFDHE2048;
  const x = dhGenerate(FFDHE2048, deterministicRandom('neg')).privateKey;
  const enc = (v: bigint): Uint8Array => bigIntToBytes(v, 256);
  const cases: Record<string, Uint8Array> = {
    '0': enc(0n),
    '1': enc(1n),
    'p-1': enc(p - 1n),
    p: enc(p),
    'p+1': bigIntToBytes(p + 1n, 256),
    'over-long encoding': Uint8Array.from([0, ...enc(2n)]),
    empty: new Uint8Array(0),
  };
  for (const [name, y] of Object.entries(cases)) {
    assert.throws(
      () => dhSharedSecret(FFDHE2048, x, y),
      (e: unknown) => e instanceof CryptoError && e.code === 'invalid_public_value',
      name,
    );
  }
  assert.ok(dhSharedSecret(FFDHE2048, x, enc(2n)).length === 256, 'y = 2 is in range');
});
