import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Pki, openssl } from './pki.js';
import { loadCertificates } from '../../src/x509/load.js';
import { formatOneline } from '../../src/x509/name.js';
import { canonicalValue, namesEqual, subjectHashHex } from '../../src/x509/subject-hash.js';

/** Subjects chosen to exercise OpenSSL's canonical form and its one-line printing. */
const SUBJECTS: string[][] = [
  ['/CN=Root CA'],
  [
    '/C=US/ST=California/L=San Francisco/O=Example, Inc./OU=Mail/CN=mail.example.com/emailAddress=PostMaster@Example.COM',
  ],
  ['/CN=  Mixed   CASE\tname  '],
  ['/O=Foo+OU=Bar/CN=multi valued', '-multivalue-rdn'],
  ['/CN=Grüße aus Köln/O=Café', '-utf8'],
  ['/CN=#hash/O= leading/OU=trailing /L=semi;colon/ST=a<b>c'],
  ['/CN=back\\\\slash "quoted"'],
  ['/DC=org/DC=example/UID=jdoe/CN=John Doe'],
  ['/serialNumber=1234/title=Postmaster/GN=Jane/SN=Roe/CN=x'],
];

const pki = new Pki();
after(() => pki.cleanup());
const files = SUBJECTS.map(([subject, ...flags], i) => {
  const key = pki.key(`n${i}`, 'p256');
  const out = pki.path(`n${i}.pem`);
  openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    key,
    '-subj',
    subject as string,
    '-days',
    '1',
    '-out',
    out,
    ...flags,
  ]);
  return out;
});

files.forEach((file, i) => {
  test(`subject hash and one-line name equal openssl's: ${SUBJECTS[i]?.[0]}`, () => {
    const cert = loadCertificates(file)[0];
    assert.ok(cert);
    assert.equal(
      subjectHashHex(cert.subject),
      openssl(['x509', '-in', file, '-noout', '-hash']).trim(),
    );
    assert.equal(
      `subject=${formatOneline(cert.subject)}\n`,
      openssl(['x509', '-in', file, '-noout', '-subject']),
    );
    assert.equal(
      `issuer=${formatOneline(cert.issuer)}\n`,
      openssl(['x509', '-in', file, '-noout', '-issuer']),
    );
  });
});

test('canonical values: trimmed, inner whitespace collapsed, ASCII lower-cased, the rest kept', () => {
  assert.equal(canonicalValue('  Mixed \t\n CASE  '), 'mixed case');
  assert.equal(canonicalValue('ÄBC Déf'), 'Äbc déf');
  assert.equal(canonicalValue('\t'), '');
});

test('names that differ only in case and spacing are equal; others are not', () => {
  const a = pki.path('eq-a.pem');
  const b = pki.path('eq-b.pem');
  const c = pki.path('eq-c.pem');
  openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    pki.path('n0.key'),
    '-subj',
    '/O=Example  Org/CN=Mail',
    '-days',
    '1',
    '-out',
    a,
  ]);
  openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    pki.path('n0.key'),
    '-subj',
    '/O=example org/CN=  MAIL',
    '-days',
    '1',
    '-out',
    b,
  ]);
  openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    pki.path('n0.key'),
    '-subj',
    '/O=example org/CN=mail2',
    '-days',
    '1',
    '-out',
    c,
  ]);
  const [na, nb, nc] = [a, b, c].map((f) => loadCertificates(f)[0]?.subject);
  assert.ok(na && nb && nc);
  assert.ok(namesEqual(na, nb));
  assert.ok(!namesEqual(na, nc));
  assert.equal(subjectHashHex(na), subjectHashHex(nb));
});
