import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyExchangeName, tlsDetails } from '../../../src/smtp/node/tls-details.js';
import type { SessionInfo } from '../../../src/tls/index.js';
import { ALL_TLS12_SUITES, TLS_AES_256_GCM_SHA384 } from '../../../src/tls/registry/suites.js';

const base: SessionInfo = {
  protocol: 'TLSv1.3',
  cipher: TLS_AES_256_GCM_SHA384,
  peerCertificates: [],
  resumed: false,
  helloRetry: false,
};

test('key-exchange names as Postfix logs them', () => {
  assert.equal(keyExchangeName({ ...base, group: 0x001d }), 'X25519');
  assert.equal(keyExchangeName({ ...base, group: 0x0017 }), 'ECDHE (prime256v1)');
  assert.equal(keyExchangeName({ ...base, group: 0x11ec }), 'X25519MLKEM768');
  assert.equal(keyExchangeName({ ...base, group: 0x0100 }), 'DHE (2048 bits)');
  assert.equal(keyExchangeName({ ...base, dhBits: 1536 }), 'DHE (1536 bits)');
  assert.equal(keyExchangeName(base), undefined);
});

test('tlsDetails: OpenSSL cipher name and bits, server-signature only when we signed', () => {
  const suite = ALL_TLS12_SUITES.find((s) => s.opensslName === 'ECDHE-RSA-AES256-GCM-SHA384');
  assert.ok(suite);
  const d = tlsDetails({
    ...base,
    protocol: 'TLSv1.2',
    cipher: suite,
    group: 0x001d,
    localSignatureScheme: 0x0804,
  });
  assert.equal(d.cipher, 'ECDHE-RSA-AES256-GCM-SHA384');
  assert.equal(d.cipherBits, 256);
  assert.equal(d.serverSignature, 'RSA-PSS');
  assert.equal(d.serverDigest, 'SHA256');
  assert.equal(tlsDetails({ ...base, localSignatureScheme: 0x0807 }).serverDigest, undefined);
  assert.equal(tlsDetails(base).serverSignature, undefined);
});
