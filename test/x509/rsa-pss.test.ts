import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { Pki, CA_EXTENSIONS, SERVER_EXTENSIONS, openssl, opensslResult } from './pki.js';
import { CryptoError } from '../../src/crypto/errors.js';
import {
  rsaPkcs1v15Sign,
  rsaPkcs1v15Verify,
  rsaPssKeyAllows,
  rsaPssSign,
  rsaPssVerify,
} from '../../src/crypto/rsa.js';
import { deterministicRandom } from '../../src/prng/deterministic.js';
import { certificateText } from '../../src/x509/cert-text.js';
import { loadCertificateAndKey, loadCertificates, loadPrivateKey } from '../../src/x509/load.js';
import { publicKeyOf } from '../../src/x509/private-key.js';
import type { PublicKey } from '../../src/x509/public-key.js';
import { signatureMatchesKey } from '../../src/x509/signature.js';
import { OID } from '../../src/x509/oid.js';

/** Issue 13 item 13: id-RSASSA-PSS keys (RFC 4055, RFC 8017 A.2.3) load, and their parameters are enforced. */

const pki = new Pki();
after(() => pki.cleanup());
const random = deterministicRandom('rsa-pss keys');
const message = new TextEncoder().encode('RFC 8446 §4.2.3');

pki.issue('ca', pki.key('ca', 'rsa'), '/CN=CA', undefined, { extensions: CA_EXTENSIONS });
pki.issue('pss', pki.key('pss', 'rsa-pss'), '/CN=pss.example.org', 'ca', {
  extensions: SERVER_EXTENSIONS,
});
pki.issue('pss256', pki.key('pss256', 'rsa-pss-sha256'), '/CN=pss256.example.org', 'ca', {
  extensions: SERVER_EXTENSIONS,
});

type RsaKey = Extract<PublicKey, { kind: 'rsa' }>;
function rsaOf(key: PublicKey): RsaKey {
  assert.equal(key.kind, 'rsa');
  return key as RsaKey;
}

test('an id-RSASSA-PSS certificate and PKCS#8 key without parameters load and match', () => {
  const { chain, key } = loadCertificateAndKey(pki.path('pss.pem'), pki.path('pss.key'));
  const cert = chain[0];
  assert.ok(cert);
  assert.equal(cert.publicKey.algorithm, OID.rsassaPss);
  assert.deepEqual(rsaOf(cert.publicKey.key).pss, {});
  assert.deepEqual(rsaOf(publicKeyOf(key)).pss, {});
});

test('with parameters: hash, MGF1 hash and minimum salt length are kept on the certificate key and the private key', () => {
  const { chain, key } = loadCertificateAndKey(pki.path('pss256.pem'), pki.path('pss256.key'));
  const expected = { restrictions: { hash: 'sha256', mgfHash: 'sha256', minSaltLength: 32 } };
  assert.deepEqual(
    rsaOf((chain[0] as { publicKey: { key: PublicKey } }).publicKey.key).pss,
    expected,
  );
  assert.equal(key.kind, 'rsa');
  if (key.kind === 'rsa') assert.deepEqual(key.key.pss, expected);
});

test('a PSS key signs only PSS with its own hash, MGF and at least its salt length (RFC 4055 §3.1)', () => {
  const key = loadPrivateKey(pki.path('pss256.key'));
  assert.equal(key.kind, 'rsa');
  if (key.kind !== 'rsa') return;
  const pub = rsaOf(publicKeyOf(key));
  const refused = (e: unknown): boolean => e instanceof CryptoError;
  assert.throws(() => rsaPssSign(key.key, 'sha384', message, random), refused, 'other hash');
  assert.throws(
    () => rsaPssSign(key.key, 'sha256', message, random, 32, 'sha1'),
    refused,
    'other MGF1 hash',
  );
  assert.throws(
    () => rsaPssSign(key.key, 'sha256', message, random, 20),
    refused,
    'salt below the minimum',
  );
  assert.throws(() => rsaPkcs1v15Sign(key.key, 'sha256', message, random), refused, 'PKCS#1 v1.5');
  const sig = rsaPssSign(key.key, 'sha256', message, random);
  assert.ok(rsaPssVerify(pub, 'sha256', message, sig));
  // The same signature presented as another hash, or from an unrestricted key's point of view with a short salt, fails.
  assert.equal(rsaPssVerify(pub, 'sha256', message, sig, 32, 'sha1'), false);
  const unrestricted = { n: pub.n, e: pub.e };
  const shortSalt = rsaPssSign({ ...key.key, pss: undefined }, 'sha256', message, random, 16);
  assert.ok(rsaPssVerify(unrestricted, 'sha256', message, shortSalt, 16));
  assert.equal(
    rsaPssVerify(pub, 'sha256', message, shortSalt, 16),
    false,
    'salt below the key minimum',
  );
  assert.equal(
    rsaPkcs1v15Verify(
      pub,
      'sha256',
      message,
      rsaPkcs1v15Sign({ ...key.key, pss: undefined }, 'sha256', message, random),
    ),
    false,
  );
});

