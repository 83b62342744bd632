import assert from 'node:assert/strict';
import type { AddressInfo, Server, Socket } from 'node:net';
import { after, test } from 'node:test';
import { deterministicRandom } from '../../src/prng/deterministic.js';
import type { SessionInfo } from '../../src/tls/engine/connection.js';
import { createServer } from '../../src/tls/node/create-server.js';
import { connect } from '../../src/tls/node/connect.js';
import type { ClientOptions } from '../../src/tls/node/options.js';
import { NamedGroup as G } from '../../src/tls/registry/named-group.js';
import { freePort, run, startPeer } from '../helpers/processes.js';
import { SERVER_NAME, TlsPki } from '../helpers/tls-pki.js';

/**
 * Issue 13 item 16 against a real peer that lacks X25519MLKEM768 (OpenSSL
 * 3.0): with our defaults it takes the X25519 share we send beside the
 * hybrid, with no HelloRetryRequest; a client sharing only the hybrid is
 * asked for X25519 by HelloRetryRequest; our server, which prefers the
 * hybrid, serves a client without it over X25519. (No peer here implements
 * the hybrid: that check is left to a Go 1.26 or OpenSSL 3.5 peer.)
 */

const pki = new TlsPki(['p256']);
after(() => pki.cleanup());

async function ourClient(
  port: number,
  options: Partial<ClientOptions>,
): Promise<SessionInfo | undefined> {
  const socket = connect({
    host: '127.0.0.1',
    port,
    serverName: SERVER_NAME,
    trustStore: pki.trustStore,
    random: deterministicRandom(`mlkem interop ${port}`),
    ...options,
  });
  try {
    return await new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.once('secureConnect', () => socket.write('ping\n'));
      socket.once('data', () => resolve(socket.session));
    });
  } finally {
    socket.destroy();
  }
}

async function withOpensslServer(body: (port: number) => Promise<void>): Promise<void> {
  const port = await freePort();
  const peer = startPeer('openssl', [
    's_server',
    '-accept',
    String(port),
    '-4',
    '-rev',
    '-tls1_3',
    '-cert',
    pki.servers.p256.certFile,
    '-key',
    pki.servers.p256.keyFile,
  ]);
  try {
    await peer.waitFor(/ACCEPT/);
    await body(port);
  } finally {
    await peer.stop();
  }
}

test('our default client against openssl s_server (no hybrid): the X25519 share is taken, no HelloRetryRequest', async () => {
  await withOpensslServer(async (port) => {
    const session = await ourClient(port, {});
    assert.equal(session?.group, G.x25519);
    assert.equal(session?.helloRetry, false);
  });
});

test('our client sharing only X25519MLKEM768 against openssl s_server: HelloRetryRequest for X25519', async () => {
  await withOpensslServer(async (port) => {
    const session = await ourClient(port, { keyShareGroups: [G.X25519MLKEM768] });
    assert.equal(session?.group, G.x25519);
    assert.equal(session?.helloRetry, true);
  });
});

test('openssl s_client (no hybrid) against our server, which prefers X25519MLKEM768: served over X25519', async () => {
  const sessions: SessionInfo[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer(
    {
      certificates: [pki.servers.p256.certified],
      random: deterministicRandom('mlkem interop server'),
    },
    (tls) => {
      if (tls.session !== undefined) sessions.push(tls.session);
      tls.on('data', (d: Buffer) => tls.write(`pong ${d.toString('latin1')}`));
      tls.on('error', () => tls.destroy());
    },
  );
  server.on('connection', (tcp: Socket) => {
    sockets.add(tcp);
    tcp.once('close', () => sockets.delete(tcp));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const out = await run(
      'openssl',
      [
        's_client',
        '-connect',
        `127.0.0.1:${port}`,
        '-servername',
        SERVER_NAME,
        '-CAfile',
        pki.caFile,
        '-verify_return_error',
        '-tls1_3',
      ],
      'ping\n',
    );
    assert.match(out.stdout, /Server Temp Key: X25519/);
    assert.equal(sessions.at(-1)?.group, G.x25519);
    assert.equal(sessions.at(-1)?.helloRetry, false);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
