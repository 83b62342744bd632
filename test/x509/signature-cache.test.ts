import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Certificate } from '../../src/x509/certificate.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { loadCertificates } from '../../src/x509/load.js';
import { verifyCertificateSignature } from '../../src/x509/signature.js';
import { VerifiedSignatures } from '../../src/x509/signature-cache.js';
import { TrustStore } from '../../src/x509/trust-store.js';
import { verifyChain } from '../../src/x509/verify.js';
import { CA_EXTENSIONS, Pki, SERVER_EXTENSIONS } from './pki.js';

const pki = new Pki();
process.once('exit', () => pki.cleanup());
function load(file: string): Certificate {
  const [cert] = loadCertificates(file);
  assert.ok(cert !== undefined);
  return cert;
}
const ca = load(
  pki.issue('ca', pki.key('ca', 'p256'), '/CN=signature cache CA', undefined, {
    extensions: CA_EXTENSIONS,
  }),
);
const otherCa = load(
  pki.issue('other', pki.key('other', 'p256'), '/CN=signature cache CA', undefined, {
    extensions: CA_EXTENSIONS,
  }),
);
const leaves = ['a', 'b'].map((n) =>
  load(
    pki.issue(n, pki.key(n, 'ed25519'), `/CN=${n}.example.com`, 'ca', {
      extensions: SERVER_EXTENSIONS,
    }),
  ),
);
const [a, b] = leaves as [Certificate, Certificate];

/** The same certificate with the last byte of its signature changed: it still parses, and must not verify. */
function tampered(cert: Certificate): Certificate {
  const der = Uint8Array.from(cert.der);
  der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 0x01;
  return parseCertificate(der);
}

test('a good signature verifies, is remembered, and verifies again', () => {
  const cache = new VerifiedSignatures(8);
  assert.equal(verifyCertificateSignature(a, ca.publicKey.key), true);
  assert.equal(cache.verify(a, ca.publicKey), true);
  assert.equal(cache.size, 1);
  assert.equal(cache.verify(parseCertificate(Uint8Array.from(a.der)), ca.publicKey), true);
  assert.equal(cache.size, 1);
});

test('a changed certificate is checked again and fails, every time', () => {
  const cache = new VerifiedSignatures(8);
  assert.equal(cache.verify(a, ca.publicKey), true);
  const bad = tampered(a);
  assert.equal(verifyCertificateSignature(bad, ca.publicKey.key), false);
  assert.equal(cache.verify(bad, ca.publicKey), false);
  assert.equal(cache.verify(bad, ca.publicKey), false);
  assert.equal(cache.size, 1);
});

test('a result for one issuer key is not served for another', () => {
  const cache = new VerifiedSignatures(8);
  assert.equal(cache.verify(a, ca.publicKey), true);
  assert.equal(cache.verify(a, otherCa.publicKey), false);
  assert.equal(cache.size, 1);
});

test('the cache is bounded', () => {
  const cache = new VerifiedSignatures(1);
  assert.equal(cache.verify(a, ca.publicKey), true);
  assert.equal(cache.verify(b, ca.publicKey), true);
  assert.equal(cache.size, 1);
  assert.equal(cache.verify(a, ca.publicKey), true);
  assert.equal(cache.size, 1);
});

test('verifyChain still refuses a changed leaf after accepting the original', () => {
  const store = TrustStore.load({ caFile: pki.path('ca.pem') });
  const now = new Date('2030-01-01T00:00:00Z');
  for (let i = 0; i < 2; i++) assert.equal(verifyChain([a], { trustStore: store, now }).ok, true);
  const result = verifyChain([tampered(a)], { trustStore: store, now });
  assert.equal(result.ok, false);
  assert.equal(result.ok ? undefined : result.reason, 'certificate_signature_failure');
});
