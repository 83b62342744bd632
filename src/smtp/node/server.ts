// The SMTP server over node:net: one SmtpServerSession per connection,
// STARTTLS and implicit TLS (smtpd_tls_wrappermode) through the TLS
// library's startTlsServer on the open socket.
import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer } from 'node:net';
import type { Duplex } from 'node:stream';
import type { CertifiedKey, ServerOptions, TLSSocket } from '../../tls/index.js';
import { serverSessions, startTlsServer, type ServerSessions } from '../../tls/index.js';
import type { SaslBackend } from '../sasl/backend.js';
import type { TlsDetails } from '../server/events.js';
import type { SmtpdOptions } from '../server/options.js';
import type { SessionPolicy } from '../server/policy.js';
import { SmtpServerSession } from '../server/session.js';
import { tlsConnectionLogLine } from '../server/tls-summary.js';
import type { Delivery } from './delivery.js';
import { SessionDriver } from './driver.js';
import type { DriverIo } from './driver.js';
import type { SmtpLogger } from './logger.js';
import { handshakeTrace, WireDump } from './tls-activity-log.js';
import { tlsDetails } from './tls-details.js';

export interface SmtpServerOptions {
  /** The session's options (main.cf parameters); `tlsAvailable` is set from `tls`. */
  smtpd: SmtpdOptions;
  /** The TLS server side (smtpd_tls_cert_file …); absent: no STARTTLS, and wrappermode cannot work. */
  tls?: ServerOptions;
  delivery: Delivery;
  logger: SmtpLogger;
  policy?: SessionPolicy;
  /** The SASL back end; its mechanisms() feed the EHLO AUTH line. */
  sasl?: SaslBackend;
  /** smtpd_timeout in ms (300 s). */
  smtpdTimeout?: number;
  /** smtpd_starttls_timeout in ms (300 s): the TLS handshake after STARTTLS or on connect (wrappermode). */
  smtpdStarttlsTimeout?: number;
  /** smtpd_tls_loglevel (0): 1 one line per TLS session, 2 the handshake's steps, 3 their dumps, 4 every byte on the wire (tls-activity-log.ts). */
  smtpdTlsLoglevel?: number;
  /**
   * tls_server_sni_maps: the chains for the client's SNI name, or undefined
   * for the configured `tls.certificates`; `who` is NAME[ADDR] for its log
   * lines. A throw ends the handshake with internal_error.
   */
  sniChains?: (serverName: string | undefined, who: string) => readonly CertifiedKey[] | undefined;
}

export class SmtpServer {
  readonly server: Server;
  private readonly sockets = new Set<Socket>();
  /** The session store and ticket keyring all connections share (smtpd_tls_session_cache_database/_timeout). */
  private readonly sessions: ServerSessions | undefined;
  private readonly connectionOptions: SmtpServerOptions;

  constructor(readonly options: SmtpServerOptions) {
    if (options.smtpd.smtpdTlsWrappermode === true && options.tls === undefined) {
      throw new Error(
        'smtpd_tls_wrappermode = yes needs a server certificate (smtpd_tls_cert_file)',
      );
    }
    const storeFailed = (err: unknown): void =>
      options.logger.log(
        'warning',
        `TLS session cache: ${err instanceof Error ? err.message : String(err)}`,
      );
    this.sessions =
      options.tls !== undefined ? serverSessions(options.tls, storeFailed) : undefined;
    this.connectionOptions =
      this.sessions !== undefined ? { ...options, tls: this.sessions.options } : options;
    this.server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
  }

  async listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    // Tickets are sealed only with a key agreed with the store (RFC 5077 §4): listen once it is.
    await this.sessions?.ready;
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops listening; resolves once the connections in flight have ended (a reload lets them finish). */
  drain(): Promise<void> {
    this.sessions?.stop();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      if (this.sockets.size === 0 && !this.server.listening) resolve();
    });
  }

  /** Stops listening and drops open connections. */
  close(): Promise<void> {
    this.sessions?.stop();
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    // Replies are small and each waits for the client's next command: no Nagle delay.
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    new Connection(socket, this.connectionOptions).start();
  }
}

