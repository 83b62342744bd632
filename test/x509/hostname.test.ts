import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Pki } from './pki.js';
import { loadVectors } from '../helpers/vectors.js';
import { matchDnsName, matchHostname, parseIpAddress } from '../../src/x509/hostname.js';
import { loadCertificates } from '../../src/x509/load.js';

interface Vectors {
  dnsName: { pattern: string; host: string; match: boolean }[];
  certificates: { san: string | null; cn: string; host: string; match: boolean }[];
}

const vectors = loadVectors<Vectors>('rfc6125-hostname.json');

test('RFC 6125 dNSName table', () => {
  for (const v of vectors.dnsName)
    assert.equal(matchDnsName(v.pattern, v.host), v.match, `${v.pattern} vs ${v.host}`);
});

test('RFC 6125 certificate table: SAN before CN, IP addresses only against iPAddress', () => {
  const pki = new Pki();
  after(() => pki.cleanup());
  vectors.certificates.forEach((v, i) => {
    const file = pki.issue(`c${i}`, pki.key(`c${i}`, 'p256'), `/CN=${v.cn}`, undefined, {
      extensions: v.san === null ? ['basicConstraints=CA:FALSE'] : [`subjectAltName=${v.san}`],
    });
    const cert = loadCertificates(file)[0];
    assert.ok(cert);
    assert.equal(
      matchHostname(cert, v.host),
      v.match,
      `${v.san ?? '(no SAN)'} / CN=${v.cn} vs ${v.host}`,
    );
  });
});

test('IP literals parse as RFC 4291 §2.2 text forms and nothing else does', () => {
  assert.deepEqual(parseIpAddress('192.0.2.1'), Uint8Array.of(192, 0, 2, 1));
  assert.deepEqual(
    parseIpAddress('::1'),
    Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
  );
  assert.deepEqual(
    parseIpAddress('::ffff:192.0.2.1'),
    Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1),
  );
  assert.deepEqual(
    parseIpAddress('2001:db8:0:0:1:0:0:1'),
    Uint8Array.of(0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1),
  );
  for (const bad of [
    '256.0.0.1',
    '1.2.3',
    'mail.example.com',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '12345::',
    'dead:beef',
  ]) {
    assert.equal(parseIpAddress(bad), undefined, bad);
  }
});