test('our PSS signature with the PSS key verifies with openssl, and openssl refuses a hash the key forbids', () => {
  const key = loadPrivateKey(pki.path('pss256.key'));
  if (key.kind !== 'rsa') throw new Error('expected an RSA key');
  writeFileSync(pki.path('msg'), message);
  writeFileSync(pki.path('msg.sig'), rsaPssSign(key.key, 'sha256', message, random));
  openssl(['pkey', '-in', pki.path('pss256.key'), '-pubout', '-out', pki.path('pss256.pub')]);
  const ok = opensslResult([
    'dgst',
    '-sha256',
    '-sigopt',
    'rsa_padding_mode:pss',
    '-verify',
    pki.path('pss256.pub'),
    '-signature',
    pki.path('msg.sig'),
    pki.path('msg'),
  ]);
  assert.equal(ok.stdout.trim(), 'Verified OK', ok.stderr);
  const forbidden = opensslResult([
    'dgst',
    '-sha384',
    '-sign',
    pki.path('pss256.key'),
    '-out',
    pki.path('msg384.sig'),
    pki.path('msg'),
  ]);
  assert.notEqual(
    forbidden.status,
    0,
    'openssl also refuses SHA-384 with a SHA-256-restricted key',
  );
});

test('a PSS issuer key cannot have made a PKCS#1 v1.5 signature (chain building skips it)', () => {
  const pss = rsaOf(publicKeyOf(loadPrivateKey(pki.path('pss.key'))));
  assert.equal(
    signatureMatchesKey(
      { kind: 'rsa-pkcs1', oid: OID.sha256WithRSAEncryption, hash: 'sha256' },
      pss,
    ),
    false,
  );
  assert.equal(
    signatureMatchesKey(
      { kind: 'rsa-pss', oid: OID.rsassaPss, hash: 'sha256', mgfHash: 'sha256', saltLength: 32 },
      pss,
    ),
    true,
  );
});

test('`x509 -text`: the public key block of a PSS certificate reads as OpenSSL 3 prints it', () => {
  for (const name of ['pss', 'pss256']) {
    const cert = loadCertificates(pki.path(`${name}.pem`))[0];
    assert.ok(cert);
    const ours = certificateText(cert);
    const theirs = openssl(['x509', '-in', pki.path(`${name}.pem`), '-noout', '-text']);
    const block = (text: string): string =>
      text.slice(text.indexOf('Public Key Algorithm:'), text.indexOf('X509v3 extensions:'));
    assert.equal(block(ours), block(theirs), name);
  }
});

test('PSS with an MGF1 hash other than the message hash: ours signs, openssl verifies; openssl signs, ours verifies', () => {
  const key = loadPrivateKey(pki.path('ca.key'));
  if (key.kind !== 'rsa') throw new Error('expected an RSA key');
  const pub = rsaOf(publicKeyOf(key));
  writeFileSync(pki.path('mgf.msg'), message);
  writeFileSync(pki.path('mgf.sig'), rsaPssSign(key.key, 'sha384', message, random, 48, 'sha1'));
  openssl(['pkey', '-in', pki.path('ca.key'), '-pubout', '-out', pki.path('ca.pub')]);
  const pss = [
    '-sigopt',
    'rsa_padding_mode:pss',
    '-sigopt',
    'rsa_mgf1_md:sha1',
    '-sigopt',
    'rsa_pss_saltlen:48',
  ];
  const r = opensslResult([
    'dgst',
    '-sha384',
    ...pss,
    '-verify',
    pki.path('ca.pub'),
    '-signature',
    pki.path('mgf.sig'),
    pki.path('mgf.msg'),
  ]);
  assert.equal(r.stdout.trim(), 'Verified OK', r.stderr);
  openssl([
    'dgst',
    '-sha384',
    ...pss,
    '-sign',
    pki.path('ca.key'),
    '-out',
    pki.path('mgf-openssl.sig'),
    pki.path('mgf.msg'),
  ]);
  const theirs = new Uint8Array(readFileSync(pki.path('mgf-openssl.sig')));
  assert.ok(rsaPssVerify(pub, 'sha384', message, theirs, 48, 'sha1'));
  assert.equal(
    rsaPssVerify(pub, 'sha384', message, theirs, 48),
    false,
    'MGF1-SHA-384 is not what was used',
  );
});

test('rsaPssKeyAllows: which rsa_pss_pss_* schemes (hash, MGF1 = hash, salt = hash length) a PSS key fits', () => {
  const restricted = rsaOf(publicKeyOf(loadPrivateKey(pki.path('pss256.key'))));
  const open = rsaOf(publicKeyOf(loadPrivateKey(pki.path('pss.key'))));
  const schemes = [
    ['sha256', 32],
    ['sha384', 48],
    ['sha512', 64],
  ] as const;
  assert.deepEqual(
    schemes.map(([h, n]) => rsaPssKeyAllows(restricted, h, h, n)),
    [true, false, false],
  );
  assert.deepEqual(
    schemes.map(([h, n]) => rsaPssKeyAllows(open, h, h, n)),
    [true, true, true],
  );
  assert.equal(rsaPssKeyAllows(restricted, 'sha256', 'sha256', 31), false);
});
