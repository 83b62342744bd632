import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createPrivateKey,
  createPublicKey,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  ecdsaPublicKey,
  ecdsaSign,
  ecdsaSignDigest,
  ecdsaVerify,
  ecdsaVerifyDigest,
} from '../../src/crypto/ecdsa.js';
import type { EcdsaCurve } from '../../src/crypto/ecdsa.js';
import { hash } from '../../src/crypto/hash.js';
import type { HashAlgorithm } from '../../src/crypto/hash.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { deterministicRandom } from '../../src/prng/deterministic.js';
import { loadVectors, hex, toHex } from '../helpers/vectors.js';

interface SigCase {
  hash: HashAlgorithm;
  message: string;
  k: string;
  r: string;
  s: string;
}
interface DerCase {
  name: string;
  hash: HashAlgorithm;
  message: string;
  der: string;
}
interface CurveVectors {
  curve: EcdsaCurve;
  private_key: string;
  public_key: string;
  signatures: SigCase[];
  also_valid: DerCase[];
  invalid: DerCase[];
}
const file = loadVectors<{ curves: CurveVectors[] }>('rfc6979-ecdsa.json');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** DER of (r, s) as RFC 3279 §2.2.3 encodes it, for comparing with our output. */
function derOf(rHex: string, sHex: string): string {
  const int = (h: string): string => {
    let v = h.replace(/^(00)+/, '');
    if (v.length === 0) v = '00';
    if (parseInt(v.slice(0, 2), 16) >= 0x80) v = '00' + v;
    return '02' + (v.length / 2).toString(16).padStart(2, '0') + v;
  };
  const body = int(rHex) + int(sHex);
  return '30' + (body.length / 2).toString(16).padStart(2, '0') + body;
}

test('RFC 6979 A.2.5 / A.2.6: public keys, deterministic signatures (k, r, s) and their verification', () => {
  for (const c of file.curves) {
    assert.equal(toHex(ecdsaPublicKey(c.curve, hex(c.private_key))), c.public_key);
    assert.equal(c.signatures.length, 8);
    for (const s of c.signatures) {
      const der = ecdsaSign(c.curve, hex(c.private_key), s.hash, utf8(s.message));
      assert.equal(toHex(der), derOf(s.r, s.s), `${c.curve} ${s.hash} "${s.message}"`);
      // k is pinned through r: r = x(kG) mod n, and for these vectors x(kG) < n.
      assert.equal(
        toHex(ecdsaPublicKey(c.curve, hex(s.k)).subarray(1, 1 + hex(s.r).length)),
        s.r,
        `${c.curve} ${s.hash} "${s.message}" k`,
      );
      assert.equal(ecdsaVerify(c.curve, hex(c.public_key), s.hash, utf8(s.message), der), true);
      assert.equal(
        ecdsaVerifyDigest(c.curve, hex(c.public_key), hash(s.hash, utf8(s.message)), der),
        true,
      );
      assert.equal(
        toHex(ecdsaSignDigest(c.curve, hex(c.private_key), hash(s.hash, utf8(s.message)))),
        toHex(der),
      );
    }
  }
});

test('high-S twins verify; every listed bad signature is false, never an exception', () => {
  for (const c of file.curves) {
    for (const v of c.also_valid)
      assert.equal(
        ecdsaVerify(c.curve, hex(c.public_key), v.hash, utf8(v.message), hex(v.der)),
        true,
        `${c.curve} ${v.name}`,
      );
    assert.ok(c.invalid.length >= 12);
    for (const v of c.invalid)
      assert.equal(
        ecdsaVerify(c.curve, hex(c.public_key), v.hash, utf8(v.message), hex(v.der)),
        false,
        `${c.curve} ${v.name}`,
      );
  }
});

