import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, createServer, MemorySessionStore } from '../../../src/tls/index.js';
import type { SessionState, SessionStore, TLSSocket } from '../../../src/tls/index.js';
import type { TlsConnectionError } from '../../../src/tls/error/connection-error.js';
import { SERVER_NAME, TlsPki } from '../../helpers/tls-pki.js';

const pki = new TlsPki(['p256']);
after(() => pki.cleanup());

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

function echo(s: TLSSocket): void {
  s.on('data', () => undefined);
  s.on('end', () => s.end());
}

/** One connection: the handshake's outcome, and the sessions the client was given. */
async function visit(
  port: number,
  options: { serverName: string; maxVersion?: 'TLSv1.2'; session?: SessionState },
): Promise<{ resumed?: boolean; error?: TlsConnectionError; sessions: SessionState[] }> {
  const sessions: SessionState[] = [];
  const client = connect({
    host: '127.0.0.1',
    port,
    trustStore: pki.trustStore,
    verifyHostname: SERVER_NAME,
    ...options,
  });
  client.on('session', (s: SessionState) => sessions.push(s));
  const outcome = await new Promise<'ok' | TlsConnectionError>((resolve) => {
    client.once('secureConnect', () => resolve('ok'));
    client.once('error', (e: TlsConnectionError) => resolve(e));
  });
  if (outcome !== 'ok') return { error: outcome, sessions };
  const resumed = client.session?.resumed === true;
  const closed = once(client, 'close');
  client.on('data', () => undefined);
  client.end();
  await closed;
  return { resumed, sessions };
}

test('createServer: selectCertificates answers asynchronously by SNI name; an unknown name is unrecognized_name', async () => {
  const asked: (string | undefined)[] = [];
  const server = createServer(
    {
      certificates: [],
      selectCertificates: async (name) => {
        asked.push(name);
        await sleep(5);
        return name === SERVER_NAME ? [pki.servers.p256.certified] : [];
      },
    },
    echo,
  );
  const port = await listen(server);
  try {
    const ok = await visit(port, { serverName: SERVER_NAME });
    assert.equal(ok.error, undefined);
    const unknown = await visit(port, { serverName: 'other.example.net' });
    assert.equal(unknown.error?.alert, 'unrecognized_name');
    assert.equal(unknown.error?.origin, 'remote');
    assert.deepEqual(asked, [SERVER_NAME, 'other.example.net']);
  } finally {
    server.close();
  }
});

test('createServer: a TLS 1.2 session ID is looked up in a slow asynchronous store, and resumes', async () => {
  const inner = new MemorySessionStore();
  let lookups = 0;
  const slow: SessionStore = {
    async get(id) {
      lookups++;
      await sleep(20);
      return inner.get(id);
    },
    set: (id, value, ttl) => inner.set(id, value, ttl),
    delete: (id) => inner.delete(id),
    getTicketKeys: () => inner.getTicketKeys(),
    swapTicketKeys: (expected, next) => inner.swapTicketKeys(expected, next),
    close: () => inner.close(),
  };
  const server = createServer(
    { certificates: [pki.servers.p256.certified], sessionStore: slow, sessionTickets: false },
    echo,
  );
  const port = await listen(server);
  try {
    const first = await visit(port, { serverName: SERVER_NAME, maxVersion: 'TLSv1.2' });
    assert.equal(first.resumed, false);
    const state = first.sessions.at(-1);
    assert.ok(
      state !== undefined && state.version === 'TLSv1.2' && state.sessionId !== undefined,
      'a session by ID',
    );
    const second = await visit(port, {
      serverName: SERVER_NAME,
      maxVersion: 'TLSv1.2',
      session: state,
    });
    assert.equal(second.resumed, true);
    assert.equal(lookups, 1, 'one lookup, for the ClientHello that named a session');
  } finally {
    server.close();
  }
});

test('createServer: no certificates and no selectCertificates is a configuration error at once', () => {
  assert.throws(
    () => createServer({ certificates: [] }),
    (e: unknown) => e instanceof Error && (e as { reason?: string }).reason === 'no_certificate',
  );
});
