import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CertificateCache } from '../../src/x509/certificate-cache.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { X509Error } from '../../src/x509/errors.js';
import { loadCertificates } from '../../src/x509/load.js';
import { CA_EXTENSIONS, Pki, SERVER_EXTENSIONS } from './pki.js';

const pki = new Pki();
process.once('exit', () => pki.cleanup());
pki.issue('ca', pki.key('ca', 'p256'), '/CN=cache test CA', undefined, {
  extensions: CA_EXTENSIONS,
});
const ders = ['a', 'b', 'c'].map((n) => {
  const [cert] = loadCertificates(
    pki.issue(n, pki.key(n, 'p256'), `/CN=${n}.example.com`, 'ca', {
      extensions: SERVER_EXTENSIONS,
    }),
  );
  assert.ok(cert !== undefined);
  return cert.der;
});
const [a, b, c] = ders as [Uint8Array, Uint8Array, Uint8Array];

test('the same bytes give the same parsed certificate, equal to an uncached parse', () => {
  const cache = new CertificateCache(8);
  const first = cache.parse(a);
  assert.equal(cache.parse(Uint8Array.from(a)), first);
  assert.equal(cache.size, 1);
  assert.deepEqual(first, parseCertificate(Uint8Array.from(a)));
});

test('a changed certificate is parsed again, not served from the cache', () => {
  const cache = new CertificateCache(8);
  const original = cache.parse(a);
  // The last byte is inside the signature: the changed certificate still parses.
  const changed = Uint8Array.from(a);
  changed[changed.length - 1] = (changed[changed.length - 1] ?? 0) ^ 0x01;
  const reparsed = cache.parse(changed);
  assert.notEqual(reparsed, original);
  assert.deepEqual(reparsed.der, changed);
  assert.notDeepEqual(reparsed.signature, original.signature);
  assert.equal(cache.size, 2);
});

test('changing the caller buffer afterwards does not reach the cached entry', () => {
  const cache = new CertificateCache(8);
  const buffer = Uint8Array.from(b);
  const cert = cache.parse(buffer);
  buffer.fill(0);
  assert.deepEqual(cert.der, b);
  assert.equal(cache.parse(b), cert);
});

test('the cache is bounded and drops the least recently used entry', () => {
  const cache = new CertificateCache(2);
  const ca = cache.parse(a);
  const cb = cache.parse(b);
  assert.equal(cache.parse(a), ca);
  cache.parse(c);
  assert.equal(cache.size, 2);
  assert.equal(cache.parse(a), ca);
  assert.notEqual(cache.parse(b), cb);
  assert.equal(cache.size, 2);
});

test('bytes that do not parse throw every time and are not cached', () => {
  const cache = new CertificateCache(2);
  const bad = a.subarray(0, a.length - 3);
  assert.throws(() => cache.parse(bad), X509Error);
  assert.throws(() => cache.parse(bad), X509Error);
  assert.equal(cache.size, 0);
});

test('a capacity below one is refused', () => {
  assert.throws(() => new CertificateCache(0), RangeError);
  assert.throws(() => new CertificateCache(-1), RangeError);
  assert.throws(() => new CertificateCache(1.5), RangeError);
});
