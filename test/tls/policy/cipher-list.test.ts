import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  CipherListError,
  parseCipherList,
  parseTls13Ciphersuites,
  permittedAtSecurityLevel,
} from '../../../src/tls/policy/cipher-list.js';
import {
  ALL_TLS12_SUITES,
  TLS_AES_128_GCM_SHA256,
  TLS_AES_256_GCM_SHA384,
  TLS_CHACHA20_POLY1305_SHA256,
} from '../../../src/tls/registry/suites.js';

const OURS = new Set(ALL_TLS12_SUITES.map((s) => s.opensslName));

/**
 * What OpenSSL 3.0 makes of a string: `openssl ciphers -s` (the suites a
 * TLS 1.2 context would offer, after the security level) filtered to the
 * suites postern implements. Empty when OpenSSL finds no match.
 */
function openssl(spec: string): string[] {
  const r = spawnSync('openssl', ['ciphers', '-s', '-tls1_2', '--', spec], { encoding: 'utf8' });
  if (r.status !== 0) return [];
  return r.stdout
    .trim()
    .split(':')
    .filter((n) => OURS.has(n));
}

const STRINGS = [
  'DEFAULT',
  'ALL',
  'ALL:@SECLEVEL=0',
  'HIGH',
  'HIGH:!aNULL:!MD5',
  'ALL:!ADH:!LOW:!EXP:!MD5:@STRENGTH',
  'HIGH:MEDIUM:!aNULL',
  'kEDH+aRSA',
  'ECDHE+AESGCM:DHE+AESGCM',
  '-ALL:AES128-SHA',
  'ALL:+kRSA',
  'AESGCM:!kRSA:@STRENGTH',
  'DEFAULT:@SECLEVEL=0',
  'DEFAULT:!aDSS',
  'COMPLEMENTOFDEFAULT',
  'aDSS:DSS',
  'kRSA',
  'RSA',
  'aRSA:aECDSA',
  'ECDSA',
  'CHACHA20:AESGCM',
  'AES128',
  'AES256:AES',
  'SHA1:SHA256:SHA384',
  'SHA',
  'TLSv1.2',
  'SSLv3',
  'TLSv1',
  'EECDH:EDH',
  'kEECDH:kECDHE:kDHE',
  'DHE',
  'HIGH:-DHE:DHE-RSA-AES128-SHA:+AES256',
  'ALL:-AESGCM:+CHACHA20:AESGCM',
  'CBC',
  'FIPS',
  'HIGH:@STRENGTH',
  'ALL:@SECLEVEL=3',
  'ALL:@SECLEVEL=4',
  'DEFAULT:@SECLEVEL=5',
  'AES256-SHA:AES128-SHA:@STRENGTH',
  'ECDHE-RSA-AES128-GCM-SHA256,DHE-RSA-AES128-GCM-SHA256 AES128-SHA;AES256-SHA256',
  'ALL:!RC4:!3DES:!CAMELLIA:!PSK:!SRP:!ARIA:!CCM',
  'EXPORT:AES128-SHA',
  'ECDHE+aRSA+AES256',
  'kRSA+kECDHE:AES128-SHA',
  'DEFAULT:!kRSA:+SHA1',
  'ECDHE-RSA-AES128-SHA+HIGH',
  'ECDHE+AESGCM:DEFAULT',
  // Postfix's tls_high/medium/low/export_cipherlist defaults.
  'aNULL:-aNULL:HIGH:@STRENGTH',
  'aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH',
  'aNULL:-aNULL:ALL:!EXPORT:!LOW:+RC4:@STRENGTH',
  'aNULL:-aNULL:ALL:+RC4:@STRENGTH',
  // Strings that leave none of our suites.
  'RC4',
  'ALL:-ALL',
  'kRSA:@SECLEVEL=3',
  'MEDIUM',
];