/** One client connection: the socket, later its TLS layer, and the driver between them and the session. */
class Connection {
  private transport: Duplex;
  private readonly driver: SessionDriver;
  private readonly who: string;
  private gone = false;
  /** The client's SNI name when sniChains matched it, for the TLS summary line. */
  private sni: string | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly o: SmtpServerOptions,
  ) {
    this.transport = socket;
    const client = {
      address: stripV4Mapped(socket.remoteAddress ?? 'unknown'),
      port: socket.remotePort ?? 0,
      name: 'unknown',
    };
    this.who = `${client.name}[${client.address}]`;
    const smtpd: SmtpdOptions = {
      ...o.smtpd,
      tlsAvailable: o.tls !== undefined,
      tlsLocalProblem: () => tlsLocalProblem(o),
      ...(o.sasl !== undefined && o.smtpd.saslMechanisms === undefined
        ? { saslMechanisms: (c) => o.sasl?.mechanisms(c) ?? [] }
        : {}),
    };
    const session = new SmtpServerSession(smtpd, client);
    this.driver = new SessionDriver(
      session,
      {
        write: (b) => this.write(b),
        close: () => this.close(),
        startTls: (done) => this.startTls(done),
      },
      {
        delivery: o.delivery,
        logger: o.logger,
        ...(o.policy !== undefined ? { policy: o.policy } : {}),
        ...(o.sasl !== undefined ? { sasl: o.sasl } : {}),
        ...(o.smtpdTimeout !== undefined ? { smtpdTimeout: o.smtpdTimeout } : {}),
        onTls: (d) => this.logTls(d),
      },
    );
  }

  start(): void {
    this.o.logger.log('info', `connect from ${this.who}`);
    this.socket.on('data', this.onData);
    this.socket.on('end', this.onEnd);
    this.socket.on('error', this.onError);
    this.socket.on('close', this.onClose);
    if (this.o.smtpd.smtpdTlsWrappermode === true) {
      // Postfix smtpd: a wrapper-mode connection that cannot get TLS is dropped, not greeted in clear.
      const problem = tlsLocalProblem(this.o);
      if (problem !== undefined) {
        this.o.logger.log('warning', `${problem}: wrapper-mode request dropped from ${this.who}`);
        return this.close();
      }
      // Implicit TLS: the session waits in its handshake state and greets once TLS is up.
      this.driver.start();
      this.startTls((result) => this.driver.tlsDone(result));
      return;
    }
    this.driver.start();
  }

  private readonly onData = (chunk: Buffer): void => {
    this.driver.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  };

  /** The client half-closed: what it sent is still answered, then the session closes. */
  private readonly onEnd = (): void => {
    this.driver.end();
  };

  private readonly onError = (err: Error): void => {
    if (!this.gone) this.o.logger.log('info', `lost connection from ${this.who}: ${err.message}`);
    this.onClose();
  };

  private readonly onClose = (): void => {
    this.driver.end();
    this.disconnected();
  };

  private disconnected(): void {
    if (this.gone) return;
    this.gone = true;
    this.o.logger.log('info', `disconnect from ${this.who} ${this.driver.session.stats.format()}`);
  }

  private write(bytes: Uint8Array): void {
    if (!this.transport.destroyed && this.transport.writable) this.transport.write(bytes);
  }

  private close(): void {
    this.transport.end();
    this.disconnected();
    // A client that never closes its side is not waited for.
    const t = setTimeout(() => this.socket.destroy(), 5000);
    t.unref();
    this.socket.once('close', () => clearTimeout(t));
  }

  /** STARTTLS (or wrappermode): our data listener leaves the socket, the TLS layer takes it. */
  private startTls(done: Parameters<NonNullable<DriverIo['startTls']>>[0]): void {
    const tlsOptions = this.o.tls;
    if (tlsOptions === undefined) return done({ ok: false, error: 'no TLS server configuration' });
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    const level = this.o.smtpdTlsLoglevel ?? 0;
    const log = (text: string): void => this.o.logger.log('info', text);
    if (level >= 2) log(`setting up TLS connection from ${this.who}`);
    const trace = handshakeTrace(level, log);
    const transport = level >= 4 ? new WireDump(this.socket, this.who, log) : this.socket;
    const tls: TLSSocket = startTlsServer(transport, {
      ...tlsOptions,
      ...this.sniSelection(),
      ...(trace !== undefined ? { onMessage: trace } : {}),
      handshakeTimeout: this.o.smtpdStarttlsTimeout ?? 300_000,
    });
    this.transport = tls;
    let settled = false;
    tls.on('error', (err: Error) => {
      if (settled) return this.onError(err);
      settled = true;
      done({ ok: false, error: err.message });
    });
    tls.once('secure', () => {
      settled = true;
      const info = tls.session;
      done(
        info === undefined
          ? { ok: false, error: 'TLS handshake finished without a session' }
          : { ok: true, details: tlsDetails(info) },
      );
    });
    tls.on('data', this.onData);
    tls.on('end', this.onEnd);
  }

  private sniSelection(): Pick<ServerOptions, 'selectCertificates'> {
    const select = this.o.sniChains;
    if (select === undefined) return {};
    return {
      selectCertificates: (serverName) => {
        const chains = select(serverName, this.who);
        if (chains === undefined) return [];
        this.sni = serverName;
        return chains;
      },
    };
  }

  private logTls(d: TlsDetails): void {
    if ((this.o.smtpdTlsLoglevel ?? 0) >= 1)
      this.o.logger.log('info', tlsConnectionLogLine(d, this.who, this.sni));
  }
}

/**
 * Why TLS cannot start now: the caller's own reason, or an entropy pool
 * without a seed (Postfix's tls_server_init: "no entropy for TLS key
 * generation"), which would fail the handshake after `220 Ready to start TLS`.
 */
function tlsLocalProblem(o: SmtpServerOptions): string | undefined {
  return (
    o.smtpd.tlsLocalProblem?.() ??
    (o.tls?.random?.seeded === false ? 'no entropy for TLS key generation' : undefined)
  );
}

/** `::ffff:127.0.0.1` → `127.0.0.1`, as Postfix prints IPv4 clients. */
function stripV4Mapped(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
