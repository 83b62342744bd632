import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { CipherGCMTypes, CipherChaCha20Poly1305Types } from 'node:crypto';
import { createAead } from '../../src/crypto/aead.js';
import type { Aead, AeadAlgorithm } from '../../src/crypto/aead.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { loadVectors, hex, toHex } from '../helpers/vectors.js';

interface AeadVector {
  name: string;
  key: string;
  nonce: string;
  aad: string;
  plaintext: string;
  ciphertext: string;
  tag: string;
}
type Negative = 'flip_tag_bit' | 'flip_ciphertext_bit' | 'truncate_tag' | 'alter_aad';
const gcm = loadVectors<{
  'aes-128-gcm': AeadVector[];
  'aes-256-gcm': AeadVector[];
  negatives: Negative[];
}>('nist-gcm-encrypt-ext-iv.json');
const chacha = loadVectors<{ vectors: AeadVector[]; negatives: Negative[] }>(
  'rfc8439-chacha20poly1305.json',
);

const isAuthFailed = (e: unknown): boolean => e instanceof CryptoError && e.code === 'auth_failed';

function checkVector(algorithm: AeadAlgorithm, v: AeadVector, negatives: Negative[]): void {
  const aead = createAead(algorithm, hex(v.key));
  const sealed = aead.seal(hex(v.nonce), hex(v.plaintext), hex(v.aad));
  assert.equal(toHex(sealed), v.ciphertext + v.tag, `${v.name} seal`);
  const input = hex(v.ciphertext + v.tag);
  assert.equal(toHex(aead.open(hex(v.nonce), input, hex(v.aad))), v.plaintext, `${v.name} open`);
  for (const negative of negatives) {
    let bad = Uint8Array.from(input);
    let aad = hex(v.aad);
    switch (negative) {
      case 'flip_tag_bit':
        bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0x01;
        break;
      case 'flip_ciphertext_bit':
        if (v.ciphertext.length === 0) continue;
        bad[0] = (bad[0] as number) ^ 0x80;
        break;
      case 'truncate_tag':
        bad = bad.subarray(0, bad.length - 1);
        break;
      case 'alter_aad':
        aad = Uint8Array.from([...aad, 0]);
        break;
    }
    assert.throws(
      () => aead.open(hex(v.nonce), bad, aad),
      isAuthFailed,
      `${v.name} ${negative} must fail`,
    );
  }
}

test('NIST CAVP gcmEncryptExtIV128 selection and McGrew-Viega test cases 1-4, with negatives', () => {
  for (const v of gcm['aes-128-gcm']) checkVector('aes-128-gcm', v, gcm.negatives);
});

test('NIST CAVP gcmEncryptExtIV256 selection, with negatives', () => {
  for (const v of gcm['aes-256-gcm']) checkVector('aes-256-gcm', v, gcm.negatives);
});

test('RFC 8439 §2.8.2 and A.5, with negatives', () => {
  for (const v of chacha.vectors) checkVector('chacha20-poly1305', v, chacha.negatives);
});

test('inputs shorter than the tag, wrong key and nonce sizes are refused', () => {
  for (const algorithm of ['aes-128-gcm', 'aes-256-gcm', 'chacha20-poly1305'] as const) {
    const aead = createAead(algorithm, new Uint8Array(algorithm === 'aes-128-gcm' ? 16 : 32));
    assert.equal(aead.keyLength, algorithm === 'aes-128-gcm' ? 16 : 32);
    assert.throws(
      () => aead.open(new Uint8Array(12), new Uint8Array(15), new Uint8Array(0)),
      isAuthFailed,
    );
    assert.throws(
      () => aead.open(new Uint8Array(12), new Uint8Array(0), new Uint8Array(0)),
      isAuthFailed,
    );
    assert.throws(
      () => aead.seal(new Uint8Array(8), new Uint8Array(1), new Uint8Array(0)),
      CryptoError,
    );
    assert.throws(
      () => createAead(algorithm, new Uint8Array(24)),
      (e: unknown) => e instanceof CryptoError && e.code === 'invalid_key',
    );
  }
});

const NODE_NAME: Record<AeadAlgorithm, CipherGCMTypes | CipherChaCha20Poly1305Types> = {
  'aes-128-gcm': 'aes-128-gcm',
  'aes-256-gcm': 'aes-256-gcm',
  'chacha20-poly1305': 'chacha20-poly1305',
};

function nodeSeal(
  algorithm: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  pt: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  const c = createCipheriv(NODE_NAME[algorithm] as CipherGCMTypes, key, nonce, {
    authTagLength: 16,
  });
  c.setAAD(aad);
  return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
}

function nodeOpen(
  algorithm: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  const d = createDecipheriv(NODE_NAME[algorithm] as CipherGCMTypes, key, nonce, {
    authTagLength: 16,
  });
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
}

function roundTrip(algorithm: AeadAlgorithm, aead: Aead, key: Uint8Array, length: number): void {
  const nonce = randomBytes(12);
  const aad = randomBytes(length % 29);
  // A plaintext at an odd offset inside a larger buffer, as a record body is.
  const backing = randomBytes(length + 5);
  const pt = backing.subarray(5);
  const ours = aead.seal(nonce, pt, aad);
  assert.equal(
    toHex(nodeOpen(algorithm, key, nonce, ours, aad)),
    toHex(pt),
    `${algorithm} ${length}: ours opened by node`,
  );
  const theirs = nodeSeal(algorithm, key, nonce, pt, aad);
  assert.equal(toHex(ours), toHex(theirs), `${algorithm} ${length}: same bytes`);
  assert.equal(
    toHex(aead.open(nonce, theirs, aad)),
    toHex(pt),
    `${algorithm} ${length}: node's opened by ours`,
  );
}

test('interop with node:crypto: random keys, nonces, AAD, lengths 0..100 and 16 KiB', () => {
  for (const algorithm of ['aes-128-gcm', 'aes-256-gcm', 'chacha20-poly1305'] as const) {
    const key = randomBytes(algorithm === 'aes-128-gcm' ? 16 : 32);
    const aead = createAead(algorithm, key);
    for (let length = 0; length <= 100; length++) roundTrip(algorithm, aead, key, length);
    roundTrip(algorithm, aead, key, 16384);
    roundTrip(algorithm, aead, key, 16384 + 17);
  }
});

test('AES-GCM: a fresh key hashes its first blocks bitwise, a used one by its table; both give node:crypto bytes', () => {
  for (const algorithm of ['aes-128-gcm', 'aes-256-gcm'] as const) {
    for (let length = 0; length <= 80; length += 7) {
      const key = randomBytes(algorithm === 'aes-128-gcm' ? 16 : 32);
      // A fresh key per length: the first seal and opens stay below the table threshold (16 blocks).
      roundTrip(algorithm, createAead(algorithm, key), key, length);
    }
    const key = randomBytes(algorithm === 'aes-128-gcm' ? 16 : 32);
    const aead = createAead(algorithm, key);
    // One key across the threshold: a record straddles it, the later ones use the table.
    for (const length of [40, 200, 15, 1000, 3]) roundTrip(algorithm, aead, key, length);
  }
});