for (const spec of STRINGS) {
  test(`cipher string "${spec}" gives OpenSSL 3.0's suites in OpenSSL's order`, () => {
    const expected = openssl(spec);
    if (expected.length === 0) {
      assert.throws(
        () => parseCipherList(spec),
        (e: unknown) => e instanceof CipherListError && /no cipher suites match/.test(e.message),
      );
    } else {
      assert.deepEqual(
        parseCipherList(spec).tls12.map((s) => s.opensslName),
        expected,
      );
    }
  });
}

test('IANA names select the same suites as OpenSSL names', () => {
  const byIana = parseCipherList(
    'TLS_DHE_DSS_WITH_AES_128_GCM_SHA256:TLS_RSA_WITH_AES_256_CBC_SHA',
  ).tls12;
  assert.deepEqual(
    byIana.map((s) => s.opensslName),
    ['DHE-DSS-AES128-GCM-SHA256', 'AES256-SHA'],
  );
  // An IANA or OpenSSL name of a suite postern lacks selects nothing, as in OpenSSL.
  assert.deepEqual(
    parseCipherList(
      'TLS_RSA_WITH_3DES_EDE_CBC_SHA:DES-CBC3-SHA:CAMELLIA128-SHA:AES128-SHA',
    ).tls12.map((s) => s.opensslName),
    ['AES128-SHA'],
  );
});

test('words that are not cipher-string words are errors naming the word', () => {
  for (const [spec, word] of [
    ['HIGH:bogus', 'bogus'],
    ['high', 'high'],
    ['ECDHE+AESGMC', 'AESGMC'],
    ['ALL:!kFOO', 'kFOO'],
  ] as const) {
    assert.throws(
      () => parseCipherList(spec),
      (e: unknown) => e instanceof CipherListError && e.message.includes(`"${word}"`),
      spec,
    );
  }
  assert.throws(
    () => parseCipherList('ALL:@FOO'),
    (e: unknown) => e instanceof CipherListError && e.message.includes('@FOO'),
  );
  assert.throws(() => parseCipherList('ALL:@SECLEVEL=9'), CipherListError);
  assert.throws(() => parseCipherList('ALL:AES(128)'), CipherListError);
  assert.throws(
    () => parseCipherList(''),
    (e: unknown) => e instanceof CipherListError && /no cipher suites match/.test(e.message),
  );
});

test('@SECLEVEL is recorded; the filter follows OpenSSL 3.0 levels', () => {
  assert.equal(parseCipherList('DEFAULT:@SECLEVEL=0').securityLevel, 0);
  assert.equal(parseCipherList('DEFAULT').securityLevel, undefined);
  for (const s of ALL_TLS12_SUITES) {
    for (const level of [0, 1, 2]) assert.ok(permittedAtSecurityLevel(s, level));
    assert.equal(permittedAtSecurityLevel(s, 3), s.keyExchange !== 'rsa');
    assert.equal(
      permittedAtSecurityLevel(s, 5),
      s.keyExchange !== 'rsa' && s.bits === 256 && s.openssl.mac !== 'SHA1',
    );
  }
});

test('the -ciphersuites TLS 1.3 list', () => {
  assert.deepEqual(parseTls13Ciphersuites('TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256'), [
    TLS_AES_128_GCM_SHA256,
    TLS_CHACHA20_POLY1305_SHA256,
  ]);
  assert.deepEqual(parseTls13Ciphersuites('TLS_AES_256_GCM_SHA384:TLS_AES_128_CCM_SHA256'), [
    TLS_AES_256_GCM_SHA384,
  ]);
  assert.deepEqual(parseTls13Ciphersuites(''), []);
  assert.throws(() => parseTls13Ciphersuites('TLS_AES_128_CCM_8_SHA256'), CipherListError);
  assert.throws(
    () => parseTls13Ciphersuites('ECDHE-RSA-AES128-GCM-SHA256'),
    (e: unknown) =>
      e instanceof CipherListError && e.message.includes('ECDHE-RSA-AES128-GCM-SHA256'),
  );
});
