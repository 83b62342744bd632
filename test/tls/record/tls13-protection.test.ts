import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TLS_AES_128_GCM_SHA256,
  TLS_AES_256_GCM_SHA384,
  TLS_CHACHA20_POLY1305_SHA256,
} from '../../../src/tls/registry/suites.js';
import {
  RecordProtectionError,
  Tls13RecordOpener,
  Tls13RecordSealer,
} from '../../../src/tls/record/tls13-protection.js';
import { hex, loadVectors } from '../../helpers/vectors.js';

const secret = new Uint8Array(48).fill(0x42);

for (const suite of [
  TLS_AES_128_GCM_SHA256,
  TLS_AES_256_GCM_SHA384,
  TLS_CHACHA20_POLY1305_SHA256,
]) {
  test(`${suite.name}: seal/open round trip, sequence numbers advance, padding is stripped`, () => {
    const sealer = new Tls13RecordSealer(
      suite,
      secret.subarray(0, suite.hash === 'sha384' ? 48 : 32),
    );
    const opener = new Tls13RecordOpener(
      suite,
      secret.subarray(0, suite.hash === 'sha384' ? 48 : 32),
    );
    for (let i = 0; i < 3; i++) {
      const rec = sealer.seal(23, Uint8Array.of(1, 2, 3, i), i * 5);
      assert.equal(rec[0], 23);
      assert.equal((rec[3] as number) * 256 + (rec[4] as number), rec.length - 5);
      const opened = opener.open(rec[0] as number, 0x0303, rec.subarray(5));
      assert.equal(opened.contentType, 23);
      assert.deepEqual([...opened.content], [1, 2, 3, i]);
    }
    assert.equal(sealer.sequence, 3);
  });
}

test('a replayed or reordered record fails with bad_record_mac', () => {
  const sealer = new Tls13RecordSealer(TLS_AES_128_GCM_SHA256, secret.subarray(0, 32));
  const opener = new Tls13RecordOpener(TLS_AES_128_GCM_SHA256, secret.subarray(0, 32));
  const r0 = sealer.seal(22, Uint8Array.of(9));
  const r1 = sealer.seal(22, Uint8Array.of(9));
  assert.throws(
    () => opener.open(r1[0] as number, 0x0303, r1.subarray(5)),
    (e: unknown) => e instanceof RecordProtectionError && e.alert === 'bad_record_mac',
  );
  void r0;
});

test('an altered header (the AAD) fails with bad_record_mac', () => {
  const sealer = new Tls13RecordSealer(TLS_CHACHA20_POLY1305_SHA256, secret.subarray(0, 32));
  const opener = new Tls13RecordOpener(TLS_CHACHA20_POLY1305_SHA256, secret.subarray(0, 32));
  const r = sealer.seal(23, Uint8Array.of(1));
  assert.throws(
    () => opener.open(23, 0x0301, r.subarray(5)),
    (e: unknown) => e instanceof RecordProtectionError && e.alert === 'bad_record_mac',
  );
});

test('an inner plaintext of only zeros is unexpected_message (RFC 8446 §5.4)', () => {
  const sealer = new Tls13RecordSealer(TLS_AES_128_GCM_SHA256, secret.subarray(0, 32));
  const opener = new Tls13RecordOpener(TLS_AES_128_GCM_SHA256, secret.subarray(0, 32));
  const r = sealer.seal(0, new Uint8Array(0), 4);
  assert.throws(
    () => opener.open(r[0] as number, 0x0303, r.subarray(5)),
    (e: unknown) => e instanceof RecordProtectionError && e.alert === 'unexpected_message',
  );
});

test('a record whose outer type is not application_data is unexpected_message (RFC 8446 §5.2)', () => {
  const sealer = new Tls13RecordSealer(TLS_AES_128_GCM_SHA256, secret.subarray(0, 32));
  const opener = new Tls13RecordOpener(TLS_AES_128_GCM_SHA256, secret.subarray(0, 32));
  const r = sealer.seal(22, Uint8Array.of(1));
  assert.throws(
    () => opener.open(22, 0x0303, r.subarray(5)),
    (e: unknown) => e instanceof RecordProtectionError && e.alert === 'unexpected_message',
  );
});

test('oversized content and oversized records are refused', () => {
  const sealer = new Tls13RecordSealer(TLS_AES_128_GCM_SHA256, secret.subarray(0, 32));
  assert.throws(() => sealer.seal(23, new Uint8Array(2 ** 14 + 1)), RecordProtectionError);
  const opener = new Tls13RecordOpener(TLS_AES_128_GCM_SHA256, secret.subarray(0, 32));
  assert.throws(
    () => opener.open(23, 0x0303, new Uint8Array(2 ** 14 + 257)),
    (e: unknown) => e instanceof RecordProtectionError && e.alert === 'record_overflow',
  );
});

test('RFC 8448 §3: the server handshake traffic key decrypts nothing it did not seal (keys differ by direction)', () => {
  const v = loadVectors<{ vectors: Record<string, string> }>('rfc8448-keys.json').vectors;
  const s = new Tls13RecordSealer(
    TLS_AES_128_GCM_SHA256,
    hex(v.server_handshake_traffic_secret ?? ''),
  );
  const c = new Tls13RecordOpener(
    TLS_AES_128_GCM_SHA256,
    hex(v.client_handshake_traffic_secret ?? ''),
  );
  const r = s.seal(22, Uint8Array.of(1, 2, 3));
  assert.throws(() => c.open(r[0] as number, 0x0303, r.subarray(5)), RecordProtectionError);
});
