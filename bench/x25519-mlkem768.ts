/**
 * The X25519MLKEM768 key exchange (draft-ietf-tls-ecdhe-mlkem) per side,
 * against the same work done straight on noble (ml_kem768 and x25519): the
 * ratio is what our wrapper (length and modulus checks, the all-zero check,
 * injected randomness, concatenation) costs on top of the primitives.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import {
  x25519MlKem768Decapsulate,
  x25519MlKem768Encapsulate,
  x25519MlKem768Generate,
} from '../src/crypto/x25519-mlkem768.js';
import { deterministicRandom } from '../src/prng/deterministic.js';
import type { BenchSuite } from './harness.js';

const random = deterministicRandom('bench x25519mlkem768');
const client = x25519MlKem768Generate(random);
const server = x25519MlKem768Encapsulate(client.keyShare, random);

const nobleKem = ml_kem768.keygen();
const nobleX = x25519.keygen();
const nobleCt = ml_kem768.encapsulate(nobleKem.publicKey).cipherText;
const nobleServerX = x25519.keygen();

export const suites: BenchSuite[] = [
  {
    name: 'X25519MLKEM768',
    cases: [
      {
        name: 'X25519MLKEM768 client share (ML-KEM-768 KeyGen + X25519 key pair)',
        ours: () => x25519MlKem768Generate(random),
        referenceName: 'noble ml_kem768.keygen + x25519.keygen',
        reference: () => {
          ml_kem768.keygen();
          x25519.keygen();
        },
      },
      {
        name: 'X25519MLKEM768 server side (checks, Encaps, X25519 key pair and secret)',
        ours: () => x25519MlKem768Encapsulate(client.keyShare, random),
        referenceName: 'noble ml_kem768.encapsulate + x25519',
        reference: () => {
          ml_kem768.encapsulate(nobleKem.publicKey);
          const k = x25519.keygen();
          x25519.getSharedSecret(k.secretKey, nobleX.publicKey);
        },
      },
      {
        name: 'X25519MLKEM768 client finish (Decaps + X25519 secret)',
        ours: () => x25519MlKem768Decapsulate(client, server.keyShare),
        referenceName: 'noble ml_kem768.decapsulate + x25519',
        reference: () => {
          ml_kem768.decapsulate(nobleCt, nobleKem.secretKey);
          x25519.getSharedSecret(nobleX.secretKey, nobleServerX.publicKey);
        },
      },
    ],
  },
];
