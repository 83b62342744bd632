import type { Server, Socket } from 'node:net';
import { createServer as netCreateServer } from 'node:net';
import type { Random } from '../../prng/random.js';
import { DEFAULT_SESSION_CACHE_TIMEOUT } from '../policy/defaults.js';
import { resolveServerConfig } from '../policy/resolve-config.js';
import { syncTicketKeys } from '../session/shared-keyring.js';
import type { SessionStore } from '../session/store.js';
import { MemorySessionStore } from '../session/stores/memory.js';
import { TicketKeyring, keyringTiming } from '../session/ticket-keys.js';
import { startTlsServer } from './connect.js';
import { defaultRandom } from './default-random.js';
import type { ServerOptions } from './options.js';
import type { TLSSocket } from './tls-socket.js';

/**
 * RFC 5077 §4 key rotation, agreed with every server on the same store: a
 * key is shared before it seals. Resolves once the first agreement is done;
 * `stop` ends the periodic one.
 */
function rotateTicketKeys(store: SessionStore, keyring: TicketKeyring, random: Random, failed: (err: unknown) => void): { ready: Promise<void>; stop: () => void } {
  const ahead = Math.min(keyring.timing.rotateAfterMs, 60_000);
  const sync = (): Promise<void> => syncTicketKeys(store, keyring, Date.now(), random, ahead).catch(failed);
  const ready = sync();
  const timer = setInterval(() => void sync(), ahead);
  timer.unref();
  return { ready, stop: () => clearInterval(timer) };
}

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
export function createServer(options: ServerOptions, onSecureConnection?: (socket: TLSSocket) => void): Server {
  const random = options.random ?? defaultRandom();
  // A configuration mistake throws here, not in a connection's handler.
  resolveServerConfig({ ...options, random, ...(options.selectCertificates !== undefined ? { askCaller: { certificates: true } } : {}) });
  const store = options.sessionStore ?? new MemorySessionStore();
  const keyring = options.sessionTickets ?? new TicketKeyring(keyringTiming(options.sessionTimeout ?? DEFAULT_SESSION_CACHE_TIMEOUT));
  const base: ServerOptions = { ...options, random, sessionTickets: keyring, sessionStore: store };
  let server: Server;
  const storeFailed = (err: unknown): void => {
    server.emit('sessionStoreError', err);
  };
  const rotation = keyring === false ? undefined : rotateTicketKeys(store, keyring, random, storeFailed);
  const ready = rotation?.ready ?? Promise.resolve();

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
  server.on('close', () => rotation?.stop());
  if (onSecureConnection) server.on('secureConnection', onSecureConnection);
  return server;
}
