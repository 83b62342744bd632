import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { connect as netConnect, createServer as netCreateServer } from 'node:net';
import type { Server } from 'node:net';
import { createSystemRandom } from '../../prng/system.js';
import type { Random } from '../../prng/random.js';
import type { Certificate } from '../../x509/certificate.js';
import { verifyReasonText } from '../../x509/verify-reason.js';
import type { ClientConfig, ServerConfig } from '../policy/config.js';
import type { SessionInfo, TlsEvent } from '../engine/connection.js';
import type { TlsConnection } from '../engine/connection.js';
import { TlsConnectionError } from '../error/connection-error.js';
import { createClientConnection, createServerConnection } from '../hello/start.js';
import { peekClientHello } from '../hello/peek.js';
import { SessionError } from '../session/errors.js';
import { MemorySessionStore } from '../session/stores/memory.js';
import { syncTicketKeys } from '../session/shared-keyring.js';
import type { SessionState } from '../session/state.js';
import { decodeSessionState, encodeSessionState } from '../session/state.js';
import type { SessionStore } from '../session/store.js';

import { TicketKeyring, keyringTiming } from '../session/ticket-keys.js';
import { DEFAULT_HANDSHAKE_TIMEOUT_MS, DEFAULT_SESSION_CACHE_TIMEOUT } from '../policy/defaults.js';
import { resolveServerConfig } from '../policy/resolve-config.js';
import { equalBytes } from '../wire/bytes.js';

export { TlsConnectionError };

/** Node's `getCipher()` shape: OpenSSL name, IANA name, first version of the suite. */
export interface CipherNameAndProtocol {
  name: string;
  standardName: string;
  version: string;
}

interface SocketOptions {
  /** ms before an unfinished handshake is abandoned (120 s, as node:tls). */
  handshakeTimeout?: number;
  /** Bytes already read from the transport (a ClientHello peeked at), fed to the engine first. */
  preface?: Uint8Array;
}

export type ClientOptions = Omit<ClientConfig, 'random'> & SocketOptions & { random?: Random };
export type ServerOptions = Omit<ServerConfig, 'random'> &
  SocketOptions & {
    random?: Random;
    /**
     * Where `createServer` keeps TLS 1.2 sessions by ID and the shared ticket
     * keyring (in memory when absent). Servers given the same store resume
     * each other's sessions and tickets.
     */
    sessionStore?: SessionStore;
  };

let sharedRandom: Random | undefined;
function defaultRandom(): Random {
  sharedRandom ??= createSystemRandom();
  return sharedRandom;
}

/**
 * A TLS connection over any Duplex (a TCP socket, or one that already
 * carried plaintext, for STARTTLS), shaped like node:tls's TLSSocket:
 * 'secureConnect' / 'secure' when the handshake is done, then a Duplex of
 * application data. end() sends close_notify; the peer's close_notify ends
 * the readable side.
 */
export class TLSSocket extends Duplex {
  readonly encrypted = true;
  private readonly conn: TlsConnection;
  private secureWaiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private transportPaused = false;
  private transportEnded = false;

  constructor(
    readonly transport: Duplex,
    role: 'client' | 'server',
    config: ClientConfig | ServerConfig,
    options: SocketOptions = {},
  ) {
    super({ allowHalfOpen: true });
    this.conn = role === 'client' ? createClientConnection(config as ClientConfig) : createServerConnection(config as ServerConfig);
    const timeout = options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    if (timeout > 0) {
      this.timer = setTimeout(() => this.destroy(new Error(`TLS handshake timed out after ${timeout} ms`)), timeout);
      this.timer.unref?.();
    }
    transport.on('data', (chunk: Buffer) => {
      this.conn.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.pump();
    });
    transport.on('end', () => {
      this.transportEnded = true;
      if (this.destroyed) return;
      if (!this.conn.handshakeComplete) {
        this.destroy(new Error('TLS: the peer closed the connection during the handshake'));
        return;
      }
      // No close_notify first: a truncation the application may want to know about; node:tls ends quietly too.
      if (!this.conn.closedByPeer) this.emit('truncated');
      this.push(null);
    });
    transport.on('error', (err: Error) => this.destroy(err));
    transport.on('close', () => {
      if (!this.destroyed && this.writableFinished && (this.readableEnded || this.transportEnded)) this.destroy();
    });
    if (options.preface !== undefined) this.conn.receive(options.preface);
    // The client's ClientHello is already queued.
    this.pump();
  }

