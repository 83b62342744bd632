import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { bigIntToBytes, bytesToBigInt, modPow } from '../../src/crypto/bigint.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { hash } from '../../src/crypto/hash.js';
import type { HashAlgorithm } from '../../src/crypto/hash.js';
import {
  rsaGenerateKey,
  rsaModulusBytes,
  rsaPkcs1v15Sign,
  rsaPkcs1v15Verify,
  rsaPrivateFromComponents,
  rsaPssSign,
  rsaPssVerify,
  type RsaPrivateKey,
} from '../../src/crypto/rsa.js';
import { deterministicRandom } from '../../src/prng/deterministic.js';
import { hex, loadVectors, toHex } from '../helpers/vectors.js';

interface SigVer15 {
  n: string;
  p: string;
  q: string;
  d: string;
  tests: { hash: HashAlgorithm; e: string; msg: string; s: string; result: string }[];
}

const big = (h: string): bigint => BigInt('0x' + h);
const b64 = (s: string | undefined): bigint =>
  big(Buffer.from(s ?? '', 'base64url').toString('hex'));
const r = deterministicRandom('rsa tests');

function fromNode(key: KeyObject): RsaPrivateKey {
  const j = key.export({ format: 'jwk' });
  return rsaPrivateFromComponents(b64(j.n), b64(j.e), b64(j.d), b64(j.p), b64(j.q));
}

function toJwkB64(x: bigint): string {
  const h = x.toString(16);
  return Buffer.from(h.length % 2 ? '0' + h : h, 'hex').toString('base64url');
}

test('NIST CAVP SigVer15 (2048-bit): every record verifies as marked; P records re-sign to the same bytes', () => {
  const v = loadVectors<SigVer15>('nist-cavp-rsa-sigver15.json');
  const key = rsaPrivateFromComponents(big(v.n), 65537n, big(v.d), big(v.p), big(v.q));
  let passes = 0;
  for (const t of v.tests) {
    const expected = t.result === 'P';
    const ok = rsaPkcs1v15Verify({ n: big(v.n), e: big(t.e) }, t.hash, hex(t.msg), hex(t.s));
    assert.equal(ok, expected, `${t.hash} ${t.result}`);
    if (t.e === '010001') {
      const mine = toHex(rsaPkcs1v15Sign(key, t.hash, hex(t.msg), r));
      assert.equal(mine === t.s, expected, `re-sign ${t.hash} ${t.result}`);
    }
    if (expected) passes++;
  }
  assert.equal(passes, 2);
});

const nodeKeys = [1024, 2048, 2056, 3072].map((bits) => ({
  bits,
  ...generateKeyPairSync('rsa', { modulusLength: bits }),
}));

test('PKCS#1 v1.5 and PSS interoperate with node:crypto both ways (1024, 2048, 2056, 3072 bits)', () => {
  const msg = new TextEncoder().encode('interop message');
  for (const { bits, privateKey, publicKey } of nodeKeys) {
    const key = fromNode(privateKey);
    assert.equal(rsaModulusBytes(key), Math.ceil(bits / 8));
    for (const h of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
      const ours = rsaPkcs1v15Sign(key, h, msg, r);
      assert.ok(verify(h, msg, publicKey, ours), `node verifies our PKCS#1 ${bits} ${h}`);
      assert.ok(
        rsaPkcs1v15Verify(key, h, msg, sign(h, msg, privateKey)),
        `we verify node PKCS#1 ${bits} ${h}`,
      );
      if (bits === 1024 && h === 'sha512') continue;
      const pss = {
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
      };
      assert.ok(
        verify(h, msg, { key: publicKey, ...pss }, rsaPssSign(key, h, msg, r)),
        `node verifies our PSS ${bits} ${h}`,
      );
      const theirs = sign(h, msg, { key: privateKey, ...pss });
      assert.ok(rsaPssVerify(key, h, msg, theirs), `we verify node PSS ${bits} ${h}`);
      assert.ok(rsaPssVerify(key, h, msg, theirs, -1), 'any salt length');
    }
  }
});

test('PSS salt lengths: explicit, zero, recovered with -1, mismatch refused', () => {
  const { privateKey, publicKey } = nodeKeys[1] as (typeof nodeKeys)[number];
  const key = fromNode(privateKey);
  const msg = new TextEncoder().encode('salt');
  const zero = rsaPssSign(key, 'sha256', msg, r, 0);
  assert.ok(
    verify(
      'sha256',
      msg,
      { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 0 },
      zero,
    ),
  );
  assert.ok(rsaPssVerify(key, 'sha256', msg, zero, 0));
  assert.ok(rsaPssVerify(key, 'sha256', msg, zero, -1));
  assert.equal(rsaPssVerify(key, 'sha256', msg, zero), false);
  const max = sign('sha256', msg, {
    key: privateKey,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN,
  });
  assert.ok(rsaPssVerify(key, 'sha256', msg, max, -1));
  assert.ok(rsaPssVerify(key, 'sha256', msg, max, 256 - 32 - 2));
  assert.equal(rsaPssVerify(key, 'sha256', msg, max, 32), false);
});

