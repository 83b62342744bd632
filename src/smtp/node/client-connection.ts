// The socket adapter of the SMTP client session: a TCP connection
// (net.connect, smtp_connect_timeout), STARTTLS through startTlsClient on the
// open socket (RFC 3207) or TLS from the first byte (smtp_tls_wrappermode),
// the session's reply timers, and a clean close (QUIT, then end).
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { startTlsClient } from '../../tls/index.js';
import type { ClientOptions, TLSSocket } from '../../tls/index.js';
import type { ClientEvent, ReadyInfo } from '../client/events.js';
import type { ClientFailure } from '../client/failure.js';
import { clientFailure } from '../client/failure.js';
import type { ClientRecipientOutcome, OutgoingMessage } from '../client/message.js';
import type { ClientSessionOptions } from '../client/options.js';
import { SmtpClientSession } from '../client/session.js';

/** The MTA's verdict on a finished handshake (its TLS policy: verified, matched, fingerprint). */
export type TlsVerdict =
  { ok: true; state: 'encrypted' | 'verified' } | { ok: false; reason: string };

export interface ClientConnectOptions {
  /** The address to connect to. */
  readonly address: string;
  readonly port: number;
  /** The session's options; its `wrapped` is set here under wrapper mode. */
  readonly session: Omit<ClientSessionOptions, 'wrapped'>;
  /** smtp_connect_timeout in ms (30 s). */
  readonly connectTimeoutMs?: number;
  /** smtp_starttls_timeout in ms (300 s): the TLS handshake. */
  readonly starttlsTimeoutMs?: number;
  /** smtp_tls_wrappermode: TLS before the greeting (port 465). */
  readonly wrapperMode?: boolean;
  /** How to start TLS (trust, client certificate, session to resume, versions). */
  readonly tls?: ClientOptions;
  /** Judges the handshake (the policy's certificate checks); a refusal ends the session with 4.7.5. */
  readonly checkTls?: (socket: TLSSocket) => TlsVerdict;
  /** Called once TLS is up and accepted (logging, session cache). */
  readonly onTls?: (socket: TLSSocket) => void;
}

/** A session that ended before it was ready: the failure says why, `stage` where. */
export class ClientConnectionError extends Error {
  constructor(
    readonly failure: ClientFailure,
    /** `connect`: no TCP connection; `tls`: the handshake itself failed; `session`: SMTP refused. */
    readonly stage: 'connect' | 'tls' | 'session',
  ) {
    super(failure.text);
    this.name = 'ClientConnectionError';
  }
}

type Waiter<T> = { resolve: (v: T) => void; reject: (e: Error) => void };

export class SmtpClientConnection {
  private session!: SmtpClientSession;
  private stream: Duplex;
  private timer: NodeJS.Timeout | undefined;
  private readyWaiter: Waiter<ReadyInfo> | undefined;
  private resultWaiter: Waiter<ClientRecipientOutcome[]> | undefined;
  private closeWaiters: (() => void)[] = [];
  private lastFailure: ClientFailure | undefined;
  private tlsStage = false;
  private readonly detach: (() => void)[] = [];
  tlsSocket: TLSSocket | undefined;
  info: ReadyInfo | undefined;

  private constructor(
    private readonly raw: Socket,
    private readonly o: ClientConnectOptions,
  ) {
    this.stream = raw;
  }

  /** Connects and runs the session up to its first `ready` (greeting, EHLO, STARTTLS, AUTH). */
  static async open(o: ClientConnectOptions): Promise<SmtpClientConnection> {
    const raw = await tcpConnect(o);
    const c = new SmtpClientConnection(raw, o);
    await c.start();
    return c;
  }

  /** True while the session can take another message (connection reuse). */
  get reusable(): boolean {
    return this.info !== undefined && !this.session.finished && this.resultWaiter === undefined;
  }

  /** Sends one message; resolves with one outcome per recipient (deferred ones when the session broke). */
  send(message: OutgoingMessage): Promise<ClientRecipientOutcome[]> {
    return new Promise((resolve, reject) => {
      this.resultWaiter = { resolve, reject };
      this.session.sendMessage(message);
      this.pump();
    });
  }

  /** QUIT, wait for its reply (smtp_quit_timeout), then close. */
  async quit(): Promise<void> {
    if (this.session.finished) return this.destroy();
    const closed = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    this.session.quit();
    this.pump();
    await closed;
  }

  destroy(): void {
    this.clearTimer();
    this.stream.destroy();
    this.raw.destroy();
    for (const w of this.closeWaiters.splice(0)) w();
  }

  private async start(): Promise<void> {
    const ready = new Promise<ReadyInfo>(
      (resolve, reject) => (this.readyWaiter = { resolve, reject }),
    );
    if (this.o.wrapperMode === true) {
      const verdict = await this.wrap();
      this.session = new SmtpClientSession({ ...this.o.session, wrapped: verdict });
    } else {
      this.session = new SmtpClientSession(this.o.session);
    }
    this.listen(this.stream);
    this.pump();
    this.info = await ready;
  }

