import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HmacDrbg, MAX_BYTES_PER_REQUEST } from '../../src/prng/hmac-drbg.js';
import { hex, loadVectors, toHex } from '../helpers/vectors.js';

interface DrbgVector {
  name: string;
  entropyInput: string;
  nonce: string;
  personalizationString: string;
  returnedBits: string;
}

const { vectors } = loadVectors<{ vectors: DrbgVector[] }>('nist-cavp-hmac-drbg-sha256.json');

for (const v of vectors) {
  test(`HMAC_DRBG SHA-256 CAVP: ${v.name}`, () => {
    const drbg = new HmacDrbg(hex(v.entropyInput), hex(v.nonce), hex(v.personalizationString));
    const out = new Uint8Array(128);
    drbg.generate(out);
    drbg.generate(out);
    assert.equal(toHex(out), v.returnedBits);
  });
}

test('HMAC_DRBG: a wrong expected value is not matched (the vectors are really compared)', () => {
  const v = vectors[0] as DrbgVector;
  const drbg = new HmacDrbg(hex(v.entropyInput), hex(v.nonce));
  const out = new Uint8Array(128);
  drbg.generate(out);
  assert.notEqual(toHex(out), v.returnedBits, 'the first output is not ReturnedBits');
});

test('HMAC_DRBG: refuses short entropy', () => {
  assert.throws(() => new HmacDrbg(new Uint8Array(31)), RangeError);
  const drbg = new HmacDrbg(new Uint8Array(32));
  assert.throws(() => drbg.reseed(new Uint8Array(16)), RangeError);
});

test('HMAC_DRBG: reseeding changes the stream and resets the counter', () => {
  const a = new HmacDrbg(new Uint8Array(32).fill(7));
  const b = new HmacDrbg(new Uint8Array(32).fill(7));
  a.generate(new Uint8Array(8));
  b.generate(new Uint8Array(8));
  assert.equal(a.requestsSinceReseed, 1);
  a.reseed(new Uint8Array(32).fill(9));
  assert.equal(a.requestsSinceReseed, 0);
  const x = new Uint8Array(32);
  const y = new Uint8Array(32);
  a.generate(x);
  b.generate(y);
  assert.notEqual(toHex(x), toHex(y));
});

test('HMAC_DRBG: long requests are split into SP 800-90A sized requests', () => {
  const drbg = new HmacDrbg(new Uint8Array(32).fill(1));
  const big = new Uint8Array(MAX_BYTES_PER_REQUEST * 2 + 5);
  drbg.generate(big);
  assert.equal(drbg.requestsSinceReseed, 3);
  const tail = big.subarray(big.length - 64);
  assert.ok(tail.some((b) => b !== 0));
});