  private pump(): void {
    let out: Uint8Array | undefined;
    while ((out = this.conn.takeOutput()) !== undefined) {
      if (!this.transport.destroyed && this.transport.writable) this.transport.write(out);
    }
    for (const event of this.conn.takeEvents()) this.onEvent(event);
  }

  private onEvent(event: TlsEvent): void {
    switch (event.type) {
      case 'handshake':
        if (this.timer) clearTimeout(this.timer);
        this.emit(this.conn.role === 'client' ? 'secureConnect' : 'secure', event.info);
        for (const w of this.secureWaiters.splice(0)) w();
        return;
      case 'data':
        if (!this.push(event.data) && !this.transportPaused) {
          this.transportPaused = true;
          this.transport.pause();
        }
        return;
      case 'close':
        this.push(null);
        return;
      case 'session':
        // node:tls's 'session' event: a client keeps `state` for its next connection; a server stores it under `id`.
        this.emit('session', event.state, event.id);
        return;
      case 'error':
        this.destroy(event.error);
        return;
    }
  }

  override _read(): void {
    if (this.transportPaused) {
      this.transportPaused = false;
      this.transport.resume();
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const go = (): void => {
      try {
        this.conn.write(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      } catch (err) {
        callback(err as Error);
        return;
      }
      let out: Uint8Array | undefined;
      let ok = true;
      while ((out = this.conn.takeOutput()) !== undefined) ok = this.transport.write(out) && ok;
      if (ok) callback();
      else this.transport.once('drain', () => callback());
    };
    if (this.conn.handshakeComplete) go();
    else this.secureWaiters.push(go);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const finish = (): void => {
      this.conn.close();
      this.pump();
      this.transport.end();
      callback();
    };
    if (this.conn.handshakeComplete || this.conn.error !== undefined) finish();
    else this.secureWaiters.push(finish);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.timer) clearTimeout(this.timer);
    this.secureWaiters = [];
    this.transport.destroy();
    callback(error);
  }

  /** RFC 8446 §4.6.3: new sending keys; `requestPeer` asks the peer to update its own. */
  updateKeys(requestPeer = false): void {
    this.conn.updateKeys(requestPeer);
    this.pump();
  }

  get session(): SessionInfo | undefined {
    return this.conn.session;
  }

  getProtocol(): string | null {
    return this.conn.session?.protocol ?? null;
  }

  getCipher(): CipherNameAndProtocol | null {
    const info = this.conn.session;
    if (!info) return null;
    return { name: info.cipher.opensslName, standardName: info.cipher.name, version: info.cipher.version };
  }

  /** The peer's leaf certificate (null when it sent none). */
  getPeerCertificate(): Certificate | null {
    return this.conn.session?.peerCertificates[0] ?? null;
  }

  getPeerCertificateChain(): Certificate[] {
    return this.conn.session?.peerCertificates ?? [];
  }

  get authorized(): boolean {
    return this.conn.session?.verification?.ok === true;
  }

  /** Why the peer's chain did not verify, in OpenSSL's words; undefined when it did or none was sent. */
  get authorizationError(): string | undefined {
    const v = this.conn.session?.verification;
    return v !== undefined && !v.ok ? verifyReasonText(v.reason) : undefined;
  }

  get alpnProtocol(): string | false {
    return this.conn.session?.alpnProtocol ?? false;
  }

  get servername(): string | undefined {
    return this.conn.session?.serverName;
  }
}

/** Starts TLS as the client on an open Duplex (STARTTLS: the socket already carried plaintext). */
export function startTlsClient(transport: Duplex, options: ClientOptions): TLSSocket {
  return new TLSSocket(transport, 'client', { ...options, random: options.random ?? defaultRandom() }, options);
}

/** Starts TLS as the server on an open Duplex (after "220 Ready to start TLS"). */
export function startTlsServer(transport: Duplex, options: ServerOptions): TLSSocket {
  return new TLSSocket(transport, 'server', { ...options, random: options.random ?? defaultRandom() }, options);
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

/**
 * Like node:tls createServer(): every accepted connection becomes a
 * TLSSocket; 'secureConnection' after its handshake, 'tlsClientError'
 * when the handshake fails, 'sessionStoreError' when the session store
 * fails (the handshake goes on without it), 'readAheadError' when a
 * connection fails before its ClientHello was read.
 *
 * Sessions: tickets are sealed with `sessionTickets` (a keyring of this
 * server when absent, shared through the store; false: none). TLS 1.2
 * session IDs are kept in `sessionStore`: the ClientHello is read ahead,
 * the session it names fetched, and the engine given a one-entry cache.
 */
export function createServer(options: ServerOptions, onSecureConnection?: (socket: TLSSocket) => void): Server {
  // A configuration mistake throws here, not in a connection's handler.
  resolveServerConfig({ ...options, random: options.random ?? defaultRandom() });
  const random = options.random ?? defaultRandom();
  const store = options.sessionStore ?? new MemorySessionStore();
  const timeout = options.sessionTimeout ?? DEFAULT_SESSION_CACHE_TIMEOUT;
  const keyring = options.sessionTickets ?? new TicketKeyring(keyringTiming(timeout));
  const base: ServerOptions = { ...options, random, sessionTickets: keyring };
  let server: Server;
  const storeFailed = (err: unknown): void => {
    server.emit('sessionStoreError', err);
  };
  let ready: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  if (keyring !== false) {
    // RFC 5077 §4 key rotation, agreed with every server on the same store; a key must be shared before it seals.
    const ahead = Math.min(keyring.timing.rotateAfterMs, 60_000);
    const sync = (): Promise<void> => syncTicketKeys(store, keyring, Date.now(), random, ahead).catch(storeFailed);
    ready = sync();
    timer = setInterval(() => void sync(), ahead);
    timer.unref();
  }

  const start = (tcp: Socket, preface: Uint8Array | undefined, cached: { id: Uint8Array; state: SessionState } | undefined): void => {
    const config: ServerOptions = { ...base, ...(preface !== undefined ? { preface } : {}) };
    if (cached !== undefined) config.sessionCache = { get: (id) => (equalBytes(id, cached.id) ? cached.state : undefined) };
    else if (options.sessionCache === undefined) config.sessionCache = { get: () => undefined };
    const tls = new TLSSocket(tcp, 'server', config as ServerConfig, config);
    tcp.resume();
    tls.on('session', (state: SessionState, id: Uint8Array | undefined) => {
      if (id !== undefined && state.lifetime > 0) store.set(id, encodeSessionState(state), state.lifetime).catch(storeFailed);
    });
    tls.once('secure', () => server.emit('secureConnection', tls));
    tls.on('error', (err: Error) => {
      if (!tls.session) server.emit('tlsClientError', err, tls);
    });
  };

  const lookup = async (id: Uint8Array): Promise<SessionState | undefined> => {
    const bytes = await store.get(id);
    if (bytes === undefined) return undefined;
    try {
      return decodeSessionState(bytes);
    } catch (e) {
      // An entry written by another format: a miss, and a full handshake.
      if (e instanceof SessionError) return undefined;
      throw e;
    }
  };

  server = netCreateServer({ allowHalfOpen: true, pauseOnConnect: true }, (tcp) => {
    // A caller's own synchronous cache needs no read-ahead.
    if (options.sessionCache !== undefined) {
      void ready.then(() => start(tcp, undefined, undefined));
      return;
    }
    const chunks: Buffer[] = [];
    // The handshake timeout covers the read-ahead too: a client that never sends its ClientHello is dropped.
    const limit = options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    const timer = limit > 0 ? setTimeout(() => tcp.destroy(), limit) : undefined;
    timer?.unref();
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      const all = new Uint8Array(Buffer.concat(chunks));
      const peek = peekClientHello(all);
      if (peek.kind === 'more') return;
      tcp.off('data', onData);
      if (timer !== undefined) clearTimeout(timer);
      tcp.off('end', onEnd);
      tcp.off('error', onError);
      tcp.pause();
      const id = peek.kind === 'hello' ? peek.hello.legacySessionId : new Uint8Array(0);
      const found = id.length > 0 ? lookup(Uint8Array.from(id)).catch((err: unknown) => (storeFailed(err), undefined)) : Promise.resolve(undefined);
      void Promise.all([found, ready]).then(([state]) => start(tcp, all, state === undefined ? undefined : { id: Uint8Array.from(id), state }));
    };
    const onEnd = (): void => {
      tcp.destroy();
    };
    const onError = (err: Error): void => {
      server.emit('readAheadError', err);
    };
    tcp.on('data', onData);
    tcp.on('end', onEnd);
    tcp.on('error', onError);
    void ready.then(() => tcp.resume());
  });
  server.on('close', () => {
    if (timer !== undefined) clearInterval(timer);
  });
  if (onSecureConnection) server.on('secureConnection', onSecureConnection);
  return server;
}
