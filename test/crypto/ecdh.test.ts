import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createECDH,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
} from 'node:crypto';
import { ecdhGenerate, ecdhPublicKey, ecdhSharedSecret } from '../../src/crypto/ecdh.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { deterministicRandom, scriptedRandom } from '../../src/prng/deterministic.js';
import { loadVectors, hex, toHex } from '../helpers/vectors.js';

interface X25519Vectors {
  scalar_mult: { scalar: string; u: string; output: string }[];
  iterated: { iterations: number; output: string }[];
  diffie_hellman: Record<
    'alice_private' | 'alice_public' | 'bob_private' | 'bob_public' | 'shared_secret',
    string
  >;
  low_order_public_values: { name: string; u: string }[];
}
const x = loadVectors<X25519Vectors>('rfc7748-x25519.json');
const isInvalidPublic = (e: unknown): boolean =>
  e instanceof CryptoError && e.code === 'invalid_public_value';

test('RFC 7748 §5.2 scalar multiplication', () => {
  for (const v of x.scalar_mult)
    assert.equal(toHex(ecdhSharedSecret('x25519', hex(v.scalar), hex(v.u))), v.output);
});

test('RFC 7748 §5.2 iterated test after 1 and 1,000 iterations', () => {
  for (const v of x.iterated) {
    let k: Uint8Array = new Uint8Array(32);
    k[0] = 9;
    let u: Uint8Array = Uint8Array.from(k);
    for (let i = 0; i < v.iterations; i++) {
      const next = ecdhSharedSecret('x25519', k, u);
      u = k;
      k = next;
    }
    assert.equal(toHex(k), v.output, `${v.iterations} iterations`);
  }
});

test('RFC 7748 §6.1 Diffie-Hellman', () => {
  const d = x.diffie_hellman;
  assert.equal(toHex(ecdhPublicKey('x25519', hex(d.alice_private))), d.alice_public);
  assert.equal(toHex(ecdhPublicKey('x25519', hex(d.bob_private))), d.bob_public);
  assert.equal(
    toHex(ecdhSharedSecret('x25519', hex(d.alice_private), hex(d.bob_public))),
    d.shared_secret,
  );
  assert.equal(
    toHex(ecdhSharedSecret('x25519', hex(d.bob_private), hex(d.alice_public))),
    d.shared_secret,
  );
});

test('X25519 refuses low-order public values (all-zero shared secret) and wrong lengths', () => {
  const priv = hex(x.diffie_hellman.alice_private);
  for (const v of x.low_order_public_values) {
    assert.throws(() => ecdhSharedSecret('x25519', priv, hex(v.u)), isInvalidPublic, v.name);
  }
  assert.throws(() => ecdhSharedSecret('x25519', priv, new Uint8Array(31)), isInvalidPublic);
  assert.throws(
    () => ecdhSharedSecret('x25519', new Uint8Array(31), hex(x.diffie_hellman.bob_public)),
    CryptoError,
  );
});

test('ecdhGenerate takes its private key from the Random', () => {
  const seed = new Uint8Array(32).fill(7);
  const pair = ecdhGenerate('x25519', scriptedRandom(seed));
  assert.equal(toHex(pair.privateKey), toHex(seed));
  for (const group of ['secp256r1', 'secp384r1'] as const) {
    const a = ecdhGenerate(group, deterministicRandom(`ecdh ${group}`));
    const b = ecdhGenerate(group, deterministicRandom(`ecdh ${group}`));
    assert.equal(toHex(a.privateKey), toHex(b.privateKey));
    assert.equal(a.publicKey.length, group === 'secp256r1' ? 65 : 97);
    assert.equal(a.publicKey[0], 4);
  }
  // An all-0xff draw is above n for P-256 and is redrawn (rejection sampling).
  const redrawn = ecdhGenerate(
    'secp256r1',
    scriptedRandom(new Uint8Array(32).fill(0xff), new Uint8Array(32).fill(1)),
  );
  assert.equal(toHex(redrawn.privateKey), '01'.repeat(32));
});

const NODE_CURVE = { secp256r1: 'prime256v1', secp384r1: 'secp384r1' } as const;

test('NIST ECDH shared secrets equal node:crypto, both ways', () => {
  for (const group of ['secp256r1', 'secp384r1'] as const) {
    const random = deterministicRandom(`interop ${group}`);
    for (let i = 0; i < 4; i++) {
      const ours = ecdhGenerate(group, random);
      const theirs = createECDH(NODE_CURVE[group]);
      const theirPublic = theirs.generateKeys();
      const ourSecret = ecdhSharedSecret(group, ours.privateKey, theirPublic);
      const theirSecret = theirs.computeSecret(ours.publicKey);
      assert.equal(toHex(ourSecret), toHex(theirSecret), group);
      assert.equal(ourSecret.length, group === 'secp256r1' ? 32 : 48);
    }
  }
});

test('X25519 shared secrets equal node:crypto, both ways', () => {
  const random = deterministicRandom('interop x25519');
  for (let i = 0; i < 4; i++) {
    const ours = ecdhGenerate('x25519', random);
    const { publicKey, privateKey } = generateKeyPairSync('x25519');
    const theirRaw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const ourSecret = ecdhSharedSecret('x25519', ours.privateKey, theirRaw);
    const ourPublicAsKey = createPublicKey({
      key: Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), ours.publicKey]),
      format: 'der',
      type: 'spki',
    });
    const theirSecret = diffieHellman({
      privateKey: createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })),
      publicKey: ourPublicAsKey,
    });
    assert.equal(toHex(ourSecret), toHex(theirSecret));
  }
});

test('NIST peer values must be uncompressed points on the curve', () => {
  for (const group of ['secp256r1', 'secp384r1'] as const) {
    const size = group === 'secp256r1' ? 32 : 48;
    const ours = ecdhGenerate(group, deterministicRandom(`validation ${group}`));
    const peer = ecdhGenerate(group, deterministicRandom(`peer ${group}`)).publicKey;
    assert.equal(ecdhSharedSecret(group, ours.privateKey, peer).length, size);
    const offCurve = Uint8Array.from(peer);
    offCurve[offCurve.length - 1] = (offCurve[offCurve.length - 1] as number) ^ 1;
    const compressed = Uint8Array.from([
      2 + ((peer[peer.length - 1] as number) & 1),
      ...peer.subarray(1, 1 + size),
    ]);
    const hybrid = Uint8Array.from(peer);
    hybrid[0] = 6 + ((peer[peer.length - 1] as number) & 1);
    const bad: [string, Uint8Array][] = [
      ['off the curve', offCurve],
      ['compressed', compressed],
      ['hybrid', hybrid],
      ['infinity', Uint8Array.of(0)],
      ['all zero, right length', new Uint8Array(1 + 2 * size)],
      ['0x04 and zero coordinates', Uint8Array.from([4, ...new Uint8Array(2 * size)])],
      ['one byte short', peer.subarray(0, peer.length - 1)],
      ['one byte long', Uint8Array.from([...peer, 0])],
    ];
    for (const [name, value] of bad)
      assert.throws(
        () => ecdhSharedSecret(group, ours.privateKey, value),
        isInvalidPublic,
        `${group} ${name}`,
      );
    assert.throws(
      () => ecdhSharedSecret(group, new Uint8Array(size), peer),
      (e: unknown) => e instanceof CryptoError && e.code === 'invalid_key',
    );
  }
});
