import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EgdProtocolError,
  decodeBlockingRead,
  decodeEntropyLevel,
  decodeNonBlockingRead,
  decodePid,
  encodeEntropyLevel,
  encodeGetPid,
  encodeRead,
  encodeWriteEntropy,
} from '../../src/prng/egd-protocol.js';

test('EGD requests: the bytes of each command (egd 0.9 numbering, as OpenSSL and Postfix send them)', () => {
  assert.deepEqual([...encodeEntropyLevel()], [0x00]);
  assert.deepEqual([...encodeRead(32, false)], [0x01, 32]);
  assert.deepEqual([...encodeRead(255, true)], [0x02, 255]);
  assert.deepEqual(
    [...encodeWriteEntropy(0x0102, Uint8Array.of(9, 8, 7))],
    [0x03, 0x01, 0x02, 3, 9, 8, 7],
  );
  assert.deepEqual([...encodeGetPid()], [0x04]);
});

test('EGD requests: a read or write of 0 or more than 255 bytes cannot be encoded', () => {
  assert.throws(() => encodeRead(0, false), RangeError);
  assert.throws(() => encodeRead(256, false), RangeError);
  assert.throws(() => encodeWriteEntropy(8, new Uint8Array(256)), RangeError);
  assert.throws(() => encodeWriteEntropy(0x10000, Uint8Array.of(1)), RangeError);
});

test('EGD replies: incomplete until every byte is there, then exactly the reply', () => {
  assert.equal(decodeEntropyLevel(Uint8Array.of(0, 0, 1)), undefined);
  assert.deepEqual(decodeEntropyLevel(Uint8Array.of(0, 0, 1, 0, 99)), { value: 256, used: 4 });
  assert.equal(decodeNonBlockingRead(Uint8Array.of(), 4), undefined);
  assert.equal(decodeNonBlockingRead(Uint8Array.of(3, 1, 2), 4), undefined);
  assert.deepEqual(decodeNonBlockingRead(Uint8Array.of(3, 1, 2, 3, 4), 4), {
    value: Uint8Array.of(1, 2, 3),
    used: 4,
  });
  assert.deepEqual(decodeNonBlockingRead(Uint8Array.of(0), 4), { value: Uint8Array.of(), used: 1 });
  assert.equal(decodeBlockingRead(Uint8Array.of(1, 2), 3), undefined);
  assert.deepEqual(decodeBlockingRead(Uint8Array.of(1, 2, 3, 4), 3), {
    value: Uint8Array.of(1, 2, 3),
    used: 3,
  });
  assert.deepEqual(decodePid(Uint8Array.of(4, 0x31, 0x32, 0x33, 0x34)), { value: '1234', used: 5 });
  assert.equal(decodePid(Uint8Array.of(4, 0x31)), undefined);
});

test('EGD replies: more bytes announced than asked for, or a pid that is no number, is a protocol error', () => {
  assert.throws(() => decodeNonBlockingRead(Uint8Array.of(5), 4), EgdProtocolError);
  assert.throws(() => decodePid(Uint8Array.of(2, 0x41, 0x42)), EgdProtocolError);
});