test('bad signatures return false and never throw', () => {
  const key = fromNode((nodeKeys[1] as (typeof nodeKeys)[number]).privateKey);
  const msg = new TextEncoder().encode('m');
  for (const [signFn, verifyFn] of [
    [rsaPkcs1v15Sign, rsaPkcs1v15Verify],
    [rsaPssSign, rsaPssVerify],
  ] as const) {
    const good = signFn(key, 'sha256', msg, r);
    assert.ok(verifyFn(key, 'sha256', msg, good));
    const flipped = good.slice();
    flipped[100] = (flipped[100] as number) ^ 1;
    assert.equal(verifyFn(key, 'sha256', msg, flipped), false);
    assert.equal(verifyFn(key, 'sha256', msg, good.subarray(1)), false, 'short');
    assert.equal(verifyFn(key, 'sha256', msg, Uint8Array.from([0, ...good])), false, 'long');
    assert.equal(verifyFn(key, 'sha256', msg, new Uint8Array(256).fill(0xff)), false, 's ≥ n');
    assert.equal(verifyFn(key, 'sha256', msg, new Uint8Array(256)), false, 'zero');
    assert.equal(verifyFn(key, 'sha384', msg, good), false, 'other hash');
    assert.equal(
      verifyFn(key, 'sha256', new TextEncoder().encode('n'), good),
      false,
      'other message',
    );
  }
});

test('PKCS#1 v1.5 verification is not lenient about the DigestInfo (Bleichenbacher 2006 shapes)', () => {
  const key = fromNode((nodeKeys[1] as (typeof nodeKeys)[number]).privateKey);
  const msg = new TextEncoder().encode('forgery');
  // Sign raw encoded blocks with the private exponent, as a forger with a bad verifier in mind would build them.
  const raw = (em: Uint8Array): Uint8Array =>
    bigIntToBytes(modPow(bytesToBigInt(em), key.d, key.n), 256);
  const h = hash('sha256', msg);
  const prefix = hex('3031300d060960864801650304020105000420');
  const build = (body: Uint8Array, psLen: number): Uint8Array => {
    const em = new Uint8Array(256);
    em[1] = 1;
    em.fill(0xff, 2, 2 + psLen);
    em.set(body, 3 + psLen);
    return em;
  };
  const good = build(Uint8Array.from([...prefix, ...h]), 256 - 3 - 51);
  assert.ok(rsaPkcs1v15Verify(key, 'sha256', msg, raw(good)));
  const garbageAfter = build(Uint8Array.from([...prefix, ...h, 0xde, 0xad]), 256 - 3 - 53);
  assert.equal(rsaPkcs1v15Verify(key, 'sha256', msg, raw(garbageAfter)), false, 'trailing garbage');
  const noNull = build(
    Uint8Array.from([...hex('302f300b0609608648016503040201'), 0x04, 0x20, ...h]),
    256 - 3 - 49,
  );
  assert.equal(rsaPkcs1v15Verify(key, 'sha256', msg, raw(noNull)), false, 'parameters absent');
});

test('rsaGenerateKey(2048) makes keys node:crypto accepts and uses', () => {
  const key = rsaGenerateKey(2048, deterministicRandom('keygen'));
  assert.equal(rsaModulusBytes(key), 256);
  assert.equal(key.n.toString(2).length, 2048);
  const jwk = {
    kty: 'RSA',
    n: toJwkB64(key.n),
    e: toJwkB64(key.e),
    d: toJwkB64(key.d),
    p: toJwkB64(key.p),
    q: toJwkB64(key.q),
    dp: toJwkB64(key.dp),
    dq: toJwkB64(key.dq),
    qi: toJwkB64(key.qinv),
  };
  const priv = createPrivateKey({ format: 'jwk', key: jwk });
  const pub = createPublicKey(priv);
  const msg = new TextEncoder().encode('generated');
  assert.ok(verify('sha256', msg, pub, rsaPkcs1v15Sign(key, 'sha256', msg, r)));
  assert.ok(rsaPkcs1v15Verify(key, 'sha256', msg, sign('sha256', msg, priv)));
});

test('rsaPrivateFromComponents refuses inconsistent components; verify refuses unusable keys', () => {
  const key = fromNode((nodeKeys[1] as (typeof nodeKeys)[number]).privateKey);
  const isInvalidKey = (e: unknown): boolean =>
    e instanceof CryptoError && e.code === 'invalid_key';
  assert.throws(
    () => rsaPrivateFromComponents(key.n, key.e, key.d + 2n, key.p, key.q),
    isInvalidKey,
  );
  assert.throws(
    () => rsaPrivateFromComponents(key.n, key.e, key.d, key.p + 2n, key.q),
    isInvalidKey,
  );
  assert.throws(
    () => rsaPrivateFromComponents(key.n + 2n, key.e, key.d, key.p, key.q),
    isInvalidKey,
  );
  assert.throws(
    () => rsaPkcs1v15Verify({ n: key.n, e: 2n }, 'sha256', new Uint8Array(1), new Uint8Array(256)),
    isInvalidKey,
  );
  assert.throws(
    () => rsaPkcs1v15Verify({ n: 3233n, e: 17n }, 'sha256', new Uint8Array(1), new Uint8Array(2)),
    isInvalidKey,
  );
});

test('a corrupted CRT component is caught by the signature check, not released', () => {
  const key = fromNode((nodeKeys[1] as (typeof nodeKeys)[number]).privateKey);
  const faulty: RsaPrivateKey = { ...key, dp: key.dp ^ 2n };
  assert.throws(
    () => rsaPkcs1v15Sign(faulty, 'sha256', new Uint8Array(3), r),
    (e: unknown) => e instanceof CryptoError && e.code === 'invalid_key',
  );
});
