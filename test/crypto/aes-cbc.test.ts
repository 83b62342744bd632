import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { createAesCbc } from '../../src/crypto/aes-cbc.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { toHex } from '../helpers/vectors.js';

function nodeCbc(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const c = createCipheriv(key.length === 16 ? 'aes-128-cbc' : 'aes-256-cbc', key, iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

test('AES-128/256-CBC without padding matches node:crypto both ways', () => {
  for (const keyLength of [16, 32]) {
    const key = randomBytes(keyLength);
    const cbc = createAesCbc(key);
    for (const blocks of [0, 1, 2, 7, 64]) {
      const iv = randomBytes(16);
      const data = randomBytes(blocks * 16 + 3).subarray(3);
      const ours = cbc.encrypt(iv, data);
      assert.equal(toHex(ours), toHex(nodeCbc(key, iv, data)), `${keyLength} ${blocks}`);
      assert.equal(toHex(cbc.decrypt(iv, ours)), toHex(data));
    }
  }
});

test('input that is not whole blocks is invalid_encoding; bad key and IV sizes are refused', () => {
  const cbc = createAesCbc(new Uint8Array(16));
  for (const n of [1, 15, 17, 33]) {
    assert.throws(
      () => cbc.encrypt(new Uint8Array(16), new Uint8Array(n)),
      (e: unknown) => e instanceof CryptoError && e.code === 'invalid_encoding',
    );
    assert.throws(
      () => cbc.decrypt(new Uint8Array(16), new Uint8Array(n)),
      (e: unknown) => e instanceof CryptoError && e.code === 'invalid_encoding',
    );
  }
  assert.throws(() => cbc.encrypt(new Uint8Array(12), new Uint8Array(16)), CryptoError);
  assert.throws(
    () => createAesCbc(new Uint8Array(24)),
    (e: unknown) => e instanceof CryptoError && e.code === 'invalid_key',
  );
});
