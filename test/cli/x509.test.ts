import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Pki, CA_EXTENSIONS, SERVER_EXTENSIONS, openssl } from '../x509/pki.js';
import type { KeyType } from '../x509/pki.js';
import { loadCertificates } from '../../src/x509/load.js';
import { runMain } from '../helpers/run-main.js';
import { certificateFingerprint, publicKeyFingerprint } from '../../src/x509/fingerprint.js';

const pki = new Pki();
after(() => pki.cleanup());

const TYPES: KeyType[] = ['rsa', 'dsa', 'p256', 'p384', 'ed25519'];
for (const t of TYPES) {
  pki.issue(
    t,
    pki.key(t, t),
    `/C=DE/ST=Berlin/O=Postern "Test", Inc./CN=${t}.example.org`,
    undefined,
    {
      extensions: [
        ...CA_EXTENSIONS.slice(0, 3),
        'subjectAltName=DNS:a.example.org,IP:192.0.2.1,IP:2001:db8::5,email:pm@example.org,URI:https://example.org/',
      ],
      md: t === 'ed25519' ? undefined : 'sha256',
    },
  );
  pki.issue(
    `${t}-leaf`,
    pki.key(`${t}-leaf`, 'p256'),
    `/CN=leaf.${t}.example.org/emailAddress=postmaster@example.org`,
    t,
    {
      extensions: [
        ...SERVER_EXTENSIONS,
        'extendedKeyUsage=serverAuth,clientAuth',
        'nsCertType=server,client',
        'basicConstraints=critical,CA:TRUE,pathlen:2',
      ].filter((e) => e !== 'basicConstraints=CA:FALSE'),
      md: t === 'ed25519' ? undefined : 'sha384',
    },
  );
}

function run(args: string[]): ReturnType<typeof runMain> {
  return runMain(['x509', ...args]);
}

for (const name of TYPES.flatMap((t) => [t, `${t}-leaf`])) {
  const file = pki.path(`${name}.pem`);

  test(`x509 fingerprints equal openssl's (${name})`, async () => {
    const cert = loadCertificates(file)[0];
    assert.ok(cert);
    for (const digest of ['md5', 'sha1', 'sha256'] as const) {
      const theirs = openssl(['x509', '-in', file, '-noout', '-fingerprint', `-${digest}`]);
      assert.equal(`${digest} Fingerprint=${certificateFingerprint(cert, digest)}\n`, theirs);
      assert.equal((await run(['-in', file, '-noout', '-fingerprint', `-${digest}`])).out, theirs);
      const spki = openssl(['x509', '-in', file, '-noout', '-pubkey']);
      const pubFile = pki.path(`${name}.pub`);
      (await import('node:fs')).writeFileSync(pubFile, spki);
      const der = pki.path(`${name}.pub.der`);
      openssl(['pkey', '-pubin', '-in', pubFile, '-outform', 'DER', '-out', der]);
      const dgst = openssl(['dgst', `-${digest}`, '-c', der])
        .split('= ')[1]
        ?.trim()
        .toUpperCase();
      assert.equal(publicKeyFingerprint(cert, digest), dgst);
    }
    assert.equal(
      (await run(['-in', file, '-noout', '-fingerprint'])).out,
      openssl(['x509', '-in', file, '-noout', '-fingerprint']),
      'SHA-1 by default',
    );
  });

  test(`x509 -subject -issuer -dates -hash -serial print as openssl does, in the order given (${name})`, async () => {
    for (const opts of [
      ['-subject', '-issuer', '-dates', '-hash', '-serial'],
      ['-serial', '-hash', '-issuer', '-subject', '-dates'],
    ]) {
      assert.equal(
        (await run(['-in', file, '-noout', ...opts])).out,
        openssl(['x509', '-in', file, '-noout', ...opts]),
      );
    }
  });

  test(`x509 -text prints as openssl does (${name})`, async () => {
    assert.equal(
      (await run(['-in', file, '-noout', '-text'])).out,
      openssl(['x509', '-in', file, '-noout', '-text']),
    );
  });

  test(`x509 without -noout appends the PEM as openssl does (${name})`, async () => {
    assert.equal(
      (await run(['-in', file, '-subject'])).out,
      openssl(['x509', '-in', file, '-subject']),
    );
  });
}

test('x509 reads DER input', async () => {
  const der = pki.path('rsa.der');
  openssl(['x509', '-in', pki.path('rsa.pem'), '-outform', 'DER', '-out', der]);
  assert.equal(
    (await run(['-in', der, '-noout', '-subject'])).out,
    openssl(['x509', '-in', der, '-inform', 'DER', '-noout', '-subject']),
  );
});

test('x509 usage errors and unreadable files', async () => {
  assert.equal((await run(['-noout'])).code, 2);
  assert.equal((await run(['-in', pki.path('rsa.pem'), '-md5', '-sha1', '-fingerprint'])).code, 2);
  const missing = await run(['-in', pki.path('nope.pem'), '-noout', '-subject']);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /nope\.pem/);
  const notCert = await run(['-in', pki.path('rsa.key'), '-noout', '-subject']);
  assert.equal(notCert.code, 1);
  assert.match(notCert.err, /no certificate found/);
});
