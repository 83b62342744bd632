import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, hmac } from '../../src/crypto/hmac.js';
import { loadVectors, hex, toHex } from '../helpers/vectors.js';

interface HmacCase {
  case: number;
  key: string;
  data: string;
  truncate?: number;
  sha256: string;
  sha384: string;
  sha512: string;
}
const vectors = loadVectors<{ cases: HmacCase[] }>('rfc4231-hmac.json');
const ALGS = ['sha256', 'sha384', 'sha512'] as const;

test('RFC 4231 test cases 1-7 with HMAC-SHA-256/384/512 (case 5 truncated)', () => {
  assert.equal(vectors.cases.length, 7);
  for (const c of vectors.cases) {
    for (const alg of ALGS) {
      const full = hmac(alg, hex(c.key), hex(c.data));
      const got = c.truncate === undefined ? full : full.subarray(0, c.truncate);
      assert.equal(toHex(got), c[alg], `case ${c.case} ${alg}`);
    }
  }
});

test('RFC 4231 through the incremental HMAC, split and forked with clone', () => {
  for (const c of vectors.cases) {
    for (const alg of ALGS) {
      const data = hex(c.data);
      const half = data.length >> 1;
      const mac = createHmac(alg, hex(c.key)).update(data.subarray(0, half));
      const fork = mac.clone();
      mac.update(Uint8Array.of(0));
      const full = fork.update(data.subarray(half)).digest();
      const got = c.truncate === undefined ? full : full.subarray(0, c.truncate);
      assert.equal(toHex(got), c[alg], `case ${c.case} ${alg}`);
      assert.notEqual(toHex(mac.digest()), toHex(full));
    }
  }
});

test('a wrong key or message gives a different HMAC (expected failures)', () => {
  const c = vectors.cases[0];
  assert.ok(c);
  const key = hex(c.key);
  key[0] = (key[0] as number) ^ 1;
  assert.notEqual(toHex(hmac('sha256', key, hex(c.data))), c.sha256);
  assert.notEqual(toHex(hmac('sha256', hex(c.key), hex(c.data + '00'))), c.sha256);
});
