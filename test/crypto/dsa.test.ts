import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import * as asn1js from 'asn1js';
import { bytesToBigInt } from '../../src/crypto/bigint.js';
import { rfc6979Nonces } from '../../src/crypto/dsa-nonce.js';
import { decodeDsaSignature, encodeDsaSignature } from '../../src/crypto/dsa-signature-der.js';
import { dsaCheckParams, dsaSign, dsaVerify, type DsaPrivateKey } from '../../src/crypto/dsa.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { hash, type HashAlgorithm } from '../../src/crypto/hash.js';
import { deterministicRandom } from '../../src/prng/deterministic.js';
import { hex, loadVectors, toHex } from '../helpers/vectors.js';

interface Rfc6979 {
  keys: Record<string, { p: string; q: string; g: string; x: string; y: string }>;
  signatures: {
    key: string;
    message: string;
    hash: HashAlgorithm;
    k: string;
    r: string;
    s: string;
  }[];
}

const big = (h: string): bigint => BigInt('0x' + h);
const v = loadVectors<Rfc6979>('rfc6979-dsa.json');
const keyOf = (name: string): DsaPrivateKey => {
  const k = v.keys[name];
  assert.ok(k);
  return { p: big(k.p), q: big(k.q), g: big(k.g), x: big(k.x), y: big(k.y) };
};
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

test('RFC 6979 A.2.1/A.2.2: nonce k, r and s match for every listed signature, and verify', () => {
  assert.equal(v.signatures.length, 16);
  for (const sig of v.signatures) {
    const key = keyOf(sig.key);
    const label = `${sig.key} ${sig.hash} ${sig.message}`;
    assert.equal(
      rfc6979Nonces(sig.hash, key.q, key.x, hash(sig.hash, enc(sig.message))).next().value,
      big(sig.k),
      label,
    );
    const der = dsaSign(key, sig.hash, enc(sig.message));
    assert.deepEqual(der, encodeDsaSignature(big(sig.r), big(sig.s)), label);
    assert.ok(dsaVerify(key, sig.hash, enc(sig.message), der), label);
  }
});

test('RFC 6979 keys pass dsaCheckParams; broken parameters do not', () => {
  const key = keyOf('A.2.2');
  dsaCheckParams(key);
  dsaCheckParams(keyOf('A.2.1'));
  const invalid = (e: unknown): boolean => e instanceof CryptoError && e.code === 'invalid_key';
  assert.throws(() => dsaCheckParams({ ...key, g: 1n }), invalid);
  assert.throws(() => dsaCheckParams({ ...key, g: key.p }), invalid);
  assert.throws(() => dsaCheckParams({ ...key, g: 2n }), invalid, 'g of the wrong order');
  assert.throws(() => dsaCheckParams({ ...key, q: key.q + 2n }), invalid, 'q not dividing p-1');
  assert.throws(() => dsaCheckParams({ ...key, q: key.q >> 8n }), invalid, '248-bit q');
  assert.throws(() => dsaCheckParams({ ...key, p: key.p >> 1100n }), invalid, 'short p');
});

test('hedged signatures differ per call and still verify', () => {
  const key = keyOf('A.2.2');
  const r = deterministicRandom('hedge');
  const a = dsaSign(key, 'sha256', enc('sample'), r);
  const b = dsaSign(key, 'sha256', enc('sample'), r);
  assert.notDeepEqual(a, b);
  assert.ok(dsaVerify(key, 'sha256', enc('sample'), a));
  assert.ok(dsaVerify(key, 'sha256', enc('sample'), b));
});

test('negative cases: flipped bit, r or s zero or ≥ q, non-canonical DER, trailing bytes', () => {
  const key = keyOf('A.2.2');
  const msg = enc('sample');
  const good = dsaSign(key, 'sha256', msg);
  const sig = decodeDsaSignature(good);
  assert.ok(sig);
  const { r, s } = sig;
  const bad: Record<string, Uint8Array> = {
    'flipped bit': (() => {
      const x = good.slice();
      x[x.length - 1] = (x[x.length - 1] as number) ^ 1;
      return x;
    })(),
    'r = 0': encodeDsaSignature(0n, s),
    's = 0': encodeDsaSignature(r, 0n),
    'r = q': encodeDsaSignature(key.q, s),
    's = q': encodeDsaSignature(r, key.q),
    'r + q': encodeDsaSignature(r + key.q, s),
    'trailing byte': Uint8Array.from([...good, 0]),
    'long-form length': Uint8Array.from([0x30, 0x81, good.length - 2, ...good.subarray(2)]),
    'leading zero in r': (() => {
      const rb = hex(r.toString(16).padStart(64, '0'));
      const ri = Uint8Array.from([0x02, rb.length + 2, 0, 0, ...rb]);
      const sb = good.subarray(2 + 2 + (good[3] as number));
      return Uint8Array.from([0x30, ri.length + sb.length, ...ri, ...sb]);
    })(),
    'negative r': Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x01]),
    truncated: good.subarray(0, good.length - 1),
    empty: new Uint8Array(0),
    'wrong tag': Uint8Array.from([0x31, ...good.subarray(1)]),
  };
  for (const [name, der] of Object.entries(bad))
    assert.equal(dsaVerify(key, 'sha256', msg, der), false, name);
  assert.equal(dsaVerify(key, 'sha256', enc('other'), good), false, 'other message');
});

function nodeDsaKey(): {
  key: DsaPrivateKey;
  privateKey: ReturnType<typeof generateKeyPairSync>['privateKey'];
  publicKey: ReturnType<typeof generateKeyPairSync>['publicKey'];
} {
  const { privateKey, publicKey } = generateKeyPairSync('dsa', {
    modulusLength: 2048,
    divisorLength: 256,
  });
  // PKCS#8: SEQUENCE { version, AlgorithmIdentifier { oid, Dss-Parms { p, q, g } }, OCTET STRING { INTEGER x } }
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const seq = asn1js.fromBER(new Uint8Array(der)).result as asn1js.Sequence;
  const alg = seq.valueBlock.value[1] as asn1js.Sequence;
  const params = (alg.valueBlock.value[1] as asn1js.Sequence).valueBlock.value as asn1js.Integer[];
  const octets = (seq.valueBlock.value[2] as asn1js.OctetString).valueBlock.valueHexView;
  const xInt = asn1js.fromBER(octets).result as asn1js.Integer;
  const int = (i: asn1js.Integer): bigint => bytesToBigInt(i.valueBlock.valueHexView);
  const [p, q, g] = params.map(int) as [bigint, bigint, bigint];
  const x = int(xInt);
  let y = 1n;
  let b = g;
  for (let e = x; e > 0n; e >>= 1n, b = (b * b) % p) if (e & 1n) y = (y * b) % p;
  return { key: { p, q, g, x, y }, privateKey, publicKey };
}

test('DSA-2048/256 signatures interoperate with node:crypto both ways', () => {
  const { key, privateKey, publicKey } = nodeDsaKey();
  dsaCheckParams(key);
  const msg = enc('interop');
  const r = deterministicRandom('dsa interop');
  for (const h of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
    const ours = dsaSign(key, h, msg, r);
    assert.ok(verify(h, msg, publicKey, ours), `node verifies ours ${h}`);
    const theirs = new Uint8Array(sign(h, msg, privateKey));
    assert.ok(
      dsaVerify(key, h, msg, theirs),
      `we verify node's ${h} ${toHex(theirs).slice(0, 16)}`,
    );
  }
});