  /** Wrapper mode: the handshake before anything else; a failure is a `tls` error. */
  private wrap(): Promise<'encrypted' | 'verified'> {
    return new Promise((resolve, reject) => {
      const tls = startTlsClient(this.raw, this.tlsOptions());
      const fail = (reason: string): void => {
        tls.destroy();
        reject(
          new ClientConnectionError(
            clientFailure(
              'tls-failed',
              `Cannot start TLS: handshake failure with ${this.o.session.peer}: ${reason}`,
            ),
            'tls',
          ),
        );
      };
      tls.once('error', (err: Error) => fail(err.message));
      tls.once('secureConnect', () => {
        tls.removeAllListeners('error');
        const verdict = this.judge(tls);
        if (!verdict.ok) return fail(verdict.reason);
        this.stream = tls;
        resolve(verdict.state);
      });
    });
  }

  private tlsOptions(): ClientOptions {
    const options: ClientOptions = { ...this.o.tls };
    if (this.o.starttlsTimeoutMs !== undefined) options.handshakeTimeout = this.o.starttlsTimeoutMs;
    return options;
  }

  private judge(tls: TLSSocket): TlsVerdict {
    const verdict = this.o.checkTls?.(tls) ?? {
      ok: true,
      state: tls.authorized ? 'verified' : 'encrypted',
    };
    if (verdict.ok) {
      this.tlsSocket = tls;
      this.o.onTls?.(tls);
    }
    return verdict;
  }

  private listen(stream: Duplex): void {
    const onData = (chunk: Buffer): void => {
      this.session.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.pump();
    };
    const onEnd = (): void => {
      this.session.connectionClosed();
      this.pump();
    };
    const onError = (err: Error): void => {
      this.session.connectionClosed(err.message);
      this.pump();
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('close', onEnd);
    stream.on('error', onError);
    this.detach.push(() => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      stream.off('error', onError);
    });
  }

  /** STARTTLS accepted: hand the raw socket to TLS and judge the result (RFC 3207 §4). */
  private startTls(): void {
    for (const d of this.detach.splice(0)) d();
    this.tlsStage = true;
    const tls = startTlsClient(this.raw, this.tlsOptions());
    this.stream = tls;
    const onError = (err: Error): void => {
      this.session.tlsFailed(err.message);
      this.pump();
    };
    tls.once('error', onError);
    tls.once('secureConnect', () => {
      tls.off('error', onError);
      const verdict = this.judge(tls);
      this.listen(tls);
      if (verdict.ok) this.session.tlsEstablished(verdict.state);
      else this.session.tlsFailed(verdict.reason);
      this.pump();
    });
  }

  private pump(): void {
    let out: Uint8Array | undefined;
    while ((out = this.session.takeOutput()) !== undefined) {
      if (!this.stream.destroyed && this.stream.writable) this.stream.write(out);
    }
    for (const e of this.session.takeEvents()) this.onEvent(e);
  }

  private onEvent(e: ClientEvent): void {
    switch (e.type) {
      case 'wait':
        return this.armTimer(e.timeoutMs);
      case 'idle':
        return this.clearTimer();
      case 'starttls':
        return this.startTls();
      case 'ready':
        this.readyWaiter?.resolve(e.info);
        this.readyWaiter = undefined;
        return;
      case 'result': {
        const w = this.resultWaiter;
        this.resultWaiter = undefined;
        w?.resolve([...e.outcomes]);
        return;
      }
      case 'failure':
        return this.onFailure(e.failure);
      case 'closed':
        this.stream.end();
        return this.destroy();
    }
  }

  private onFailure(failure: ClientFailure): void {
    this.lastFailure = failure;
    const stage = failure.reason === 'tls-failed' && this.tlsStage ? 'tls' : 'session';
    this.readyWaiter?.reject(new ClientConnectionError(failure, stage));
    this.readyWaiter = undefined;
    this.resultWaiter?.reject(new ClientConnectionError(failure, 'session'));
    this.resultWaiter = undefined;
    this.destroy();
  }

  /** Why the session ended, when it failed. */
  get failure(): ClientFailure | undefined {
    return this.lastFailure;
  }

  private armTimer(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.session.timeout();
      this.pump();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function tcpConnect(o: ClientConnectOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: o.address, port: o.port });
    socket.setNoDelay(true);
    const timeout = o.connectTimeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new ClientConnectionError(
          clientFailure('connection-lost', `connect to ${o.session.peer}: Connection timed out`),
          'connect',
        ),
      );
    }, timeout);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new ClientConnectionError(
          clientFailure(
            'connection-lost',
            `connect to ${o.session.peer}: ${err.code === 'ECONNREFUSED' ? 'Connection refused' : err.message}`,
          ),
          'connect',
        ),
      );
    });
  });
}
