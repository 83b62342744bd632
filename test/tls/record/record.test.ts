import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../helpers/vectors.js';
import {
  decodeRecordHeader,
  encodeRecordHeader,
  fragmentLengthAllowed,
  isTlsRecordVersion,
} from '../../../src/tls/codec/record-header.js';
import { RecordSplitter } from '../../../src/tls/record/splitter.js';
import {
  MAX_CIPHERTEXT_LENGTH,
  MAX_CIPHERTEXT_LENGTH_TLS12,
  MAX_PLAINTEXT_LENGTH,
} from '../../../src/tls/registry/record-limits.js';
import { ContentType } from '../../../src/tls/registry/constants.js';
import { Writer } from '../../../src/tls/wire/writer.js';
import { expectAlert } from '../expect-alert.js';

function record(type: number, body: Uint8Array, version = 0x0303): Uint8Array {
  const w = new Writer();
  encodeRecordHeader({ type, version, length: body.length }, w);
  w.bytes(body);
  return w.finish();
}

test('record limits are the RFC values', () => {
  assert.equal(MAX_PLAINTEXT_LENGTH, 16384);
  assert.equal(MAX_CIPHERTEXT_LENGTH, 16384 + 256);
  assert.equal(MAX_CIPHERTEXT_LENGTH_TLS12, 16384 + 2048);
});

test('header encode/decode', () => {
  const r = record(ContentType.alert, Uint8Array.from([2, 40]), 0x0301);
  assert.equal(toHex(r), '1503010002' + '0228');
  assert.deepEqual(decodeRecordHeader(r), { type: 21, version: 0x0301, length: 2 });
  assert.ok(
    isTlsRecordVersion(0x0301) &&
      isTlsRecordVersion(0x0303) &&
      !isTlsRecordVersion(0x0200) &&
      !isTlsRecordVersion(0x0403),
  );
  expectAlert(() => decodeRecordHeader(r.subarray(0, 4)), 'decode_error');
});

test('unknown content type is unexpected_message; too long is record_overflow', () => {
  for (const t of [0, 19, 24, 255])
    expectAlert(
      () => new RecordSplitter().push(Uint8Array.from([t, 3, 3, 0, 1, 0])),
      'unexpected_message',
      `type ${t}`,
    );
  const ok = Uint8Array.from([
    23,
    3,
    3,
    (MAX_CIPHERTEXT_LENGTH >> 8) & 0xff,
    MAX_CIPHERTEXT_LENGTH & 0xff,
  ]);
  assert.equal(new RecordSplitter().push(ok).length, 0);
  const over = MAX_CIPHERTEXT_LENGTH + 1;
  expectAlert(
    () => new RecordSplitter().push(Uint8Array.from([23, 3, 3, over >> 8, over & 0xff])),
    'record_overflow',
  );
  // The TLS 1.2 limit can be chosen.
  assert.equal(
    new RecordSplitter(MAX_CIPHERTEXT_LENGTH_TLS12).push(
      Uint8Array.from([23, 3, 3, over >> 8, over & 0xff]),
    ).length,
    0,
  );
  // The header is checked as soon as it is whole, even split byte by byte.
  const sp = new RecordSplitter();
  for (const b of [99, 3, 3, 0]) sp.push(Uint8Array.from([b]));
  expectAlert(() => sp.push(Uint8Array.from([1])), 'unexpected_message');
  // …and the splitter stays failed.
  expectAlert(() => sp.push(record(22, Uint8Array.from([1]))), 'unexpected_message');
});

test('many records in one chunk come back as views of the chunk; zero-length records pass', () => {
  const a = record(22, Uint8Array.from([1, 2, 3]));
  const b = record(23, new Uint8Array(0));
  const c = record(21, Uint8Array.from([1, 0]));
  const chunk = new Uint8Array([...a, ...b, ...c]);
  const got = new RecordSplitter().push(chunk);
  assert.deepEqual(
    got.map((r) => [r.type, toHex(r.fragment)]),
    [
      [22, '010203'],
      [23, ''],
      [21, '0100'],
    ],
  );
  assert.equal(got[0]!.fragment.buffer, chunk.buffer);
  assert.ok(!fragmentLengthAllowed(ContentType.handshake, 0));
  assert.ok(!fragmentLengthAllowed(ContentType.alert, 0));
  assert.ok(fragmentLengthAllowed(ContentType.application_data, 0));
  assert.ok(fragmentLengthAllowed(ContentType.handshake, 1));
});

test('every split of a record stream, header split at every position, yields the same records', () => {
  const recs = [
    record(22, new Uint8Array(7).fill(1)),
    record(23, new Uint8Array(0)),
    record(20, Uint8Array.from([1])),
    record(23, new Uint8Array(300).fill(9)),
  ];
  const stream = new Uint8Array(recs.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of recs) {
    stream.set(r, at);
    at += r.length;
  }
  const want = recs.map((r) => toHex(r.subarray(5)));
  for (let i = 0; i <= stream.length; i++) {
    for (const j of [
      i,
      Math.min(stream.length, i + 1),
      Math.min(stream.length, i + 3),
      stream.length,
    ]) {
      const sp = new RecordSplitter();
      const got = [
        ...sp.push(stream.subarray(0, i)),
        ...sp.push(stream.subarray(i, j)),
        ...sp.push(stream.subarray(j)),
      ];
      assert.deepEqual(
        got.map((r) => toHex(r.fragment)),
        want,
        `${i}/${j}`,
      );
      assert.equal(sp.buffered, 0);
    }
  }
});

test('feeding a large stream one byte at a time is linear (no re-buffering)', () => {
  const body = new Uint8Array(16000).fill(7);
  const r = record(23, body);
  const stream = new Uint8Array(r.length * 20);
  for (let i = 0; i < 20; i++) stream.set(r, i * r.length);
  const sp = new RecordSplitter();
  let n = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < stream.length; i++) n += sp.push(stream.subarray(i, i + 1)).length;
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.equal(n, 20);
  // 320 KB byte by byte; a quadratic buffer would copy ~2.5 GB here.
  assert.ok(ms < 2000, `${ms} ms`);
});
