import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hkdf, hkdfExpand, hkdfExtract } from '../../src/crypto/hkdf.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { loadVectors, hex, toHex } from '../helpers/vectors.js';

interface HkdfCase {
  case: number;
  hash: 'sha256' | 'sha1';
  ikm: string;
  salt: string;
  info: string;
  length: number;
  prk: string;
  okm: string;
}
const vectors = loadVectors<{ cases: HkdfCase[] }>('rfc5869-hkdf.json');

test('RFC 5869 Appendix A: PRK and OKM of all seven cases', () => {
  assert.equal(vectors.cases.length, 7);
  for (const c of vectors.cases) {
    const prk = hkdfExtract(c.hash, hex(c.salt), hex(c.ikm));
    assert.equal(toHex(prk), c.prk, `case ${c.case} PRK`);
    assert.equal(
      toHex(hkdfExpand(c.hash, prk, hex(c.info), c.length)),
      c.okm,
      `case ${c.case} OKM`,
    );
    assert.equal(
      toHex(hkdf(c.hash, hex(c.ikm), hex(c.salt), hex(c.info), c.length)),
      c.okm,
      `case ${c.case} hkdf`,
    );
  }
});

test('an empty salt is HashLen zero octets (RFC 5869 §2.2)', () => {
  const c = vectors.cases.find((x) => x.case === 7);
  assert.ok(c);
  assert.equal(toHex(hkdfExtract('sha1', new Uint8Array(20), hex(c.ikm))), c.prk);
});

test('HKDF-Expand refuses more than 255·HashLen bytes', () => {
  const prk = new Uint8Array(32);
  assert.equal(hkdfExpand('sha256', prk, new Uint8Array(0), 255 * 32).length, 255 * 32);
  assert.throws(
    () => hkdfExpand('sha256', prk, new Uint8Array(0), 255 * 32 + 1),
    (e: unknown) => e instanceof CryptoError && e.code === 'invalid_parameter',
  );
});
