import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { SessionError } from '../../../src/tls/session/errors.js';
import { MemorySessionStore } from '../../../src/tls/session/stores/memory.js';
import {
  openSessionStore,
  parseSessionCacheSpec,
} from '../../../src/mta/tls/session-cache-spec.js';
import { SqliteSessionStore } from '../../../src/tls/session/stores/sqlite.js';
import { sessionTimeout, tls13TicketLifetime } from '../../../src/tls/session/timeout.js';
import { DEFAULT_SESSION_CACHE_TIMEOUT } from '../../../src/tls/policy/defaults.js';

test('absent or empty: the memory cache', () => {
  assert.deepEqual(parseSessionCacheSpec(undefined), { kind: 'memory' });
  assert.deepEqual(parseSessionCacheSpec(''), { kind: 'memory' });
});

test('btree:, lmdb: and sdbm: all name the on-disk cache', () => {
  assert.deepEqual(parseSessionCacheSpec('btree:/var/lib/postfix/smtpd_scache'), {
    kind: 'sqlite',
    type: 'btree',
    path: '/var/lib/postfix/smtpd_scache',
  });
  assert.deepEqual(parseSessionCacheSpec('lmdb:/tmp/c'), {
    kind: 'sqlite',
    type: 'lmdb',
    path: '/tmp/c',
  });
  assert.deepEqual(parseSessionCacheSpec('sdbm:relative/scache'), {
    kind: 'sqlite',
    type: 'sdbm',
    path: 'relative/scache',
  });
});

test('redis:HOST:PORT, redis:[v6]:PORT and redis:// URLs name Redis', () => {
  assert.deepEqual(parseSessionCacheSpec('redis:cache.example.net:6379'), {
    kind: 'redis',
    address: { host: 'cache.example.net', port: 6379 },
  });
  assert.deepEqual(parseSessionCacheSpec('redis:[::1]:7000'), {
    kind: 'redis',
    address: { host: '::1', port: 7000 },
  });
  assert.deepEqual(parseSessionCacheSpec('redis://:secret@10.0.0.5:6380/2'), {
    kind: 'redis',
    address: { url: 'redis://:secret@10.0.0.5:6380/2' },
  });
});

test('anything else is a SessionError(bad_spec) naming the value', () => {
  for (const spec of [
    'hash:/etc/postfix/scache',
    'dbm:/x',
    'btree:',
    '/var/lib/scache',
    'redis:host',
    'redis:host:0',
    'redis:host:65536',
    'redis:host:port',
    'redis://',
    'rediss://h:1',
    ':x',
  ]) {
    assert.throws(
      () => parseSessionCacheSpec(spec),
      (e: unknown) =>
        e instanceof SessionError && e.code === 'bad_spec' && e.message.includes(`"${spec}"`),
      spec,
    );
  }
});

test('openSessionStore opens the store the spec names', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-spec-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const memory = await openSessionStore(undefined);
  assert.ok(memory instanceof MemorySessionStore);
  await memory.close();
  for (const type of ['btree', 'lmdb', 'sdbm']) {
    const store = await openSessionStore(`${type}:${join(dir, type)}`, {
      sqlite: { purgeIntervalMs: 0 },
    });
    assert.ok(store instanceof SqliteSessionStore, type);
    await store.set(Uint8Array.of(1), Uint8Array.of(2), 60);
    assert.deepEqual(await store.get(Uint8Array.of(1)), Uint8Array.of(2));
    await store.close();
  }
  await assert.rejects(openSessionStore('cdb:/x'), SessionError);
});

test('sessionTimeout caps as Postfix does: <=0 off, under 2 minutes raised, over 100 days refused', () => {
  assert.equal(DEFAULT_SESSION_CACHE_TIMEOUT, 3600);
  assert.equal(sessionTimeout(3600), 3600);
  assert.equal(sessionTimeout(0), 0);
  assert.equal(sessionTimeout(-5), 0);
  assert.equal(sessionTimeout(1), 120);
  assert.equal(sessionTimeout(119), 120);
  assert.equal(sessionTimeout(120), 120);
  assert.equal(sessionTimeout(8640000), 8640000);
  assert.throws(
    () => sessionTimeout(8640001, 'smtpd_tls_session_cache_timeout'),
    /invalid smtpd_tls_session_cache_timeout: 8640001 \(max 8640000\)/,
  );
  assert.throws(() => sessionTimeout(1.5), SessionError);
});

test('TLS 1.3 ticket lifetime never exceeds seven days', () => {
  assert.equal(tls13TicketLifetime(3600), 3600);
  assert.equal(tls13TicketLifetime(8640000), 604800);
});
