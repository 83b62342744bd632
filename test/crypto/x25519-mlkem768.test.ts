import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { shake128 } from '@noble/hashes/sha3.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { CryptoError } from '../../src/crypto/errors.js';
import {
  mlKem768CheckEncapsulationKey,
  x25519MlKem768Decapsulate,
  x25519MlKem768Encapsulate,
  x25519MlKem768Generate,
  X25519MLKEM768_CLIENT_SHARE_BYTES,
  X25519MLKEM768_SERVER_SHARE_BYTES,
} from '../../src/crypto/x25519-mlkem768.js';
import { deterministicRandom, scriptedRandom } from '../../src/prng/deterministic.js';
import { hex, loadVectors, toHex } from '../helpers/vectors.js';

interface MlKemVectors {
  cast: { d: string; z: string; m: string; K: string };
  accumulated: { rng_prefix: string; count: number; hash: string };
  modulus_invalid_ek: string[];
}
interface X25519Vectors {
  diffie_hellman: {
    alice_private: string;
    alice_public: string;
    bob_private: string;
    bob_public: string;
    shared_secret: string;
  };
  low_order_public_values: { name: string; u: string }[];
}

const kem = loadVectors<MlKemVectors>('ml-kem-768.json');
const x = loadVectors<X25519Vectors>('rfc7748-x25519.json');
const dh = x.diffie_hellman;
const badShare = (e: unknown): boolean =>
  e instanceof CryptoError && e.code === 'invalid_public_value';

test('FIPS 203 ML-KEM-768, CCTV accumulated pq-crystals vectors: the primitive we build on', () => {
  assert.equal(toHex(shake128.create({}).xof(16)), kem.accumulated.rng_prefix);
  const rng = shake128.create({});
  const next = (n: number): Uint8Array => rng.xof(n);
  const out = shake128.create({});
  for (let i = 0; i < kem.accumulated.count; i++) {
    const d = next(32);
    const z = next(32);
    const m = next(32);
    const randomCt = next(1088);
    const { publicKey, secretKey } = ml_kem768.keygen(Uint8Array.from([...d, ...z]));
    const { cipherText, sharedSecret } = ml_kem768.encapsulate(publicKey, m);
    assert.deepEqual(ml_kem768.decapsulate(cipherText, secretKey), sharedSecret);
    for (const part of [
      publicKey,
      secretKey,
      cipherText,
      sharedSecret,
      ml_kem768.decapsulate(randomCt, secretKey),
    ])
      out.update(part);
  }
  assert.equal(toHex(out.xof(32)), kem.accumulated.hash);
});

test('hybrid known answer: Go FIPS 140 ML-KEM-768 self-test seeds with RFC 7748 §6.1 Alice and Bob', () => {
  const { d, z, m, K } = kem.cast;
  const client = x25519MlKem768Generate(scriptedRandom(hex(d + z), hex(dh.alice_private)));
  assert.equal(client.keyShare.length, X25519MLKEM768_CLIENT_SHARE_BYTES);
  // draft-ietf-tls-ecdhe-mlkem §3: the encapsulation key first, then the X25519 share.
  assert.deepEqual(client.keyShare.subarray(0, 1184), ml_kem768.keygen(hex(d + z)).publicKey);
  assert.equal(toHex(client.keyShare.subarray(1184)), dh.alice_public);
  const server = x25519MlKem768Encapsulate(
    client.keyShare,
    scriptedRandom(hex(m), hex(dh.bob_private)),
  );
  assert.equal(server.keyShare.length, X25519MLKEM768_SERVER_SHARE_BYTES);
  assert.equal(toHex(server.keyShare.subarray(1088)), dh.bob_public);
  // The ML-KEM secret first, then the X25519 secret.
  assert.equal(toHex(server.sharedSecret), K + dh.shared_secret);
  assert.equal(toHex(x25519MlKem768Decapsulate(client, server.keyShare)), K + dh.shared_secret);
});

