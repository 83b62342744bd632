import { Duplex } from 'node:stream';
import type { Certificate } from '../../x509/certificate.js';
import { verifyReasonText } from '../../x509/verify-reason.js';
import type { ClientHelloQuestion } from '../engine/client-hello-question.js';
import type { SessionInfo, TlsConnection, TlsEvent } from '../engine/connection.js';
import { TlsConnectionError } from '../error/connection-error.js';
import { createClientConnection, createServerConnection } from '../hello/start.js';
import type { ClientConfig, ServerConfig } from '../policy/config.js';
import { DEFAULT_HANDSHAKE_TIMEOUT_MS } from '../policy/defaults.js';
import type { CipherNameAndProtocol, SocketOptions } from './options.js';
import type { ServerAnswers } from './server-answers.js';

export { TlsConnectionError };
export type { CipherNameAndProtocol };

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
  private readonly answers: ServerAnswers | undefined;
  private secureWaiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private transportPaused = false;
  private transportEnded = false;

  constructor(
    readonly transport: Duplex,
    role: 'client' | 'server',
    config: ClientConfig | ServerConfig,
    options: SocketOptions & { answers?: ServerAnswers } = {},
  ) {
    super({ allowHalfOpen: true });
    this.answers = options.answers;
    this.conn =
      role === 'client'
        ? createClientConnection(config as ClientConfig)
        : createServerConnection(config as ServerConfig);
    const timeout = options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    if (timeout > 0) {
      this.timer = setTimeout(
        () => this.destroy(new Error(`TLS handshake timed out after ${timeout} ms`)),
        timeout,
      );
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
      if (!this.destroyed && this.writableFinished && (this.readableEnded || this.transportEnded))
        this.destroy();
    });
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
        if (event.id !== undefined) this.answers?.save(event.state, event.id);
        this.emit('session', event.state, event.id);
        return;
      case 'client_hello':
        this.answerClientHello(event.question);
        return;
      case 'error':
        this.destroy(event.error);
        return;
    }
  }

  /** The engine paused after the ClientHello: the answers come from the store and `selectCertificates`, asynchronously. */
  private answerClientHello(question: ClientHelloQuestion): void {
    const answers = this.answers;
    if (answers === undefined) {
      this.conn.rejectClientHello('no answers configured');
      this.pump();
      return;
    }
    answers.answer(question).then(
      (answer) => {
        if (this.destroyed) return;
        this.conn.answerClientHello(answer);
        this.pump();
      },
      (err: unknown) => {
        if (this.destroyed) return;
        this.conn.rejectClientHello(err instanceof Error ? err.message : String(err));
        this.pump();
      },
    );
  }

  override _read(): void {
    if (this.transportPaused) {
      this.transportPaused = false;
      this.transport.resume();
    }
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
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
    return {
      name: info.cipher.opensslName,
      standardName: info.cipher.name,
      version: info.cipher.version,
    };
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
