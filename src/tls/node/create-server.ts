import type { Server, Socket } from 'node:net';
import { createServer as netCreateServer } from 'node:net';
import { resolveServerConfig } from '../policy/resolve-config.js';
import { startTlsServer } from './connect.js';
import { defaultRandom } from './default-random.js';
import type { ServerOptions } from './options.js';
import { serverSessions } from './server-sessions.js';
import type { TLSSocket } from './tls-socket.js';

/**
 * Like node:tls createServer(): every accepted connection becomes a
 * TLSSocket; 'secureConnection' after its handshake, 'tlsClientError'
 * when the handshake fails, 'sessionStoreError' when the session store
 * fails (the handshake goes on without it).
 *
 * Sessions: tickets are sealed with `sessionTickets` (a keyring of this
 * server when absent, shared through the store; false: none). TLS 1.2
 * session IDs are kept in `sessionStore` (in memory when absent): the
 * engine pauses after the ClientHello while the session it names is
 * fetched, and so it does for `selectCertificates`.
 */
export function createServer(
  options: ServerOptions,
  onSecureConnection?: (socket: TLSSocket) => void,
): Server {
  const random = options.random ?? defaultRandom();
  // A configuration mistake throws here, not in a connection's handler.
  resolveServerConfig({
    ...options,
    random,
    ...(options.selectCertificates !== undefined ? { askCaller: { certificates: true } } : {}),
  });
  let server: Server;
  const storeFailed = (err: unknown): void => {
    server.emit('sessionStoreError', err);
  };
  const sessions = serverSessions({ ...options, random }, storeFailed);
  const base = sessions.options;
  const ready = sessions.ready;

  const start = (tcp: Socket): void => {
    const tls = startTlsServer(tcp, base);
    tcp.resume();
    tls.on('sessionStoreError', storeFailed);
    tls.once('secure', () => server.emit('secureConnection', tls));
    tls.on('error', (err: Error) => {
      if (!tls.session) server.emit('tlsClientError', err, tls);
    });
  };

  server = netCreateServer({ allowHalfOpen: true, pauseOnConnect: true }, (tcp) => {
    void ready.then(() => start(tcp));
  });
  server.on('close', () => sessions.stop());
  if (onSecureConnection) server.on('secureConnection', onSecureConnection);
  return server;
}
