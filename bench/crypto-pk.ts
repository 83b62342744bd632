/**
 * Public-key operations against node:crypto (OpenSSL) on the same keys and
 * groups: RSA-2048 PKCS#1 v1.5 and PSS, ffdhe2048 DH, DSA-2048/256; and our
 * limb X25519 and P-256 against noble, the BigInt code they replaced.
 */
import {
  constants,
  createDiffieHellman,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import * as asn1js from 'asn1js';
import { x25519 as nobleX25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { ecdhGenerate, ecdhPublicKey, ecdhSharedSecret } from '../src/crypto/ecdh.js';
import { ecdsaSignDigest } from '../src/crypto/ecdsa.js';
import { P256_N, p256BaseMultiply, p256Multiply } from '../src/crypto/p256-point.js';
import { x25519 } from '../src/crypto/x25519.js';
import { bigIntToBytes } from '../src/crypto/bigint.js';
import { bytesToBigInt, modPowPublic } from '../src/crypto/bigint.js';
import { dhGenerate, dhSharedSecret, FFDHE2048 } from '../src/crypto/dh.js';
import { dsaSign, dsaVerify } from '../src/crypto/dsa.js';
import {
  rsaPkcs1v15Sign,
  rsaPkcs1v15Verify,
  rsaPrivateFromComponents,
  rsaPssSign,
} from '../src/crypto/rsa.js';
import { deterministicRandom } from '../src/prng/deterministic.js';
import type { BenchSuite } from './harness.js';

const random = deterministicRandom('bench crypto-pk');
const message = new TextEncoder().encode('The quick brown fox jumps over the lazy dog');
const b64 = (s: string | undefined): bigint =>
  bytesToBigInt(new Uint8Array(Buffer.from(s ?? '', 'base64url')));

const rsaNode = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = rsaNode.privateKey.export({ format: 'jwk' });
const rsaKey = rsaPrivateFromComponents(b64(jwk.n), b64(jwk.e), b64(jwk.d), b64(jwk.p), b64(jwk.q));
const rsaSignature = sign('sha256', message, rsaNode.privateKey);
const pss = {
  padding: constants.RSA_PKCS1_PSS_PADDING,
  saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
};

const pHex = FFDHE2048.p.toString(16);
const nodeDh = createDiffieHellman(Buffer.from(pHex, 'hex'), Buffer.from([2]));
nodeDh.generateKeys();
const ourDh = dhGenerate(FFDHE2048, random, 256);

const dsaNode = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
const dsaKey = (() => {
  const seq = asn1js.fromBER(
    new Uint8Array(dsaNode.privateKey.export({ format: 'der', type: 'pkcs8' })),
  ).result as asn1js.Sequence;
  const params = (
    (seq.valueBlock.value[1] as asn1js.Sequence).valueBlock.value[1] as asn1js.Sequence
  ).valueBlock.value as asn1js.Integer[];
  const [p, q, g] = params.map((i) => bytesToBigInt(i.valueBlock.valueHexView)) as [
    bigint,
    bigint,
    bigint,
  ];
  const xDer = (seq.valueBlock.value[2] as asn1js.OctetString).valueBlock.valueHexView;
  const x = bytesToBigInt((asn1js.fromBER(xDer).result as asn1js.Integer).valueBlock.valueHexView);
  return { p, q, g, x, y: modPowPublic(g, x, p) };
})();
const dsaPublic = createPublicKey(dsaNode.privateKey);
const dsaSignature = new Uint8Array(sign('sha256', message, dsaNode.privateKey));

const x25519Ours = ecdhGenerate('x25519', random);
const x25519Peer = ecdhGenerate('x25519', random).publicKey;
const p256Ours = ecdhGenerate('secp256r1', random);
const p256Peer = ecdhGenerate('secp256r1', random).publicKey;
const digest = random.bytes(32);
const noSign = { prehash: false, lowS: false, format: 'der' } as const;

const zeros = new Uint8Array(32);
const ones = new Uint8Array(32).fill(0xff);
const scalarOne = bigIntToBytes(1n, 32);
const scalarTop = bigIntToBytes(P256_N - 1n, 32);
const p256PeerX = p256Peer.subarray(1, 33);
const p256PeerY = p256Peer.subarray(33);

export const suites: BenchSuite[] = [
  {
    // Constant-time smoke test: the same operation on extreme scalars; a ratio away from 1 would show a scalar-dependent path.
    name: 'constant-time smoke (ours on one scalar vs ours on another)',
    cases: [
      {
        name: 'X25519 ladder, scalar 00… vs ff…',
        ours: () => x25519(zeros, x25519Peer),
        referenceName: 'scalar ff…',
        reference: () => x25519(ones, x25519Peer),
        goal: 'ratio ≈ 1.00',
      },
      {
        name: 'P-256 k·G comb, k = 1 vs n − 1',
        ours: () => p256BaseMultiply(scalarOne),
        referenceName: 'k = n − 1',
        reference: () => p256BaseMultiply(scalarTop),
        goal: 'ratio ≈ 1.00',
      },
      {
        name: 'P-256 k·Q window, k = 1 vs n − 1',
        ours: () => p256Multiply(scalarOne, p256PeerX, p256PeerY),
        referenceName: 'k = n − 1',
        reference: () => p256Multiply(scalarTop, p256PeerX, p256PeerY),
        goal: 'ratio ≈ 1.00',
      },
    ],
  },
  {
    name: 'X25519 and P-256 (ours on limbs vs noble on BigInt)',
    cases: [
      {
        name: 'X25519 shared secret',
        ours: () => ecdhSharedSecret('x25519', x25519Ours.privateKey, x25519Peer),
        referenceName: 'noble x25519.getSharedSecret',
        reference: () => nobleX25519.getSharedSecret(x25519Ours.privateKey, x25519Peer),
        goal: 'ratio ≤ 0.5 (≥ 2× noble)',
      },
      {
        name: 'X25519 key generation (fixed base)',
        ours: () => ecdhPublicKey('x25519', x25519Ours.privateKey),
        referenceName: 'noble x25519.getPublicKey',
        reference: () => nobleX25519.getPublicKey(x25519Ours.privateKey),
      },
      {
        name: 'P-256 ECDSA sign (RFC 6979)',
        ours: () => ecdsaSignDigest('P-256', p256Ours.privateKey, digest),
        referenceName: 'noble p256.sign',
        reference: () => p256.sign(digest, p256Ours.privateKey, noSign),
        goal: 'ratio ≤ 0.67 (≥ 1.5× noble)',
      },
      {
        name: 'P-256 ECDH shared secret',
        ours: () => ecdhSharedSecret('secp256r1', p256Ours.privateKey, p256Peer),
        referenceName: 'noble p256.getSharedSecret',
        reference: () => p256.getSharedSecret(p256Ours.privateKey, p256Peer),
      },
      {
        name: 'P-256 key generation (fixed base)',
        ours: () => ecdhPublicKey('secp256r1', p256Ours.privateKey),
        referenceName: 'noble p256.getPublicKey',
        reference: () => p256.getPublicKey(p256Ours.privateKey, false),
      },
    ],
  },
  {
    name: 'RSA-2048',
    cases: [
      {
        name: 'RSA-2048 sign PKCS#1 v1.5 SHA-256',
        ours: () => rsaPkcs1v15Sign(rsaKey, 'sha256', message, random),
        referenceName: 'node:crypto sign',
        reference: () => sign('sha256', message, rsaNode.privateKey),
        goal: 'ratio ≤ 12',
      },
      {
        name: 'RSA-2048 verify PKCS#1 v1.5 SHA-256',
        ours: () => rsaPkcs1v15Verify(rsaKey, 'sha256', message, rsaSignature),
        referenceName: 'node:crypto verify',
        reference: () => verify('sha256', message, rsaNode.publicKey, rsaSignature),
      },
      {
        name: 'RSA-2048 sign PSS SHA-256',
        ours: () => rsaPssSign(rsaKey, 'sha256', message, random),
        referenceName: 'node:crypto sign PSS',
        reference: () => sign('sha256', message, { key: rsaNode.privateKey, ...pss }),
      },
    ],
  },
  {
    name: 'DH ffdhe2048',
    cases: [
      {
        name: 'ffdhe2048 key generation (256-bit private)',
        ours: () => dhGenerate(FFDHE2048, random, 256),
        referenceName: 'node:crypto createDiffieHellman(p, 2).generateKeys',
        reference: () =>
          createDiffieHellman(Buffer.from(pHex, 'hex'), Buffer.from([2])).generateKeys(),
        goal: 'ratio ≤ 2',
      },
      {
        name: 'ffdhe2048 shared secret (256-bit private)',
        ours: () => dhSharedSecret(FFDHE2048, ourDh.privateKey, nodeDh.getPublicKey()),
        referenceName: 'node:crypto computeSecret',
        reference: () => nodeDh.computeSecret(Buffer.from(ourDh.publicKey)),
        goal: 'ratio ≤ 6',
      },
    ],
  },
  {
    name: 'DSA-2048/256',
    cases: [
      {
        name: 'DSA-2048 sign SHA-256',
        ours: () => dsaSign(dsaKey, 'sha256', message, random),
        referenceName: 'node:crypto sign',
        reference: () => sign('sha256', message, dsaNode.privateKey),
      },
      {
        name: 'DSA-2048 verify SHA-256',
        ours: () => dsaVerify(dsaKey, 'sha256', message, dsaSignature),
        referenceName: 'node:crypto verify',
        reference: () => verify('sha256', message, dsaPublic, dsaSignature),
      },
    ],
  },
];
