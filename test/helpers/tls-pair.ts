import type { HandshakeState, TlsEvent } from '../../src/tls/engine/connection.js';
import type { TlsConnectionError } from '../../src/tls/error/connection-error.js';
import { TlsConnection } from '../../src/tls/engine/connection.js';
import type { ClientConfig, ServerConfig } from '../../src/tls/policy/config.js';
import { createClientConnection, createServerConnection } from '../../src/tls/hello/start.js';
import type { HandshakeMessage } from '../../src/tls/codec/handshake.js';
import { startClient } from '../../src/tls/tls13/client.js';
import { resolveClientConfig } from '../../src/tls/policy/resolve-config.js';

/**
 * A client and a server TlsConnection joined in memory: bytes go from one
 * `takeOutput()` to the other's `receive()`, with no sockets. `tap` sees
 * (and may replace or drop) every flight as it crosses.
 */
export type Tap = (from: 'client' | 'server', bytes: Uint8Array) => Uint8Array | undefined;

export class Pair {
  readonly clientEvents: TlsEvent[] = [];
  readonly serverEvents: TlsEvent[] = [];
  /** Every flight that crossed, in order, as sent (before the tap). */
  readonly flights: { from: 'client' | 'server'; bytes: Uint8Array }[] = [];

  constructor(
    readonly client: TlsConnection,
    readonly server: TlsConnection,
    private readonly tap?: Tap,
  ) {}

  static create(clientConfig: ClientConfig, serverConfig: ServerConfig, tap?: Tap): Pair {
    return new Pair(
      createClientConnection(clientConfig),
      createServerConnection(serverConfig),
      tap,
    );
  }

  /** A pair whose client passes each handshake message it sends through `edit` first (a client that misbehaves in one way). */
  static withClientEdit(
    clientConfig: ClientConfig,
    serverConfig: ServerConfig,
    edit: (m: HandshakeMessage) => HandshakeMessage,
    tap?: Tap,
  ): Pair {
    return new Pair(
      createEditedClient(clientConfig, edit),
      createServerConnection(serverConfig),
      tap,
    );
  }

  /** A pair whose server passes each handshake message it sends through `edit` first. */
  static withServerEdit(
    clientConfig: ClientConfig,
    serverConfig: ServerConfig,
    edit: (m: HandshakeMessage) => HandshakeMessage,
    tap?: Tap,
  ): Pair {
    const server = createServerConnection(serverConfig);
    editSends(server, edit);
    return new Pair(createClientConnection(clientConfig), server, tap);
  }

  /** Moves bytes both ways until neither side has anything to send. */
  pump(): this {
    for (let rounds = 0; rounds < 1000; rounds++) {
      const c = this.client.takeOutput();
      if (c !== undefined) this.deliver('client', c);
      const s = this.server.takeOutput();
      if (s !== undefined) this.deliver('server', s);
      this.clientEvents.push(...this.client.takeEvents());
      this.serverEvents.push(...this.server.takeEvents());
      if (c === undefined && s === undefined) return this;
    }
    throw new Error('pump: the connections never went quiet');
  }

  private deliver(from: 'client' | 'server', bytes: Uint8Array): void {
    this.flights.push({ from, bytes });
    const passed = this.tap ? this.tap(from, bytes) : bytes;
    if (passed !== undefined) (from === 'client' ? this.server : this.client).receive(passed);
  }

  /** The data events one side has seen, concatenated. */
  received(side: 'client' | 'server'): Uint8Array {
    const parts = (side === 'client' ? this.clientEvents : this.serverEvents).flatMap((e) =>
      e.type === 'data' ? [e.data] : [],
    );
    return Buffer.concat(parts);
  }

  error(side: 'client' | 'server'): TlsConnectionError | undefined {
    for (const e of side === 'client' ? this.clientEvents : this.serverEvents)
      if (e.type === 'error') return e.error;
    return undefined;
  }
}

/** Splits a byte stream into its records (header + fragment), for tests that alter records. */
export function splitRecords(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let pos = 0;
  while (pos + 5 <= bytes.length) {
    const len = ((bytes[pos + 3] as number) << 8) | (bytes[pos + 4] as number);
    out.push(bytes.subarray(pos, pos + 5 + len));
    pos += 5 + len;
  }
  if (pos !== bytes.length) throw new Error('splitRecords: trailing bytes');
  return out;
}

function editSends(conn: TlsConnection, edit: (m: HandshakeMessage) => HandshakeMessage): void {
  const send = conn.send.bind(conn);
  conn.send = (m: HandshakeMessage) => send(edit(m));
}

/** A client built as createClientConnection builds it, with `edit` in place before the ClientHello is sent. */
function createEditedClient(
  options: ClientConfig,
  edit: (m: HandshakeMessage) => HandshakeMessage,
): TlsConnection {
  const config = resolveClientConfig(options);
  const notStarted: HandshakeState = {
    name: 'not started',
    decodeAs: { version: 'tls1.3' },
    handle(): HandshakeState {
      throw new Error('message before the ClientHello');
    },
  };
  const conn = new TlsConnection('client', notStarted, config);
  editSends(conn, edit);
  conn.begin(startClient(config));
  return conn;
}
