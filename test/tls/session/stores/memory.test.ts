import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemorySessionStore } from '../../../../src/tls/session/stores/memory.js';
import { SessionError } from '../../../../src/tls/session/errors.js';

const id = (n: number): Uint8Array => Uint8Array.of(n, n, n);
const value = (n: number): Uint8Array => Uint8Array.of(0xa0, n);

test('entries expire after their TTL on an injected clock', async () => {
  let now = 1_000_000;
  const store = new MemorySessionStore({ now: () => now });
  await store.set(id(1), value(1), 10);
  await store.set(id(2), value(2), 20);
  now += 9_999;
  assert.deepEqual(await store.get(id(1)), value(1));
  now += 1;
  assert.equal(await store.get(id(1)), undefined, 'expired at exactly TTL');
  assert.deepEqual(await store.get(id(2)), value(2));
  now += 10_000;
  await store.set(id(3), value(3), 5);
  assert.equal(await store.purgeExpired(), 1, 'entry 2 purged');
  assert.equal(store.size, 1);
});

test('the size bound evicts the least recently used entry', async () => {
  const store = new MemorySessionStore({ maxEntries: 3 });
  for (const n of [1, 2, 3]) await store.set(id(n), value(n), 60);
  await store.get(id(1));
  await store.set(id(4), value(4), 60);
  assert.equal(store.size, 3);
  assert.equal(await store.get(id(2)), undefined, 'least recently used went');
  for (const n of [1, 3, 4]) assert.deepEqual(await store.get(id(n)), value(n));
});

test('set replaces, delete removes, stored bytes are copies', async () => {
  const store = new MemorySessionStore();
  const v = value(1);
  await store.set(id(1), v, 60);
  v[0] = 0;
  assert.deepEqual(await store.get(id(1)), value(1));
  await store.set(id(1), value(9), 60);
  assert.deepEqual(await store.get(id(1)), value(9));
  await store.delete(id(1));
  assert.equal(await store.get(id(1)), undefined);
});

test('bad ids and TTLs are refused', async () => {
  const store = new MemorySessionStore();
  await assert.rejects(store.set(new Uint8Array(0), value(1), 60), SessionError);
  await assert.rejects(store.set(id(1), value(1), 0), SessionError);
  await assert.rejects(store.set(id(1), value(1), 1.5), SessionError);
  assert.throws(() => new MemorySessionStore({ maxEntries: 0 }), RangeError);
});

test('ticket keys: create-if-absent, then compare-and-set', async () => {
  const store = new MemorySessionStore();
  assert.equal(await store.getTicketKeys(), undefined);
  assert.equal(await store.swapTicketKeys(undefined, Uint8Array.of(1)), true);
  assert.equal(await store.swapTicketKeys(undefined, Uint8Array.of(2)), false, 'already created');
  assert.equal(
    await store.swapTicketKeys(Uint8Array.of(9), Uint8Array.of(2)),
    false,
    'stale expectation',
  );
  assert.equal(await store.swapTicketKeys(Uint8Array.of(1), Uint8Array.of(2)), true);
  assert.deepEqual(await store.getTicketKeys(), Uint8Array.of(2));
});
