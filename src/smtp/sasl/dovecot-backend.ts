// smtpd_sasl_type = dovecot: the exchanges run in Dovecot's auth service over
// smtpd_sasl_path (a Unix socket, relative to queue_directory, or
// inet:host:port). One connection carries every session's requests, told
// apart by request id; it is opened again when it drops, and a back end that
// cannot be reached answers with a temporary failure (454 4.7.0), as Postfix.
import { connect as netConnect } from 'node:net';
import { isAbsolute, join } from 'node:path';
import type { SaslBackend, SaslContext, SaslExchange, SaslStep } from './backend.js';
import { DovecotConnection } from './dovecot-connection.js';
import { encodeAuth, encodeCont } from './dovecot-protocol.js';
import type { AuthReply } from './dovecot-protocol.js';
import type { MechanismDescription, ServerSecurityPolicy } from './security-options.js';
import { filterMechanisms, serverOptionsFor } from './security-options.js';

export type DovecotEndpoint =
  | { readonly kind: 'unix'; readonly path: string }
  | { readonly kind: 'inet'; readonly host: string; readonly port: number };

/** smtpd_sasl_path: `inet:host:port`, `inet:[v6]:port`, `unix:path` or a path relative to queue_directory. */
export function parseDovecotPath(value: string, queueDirectory: string): DovecotEndpoint {
  if (value.startsWith('inet:')) {
    const m = /^inet:(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
    const port = Number(m?.[3]);
    const host = m?.[1] ?? m?.[2];
    if (m === null || host === undefined || port < 1 || port > 65535)
      throw new Error(`smtpd_sasl_path: bad inet: endpoint '${value}' (want inet:host:port)`);
    return { kind: 'inet', host, port };
  }
  const path = value.startsWith('unix:') ? value.slice(5) : value;
  if (path === '') throw new Error('smtpd_sasl_path is empty');
  return { kind: 'unix', path: isAbsolute(path) ? path : join(queueDirectory, path) };
}

export interface DovecotBackendOptions {
  readonly endpoint: DovecotEndpoint;
  readonly security: ServerSecurityPolicy;
  /** The server's address for `lip=` (Dovecot's logs and checks), when known. */
  readonly localAddress?: string;
  /** Connecting plus the handshake (Postfix AUTH_TIMEOUT). */
  readonly connectTimeoutMs?: number;
  /** One request's reply; Dovecot delays failures by auth_failure_delay (2 s), so allow for it. */
  readonly requestTimeoutMs?: number;
  readonly log?: (message: string) => void;
  readonly pid?: number;
}

const LOST: SaslStep = {
  kind: 'failure',
  reason: 'Connection lost to authentication server',
  temporary: true,
};
const UNREACHABLE: SaslStep = {
  kind: 'failure',
  reason: "Can't connect to authentication server",
  temporary: true,
};

export class DovecotSaslBackend implements SaslBackend {
  private connection: DovecotConnection | undefined;
  private connecting: Promise<DovecotConnection | undefined> | undefined;
  private known: readonly MechanismDescription[] = [];
  private nextId = 0;
  private readonly log: (message: string) => void;

  constructor(private readonly options: DovecotBackendOptions) {
    this.log = options.log ?? (() => undefined);
  }

  /** Connects and learns the mechanism list; false when Dovecot cannot be reached (logged). */
  async open(): Promise<boolean> {
    return (await this.ensureConnection()) !== undefined;
  }

  /** The mechanisms of the last handshake that pass the session's security options. */
  mechanisms(context: SaslContext): readonly string[] {
    return filterMechanisms(
      this.known,
      serverOptionsFor(this.options.security, context.secured),
    ).map((m) => m.name);
  }

  async start(
    mechanism: string,
    initialResponse: Uint8Array | undefined,
    context: SaslContext,
  ): Promise<{ exchange: SaslExchange; first: SaslStep }> {
    const conn = await this.ensureConnection();
    const name = mechanism.toUpperCase();
    // Request ids are unsigned 32-bit on Dovecot's side: wrap well before that.
    this.nextId = (this.nextId % 0x7fffffff) + 1;
    const exchange = new DovecotExchange(this, conn, this.nextId);
    if (conn === undefined) return { exchange, first: UNREACHABLE };
    if (!this.mechanisms(context).includes(name)) {
      return {
        exchange,
        first: {
          kind: 'failure',
          reason: `Invalid authentication mechanism: '${mechanism}'`,
          temporary: false,
        },
      };
    }
    const line = encodeAuth({
      id: exchange.id,
      mechanism: name,
      service: context.service,
      remoteAddress: context.clientAddress,
      secured: context.secured,
      ...(this.options.localAddress !== undefined
        ? { localAddress: this.options.localAddress }
        : {}),
      ...(initialResponse !== undefined ? { initialResponse } : {}),
    });
    return { exchange, first: await exchange.request(line) };
  }

  close(): void {
    this.connection?.close();
    this.connection = undefined;
  }

  requestTimeoutMs(): number {
    return this.options.requestTimeoutMs ?? 30_000;
  }

  private async ensureConnection(): Promise<DovecotConnection | undefined> {
    if (this.connection !== undefined && !this.connection.closed) return this.connection;
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<DovecotConnection | undefined> {
    const endpoint = this.options.endpoint;
    const socket =
      endpoint.kind === 'unix'
        ? netConnect(endpoint.path)
        : netConnect(endpoint.port, endpoint.host);
    const conn = new DovecotConnection(
      socket,
      this.options.pid ?? process.pid,
      this.options.connectTimeoutMs ?? 10_000,
      this.log,
    );
    try {
      this.known = await conn.ready;
    } catch (err) {
      const where =
        endpoint.kind === 'unix' ? endpoint.path : `inet:${endpoint.host}:${endpoint.port}`;
      this.log(
        `SASL: Connect to Dovecot auth socket '${where}' failed: ${err instanceof Error ? err.message : String(err)}`,
      );
      return undefined;
    }
    this.connection = conn;
    return conn;
  }
}

class DovecotExchange implements SaslExchange {
  private over = false;
  constructor(
    private readonly backend: DovecotSaslBackend,
    private readonly conn: DovecotConnection | undefined,
    readonly id: number,
  ) {}

  respond(response: Uint8Array): Promise<SaslStep> {
    if (this.over || this.conn === undefined)
      return Promise.resolve({
        kind: 'failure',
        reason: 'no authentication in progress',
        temporary: false,
      });
    return this.request(encodeCont(this.id, response));
  }

  abort(): void {
    this.over = true;
    this.conn?.forget(this.id);
  }

  request(line: string): Promise<SaslStep> {
    const conn = this.conn;
    if (conn === undefined) return Promise.resolve(UNREACHABLE);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        conn.forget(this.id);
        // A silent auth service is as good as gone: drop the connection so the next request reconnects.
        conn.close();
        this.settle(LOST, resolve);
      }, this.backend.requestTimeoutMs());
      conn.send(line, this.id, (reply) => {
        clearTimeout(timer);
        this.settle(toStep(reply), resolve);
      });
    });
  }

  private settle(step: SaslStep, resolve: (step: SaslStep) => void): void {
    if (step.kind !== 'challenge') this.over = true;
    resolve(step);
  }
}

function toStep(reply: AuthReply | undefined): SaslStep {
  if (reply === undefined) return LOST;
  if (reply.kind === 'cont') return { kind: 'challenge', challenge: reply.challenge };
  if (reply.kind === 'ok') {
    // Postfix: an OK without user= is "Authentication backend error".
    return reply.user === undefined || reply.user === ''
      ? { kind: 'failure', reason: 'Authentication backend error', temporary: false }
      : { kind: 'success', user: reply.user };
  }
  // Dovecot sends no reason for a wrong password; `temp` marks its own trouble (RFC 4954 §6: 454).
  return {
    kind: 'failure',
    reason: reply.reason ?? 'authentication failure',
    temporary: reply.temporary,
  };
}
