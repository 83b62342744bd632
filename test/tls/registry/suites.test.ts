import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ALL_TLS12_SUITES, suiteByCode, suiteByName } from '../../../src/tls/registry/suites.js';
import { DEFAULT_TLS12_SUITES, DEFAULT_TLS13_SUITES } from '../../../src/tls/policy/defaults.js';

interface OpensslCipher {
  code: number;
  iana: string;
  name: string;
  version: string;
  kx: string;
  au: string;
  enc: string;
  mac: string;
}

/** `openssl ciphers -stdname -V` over everything OpenSSL 3.0 has, including what security level 2 hides. */
function opensslCatalogue(): Map<string, OpensslCipher> {
  const out = execFileSync(
    'openssl',
    ['ciphers', '-stdname', '-V', 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'],
    { encoding: 'utf8' },
  );
  const map = new Map<string, OpensslCipher>();
  for (const line of out.split('\n')) {
    const m =
      /^\s*0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)\s+- (\S+)\s+(\S+)\s+Kx=(\S+)\s+Au=(\S+)\s+Enc=(\S+)\s+Mac=(\S+)/.exec(
        line,
      );
    if (m === null) continue;
    const [, hi, lo, iana, name, version, kx, au, enc, mac] = m as unknown as string[];
    map.set(name as string, {
      code: parseInt(`${hi}${lo}`, 16),
      iana: iana as string,
      name: name as string,
      version: version as string,
      kx: kx as string,
      au: au as string,
      enc: enc as string,
      mac: mac as string,
    });
  }
  return map;
}

test('every TLS 1.2 suite has the code point, IANA name and classification OpenSSL 3.0 gives it', () => {
  const cat = opensslCatalogue();
  assert.equal(ALL_TLS12_SUITES.length, 33);
  for (const s of ALL_TLS12_SUITES) {
    const o = cat.get(s.opensslName);
    assert.ok(o !== undefined, `${s.opensslName} is not an OpenSSL suite`);
    assert.equal(o.code, s.code, s.opensslName);
    assert.equal(o.iana, s.name, s.opensslName);
    assert.equal(o.version, s.openssl.minVersion, s.opensslName);
    assert.equal(o.kx, { ecdhe: 'ECDH', dhe: 'DH', rsa: 'RSA' }[s.keyExchange], s.opensslName);
    assert.equal(o.au, { rsa: 'RSA', dss: 'DSS', ecdsa: 'ECDSA' }[s.auth], s.opensslName);
    const enc =
      s.cipher.kind === 'cbc'
        ? `AES(${s.bits})`
        : s.cipher.aead === 'chacha20-poly1305'
          ? 'CHACHA20/POLY1305(256)'
          : `AESGCM(${s.bits})`;
    assert.equal(o.enc, enc, s.opensslName);
    assert.equal(
      o.mac,
      s.cipher.kind === 'cbc' ? s.cipher.mac.toUpperCase() : 'AEAD',
      s.opensslName,
    );
    assert.equal(s.openssl.mac, o.mac, s.opensslName);
  }
});

test('TLS 1.3 suites keep their IANA names and codes', () => {
  const cat = opensslCatalogue();
  for (const s of DEFAULT_TLS13_SUITES) {
    assert.equal(cat.get(s.name)?.code, s.code);
    assert.equal(suiteByCode(s.code), s);
  }
});

test('cipher parameters follow RFC 5288, RFC 7905 and RFC 5246', () => {
  for (const s of ALL_TLS12_SUITES) {
    const c = s.cipher;
    if (c.kind === 'aead') {
      const chacha = c.aead === 'chacha20-poly1305';
      assert.equal(c.fixedIvLength, chacha ? 12 : 4);
      assert.equal(c.explicitNonceLength, chacha ? 0 : 8);
    } else {
      assert.equal(c.macLength, { sha1: 20, sha256: 32, sha384: 48 }[c.mac]);
    }
    assert.equal(s.prfHash, s.name.endsWith('_SHA384') ? 'sha384' : 'sha256', s.name);
    assert.equal(s.bits, c.keyLength * 8);
  }
});

test('lookups by code, IANA name and OpenSSL name agree; codes are unique', () => {
  assert.equal(new Set(ALL_TLS12_SUITES.map((s) => s.code)).size, ALL_TLS12_SUITES.length);
  for (const s of ALL_TLS12_SUITES) {
    assert.equal(suiteByCode(s.code), s);
    assert.equal(suiteByName(s.name), s);
    assert.equal(suiteByName(s.opensslName), s);
  }
  assert.equal(suiteByCode(0x000a), undefined);
  assert.equal(suiteByName('DES-CBC3-SHA'), undefined);
});

test('the default TLS 1.2 list: forward-secret only, AEAD before CBC, ChaCha20 before AES-GCM within a key exchange, RSA certificates first', () => {
  assert.ok(DEFAULT_TLS12_SUITES.every((s) => s.keyExchange !== 'rsa'));
  assert.equal(
    DEFAULT_TLS12_SUITES.length,
    ALL_TLS12_SUITES.filter((s) => s.keyExchange !== 'rsa').length,
  );
  const firstCbc = DEFAULT_TLS12_SUITES.findIndex((s) => s.cipher.kind === 'cbc');
  assert.ok(DEFAULT_TLS12_SUITES.slice(firstCbc).every((s) => s.cipher.kind === 'cbc'));
  for (const kx of ['ecdhe', 'dhe'] as const) {
    const aeads = DEFAULT_TLS12_SUITES.filter(
      (s) => s.keyExchange === kx && s.cipher.kind === 'aead',
    );
    const lastChacha = aeads
      .map((s) => s.cipher.kind === 'aead' && s.cipher.aead === 'chacha20-poly1305')
      .lastIndexOf(true);
    const firstGcm = aeads.findIndex(
      (s) => s.cipher.kind === 'aead' && s.cipher.aead !== 'chacha20-poly1305',
    );
    assert.ok(lastChacha < firstGcm, kx);
  }
  assert.equal(DEFAULT_TLS12_SUITES[0]?.opensslName, 'ECDHE-RSA-CHACHA20-POLY1305');
});
