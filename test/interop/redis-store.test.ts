import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { deterministicRandom } from '../../src/prng/deterministic.js';
import { SessionError } from '../../src/tls/session/errors.js';
import { RedisSessionStore } from '../../src/tls/session/stores/redis.js';
import { syncTicketKeys } from '../../src/tls/session/shared-keyring.js';
import { openSessionStore } from '../../src/mta/tls/session-cache-spec.js';
import type { SessionStore } from '../../src/tls/session/store.js';
import { openTicket, sealTicket } from '../../src/tls/session/ticket.js';
import { TicketKeyring, keyringTiming } from '../../src/tls/session/ticket-keys.js';
import { encodeSessionState, decodeSessionState } from '../../src/tls/session/state.js';
import { tls12State, tls13State } from '../tls/session/sample-states.js';
import { freePort, startPeer } from '../helpers/processes.js';

let port = 0;

before(async () => {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      'redis-server is not installed: the Redis session-cache tests need it (Debian package redis-server: apt-get install -y redis-server)',
    );
  }
  port = await freePort();
  const server = startPeer('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  await server.waitFor(/Ready to accept connections/);
});

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

async function withStores<T>(
  n: number,
  spec: () => string,
  fn: (stores: SessionStore[]) => Promise<T>,
): Promise<T> {
  const stores = await Promise.all(Array.from({ length: n }, () => openSessionStore(spec())));
  try {
    return await fn(stores);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
}

test('redis:HOST:PORT and redis:// reach the same cache; SET EX expires', async () => {
  await withStores(
    1,
    () => `redis:127.0.0.1:${port}`,
    async ([a]) => {
      await withStores(
        1,
        () => `redis://127.0.0.1:${port}`,
        async ([b]) => {
          assert.ok(a instanceof RedisSessionStore);
          const value = encodeSessionState(tls12State);
          await a.set(bytes('sid-1'), value, 1);
          assert.deepEqual(
            decodeSessionState((await b?.get(bytes('sid-1'))) ?? new Uint8Array(0)),
            tls12State,
          );
          await b?.delete(bytes('sid-1'));
          assert.equal(await a.get(bytes('sid-1')), undefined);
          await a.set(bytes('sid-2'), value, 1);
          await new Promise((r) => setTimeout(r, 2100));
          assert.equal(await b?.get(bytes('sid-2')), undefined, 'Redis expired it');
        },
      );
    },
  );
});

test('two "hosts" on one Redis agree on one keyring and open each other\'s tickets, both versions', async () => {
  await withStores(
    2,
    () => `redis:127.0.0.1:${port}`,
    async ([a, b]) => {
      if (a === undefined || b === undefined) throw new Error('stores not opened');
      const now = tls12State.createdAt;
      const timing = keyringTiming(3600);
      const ringA = new TicketKeyring(timing);
      const ringB = new TicketKeyring(timing);
      await Promise.all([
        syncTicketKeys(a, ringA, now, deterministicRandom('host A'), 60_000),
        syncTicketKeys(b, ringB, now, deterministicRandom('host B'), 60_000),
      ]);
      assert.equal(ringA.keys.length, 1);
      assert.deepEqual(ringA.keys, ringB.keys);
      const t13 = { ...tls13State, createdAt: now };
      assert.deepEqual(
        openTicket(ringB, sealTicket(ringA, tls12State, deterministicRandom('a'), now), now),
        tls12State,
      );
      assert.deepEqual(
        openTicket(ringA, sealTicket(ringB, t13, deterministicRandom('b'), now), now),
        t13,
      );
    },
  );
});

test('keyring compare-and-set: SET NX first, then only against the current value', async () => {
  const store = await RedisSessionStore.open(
    { host: '127.0.0.1', port },
    { keyPrefix: 'cas-test:' },
  );
  try {
    assert.equal(await store.getTicketKeys(), undefined);
    assert.equal(await store.swapTicketKeys(undefined, Uint8Array.of(1, 0, 255)), true);
    assert.equal(await store.swapTicketKeys(undefined, Uint8Array.of(2)), false, 'already created');
    assert.equal(
      await store.swapTicketKeys(Uint8Array.of(9), Uint8Array.of(2)),
      false,
      'stale expectation',
    );
    assert.equal(await store.swapTicketKeys(Uint8Array.of(1, 0, 255), Uint8Array.of(2)), true);
    assert.deepEqual(await store.getTicketKeys(), Uint8Array.of(2));
  } finally {
    await store.close();
  }
});

test('a Redis that is not there is a SessionError(store_failed) naming it', async () => {
  const closed = await freePort();
  await assert.rejects(
    openSessionStore(`redis:127.0.0.1:${closed}`, { redis: { connectTimeoutMs: 1000 } }),
    (e: unknown) =>
      e instanceof SessionError &&
      e.code === 'store_failed' &&
      e.message.includes(`127.0.0.1:${closed}`),
  );
});
