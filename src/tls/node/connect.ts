import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { connect as netConnect } from 'node:net';
import type { ServerConfig } from '../policy/config.js';
import { defaultRandom } from './default-random.js';
import type { ClientOptions, ServerOptions } from './options.js';
import { serverAnswers } from './server-answers.js';
import type { ServerAnswers } from './server-answers.js';
import { TLSSocket } from './tls-socket.js';

/** Starts TLS as the client on an open Duplex (STARTTLS: the socket already carried plaintext). */
export function startTlsClient(transport: Duplex, options: ClientOptions): TLSSocket {
  return new TLSSocket(
    transport,
    'client',
    { ...options, random: options.random ?? defaultRandom() },
    options,
  );
}

/**
 * Starts TLS as the server on an open Duplex (after "220 Ready to start
 * TLS"). With `sessionStore` or `selectCertificates` the handshake pauses
 * after the ClientHello for their answers; a failing store is reported as
 * 'sessionStoreError' on the returned socket and the handshake goes on
 * without the session.
 */
export function startTlsServer(transport: Duplex, options: ServerOptions): TLSSocket {
  let socket: TLSSocket | undefined;
  const answers = serverAnswers(options, (err) => socket?.emit('sessionStoreError', err));
  socket = new TLSSocket(transport, 'server', engineConfig(options, answers), {
    ...options,
    ...(answers !== undefined ? { answers } : {}),
  });
  return socket;
}

/** One engine configuration per options object, so the engine resolves it once for all connections (policy/resolve-config.ts). */
const engineConfigs = new WeakMap<ServerOptions, ServerConfig>();

function engineConfig(options: ServerOptions, answers: ServerAnswers | undefined): ServerConfig {
  let config = engineConfigs.get(options);
  if (config === undefined) {
    config = {
      ...options,
      random: options.random ?? defaultRandom(),
      ...(answers !== undefined ? { askCaller: answers.askCaller } : {}),
    };
    engineConfigs.set(options, config);
  }
  return config;
}

export interface ConnectOptions extends ClientOptions {
  host?: string;
  port: number;
}

/** Like node:tls connect(): a TCP connection, then the TLS handshake; `secureConnect` when done. */
export function connect(options: ConnectOptions, onSecure?: () => void): TLSSocket {
  const host = options.host ?? 'localhost';
  const tcp: Socket = netConnect({ host, port: options.port });
  const serverName = options.serverName ?? host;
  const tls = startTlsClient(tcp, { ...options, serverName });
  if (onSecure) tls.once('secureConnect', onSecure);
  return tls;
}
