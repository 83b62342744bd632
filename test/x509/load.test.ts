import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { Pki, CA_EXTENSIONS, SERVER_EXTENSIONS, openssl } from './pki.js';
import type { KeyType } from './pki.js';
import { x509Refusal as errorCode } from './x509-refusal.js';
import { loadCertificateAndKey, loadPrivateKey } from '../../src/x509/load.js';
import { publicKeyOf } from '../../src/x509/private-key.js';

const pki = new Pki();
after(() => pki.cleanup());

pki.issue('ca', pki.key('ca', 'p256'), '/CN=CA', undefined, { extensions: CA_EXTENSIONS });
const TYPES: KeyType[] = ['rsa', 'dsa', 'p256', 'p384', 'ed25519'];
for (const t of TYPES)
  pki.issue(t, pki.key(t, t), `/CN=${t}.example.org`, 'ca', { extensions: SERVER_EXTENSIONS });

const read = (name: string): string => readFileSync(pki.path(name), 'latin1');
function write(name: string, text: string): string {
  writeFileSync(pki.path(name), text);
  return pki.path(name);
}

/** The traditional (pre-PKCS#8) encodings OpenSSL still writes and Postfix sites still have. */
const TRADITIONAL: Partial<Record<KeyType, string>> = {
  rsa: 'RSA PRIVATE KEY',
  dsa: 'DSA PRIVATE KEY',
  p256: 'EC PRIVATE KEY',
  p384: 'EC PRIVATE KEY',
};

for (const t of TYPES) {
  test(`${t}: PKCS#8 key in its own file matches the certificate`, () => {
    const { chain, key } = loadCertificateAndKey(pki.path(`${t}.pem`), pki.path(`${t}.key`));
    assert.equal(chain.length, 1);
    assert.equal(key.kind, publicKeyOf(key).kind);
  });

  const label = TRADITIONAL[t];
  if (label !== undefined) {
    test(`${t}: traditional ${label} key`, () => {
      const text = openssl(['pkey', '-in', pki.path(`${t}.key`), '-traditional']);
      assert.match(text, new RegExp(`BEGIN ${label}`));
      const file = write(`${t}-trad.key`, text);
      assert.equal(loadPrivateKey(file).kind, t.startsWith('p') ? 'ec' : t);
      loadCertificateAndKey(pki.path(`${t}.pem`), file);
    });
  }

  test(`${t}: certificate, chain and key in one file, key file defaulting to it`, () => {
    const file = write(`${t}-all.pem`, read(`${t}.pem`) + read('ca.pem') + read(`${t}.key`));
    const { chain } = loadCertificateAndKey(file);
    assert.equal(chain.length, 2);
    const keyFirst = write(
      `${t}-keyfirst.pem`,
      read(`${t}.key`) + read(`${t}.pem`) + read('ca.pem'),
    );
    assert.equal(loadCertificateAndKey(keyFirst).chain.length, 2);
  });

  test(`${t}: encrypted PKCS#8 key is refused`, () => {
    const enc = write(
      `${t}-enc.key`,
      openssl([
        'pkcs8',
        '-topk8',
        '-in',
        pki.path(`${t}.key`),
        '-v2',
        'aes-128-cbc',
        '-passout',
        'pass:secret',
      ]),
    );
    assert.match(
      errorCode(() => loadCertificateAndKey(pki.path(`${t}.pem`), enc)),
      /^encrypted_key: .*-enc\.key: private key must not be encrypted$/,
    );
  });
}

test('EC P-256 key written by `openssl ecparam -genkey` (EC PARAMETERS block first)', () => {
  const file = write('ecparam.key', openssl(['ecparam', '-name', 'prime256v1', '-genkey']));
  assert.match(read('ecparam.key'), /BEGIN EC PARAMETERS/);
  assert.equal(loadPrivateKey(file).kind, 'ec');
});

test('traditional encrypted key (Proc-Type: 4,ENCRYPTED) is refused', () => {
  const enc = write(
    'rsa-trad-enc.key',
    openssl([
      'rsa',
      '-in',
      pki.path('rsa.key'),
      '-traditional',
      '-aes128',
      '-passout',
      'pass:secret',
    ]),
  );
  assert.match(read('rsa-trad-enc.key'), /Proc-Type: 4,ENCRYPTED/);
  assert.match(
    errorCode(() => loadPrivateKey(enc)),
    /^encrypted_key: .*private key must not be encrypted$/,
  );
});

test('a key that does not match the certificate names both files', () => {
  assert.match(
    errorCode(() => loadCertificateAndKey(pki.path('rsa.pem'), pki.path('p256.key'))),
    /^key_mismatch: .*p256\.key: private key does not match the certificate in .*rsa\.pem$/,
  );
  assert.match(
    errorCode(() => loadCertificateAndKey(pki.path('p256.pem'), pki.path('p384.key'))),
    /^key_mismatch/,
  );
});

test('a key file without a key and a certificate file without a certificate', () => {
  assert.match(
    errorCode(() => loadCertificateAndKey(pki.path('rsa.pem'))),
    /^no_private_key: .*rsa\.pem: no private key found$/,
  );
  assert.match(
    errorCode(() => loadCertificateAndKey(pki.path('rsa.key'))),
    /^no_certificate: .*rsa\.key: no certificate found$/,
  );
  assert.match(
    errorCode(() => loadCertificateAndKey(pki.path('missing.pem'))),
    /^io_error: .*missing\.pem/,
  );
});

test('a damaged key is a typed error naming the file', () => {
  const pem = read('rsa.key');
  const file = write('rsa-bad.key', pem.replace(/\n([A-Za-z0-9+/]{10})/, '\nAAAAAAAAAA'));
  assert.match(
    errorCode(() => loadPrivateKey(file)),
    /^(malformed_der|malformed_structure): .*rsa-bad\.key/,
  );
});
