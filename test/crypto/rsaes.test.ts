import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { constants, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bigIntToBytes, bytesToBigInt, modPowPublic } from '../../src/crypto/bigint.js';
import {
  rsaDecryptTlsPremaster,
  rsaEncryptPkcs1v15,
  rsaPrivateFromComponents,
  type RsaPrivateKey,
} from '../../src/crypto/rsa.js';
import { deterministicRandom } from '../../src/prng/deterministic.js';

const b64 = (s: string | undefined): bigint =>
  BigInt('0x' + Buffer.from(s ?? '', 'base64url').toString('hex'));
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const j = privateKey.export({ format: 'jwk' });
const key: RsaPrivateKey = rsaPrivateFromComponents(
  b64(j.n),
  b64(j.e),
  b64(j.d),
  b64(j.p),
  b64(j.q),
);
const r = deterministicRandom('rsaes');
const premaster = Uint8Array.from([0x03, 0x03, ...randomBytes(46)]);

/** Encrypts a raw, hand-built 256-byte block: m^e mod n. */
function encryptRaw(em: Uint8Array): Uint8Array {
  return bigIntToBytes(modPowPublic(bytesToBigInt(em), key.e, key.n), 256);
}

function block(
  opts: {
    first?: number;
    second?: number;
    psLen?: number;
    zeroInPs?: boolean;
    separator?: boolean;
    message?: Uint8Array;
  } = {},
): Uint8Array {
  const message = opts.message ?? premaster;
  const em = new Uint8Array(256);
  em[0] = opts.first ?? 0;
  em[1] = opts.second ?? 2;
  const psLen = opts.psLen ?? 256 - 3 - message.length;
  em.fill(0x5a, 2, 2 + psLen);
  if (opts.zeroInPs === true) em[2 + Math.floor(psLen / 2)] = 0;
  em[2 + psLen] = opts.separator === false ? 0x5a : 0;
  em.set(message.subarray(0, 256 - 3 - psLen), 3 + psLen);
  return em;
}

test('node:crypto publicEncrypt (RSA_PKCS1_PADDING) decrypts to the premaster', () => {
  const ct = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, premaster);
  assert.deepEqual(rsaDecryptTlsPremaster(key, ct, 0x0303, r), premaster);
  assert.deepEqual(
    rsaDecryptTlsPremaster(key, encryptRaw(block()), 0x0303, r),
    premaster,
    'hand-built good block',
  );
});

test('rsaEncryptPkcs1v15 output is decrypted by openssl pkeyutl and by us', () => {
  const ct = rsaEncryptPkcs1v15(key, premaster, r);
  assert.deepEqual(rsaDecryptTlsPremaster(key, ct, 0x0303, r), premaster);
  const dir = mkdtempSync(join(tmpdir(), 'postern-rsaes-'));
  try {
    writeFileSync(join(dir, 'key.pem'), privateKey.export({ format: 'pem', type: 'pkcs8' }));
    writeFileSync(join(dir, 'ct.bin'), ct);
    const out = execFileSync('openssl', [
      'pkeyutl',
      '-decrypt',
      '-inkey',
      join(dir, 'key.pem'),
      '-in',
      join(dir, 'ct.bin'),
      '-pkeyopt',
      'rsa_padding_mode:pkcs1',
    ]);
    assert.deepEqual(new Uint8Array(out), premaster);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every kind of bad padding yields 48 bytes unlike the premaster, without throwing', () => {
  const bad: Record<string, Uint8Array> = {
    'first byte not 0': encryptRaw(block({ first: 1 })),
    'second byte not 2': encryptRaw(block({ second: 1 })),
    'zero inside PS': encryptRaw(block({ zeroInPs: true })),
    'PS shorter than 8': encryptRaw(
      block({ psLen: 7, message: new Uint8Array(256 - 3 - 7).fill(3) }),
    ),
    'no zero separator': encryptRaw(block({ separator: false, psLen: 256 - 2 - 1 - 48 })),
    'message of 47 bytes': encryptRaw(block({ message: premaster.subarray(0, 47) })),
    'message of 49 bytes': encryptRaw(block({ message: Uint8Array.from([...premaster, 1]) })),
    'wrong version': encryptRaw(
      block({ message: Uint8Array.from([0x03, 0x01, ...premaster.subarray(2)]) }),
    ),
    'ciphertext too short': encryptRaw(block()).subarray(1),
    'ciphertext too long': Uint8Array.from([0, ...encryptRaw(block())]),
    'ciphertext ≥ n': new Uint8Array(256).fill(0xff),
    'empty ciphertext': new Uint8Array(0),
  };
  const seen = new Set<string>();
  for (const [name, ct] of Object.entries(bad)) {
    const out = rsaDecryptTlsPremaster(key, ct, 0x0303, r);
    assert.equal(out.length, 48, name);
    assert.notDeepEqual(out, premaster, name);
    seen.add(Buffer.from(out).toString('hex'));
  }
  assert.equal(seen.size, Object.keys(bad).length, 'each failure gets fresh random bytes');
});

test('a good block with the version check against another client_version is rejected', () => {
  const ct = encryptRaw(block());
  assert.notDeepEqual(rsaDecryptTlsPremaster(key, ct, 0x0302, r), premaster);
});
