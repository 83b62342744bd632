import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../helpers/vectors.js';
import { Writer } from '../../../src/tls/wire/writer.js';
import { expectAlert } from '../expect-alert.js';

test('nested vectors get their lengths from their closers; the buffer grows', () => {
  const w = new Writer({ initialSize: 1 });
  const outer = w.openVector24();
  w.u8(1).u16(0x0203);
  const inner = w.openVector8();
  w.u32(0xdeadbeef);
  inner();
  w.vector16(Uint8Array.from([9, 9]));
  outer();
  assert.equal(toHex(w.finish()), '00000c' + '010203' + '04deadbeef' + '00020909');
});

test('closing checks the prefix, the order, and finish checks nothing is open', () => {
  const w = new Writer();
  const v = w.openVector8();
  w.bytes(new Uint8Array(256));
  expectAlert(v, 'internal_error', 'overflow');
  const w2 = new Writer();
  const a = w2.openVector16();
  const b = w2.openVector16();
  expectAlert(a, 'internal_error', 'out of order');
  b();
  expectAlert(() => w2.finish(), 'internal_error', 'still open');
  expectAlert(() => new Writer().u8(256), 'internal_error', 'u8 range');
  expectAlert(() => new Writer().u16(-1), 'internal_error', 'u16 range');
  expectAlert(() => new Writer().u32(2 ** 32), 'internal_error', 'u32 range');
});

test('comments are only evaluated when annotating, and spans record depth', () => {
  let calls = 0;
  const lazy = () => {
    calls++;
    return 'lazy';
  };
  const plain = new Writer();
  plain.u8(1, lazy);
  plain.openVector16(lazy)();
  assert.equal(calls, 0);
  assert.equal(plain.spans, undefined);
  const w = new Writer({ annotate: true });
  w.u8(1, lazy);
  const end = w.openVector16('list');
  w.u16(5, 'item');
  end();
  assert.equal(calls, 1);
  assert.deepEqual(w.spans, [
    { offset: 0, length: 1, comment: 'lazy', depth: 0 },
    { offset: 1, length: 2, comment: 'list (2 bytes)', depth: 0 },
    { offset: 3, length: 2, comment: 'item', depth: 1 },
  ]);
});