test('FIPS 203 §7.2 modulus check: CCTV invalid encapsulation keys are refused as a bad public value', () => {
  mlKem768CheckEncapsulationKey(ml_kem768.keygen(hex(kem.cast.d + kem.cast.z)).publicKey);
  assert.equal(kem.modulus_invalid_ek.length, 3);
  for (const ek of kem.modulus_invalid_ek) {
    assert.throws(() => mlKem768CheckEncapsulationKey(hex(ek)), badShare);
    assert.throws(
      () => x25519MlKem768Encapsulate(hex(ek + dh.alice_public), deterministicRandom('s')),
      badShare,
    );
  }
});

test('wrong share lengths are a bad public value on both sides', () => {
  const client = x25519MlKem768Generate(deterministicRandom('client'));
  for (const n of [
    0,
    32,
    1184,
    X25519MLKEM768_CLIENT_SHARE_BYTES - 1,
    X25519MLKEM768_CLIENT_SHARE_BYTES + 1,
  ]) {
    const share = new Uint8Array(n);
    share.set(client.keyShare.subarray(0, Math.min(n, client.keyShare.length)));
    assert.throws(
      () => x25519MlKem768Encapsulate(share, deterministicRandom('s')),
      badShare,
      `client share of ${n}`,
    );
  }
  const server = x25519MlKem768Encapsulate(client.keyShare, deterministicRandom('server'));
  for (const n of [
    0,
    32,
    1088,
    X25519MLKEM768_SERVER_SHARE_BYTES - 1,
    X25519MLKEM768_SERVER_SHARE_BYTES + 1,
  ]) {
    const share = new Uint8Array(n);
    share.set(server.keyShare.subarray(0, Math.min(n, server.keyShare.length)));
    assert.throws(() => x25519MlKem768Decapsulate(client, share), badShare, `server share of ${n}`);
  }
});

test('an X25519 part of small order (all-zero X25519 result) is refused on both sides', () => {
  const client = x25519MlKem768Generate(deterministicRandom('client'));
  const server = x25519MlKem768Encapsulate(client.keyShare, deterministicRandom('server'));
  for (const { name, u } of x.low_order_public_values) {
    const c = Uint8Array.from(client.keyShare);
    c.set(hex(u), 1184);
    assert.throws(() => x25519MlKem768Encapsulate(c, deterministicRandom('s')), badShare, name);
    const s = Uint8Array.from(server.keyShare);
    s.set(hex(u), 1088);
    assert.throws(() => x25519MlKem768Decapsulate(client, s), badShare, name);
  }
});

test(
  'property: both sides agree; a flipped bit changes the secret of the part it hit',
  { timeout: 120_000 },
  () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.nat(X25519MLKEM768_SERVER_SHARE_BYTES * 8 - 1),
        (seed, bit) => {
          const client = x25519MlKem768Generate(deterministicRandom(seed));
          const server = x25519MlKem768Encapsulate(
            client.keyShare,
            deterministicRandom(Uint8Array.of(1, ...seed)),
          );
          const secret = x25519MlKem768Decapsulate(client, server.keyShare);
          assert.deepEqual(secret, server.sharedSecret);
          const tampered = Uint8Array.from(server.keyShare);
          tampered[bit >> 3] = (tampered[bit >> 3] as number) ^ (1 << (bit & 7));
          let other: Uint8Array;
          try {
            other = x25519MlKem768Decapsulate(client, tampered);
          } catch (err) {
            // Only the X25519 part can be refused (a flip that lands on a small-order point).
            assert.ok(badShare(err) && bit >= 1088 * 8, String(err));
            return;
          }
          const kemPart = bit < 1088 * 8;
          // FIPS 203 implicit rejection: a changed ciphertext yields an unrelated ML-KEM secret, not an error.
          assert.notDeepEqual(
            other.subarray(kemPart ? 0 : 32, kemPart ? 32 : 64),
            secret.subarray(kemPart ? 0 : 32, kemPart ? 32 : 64),
          );
          assert.deepEqual(
            other.subarray(kemPart ? 32 : 0, kemPart ? 64 : 32),
            secret.subarray(kemPart ? 32 : 0, kemPart ? 64 : 32),
          );
        },
      ),
      { numRuns: 40, seed: 203 },
    );
  },
);
