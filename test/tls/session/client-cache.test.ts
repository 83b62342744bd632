import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { ClientSessionCache } from '../../../src/tls/session/client-cache.js';
import { destinationKey } from '../../../src/mta/tls/destination-key.js';
import { MemorySessionStore } from '../../../src/tls/session/stores/memory.js';
import type { SessionState } from '../../../src/tls/session/state.js';
import { createServer } from '../../../src/tls/node/create-server.js';
import { connect } from '../../../src/tls/node/connect.js';
import type { TLSSocket } from '../../../src/tls/node/tls-socket.js';
import { SERVER_NAME, TlsPki } from '../../helpers/tls-pki.js';

const pki = new TlsPki(['p256']);
after(() => pki.cleanup());

/** One connection to `port`; resolves with whether it resumed and the sessions it was given. */
async function visit(
  port: number,
  options: { session?: SessionState; maxVersion?: 'TLSv1.2' },
): Promise<{ resumed: boolean; sessions: SessionState[] }> {
  const sessions: SessionState[] = [];
  const client: TLSSocket = connect({
    host: '127.0.0.1',
    port,
    serverName: SERVER_NAME,
    trustStore: pki.trustStore,
    ...options,
  });
  client.on('session', (s: SessionState) => sessions.push(s));
  const closed = new Promise((resolve) => client.once('close', resolve));
  await once(client, 'secureConnect');
  const resumed = client.session?.resumed === true;
  client.on('data', () => undefined);
  client.end();
  await closed;
  return { resumed, sessions };
}

for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
  test(`a client resumes through the cache by destination (${maxVersion}); a TLS 1.3 ticket is used once`, async () => {
    const server = createServer({ certificates: [pki.servers.p256.certified] }, (s) => {
      s.on('data', () => undefined);
      s.on('end', () => s.end());
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    const cache = new ClientSessionCache(new MemorySessionStore());
    const here = destinationKey({
      nexthop: 'example.com',
      mxHost: SERVER_NAME,
      address: '127.0.0.1',
      port,
    });
    const elsewhere = destinationKey({
      nexthop: 'example.org',
      mxHost: SERVER_NAME,
      address: '127.0.0.1',
      port,
    });
    const versionOption = maxVersion === 'TLSv1.2' ? { maxVersion } : {};
    try {
      const first = await visit(port, versionOption);
      assert.equal(first.resumed, false);
      const last = first.sessions.at(-1);
      assert.ok(last !== undefined, 'the server gave a session');
      await cache.put(here, last);
      assert.equal(await cache.take(elsewhere), undefined, 'another destination gets nothing');
      const offered = await cache.take(here);
      assert.ok(offered !== undefined);
      const second = await visit(port, { ...versionOption, session: offered });
      assert.equal(second.resumed, true);
      const again = await cache.take(here);
      if (maxVersion === 'TLSv1.3')
        assert.equal(again, undefined, 'a TLS 1.3 ticket is taken once');
      else assert.ok(again !== undefined, 'a TLS 1.2 session stays for the next connection');
    } finally {
      server.close();
    }
  });
}

test('expired and damaged entries are dropped, not offered', async () => {
  let now = Date.now();
  const store = new MemorySessionStore();
  const cache = new ClientSessionCache(store, () => now);
  const server = createServer({ certificates: [pki.servers.p256.certified] }, (s) => {
    s.on('data', () => undefined);
    s.on('end', () => s.end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { sessions } = await visit((server.address() as AddressInfo).port, {
      maxVersion: 'TLSv1.2',
    });
    const state = sessions.at(-1);
    assert.ok(state !== undefined);
    await cache.put('d', state);
    now += (state.lifetime + 1) * 1000;
    assert.equal(await cache.take('d'), undefined);
    await store.set(new TextEncoder().encode('broken'), Uint8Array.of(1, 2, 3), 60);
    assert.equal(await cache.take('broken'), undefined);
    assert.equal(
      await store.get(new TextEncoder().encode('broken')),
      undefined,
      'the damaged entry was deleted',
    );
  } finally {
    server.close();
  }
});
