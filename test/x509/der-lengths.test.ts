import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Pki, CA_EXTENSIONS, SERVER_EXTENSIONS, openssl } from './pki.js';
import type { KeyType } from './pki.js';
import { lengthMutants } from '../helpers/der-mutations.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { parseDer } from '../../src/x509/der.js';
import { X509Error } from '../../src/x509/errors.js';
import { parsePem } from '../../src/x509/pem.js';
import { parsePrivateKeyPem } from '../../src/x509/private-key.js';
import { parseSubjectPublicKeyInfo } from '../../src/x509/public-key.js';
import { verifyCertificateSignature } from '../../src/x509/signature.js';

/**
 * Issue 13 item 11: one value, one encoding. Every length of a certificate,
 * an SPKI or a private key is made shorter, longer, long-form where the short
 * form fits, or indefinite, with every enclosing length kept consistent; no
 * such byte string may parse (a certificate may only parse if its signature
 * then fails, i.e. the change is inside the signature value).
 */

const pki = new Pki();
after(() => pki.cleanup());

const TYPES: KeyType[] = ['rsa', 'dsa', 'p256', 'ed25519'];
pki.issue('ca', pki.key('ca', 'p256'), '/CN=CA', undefined, { extensions: CA_EXTENSIONS });
for (const t of TYPES)
  pki.issue(t, pki.key(t, t), `/CN=${t}.example.org`, 'ca', { extensions: SERVER_EXTENSIONS });

const pemDer = (text: string): Uint8Array => (parsePem(text)[0] as { der: Uint8Array }).der;
const certDer = (name: string): Uint8Array =>
  pemDer(readFileSync(pki.path(`${name}.pem`), 'latin1'));
const caKey = parseCertificate(certDer('ca')).publicKey;

function refused(f: () => unknown): boolean {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof X509Error, `expected an X509Error, got ${String(err)}`);
    return true;
  }
  return false;
}

for (const t of TYPES) {
  test(`${t}: certificate — no other length encoding parses to a certificate that verifies`, () => {
    const der = certDer(t);
    assert.ok(verifyCertificateSignature(parseCertificate(der), caKey.key));
    const mutants = lengthMutants(der);
    assert.ok(mutants.length > 100);
    for (const m of mutants) {
      let verifies = false;
      if (
        !refused(() => (verifies = verifyCertificateSignature(parseCertificate(m.der), caKey.key)))
      ) {
        assert.ok(!verifies, `node ${m.node} ${m.mutation}: a different byte string verifies`);
      }
    }
  });

  test(`${t}: SubjectPublicKeyInfo — every length mutation is malformed`, () => {
    const spki = parseCertificate(certDer(t)).publicKey.der;
    for (const m of lengthMutants(spki)) {
      assert.ok(
        refused(() => parseSubjectPublicKeyInfo(parseDer(m.der))),
        `node ${m.node} ${m.mutation} parses`,
      );
    }
  });

  test(`${t}: PKCS#8 private key — every length mutation is malformed`, () => {
    const der = pemDer(readFileSync(pki.path(`${t}.key`), 'latin1'));
    for (const m of lengthMutants(der)) {
      assert.ok(
        refused(() => parsePrivateKeyPem({ label: 'PRIVATE KEY', headers: new Map(), der: m.der })),
        `node ${m.node} ${m.mutation} parses`,
      );
    }
  });
}

for (const [t, label] of [
  ['rsa', 'RSA PRIVATE KEY'],
  ['dsa', 'DSA PRIVATE KEY'],
  ['p256', 'EC PRIVATE KEY'],
] as const) {
  test(`${t}: traditional ${label} — every length mutation is malformed`, () => {
    const der = pemDer(openssl(['pkey', '-in', pki.path(`${t}.key`), '-traditional']));
    assert.ok(!refused(() => parsePrivateKeyPem({ label, headers: new Map(), der })));
    for (const m of lengthMutants(der)) {
      assert.ok(
        refused(() => parsePrivateKeyPem({ label, headers: new Map(), der: m.der })),
        `node ${m.node} ${m.mutation} parses`,
      );
    }
  });
}

test('X.690 §8.1.3, §8.1.5: a last child running past its parent, or end-of-contents octets in a definite length', () => {
  for (const h of [
    '30030203010203',
    '3008300302030102030500',
    '300a30030203010203020100',
    '30050201000000',
    '300400000500',
    '0000',
  ]) {
    assert.ok(
      refused(() => parseDer(Uint8Array.from(Buffer.from(h, 'hex')))),
      h,
    );
  }
});
