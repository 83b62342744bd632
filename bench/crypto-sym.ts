import {
  createCipheriv,
  createECDH,
  createHash as nodeCreateHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import type { BenchSuite } from './harness.js';
import { createAead } from '../src/crypto/aead.js';
import { ecdhGenerate, ecdhSharedSecret } from '../src/crypto/ecdh.js';
import { ecdsaSign, ecdsaVerify } from '../src/crypto/ecdsa.js';
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from '../src/crypto/ed25519.js';
import { hash } from '../src/crypto/hash.js';
import { deterministicRandom } from '../src/prng/deterministic.js';

const random = deterministicRandom('bench crypto-sym');
const message = random.bytes(64);
const nonce = random.bytes(12);
const aad = random.bytes(13);
const record64 = random.bytes(64);
const record16k = random.bytes(16384);

// X25519 and P-256 ECDH: one shared-secret computation against a fixed peer.
const x25519Ours = ecdhGenerate('x25519', random);
const x25519Peer = ecdhGenerate('x25519', random);
const nodeX25519 = generateKeyPairSync('x25519');
const nodeX25519PeerPublic = createPublicKey({
  key: Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), x25519Peer.publicKey]),
  format: 'der',
  type: 'spki',
});
const p256Ours = ecdhGenerate('secp256r1', random);
const p256Peer = ecdhGenerate('secp256r1', random);
const nodeP256 = createECDH('prime256v1');
nodeP256.generateKeys();

// ECDSA P-256 over SHA-256, with the same key on both sides.
const ecdsaPrivate = p256Ours.privateKey;
const ecdsaPublic = p256Ours.publicKey;
const sec1 = Buffer.concat([
  Buffer.from('30770201010420', 'hex'),
  ecdsaPrivate,
  Buffer.from('a00a06082a8648ce3d030107a144034200', 'hex'),
  ecdsaPublic,
]);
const nodeEcdsaPrivate = createPrivateKey({ key: sec1, format: 'der', type: 'sec1' });
const nodeEcdsaPublic = createPublicKey(nodeEcdsaPrivate);
const ecdsaSignature = ecdsaSign('P-256', ecdsaPrivate, 'sha256', message, random);

// Ed25519.
const edSeed = random.bytes(32);
const edPublic = ed25519PublicKey(edSeed);
const nodeEdPrivate = createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), edSeed]),
  format: 'der',
  type: 'pkcs8',
});
const nodeEdPublic = createPublicKey(nodeEdPrivate);
const edSignature = ed25519Sign(edSeed, message);

// AEAD keys, established once as a TLS traffic key is.
const aesKey = randomBytes(16);
const chachaKey = randomBytes(32);
const aes = createAead('aes-128-gcm', aesKey);
const chacha = createAead('chacha20-poly1305', chachaKey);

function nodeSeal(
  name: 'aes-128-gcm' | 'chacha20-poly1305',
  key: Uint8Array,
  pt: Uint8Array,
): void {
  if (name === 'aes-128-gcm') {
    const c = createCipheriv(name, key, nonce);
    c.setAAD(aad);
    Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
  } else {
    const c = createCipheriv(name, key, nonce, { authTagLength: 16 });
    c.setAAD(aad, { plaintextLength: pt.length });
    Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
  }
}

