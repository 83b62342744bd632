import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../helpers/vectors.js';
import { Reader } from '../../../src/tls/wire/reader.js';
import { expectAlert } from '../expect-alert.js';

test('integers are big-endian, u32 stays unsigned', () => {
  const r = new Reader(Uint8Array.from([1, 2, 3, 4, 5, 6, 0xff, 0xff, 0xff, 0xff]));
  assert.equal(r.u8(), 1);
  assert.equal(r.u16(), 0x0203);
  assert.equal(r.u24(), 0x040506);
  assert.equal(r.u32(), 0xffffffff);
  assert.ok(r.done);
  r.expectEnd();
});

test('vectors are sub-readers and views, bounded by their prefix', () => {
  const buf = Uint8Array.from([2, 0xaa, 0xbb, 0, 1, 0xcc, 0, 0, 2, 9, 9, 7]);
  const r = new Reader(buf);
  const v8 = r.vector8();
  assert.equal(v8.u16(), 0xaabb);
  expectAlert(() => v8.u8(), 'decode_error', 'sub-reader is bounded');
  const b = r.bytes16();
  assert.equal(toHex(b), 'cc');
  assert.equal(b.buffer, buf.buffer);
  assert.equal(toHex(r.bytes24()), '0909');
  assert.equal(r.offset, 11);
  expectAlert(() => r.expectEnd(), 'decode_error', 'trailing');
  assert.equal(r.remaining, 1);
});

test('overruns and out-of-range lengths are decode_error', () => {
  expectAlert(() => new Reader(new Uint8Array(0)).u8(), 'decode_error');
  expectAlert(() => new Reader(new Uint8Array(1)).u16(), 'decode_error');
  expectAlert(() => new Reader(new Uint8Array(2)).u24(), 'decode_error');
  expectAlert(() => new Reader(new Uint8Array(3)).u32(), 'decode_error');
  expectAlert(() => new Reader(Uint8Array.from([3, 1, 2])).vector8(), 'decode_error');
  expectAlert(() => new Reader(Uint8Array.from([0, 3, 1, 2])).bytes16(), 'decode_error');
  expectAlert(() => new Reader(Uint8Array.from([0])).bytes8('x', 1), 'decode_error', 'below min');
  expectAlert(
    () => new Reader(Uint8Array.from([3, 1, 2, 3])).bytes8('x', 0, 2),
    'decode_error',
    'above max',
  );
  expectAlert(() => new Reader(new Uint8Array(4)).bytes(5), 'decode_error');
});
