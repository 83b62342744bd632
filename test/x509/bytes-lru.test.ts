import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BytesLru } from '../../src/x509/bytes-lru.js';

const key = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes);

test('a value is found by equal bytes, not by the same buffer', () => {
  const lru = new BytesLru<string>(4);
  lru.set(key(1, 2, 3), 'a');
  assert.equal(lru.get(key(1, 2, 3)), 'a');
  assert.equal(lru.get(key(1, 2)), undefined);
  assert.equal(lru.get(key(1, 2, 3, 0)), undefined);
  assert.equal(lru.get(key(1, 2, 4)), undefined);
});

test('keys are copied in: changing the caller buffer does not change the entry', () => {
  const lru = new BytesLru<string>(4);
  const k = key(9, 9);
  lru.set(k, 'v');
  k[0] = 0;
  assert.equal(lru.get(key(9, 9)), 'v');
  assert.equal(lru.get(k), undefined);
});

test('setting an existing key replaces its value without growing', () => {
  const lru = new BytesLru<string>(4);
  lru.set(key(1), 'a');
  lru.set(key(1), 'b');
  assert.equal(lru.size, 1);
  assert.equal(lru.get(key(1)), 'b');
});

test('the map is bounded and drops the least recently used entry', () => {
  const lru = new BytesLru<number>(3);
  for (let i = 0; i < 3; i++) lru.set(key(i), i);
  assert.equal(lru.get(key(0)), 0);
  lru.set(key(3), 3);
  assert.equal(lru.size, 3);
  assert.equal(lru.get(key(1)), undefined);
  assert.deepEqual(
    [0, 2, 3].map((i) => lru.get(key(i))),
    [0, 2, 3],
  );
  for (let i = 0; i < 1000; i++) lru.set(key(i & 0xff, i >> 8), i);
  assert.equal(lru.size, 3);
  assert.deepEqual(
    [997, 998, 999].map((i) => lru.get(key(i & 0xff, i >> 8))),
    [997, 998, 999],
  );
});

test('a capacity below one is refused', () => {
  assert.throws(() => new BytesLru(0), RangeError);
  assert.throws(() => new BytesLru(Number.NaN), RangeError);
});
