import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../helpers/vectors.js';
import {
  AlertDescription,
  AlertLevel,
  alertDescriptionName,
} from '../../../src/tls/registry/alert.js';
import { decodeAlert, encodeAlert } from '../../../src/tls/codec/alert.js';
import { TlsAlert } from '../../../src/tls/error/tls-alert.js';
import { Writer } from '../../../src/tls/wire/writer.js';
import { expectAlert } from '../expect-alert.js';

test('alert codes are the RFC 8446 §6 / RFC 5246 §7.2 numbers', () => {
  const want: Record<string, number> = {
    close_notify: 0,
    unexpected_message: 10,
    bad_record_mac: 20,
    record_overflow: 22,
    handshake_failure: 40,
    bad_certificate: 42,
    unsupported_certificate: 43,
    certificate_expired: 45,
    illegal_parameter: 47,
    unknown_ca: 48,
    access_denied: 49,
    decode_error: 50,
    decrypt_error: 51,
    protocol_version: 70,
    insufficient_security: 71,
    internal_error: 80,
    inappropriate_fallback: 86,
    user_canceled: 90,
    no_renegotiation: 100,
    missing_extension: 109,
    unsupported_extension: 110,
    unrecognized_name: 112,
    certificate_required: 116,
    no_application_protocol: 120,
  };
  for (const [name, code] of Object.entries(want))
    assert.equal(AlertDescription[name as keyof typeof AlertDescription], code, name);
  assert.equal(alertDescriptionName(50), 'decode_error');
  assert.equal(alertDescriptionName(255), 'unknown_alert(0xff)');
});

test('TlsAlert carries the description, code and level', () => {
  const a = new TlsAlert('decode_error', 'short');
  assert.ok(a instanceof Error);
  assert.equal(a.code, 50);
  assert.equal(a.level, AlertLevel.fatal);
  assert.equal(a.message, 'decode_error: short');
  assert.equal(new TlsAlert('close_notify').level, AlertLevel.warning);
  assert.equal(new TlsAlert('no_renegotiation').level, AlertLevel.warning);
});

test('alert message encode/decode; wrong length is decode_error', () => {
  const w = new Writer();
  encodeAlert({ level: 2, description: 40 }, w);
  assert.equal(toHex(w.finish()), '0228');
  assert.deepEqual(decodeAlert(Uint8Array.from([1, 0])), { level: 1, description: 0 });
  expectAlert(() => decodeAlert(Uint8Array.from([2])), 'decode_error');
  expectAlert(() => decodeAlert(Uint8Array.from([2, 40, 0])), 'decode_error');
});
