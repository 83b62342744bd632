import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createPrivateKey,
  createPublicKey,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from '../../src/crypto/ed25519.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { deterministicRandom } from '../../src/prng/deterministic.js';
import { loadVectors, hex, toHex } from '../helpers/vectors.js';

interface EdTest {
  name: string;
  secret_key: string;
  public_key: string;
  message: string;
  signature: string;
}
interface EdInvalid {
  name: string;
  public_key: string;
  message: string;
  signature: string;
}
const file = loadVectors<{ tests: EdTest[]; invalid: EdInvalid[] }>('rfc8032-ed25519.json');

test('RFC 8032 §7.1: public keys, signatures, verification', () => {
  assert.equal(file.tests.length, 5);
  for (const t of file.tests) {
    assert.equal(toHex(ed25519PublicKey(hex(t.secret_key))), t.public_key, t.name);
    assert.equal(toHex(ed25519Sign(hex(t.secret_key), hex(t.message))), t.signature, t.name);
    assert.equal(ed25519Verify(hex(t.public_key), hex(t.message), hex(t.signature)), true, t.name);
  }
});

test('RFC 8032 negatives are false, never exceptions', () => {
  for (const v of file.invalid)
    assert.equal(ed25519Verify(hex(v.public_key), hex(v.message), hex(v.signature)), false, v.name);
  assert.throws(
    () => ed25519Sign(new Uint8Array(31), new Uint8Array(0)),
    (e: unknown) => e instanceof CryptoError && e.code === 'invalid_key',
  );
});

test('interop with node:crypto both ways', () => {
  const random = deterministicRandom('ed25519 interop');
  for (let i = 0; i < 8; i++) {
    const seed = random.bytes(32);
    const pub = ed25519PublicKey(seed);
    // RFC 8410 PKCS#8 / SPKI wrappers around the raw keys.
    const privateKey = createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
      format: 'der',
      type: 'pkcs8',
    });
    const publicKey = createPublicKey({
      key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pub]),
      format: 'der',
      type: 'spki',
    });
    assert.equal(
      toHex(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32)),
      toHex(pub),
    );
    const message = random.bytes(i * 37);
    const ours = ed25519Sign(seed, message);
    assert.equal(nodeVerify(null, message, publicKey, ours), true);
    const theirs = nodeSign(null, message, privateKey);
    assert.equal(toHex(theirs), toHex(ours));
    assert.equal(ed25519Verify(pub, message, theirs), true);
  }
});
