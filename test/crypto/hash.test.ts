import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, hash } from '../../src/crypto/hash.js';
import type { HashAlgorithm } from '../../src/crypto/hash.js';
import { loadVectors, toHex } from '../helpers/vectors.js';

interface HashCase {
  hash: HashAlgorithm;
  message: string;
  digest: string;
}
const vectors = loadVectors<{ cases: HashCase[] }>('hash-examples.json');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

test('FIPS 180-4 and RFC 1321 examples, one shot', () => {
  for (const c of vectors.cases)
    assert.equal(toHex(hash(c.hash, utf8(c.message))), c.digest, `${c.hash} "${c.message}"`);
});

test('the same examples fed byte by byte through createHash', () => {
  for (const c of vectors.cases) {
    const h = createHash(c.hash);
    for (const byte of utf8(c.message)) h.update(Uint8Array.of(byte));
    assert.equal(toHex(h.digest()), c.digest, `${c.hash} "${c.message}"`);
  }
});

test('clone forks the state: both halves finish with their own input', () => {
  for (const c of vectors.cases.filter((x) => x.message.length > 3)) {
    const bytes = utf8(c.message);
    const h = createHash(c.hash).update(bytes.subarray(0, 3));
    const fork = h.clone();
    h.update(utf8('something else'));
    fork.update(bytes.subarray(3));
    assert.equal(toHex(fork.digest()), c.digest, `${c.hash} "${c.message}" via clone`);
    assert.notEqual(toHex(h.digest()), c.digest);
  }
});
