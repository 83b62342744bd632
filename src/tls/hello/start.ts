import { TlsAlert } from '../error/tls-alert.js';
import type { ClientConfig, ServerConfig } from '../policy/config.js';
import type { HandshakeState } from '../engine/connection.js';
import { resolveClientConfig, resolveServerConfig } from '../policy/resolve-config.js';
import { TlsConnection } from '../engine/connection.js';
import type { HandshakeMessage } from '../codec/handshake.js';
import { startClient } from '../tls13/client.js';
import { startServer } from './server.js';

/** A client's state before its ClientHello is sent: nothing may arrive yet. */
const notStarted: HandshakeState = {
  name: 'not started',
  decodeAs: { version: 'tls1.3' },
  handle(_io, message: HandshakeMessage): HandshakeState {
    throw new TlsAlert('unexpected_message', `${message.kind} before the ClientHello was sent`);
  },
};

/** A client connection with its ClientHello already queued in `takeOutput()`; a configuration mistake throws a TlsConfigError first. */
export function createClientConnection(options: ClientConfig): TlsConnection {
  const config = resolveClientConfig(options);
  const conn = new TlsConnection('client', notStarted, config);
  conn.begin(startClient(config));
  return conn;
}

/** A server connection waiting for a ClientHello; a configuration mistake throws a TlsConfigError first. */
export function createServerConnection(options: ServerConfig): TlsConnection {
  const config = resolveServerConfig(options);
  const { customizeServerMessage } = config;
  return new TlsConnection(
    'server',
    startServer(config),
    customizeServerMessage === undefined
      ? config
      : { ...config, customizeSent: customizeServerMessage },
  );
}
