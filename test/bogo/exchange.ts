// One connection of the shim (bssl_shim.cc DoExchange): dial the runner,
// send the shim id, run TLS with postern's sans-IO engine, echo application
// data XOR 0xff until the peer ends, then shut down as the flags say.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { SessionInfo, TlsConnection, TlsEvent } from '../../src/tls/index.js';
import { ShimCheckError, checkHandshake, checkSessions } from './checks.js';
import type { Remembered } from './checks.js';
import { TransportError } from './error-codes.js';
import type { ConnectionFlags } from './flags.js';

/** The runner gives up after 15 s of silence; the shim gives up first so it never hangs a worker. */
export const IDLE_TIMEOUT_MS = 10_000;

/** What -shim-writes-first sends (runner.go shimInitialWrite). */
const SHIM_INITIAL_WRITE = new TextEncoder().encode('hello');

export interface ExchangeSetup {
  host: string;
  port: number;
  shimId: bigint;
  flags: ConnectionFlags;
  isResume: boolean;
  /** What the first handshake reported, for the checks of a resumption (checks.ts Remembered); updated by each full handshake. */
  remembered: Remembered;
  /** Builds the engine once the socket is up (so that its first flight is written after the shim id). */
  createConnection(): TlsConnection;
  /** A resumable session the engine reported (client: the next `session`; server: a TLS 1.2 session ID to cache). */
  onSession(event: Extract<TlsEvent, { type: 'session' }>): void;
}

/** PORTING.md: the shim id as a 64-bit little-endian integer, first thing on the socket. */
export function shimIdBytes(id: bigint): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, id));
  return b;
}

function xorFF(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i] as number) ^ 0xff;
  return out;
}

class Exchange {
  private info: SessionInfo | undefined;
  private gotSession = false;
  private finished = false;
  private conn: TlsConnection | undefined;
  private readonly socket: Socket;

  constructor(
    private readonly setup: ExchangeSetup,
    private readonly resolve: () => void,
    private readonly reject: (err: unknown) => void,
  ) {
    this.socket = connect({ host: setup.host, port: setup.port });
    this.socket.setNoDelay(true);
    this.socket.setTimeout(IDLE_TIMEOUT_MS, () =>
      this.fail(new TransportError('READ_TIMEOUT_EXPIRED', `no data for ${IDLE_TIMEOUT_MS} ms`)),
    );
    this.socket.on('connect', () => this.step(() => this.start()));
    this.socket.on('data', (data: Buffer) => this.step(() => this.receive(data)));
    this.socket.on('end', () => this.step(() => this.transportEnded()));
    this.socket.on('error', (err) =>
      this.fail(new TransportError('POSTERN_SOCKET_ERROR', err.message)),
    );
  }

  private get flags(): ConnectionFlags {
    return this.setup.flags;
  }

  private step(action: () => void): void {
    if (this.finished) return;
    try {
      action();
    } catch (err) {
      this.fail(err);
    }
  }

  private start(): void {
    this.socket.write(shimIdBytes(this.setup.shimId));
    this.conn = this.setup.createConnection();
    this.flush();
    this.drainEvents();
  }

  private receive(data: Uint8Array): void {
    const conn = this.conn;
    if (conn === undefined) throw new ShimCheckError('data before the connection started');
    conn.receive(data);
    this.drainEvents();
    this.flush();
  }

  private flush(): void {
    const out = this.conn?.takeOutput();
    if (out !== undefined && !this.socket.destroyed) this.socket.write(out);
  }

  private drainEvents(): void {
    const conn = this.conn as TlsConnection;
    for (const event of conn.takeEvents()) {
      if (this.finished) return;
      this.onEvent(conn, event);
    }
    this.flush();
  }

  private onEvent(conn: TlsConnection, event: TlsEvent): void {
    switch (event.type) {
      case 'handshake':
        this.handshakeDone(conn, event.info);
        return;
      case 'data':
        this.echo(conn, event.data);
        return;
      case 'session':
        this.gotSession = true;
        this.setup.onSession(event);
        return;
      case 'close':
        this.peerClosed(conn);
        return;
      case 'error':
        throw event.error;
    }
  }

  private handshakeDone(conn: TlsConnection, info: SessionInfo): void {
    this.info = info;
    checkHandshake(this.flags, info, this.setup.isResume, this.setup.remembered);
    if (!info.resumed) {
      this.setup.remembered.peerSignatureScheme = info.peerSignatureScheme;
      this.setup.remembered.group = info.group;
    }
    if (this.flags.shimWritesFirst) conn.write(SHIM_INITIAL_WRITE);
    if (this.flags.shimShutsDown) {
      this.shutDown(conn);
      return;
    }
    if (this.flags.keyUpdateBeforeRead) conn.updateKeys(false);
  }

  private echo(conn: TlsConnection, data: Uint8Array): void {
    if (this.flags.shimShutsDown) return;
    if (this.flags.keyUpdate) conn.updateKeys(false);
    conn.write(xorFF(data));
    if (this.flags.keyUpdateBeforeRead) conn.updateKeys(false);
  }

  /**
   * -shim-shuts-down: BoringSSL's SSL_shutdown. Without -check-close-notify
   * the shim is in quiet-shutdown mode and simply closes; with it, it sends
   * close_notify and waits for the peer's.
   */
  private shutDown(conn: TlsConnection): void {
    if (!this.flags.checkCloseNotify) {
      this.succeed();
      return;
    }
    conn.close();
    this.flush();
  }

  /** The peer's close_notify: answer it when the test checks close_notify, then the exchange is over. */
  private peerClosed(conn: TlsConnection): void {
    if (this.info === undefined)
      throw new TransportError(
        'POSTERN_UNEXPECTED_EOF',
        'close_notify before the handshake completed',
      );
    if (this.flags.checkCloseNotify && !this.flags.shimShutsDown) {
      conn.close();
      this.flush();
    }
    this.succeed();
  }

  /** TCP EOF without close_notify: a clean end only when the test does not check close_notify. */
  private transportEnded(): void {
    if (this.info === undefined)
      throw new TransportError(
        'POSTERN_UNEXPECTED_EOF',
        'the peer closed the connection during the handshake',
      );
    if (this.flags.checkCloseNotify)
      throw new TransportError(
        'POSTERN_NO_CLOSE_NOTIFY',
        'the peer closed the connection without close_notify',
      );
    this.succeed();
  }

  private succeed(): void {
    if (this.finished) return;
    try {
      checkSessions(this.flags, this.info as SessionInfo, this.gotSession);
    } catch (err) {
      this.fail(err);
      return;
    }
    this.flush();
    this.finished = true;
    this.socket.end(() => this.socket.destroy());
    this.resolve();
  }

  private fail(err: unknown): void {
    if (this.finished) return;
    this.finished = true;
    // The alert the engine queued for this failure still goes out before the socket closes.
    const out = this.conn?.takeOutput();
    if (out !== undefined && !this.socket.destroyed) this.socket.write(out);
    this.socket.end(() => this.socket.destroy());
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.reject(err);
  }
}

/** Runs one connection to its end; rejects with the TLS, check or transport error that ended it. */
export function runExchange(setup: ExchangeSetup): Promise<void> {
  return new Promise((resolve, reject) => {
    new Exchange(setup, resolve, reject);
  });
}