test('compressed public keys verify; malformed public keys throw invalid_key', () => {
  for (const c of file.curves) {
    const pub = hex(c.public_key);
    const size = (pub.length - 1) / 2;
    const s = c.signatures[1];
    assert.ok(s);
    const der = hex(derOf(s.r, s.s));
    const compressed = Uint8Array.from([
      2 + ((pub[pub.length - 1] as number) & 1),
      ...pub.subarray(1, 1 + size),
    ]);
    assert.equal(ecdsaVerify(c.curve, compressed, s.hash, utf8(s.message), der), true);
    const offCurve = Uint8Array.from(pub);
    offCurve[pub.length - 1] = (offCurve[pub.length - 1] as number) ^ 1;
    const hybrid = Uint8Array.from(pub);
    hybrid[0] = 6 + ((pub[pub.length - 1] as number) & 1);
    for (const bad of [offCurve, hybrid, Uint8Array.of(0), pub.subarray(1), new Uint8Array(0)]) {
      assert.throws(
        () => ecdsaVerify(c.curve, bad, s.hash, utf8(s.message), der),
        (e: unknown) => e instanceof CryptoError && e.code === 'invalid_key',
      );
    }
  }
});

test('P-384 with SHA-256 and P-256 with SHA-384/SHA-1 (digest truncated or short, SEC 1 §4.1.3)', () => {
  const random = deterministicRandom('cross-hash');
  for (const c of file.curves) {
    for (const h of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
      const sig = ecdsaSign(c.curve, hex(c.private_key), h, utf8('cross'), random);
      assert.equal(
        ecdsaVerify(c.curve, hex(c.public_key), h, utf8('cross'), sig),
        true,
        `${c.curve} ${h}`,
      );
      assert.equal(ecdsaVerify(c.curve, hex(c.public_key), h, utf8('cross!'), sig), false);
    }
  }
});

test('hedged signing: extra entropy from the Random changes k, and the signature still verifies', () => {
  for (const c of file.curves) {
    const det = ecdsaSign(c.curve, hex(c.private_key), 'sha256', utf8('sample'));
    const hedged = ecdsaSign(
      c.curve,
      hex(c.private_key),
      'sha256',
      utf8('sample'),
      deterministicRandom('hedge'),
    );
    assert.notEqual(toHex(hedged), toHex(det));
    assert.equal(ecdsaVerify(c.curve, hex(c.public_key), 'sha256', utf8('sample'), hedged), true);
    assert.throws(
      () => ecdsaSign(c.curve, new Uint8Array(c.curve === 'P-256' ? 32 : 48), 'sha256', utf8('x')),
      CryptoError,
    );
  }
});

const NODE_CURVE: Record<EcdsaCurve, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1' };
const OID_HEX: Record<EcdsaCurve, string> = {
  'P-256': '06082a8648ce3d030107',
  'P-384': '06052b81040022',
};

/** Node key objects for our raw keys, via SEC1 ECPrivateKey (RFC 5915) DER. */
function nodeKeys(
  curve: EcdsaCurve,
  priv: Uint8Array,
  pub: Uint8Array,
): { privateKey: KeyObject; publicKey: KeyObject } {
  const len = (n: number): string =>
    n < 128 ? n.toString(16).padStart(2, '0') : '81' + n.toString(16).padStart(2, '0');
  const oid = OID_HEX[curve];
  const pubBits = '00' + toHex(pub);
  const inner =
    '020101' +
    '04' +
    len(priv.length) +
    toHex(priv) +
    'a0' +
    len(oid.length / 2) +
    oid +
    'a1' +
    len(pubBits.length / 2 + 2) +
    '03' +
    len(pubBits.length / 2) +
    pubBits;
  const der = '30' + len(inner.length / 2) + inner;
  const privateKey = createPrivateKey({
    key: Buffer.from(der, 'hex'),
    format: 'der',
    type: 'sec1',
  });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

test('interop with node:crypto: ours verified by node, node verified by ours', () => {
  for (const c of file.curves) {
    assert.ok(NODE_CURVE[c.curve]);
    const { privateKey, publicKey } = nodeKeys(c.curve, hex(c.private_key), hex(c.public_key));
    const random = deterministicRandom(`interop ${c.curve}`);
    for (let i = 0; i < 8; i++) {
      const message = random.bytes(40 + i);
      for (const h of ['sha256', 'sha384'] as const) {
        const ours = ecdsaSign(c.curve, hex(c.private_key), h, message, random);
        assert.equal(
          nodeVerify(h, message, publicKey, ours),
          true,
          `node verifies ours ${c.curve} ${h}`,
        );
        const theirs = nodeSign(h, message, privateKey);
        assert.equal(
          ecdsaVerify(c.curve, hex(c.public_key), h, message, theirs),
          true,
          `ours verifies node ${c.curve} ${h}`,
        );
      }
    }
  }
});
