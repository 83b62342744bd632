import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deterministicRandom } from '../../src/prng/index.js';
import { buildSelfSignedCertificate } from '../../src/x509/certificate-builder.js';
import type { SelfSigned, SelfSignedKeyType } from '../../src/x509/certificate-builder.js';
import { X509Error } from '../../src/x509/errors.js';
import { loadCertificateAndKey } from '../../src/x509/load.js';
import { TrustStore } from '../../src/x509/trust-store.js';
import { Pair } from '../helpers/tls-pair.js';

const dir = mkdtempSync(join(tmpdir(), 'postern-selfsigned-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const NOW = new Date('2026-06-01T12:00:00Z');

function make(keyType: SelfSignedKeyType): { made: SelfSigned; certFile: string; keyFile: string } {
  const made = buildSelfSignedCertificate({
    keyType,
    commonName: 'mail.example.org',
    dnsNames: ['mail.example.org', 'localhost'],
    ipAddresses: ['127.0.0.1', '::1'],
    days: 3650,
    random: deterministicRandom(`certificate-builder ${keyType}`),
    now: NOW,
  });
  const certFile = join(dir, `${keyType}.pem`);
  const keyFile = join(dir, `${keyType}.key`);
  writeFileSync(certFile, made.certificatePem);
  writeFileSync(keyFile, made.keyPem, { mode: 0o600 });
  return { made, certFile, keyFile };
}

const openssl = (...args: string[]): string =>
  execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const EXPECTED = {
  rsa: {
    signature: 'sha256WithRSAEncryption',
    keyAlgorithm: 'rsaEncryption',
    usage: 'Digital Signature, Key Encipherment',
  },
  ecdsa: {
    signature: 'ecdsa-with-SHA256',
    keyAlgorithm: 'id-ecPublicKey',
    usage: 'Digital Signature',
  },
} as const;

for (const keyType of ['rsa', 'ecdsa'] as const) {
  describe(`self-signed ${keyType} certificate`, () => {
    const { made, certFile, keyFile } = make(keyType);

    it('loads with our own parser, key matching the certificate', () => {
      const loaded = loadCertificateAndKey(certFile, keyFile);
      const cert = loaded.chain[0];
      assert.ok(cert !== undefined);
      assert.equal(cert.version, 3);
      assert.deepEqual(cert.der, made.certificate.der);
      assert.ok(cert.selfIssued);
      assert.equal(loaded.key.kind, keyType === 'rsa' ? 'rsa' : 'ec');
      assert.equal(cert.notBefore.getTime(), NOW.getTime() - 3600_000);
      assert.equal(cert.notAfter.getTime(), NOW.getTime() + 3650 * 86400_000);
    });

    it('is read by openssl x509 -text with the extensions asked for', () => {
      const text = openssl('x509', '-noout', '-text', '-in', certFile);
      const e = EXPECTED[keyType];
      assert.match(text, new RegExp(`Signature Algorithm: ${e.signature}`));
      assert.match(text, new RegExp(`Public Key Algorithm: ${e.keyAlgorithm}`));
      assert.match(text, /Version: 3 \(0x2\)/);
      assert.match(text, /Subject: CN ?= ?mail\.example\.org/);
      assert.match(text, /Issuer: CN ?= ?mail\.example\.org/);
      assert.match(text, /Basic Constraints: critical\s+CA:FALSE/);
      assert.match(text, new RegExp(`Key Usage: critical\\s+${e.usage}\\n`));
      assert.match(text, /TLS Web Server Authentication, TLS Web Client Authentication/);
      assert.match(
        text,
        /DNS:mail\.example\.org, DNS:localhost, IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1/,
      );
      assert.match(text, /Subject Key Identifier:\s+[0-9A-F:]{59}/);
      if (keyType === 'rsa') assert.match(text, /Public-Key: \(2048 bit\)/);
      else assert.match(text, /NIST CURVE: P-256/);
    });

    it('verifies against itself with openssl verify, and openssl pkey -check accepts the key', () => {
      // -attime: the test's fixed clock, not the machine's.
      assert.match(
        openssl('verify', '-attime', String(NOW.getTime() / 1000), '-CAfile', certFile, certFile),
        /: OK/,
      );
      assert.match(openssl('pkey', '-check', '-noout', '-in', keyFile), /Key is valid/);
      assert.match(
        openssl('pkey', '-in', keyFile, '-noout', '-text'),
        keyType === 'rsa' ? /Private-Key: \(2048 bit, 2 primes\)/ : /ASN1 OID: prime256v1/,
      );
    });

    it("serves a TLS 1.3 and a TLS 1.2 handshake with postern's TLS, the client verifying it as its own trust anchor", () => {
      const certified = loadCertificateAndKey(certFile, keyFile);
      const trustStore = TrustStore.load({ caFile: certFile });
      for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
        const random = deterministicRandom(`handshake ${keyType} ${version}`);
        const pair = Pair.create(
          { random, serverName: 'localhost', trustStore, now: () => NOW, maxVersion: version },
          { random, certificates: [certified], now: () => NOW },
        ).pump();
        assert.equal(pair.error('client'), undefined, version);
        assert.equal(pair.error('server'), undefined, version);
        const done = pair.clientEvents.find((e) => e.type === 'handshake');
        assert.ok(
          done !== undefined && done.type === 'handshake',
          `${version}: no handshake event`,
        );
        pair.client.write(new TextEncoder().encode('EHLO localhost\r\n'));
        pair.pump();
        assert.equal(new TextDecoder().decode(pair.received('server')), 'EHLO localhost\r\n');
      }
    });
  });
}

describe('self-signed certificate options', () => {
  const base = {
    keyType: 'ecdsa' as const,
    commonName: 'localhost',
    dnsNames: ['localhost'],
    days: 30,
    random: deterministicRandom('options'),
  };

  it('refuses a name that is not a DNS name, an address that is not one, no names and a bad validity', () => {
    const refused = (
      options: Partial<typeof base> & { ipAddresses?: string[] },
      pattern: RegExp,
    ): void =>
      assert.throws(
        () => buildSelfSignedCertificate({ ...base, ...options }),
        (e: unknown) => e instanceof X509Error && pattern.test(e.message),
      );
    refused({ dnsNames: ['bad name'] }, /not a DNS name/);
    refused({ dnsNames: ['-bad.example'] }, /not a DNS name/);
    refused({ ipAddresses: ['300.1.1.1'] }, /not an IP address/);
    refused({ dnsNames: [] }, /at least one subjectAltName/);
    refused({ days: 0 }, /validity/);
    refused({ commonName: '' }, /commonName/);
  });

  it('draws a fresh positive serial number from the injected Random', () => {
    const a = buildSelfSignedCertificate({ ...base, random: deterministicRandom('serial a') });
    const b = buildSelfSignedCertificate({ ...base, random: deterministicRandom('serial b') });
    assert.notEqual(a.certificate.serialNumber, b.certificate.serialNumber);
    assert.ok(a.certificate.serialNumber > 0n);
  });
});
