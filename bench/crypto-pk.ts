/**
 * Public-key operations against node:crypto (OpenSSL) on the same keys and
 * groups: RSA-2048 PKCS#1 v1.5 and PSS, ffdhe2048 DH, DSA-2048/256.
 */
import { constants, createDiffieHellman, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import * as asn1js from 'asn1js';
import { bytesToBigInt, modPowPublic } from '../src/crypto/bigint.js';
import { dhGenerate, dhSharedSecret, FFDHE2048 } from '../src/crypto/dh.js';
import { dsaSign, dsaVerify } from '../src/crypto/dsa.js';
import { rsaPkcs1v15Sign, rsaPkcs1v15Verify, rsaPrivateFromComponents, rsaPssSign } from '../src/crypto/rsa.js';
import { deterministicRandom } from '../src/prng/deterministic.js';
import type { BenchSuite } from './harness.js';

const random = deterministicRandom('bench crypto-pk');
const message = new TextEncoder().encode('The quick brown fox jumps over the lazy dog');
const b64 = (s: string | undefined): bigint => bytesToBigInt(new Uint8Array(Buffer.from(s ?? '', 'base64url')));

const rsaNode = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = rsaNode.privateKey.export({ format: 'jwk' });
const rsaKey = rsaPrivateFromComponents(b64(jwk.n), b64(jwk.e), b64(jwk.d), b64(jwk.p), b64(jwk.q));
const rsaSignature = sign('sha256', message, rsaNode.privateKey);
const pss = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };

const pHex = FFDHE2048.p.toString(16);
const nodeDh = createDiffieHellman(Buffer.from(pHex, 'hex'), Buffer.from([2]));
nodeDh.generateKeys();
const ourDh = dhGenerate(FFDHE2048, random, 256);

const dsaNode = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
const dsaKey = (() => {
  const seq = asn1js.fromBER(new Uint8Array(dsaNode.privateKey.export({ format: 'der', type: 'pkcs8' }))).result as asn1js.Sequence;
  const params = ((seq.valueBlock.value[1] as asn1js.Sequence).valueBlock.value[1] as asn1js.Sequence).valueBlock.value as asn1js.Integer[];
  const [p, q, g] = params.map((i) => bytesToBigInt(i.valueBlock.valueHexView)) as [bigint, bigint, bigint];
  const xDer = (seq.valueBlock.value[2] as asn1js.OctetString).valueBlock.valueHexView;
  const x = bytesToBigInt((asn1js.fromBER(xDer).result as asn1js.Integer).valueBlock.valueHexView);
  return { p, q, g, x, y: modPowPublic(g, x, p) };
})();
const dsaPublic = createPublicKey(dsaNode.privateKey);
const dsaSignature = new Uint8Array(sign('sha256', message, dsaNode.privateKey));

export const suites: BenchSuite[] = [
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
        reference: () => createDiffieHellman(Buffer.from(pHex, 'hex'), Buffer.from([2])).generateKeys(),
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
