import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../helpers/vectors.js';
import { HandshakeAssembler } from '../../../src/tls/record/handshake-assembler.js';
import {
  DEFAULT_MAX_HANDSHAKE_MESSAGE,
  DEFAULT_MAX_CERTIFICATE_MESSAGE,
} from '../../../src/tls/policy/defaults.js';
import { MAX_CLIENT_HELLO_LENGTH } from '../../../src/tls/registry/record-limits.js';
import { expectAlert } from '../expect-alert.js';

const msg = (type: number, n: number): Uint8Array => {
  const m = new Uint8Array(4 + n).fill(0xab);
  m.set([type, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return m;
};

test('several messages in one fragment are views of it; empty bodies pass', () => {
  const frag = new Uint8Array([...msg(20, 32), ...msg(14, 0), ...msg(4, 5)]);
  const a = new HandshakeAssembler();
  const got = a.push(frag);
  assert.deepEqual(
    got.map((f) => [f.type, f.body.length, f.raw.length]),
    [
      [20, 32, 36],
      [14, 0, 4],
      [4, 5, 9],
    ],
  );
  assert.equal(got[0]!.raw.buffer, frag.buffer);
  assert.ok(a.isEmpty);
});

test('a message across many fragments; header split at every position; isEmpty while partial', () => {
  const m = msg(11, 1000);
  for (let cut = 1; cut < 8; cut++) {
    const a = new HandshakeAssembler();
    assert.equal(a.push(m.subarray(0, cut)).length, 0);
    assert.ok(!a.isEmpty);
    const rest: Uint8Array[] = [];
    for (let i = cut; i < m.length; i += 100) rest.push(m.subarray(i, i + 100));
    const got = rest.flatMap((f) => a.push(f));
    assert.equal(got.length, 1);
    assert.equal(toHex(got[0]!.raw), toHex(m));
    assert.ok(a.isEmpty);
  }
  const a = new HandshakeAssembler();
  a.push(msg(14, 0).subarray(0, 2));
  const got = a.push(msg(14, 0).subarray(2));
  assert.deepEqual(
    got.map((f) => [f.type, f.raw.length]),
    [[14, 4]],
  );
});

test('a message over the limit is decode_error, checked from its header alone', () => {
  assert.equal(DEFAULT_MAX_HANDSHAKE_MESSAGE, 65536);
  assert.ok(DEFAULT_MAX_CERTIFICATE_MESSAGE > DEFAULT_MAX_HANDSHAKE_MESSAGE);
  const a = new HandshakeAssembler();
  assert.equal(a.push(msg(2, DEFAULT_MAX_HANDSHAKE_MESSAGE)).length, 1);
  expectAlert(
    () => new HandshakeAssembler().push(Uint8Array.from([2, 0x01, 0x00, 0x01])),
    'decode_error',
    'server_hello 64K+1',
  );
  // A ClientHello up to what its vectors allow (OpenSSL's 131,396), and not a byte more.
  assert.equal(MAX_CLIENT_HELLO_LENGTH, 131_396);
  assert.equal(new HandshakeAssembler().push(msg(1, MAX_CLIENT_HELLO_LENGTH)).length, 1);
  expectAlert(
    () => new HandshakeAssembler().push(msg(1, MAX_CLIENT_HELLO_LENGTH + 1).subarray(0, 4)),
    'decode_error',
    'client_hello 131,397',
  );
  assert.equal(new HandshakeAssembler().push(Uint8Array.from([11, 0x01, 0x00, 0x01])).length, 0);
  expectAlert(
    () => new HandshakeAssembler().push(Uint8Array.from([11, 0xff, 0xff, 0xff])),
    'decode_error',
    'certificate 16M',
  );
  const small = new HandshakeAssembler({ maxMessageSize: () => 10 });
  small.push(Uint8Array.from([20, 0]));
  expectAlert(() => small.push(Uint8Array.from([0, 11])), 'decode_error', 'configured limit');
  expectAlert(() => small.push(msg(20, 1)), 'decode_error', 'stays failed');
});