export const suites: BenchSuite[] = [
  {
    name: 'key exchange and signatures',
    cases: [
      {
        name: 'X25519 shared secret',
        ours: () => void ecdhSharedSecret('x25519', x25519Ours.privateKey, x25519Peer.publicKey),
        referenceName: 'node:crypto diffieHellman',
        reference: () =>
          void diffieHellman({
            privateKey: nodeX25519.privateKey,
            publicKey: nodeX25519PeerPublic,
          }),
      },
      {
        name: 'P-256 ECDH shared secret',
        ours: () => void ecdhSharedSecret('secp256r1', p256Ours.privateKey, p256Peer.publicKey),
        referenceName: 'node:crypto ECDH.computeSecret',
        reference: () => void nodeP256.computeSecret(p256Peer.publicKey),
      },
      {
        name: 'ECDSA P-256 SHA-256 sign (64-byte message)',
        ours: () => void ecdsaSign('P-256', ecdsaPrivate, 'sha256', message),
        referenceName: 'node:crypto sign',
        reference: () => void nodeSign('sha256', message, nodeEcdsaPrivate),
      },
      {
        name: 'ECDSA P-256 SHA-256 verify',
        ours: () => void ecdsaVerify('P-256', ecdsaPublic, 'sha256', message, ecdsaSignature),
        referenceName: 'node:crypto verify',
        reference: () => void nodeVerify('sha256', message, nodeEcdsaPublic, ecdsaSignature),
      },
      {
        name: 'Ed25519 sign (64-byte message)',
        ours: () => void ed25519Sign(edSeed, message),
        referenceName: 'node:crypto sign',
        reference: () => void nodeSign(null, message, nodeEdPrivate),
      },
      {
        name: 'Ed25519 verify',
        ours: () => void ed25519Verify(edPublic, message, edSignature),
        referenceName: 'node:crypto verify',
        reference: () => void nodeVerify(null, message, nodeEdPublic, edSignature),
      },
    ],
  },
  {
    name: 'records and hashing',
    cases: [
      {
        name: 'AES-128-GCM seal, 16 KiB record',
        bytes: 16384,
        ours: () => void aes.seal(nonce, record16k, aad),
        referenceName: 'node:crypto',
        reference: () => nodeSeal('aes-128-gcm', aesKey, record16k),
      },
      {
        name: 'AES-128-GCM seal, 64-byte record',
        bytes: 64,
        ours: () => void aes.seal(nonce, record64, aad),
        referenceName: 'node:crypto',
        reference: () => nodeSeal('aes-128-gcm', aesKey, record64),
      },
      {
        name: 'ChaCha20-Poly1305 seal, 16 KiB record',
        bytes: 16384,
        ours: () => void chacha.seal(nonce, record16k, aad),
        referenceName: 'node:crypto',
        reference: () => nodeSeal('chacha20-poly1305', chachaKey, record16k),
      },
      {
        name: 'ChaCha20-Poly1305 seal, 64-byte record',
        bytes: 64,
        ours: () => void chacha.seal(nonce, record64, aad),
        referenceName: 'node:crypto',
        reference: () => nodeSeal('chacha20-poly1305', chachaKey, record64),
      },
      {
        name: 'AES-128-GCM seal, 64-byte record, established key',
        bytes: 64,
        ours: () => void aes.seal(nonce, record64, aad),
        referenceName: 'noble gcm(key, nonce) per record',
        reference: () => void gcm(aesKey, nonce, aad).encrypt(record64),
        goal: 'ratio ≤ 0.5 (at least twice the rate)',
      },
      {
        name: 'AES-128-GCM seal, 16 KiB record, established key',
        bytes: 16384,
        ours: () => void aes.seal(nonce, record16k, aad),
        referenceName: 'noble gcm(key, nonce)',
        reference: () => void gcm(aesKey, nonce, aad).encrypt(record16k),
        goal: 'ratio ≤ 1.05',
      },
      {
        name: 'ChaCha20-Poly1305 seal, 64-byte record',
        bytes: 64,
        ours: () => void chacha.seal(nonce, record64, aad),
        referenceName: 'noble chacha20poly1305(key, nonce)',
        reference: () => void chacha20poly1305(chachaKey, nonce, aad).encrypt(record64),
        goal: 'ratio ≤ 1.05',
      },
      {
        name: 'ChaCha20-Poly1305 seal, 16 KiB record',
        bytes: 16384,
        ours: () => void chacha.seal(nonce, record16k, aad),
        referenceName: 'noble chacha20poly1305(key, nonce)',
        reference: () => void chacha20poly1305(chachaKey, nonce, aad).encrypt(record16k),
        goal: 'ratio ≤ 1.05',
      },
      {
        name: 'SHA-256, 16 KiB',
        bytes: 16384,
        ours: () => void hash('sha256', record16k),
        referenceName: 'node:crypto createHash',
        reference: () => void nodeCreateHash('sha256').update(record16k).digest(),
      },
    ],
  },
];
