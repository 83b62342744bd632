// The smtp(8) delivery agent: the next hop's MX hosts in order (or the
// `[host]` itself), each address until the recipients have a final answer,
// within smtp_mx_address_limit / smtp_mx_session_limit; TLS as the policy of
// (next hop, MX host) demands; a 4xx or a failed connection moves on, a 5xx
// bounces; whatever is left is deferred with the last reason, so the mail
// stays queued. An idle connection is kept for the next message to the same
// next hop (smtp_connection_cache_on_demand).
import type { ClientRecipientOutcome, OutgoingMessage } from '../../smtp/client/message.js';
import type { ClientTlsMode } from '../../smtp/client/options.js';
import type { ClientFailure } from '../../smtp/client/failure.js';
import { ClientConnectionError, SmtpClientConnection } from '../../smtp/node/client-connection.js';
import type { TlsVerdict } from '../../smtp/node/client-connection.js';
import type { ClientSasl } from '../../smtp/client/options.js';
import {
  parseSecurityOptions,
  SMTP_DEFAULT_SECURITY_OPTIONS,
} from '../../smtp/sasl/security-options.js';
import { ClientSessionCache, parseCipherList } from '../../tls/index.js';
import { destinationKey } from '../tls/destination-key.js';
import type { ClientOptions, TLSSocket } from '../../tls/index.js';
import { loadCertificateAndKey, TrustStore, verifyChain } from '../../x509/index.js';
import type { Certificate } from '../../x509/index.js';
import type { QueuedMessage } from '../queue/index.js';
import type { ClientTlsPolicy } from '../tls/client-policy.js';
import { clientTlsPolicy } from '../tls/client-policy.js';
import { judgePeer } from '../tls/peer-check.js';
import type { MxHost } from './mx-lookup.js';
import type { Nexthop } from './nexthop.js';
import { NexthopError, parseNexthop } from './nexthop.js';
import { saslCredentials } from './sasl-password.js';
import type { SmtpTransportOptions } from './smtp-options.js';
import type { DeliveryRequest, RecipientOutcome, Transport } from './transport.js';

type Recipients = DeliveryRequest['recipients'];

/** One destination address to try, with the policy that applies to it. */
interface Target {
  readonly nexthop: string;
  readonly host: MxHost;
  readonly address: string;
  readonly port: number;
  readonly policy: ClientTlsPolicy;
  readonly peer: string;
}

type AttemptResult =
  | { kind: 'sent'; outcomes: ClientRecipientOutcome[]; conn: SmtpClientConnection }
  | { kind: 'failed'; failure: ClientFailure; stage: 'connect' | 'tls' | 'session' };

interface Idle {
  readonly conn: SmtpClientConnection;
  readonly timer: NodeJS.Timeout;
  readonly peer: string;
}

/** Tracks which recipients still need an answer, and the latest soft reason. */
class Progress {
  readonly final = new Map<number, RecipientOutcome>();
  private readonly soft = new Map<number, RecipientOutcome>();
  lastSoft: { dsnStatus: string; diagnostic: string } | undefined;
  constructor(readonly all: Recipients) {}
  open(): Recipients {
    return this.all.filter((r) => !this.final.has(r.index));
  }
  record(outcomes: readonly ClientRecipientOutcome[], relay: string): void {
    for (const answer of outcomes) {
      const o: RecipientOutcome = { ...answer, relay };
      if (o.status === 'deferred') {
        this.lastSoft = { dsnStatus: o.dsnStatus, diagnostic: o.diagnostic };
        this.soft.set(o.index, o);
      } else this.final.set(o.index, o);
    }
  }
  settle(status: 'deferred' | 'bounced', dsnStatus: string, diagnostic: string): void {
    for (const r of this.open()) {
      this.final.set(r.index, { index: r.index, status, dsnStatus, diagnostic, relay: 'none' });
    }
  }
  results(): RecipientOutcome[] {
    const soft = this.lastSoft ?? { dsnStatus: '4.4.1', diagnostic: 'no server could be reached' };
    return this.all.map(
      (r) =>
        this.final.get(r.index) ??
        this.soft.get(r.index) ?? { index: r.index, status: 'deferred', ...soft, relay: 'none' },
    );
  }
}

export class SmtpTransport implements Transport {
  readonly name: string;
  /** smtp(8)'s log: the queue manager writes each recipient's result here. */
  readonly log: (line: string) => void;
  private trust: TrustStore | undefined;
  private readonly sessions: ClientSessionCache | undefined;
  private readonly idle = new Map<string, Idle>();
  private readonly tls12Suites: ClientOptions['tls12CipherSuites'];

  constructor(private readonly o: SmtpTransportOptions) {
    this.name = o.name ?? 'smtp';
    this.log = o.log;
    // smtp_tls_cipherlist: parsed once, so a bad value is a configuration error at start, not per delivery.
    this.tls12Suites =
      o.smtpTlsCipherlist === undefined || o.smtpTlsCipherlist.trim() === ''
        ? undefined
        : parseCipherList(o.smtpTlsCipherlist).tls12;
    this.sessions =
      o.smtpTlsSessionCache === undefined
        ? undefined
        : new ClientSessionCache(o.smtpTlsSessionCache);
  }

  async deliver(request: DeliveryRequest): Promise<RecipientOutcome[]> {
    const progress = new Progress(request.recipients);
    let nexthop: Nexthop;
    try {
      nexthop = parseNexthop(request.nexthop, this.o.defaultPort ?? 25);
    } catch (err) {
      if (!(err instanceof NexthopError)) throw err;
      progress.settle('deferred', '4.3.5', `mail transport configuration error: ${err.message}`);
      return progress.results();
    }
    await this.tryIdle(request, progress);
    if (progress.open().length > 0) await this.tryHosts(request, nexthop, progress);
    return progress.results();
  }

  /** Closes the cached idle connections (QUIT). */
  async close(): Promise<void> {
    const idle = [...this.idle.values()];
    this.idle.clear();
    await Promise.all(
      idle.map(async (i) => {
        clearTimeout(i.timer);
        await i.conn.quit();
      }),
    );
  }

  private async tryIdle(request: DeliveryRequest, progress: Progress): Promise<void> {
    const idle = this.idle.get(request.nexthop);
    if (idle === undefined) return;
    this.idle.delete(request.nexthop);
    clearTimeout(idle.timer);
    if (!idle.conn.reusable) return;
    const outcomes = await this.sendOn(idle.conn, request.message, progress.open());
    if (outcomes === undefined) return;
    progress.record(outcomes, idle.peer);
    this.release(request.nexthop, idle.conn, idle.peer, progress);
  }

  private async tryHosts(
    request: DeliveryRequest,
    nexthop: Nexthop,
    progress: Progress,
  ): Promise<void> {
    const hosts = await this.hostsOf(nexthop, progress);
    const addressLimit = this.o.smtpMxAddressLimit ?? 5;
    const sessionLimit = this.o.smtpMxSessionLimit ?? 2;
    let addresses = 0;
    let sessions = 0;
    for (const host of hosts) {
      const policy = clientTlsPolicy(request.nexthop, host.name, this.o);
      if (!policy.ok) {
        progress.settle('deferred', '4.7.5', `TLS policy error for ${host.name}: ${policy.reason}`);
        return;
      }
      const found = await this.o.resolver.addresses(host.name);
      if (!found.ok) {
        progress.lastSoft = {
          dsnStatus: found.permanent ? '4.4.4' : '4.4.3',
          diagnostic: found.reason,
        };
        continue;
      }
      for (const address of found.addresses) {
        if (progress.open().length === 0) return;
        if (
          (addressLimit > 0 && addresses >= addressLimit) ||
          (sessionLimit > 0 && sessions >= sessionLimit)
        )
          return;
        addresses++;
        const target: Target = {
          nexthop: request.nexthop,
          host,
          address,
          port: nexthop.port,
          policy: policy.policy,
          peer: `${host.name}[${address}]:${nexthop.port}`,
        };
        const session = await this.attemptWithFallback(request, target, progress);
        if (session) sessions++;
      }
    }
  }

  /** Returns whether an SMTP session was had (for smtp_mx_session_limit). */
  private async attemptWithFallback(
    request: DeliveryRequest,
    target: Target,
    progress: Progress,
  ): Promise<boolean> {
    let result = await this.attempt(
      request.message,
      target,
      tlsMode(target.policy),
      progress.open(),
    );
    // Opportunistic TLS: a failed handshake is retried on the same host in plaintext (Postfix smtp_tls_security_level = may).
    if (result.kind === 'failed' && result.stage === 'tls' && target.policy.level === 'may') {
      this.o.log(`${target.peer}: ${result.failure.text}; trying again in plaintext`);
      result = await this.attempt(request.message, target, 'none', progress.open());
    }
    if (result.kind === 'failed') {
      this.o.log(`${request.message.id}: ${result.failure.text}`);
      if (result.failure.permanent)
        progress.settle('bounced', result.failure.dsnStatus, result.failure.text);
      else
        progress.lastSoft = {
          dsnStatus: result.failure.dsnStatus,
          diagnostic: result.failure.text,
        };
      return result.stage !== 'connect';
    }
    progress.record(result.outcomes, target.peer);
    this.release(request.nexthop, result.conn, target.peer, progress);
    return true;
  }

  private async attempt(
    message: QueuedMessage,
    target: Target,
    tls: ClientTlsMode,
    recipients: Recipients,
  ): Promise<AttemptResult> {
    let conn: SmtpClientConnection;
    try {
      conn = await SmtpClientConnection.open({
        address: target.address,
        port: target.port,
        session: {
          smtpHeloName: this.o.smtpHeloName,
          peer: target.peer,
          tls,
          ...this.saslFor(target),
          ...(this.o.timeouts === undefined ? {} : { timeouts: this.o.timeouts }),
        },
        connectTimeoutMs: this.o.smtpConnectTimeout ?? 30_000,
        starttlsTimeoutMs: this.o.timeouts?.smtpStarttlsTimeout ?? 300_000,
        wrapperMode: this.o.smtpTlsWrappermode === true && tls !== 'none',
        tls: await this.tlsOptions(target),
        checkTls: (socket) => this.checkTls(socket, target),
        onTls: (socket) => this.keepSessions(socket, target),
      });
    } catch (err) {
      if (!(err instanceof ClientConnectionError)) throw err;
      return { kind: 'failed', failure: err.failure, stage: err.stage };
    }
    const info = conn.info;
    if (
      info?.offeredStartTls === true &&
      target.policy.level === 'none' &&
      !target.policy.fromTable &&
      this.o.smtpTlsNoteStarttlsOffer === true
    ) {
      this.o.log(`Host offered STARTTLS: [${target.host.name}]`);
    }
    const outcomes = await this.sendOn(conn, message, recipients);
    if (outcomes === undefined)
      return { kind: 'failed', failure: conn.failure as ClientFailure, stage: 'session' };
    return { kind: 'sent', outcomes, conn };
  }

  private async sendOn(
    conn: SmtpClientConnection,
    message: QueuedMessage,
    recipients: Recipients,
  ): Promise<ClientRecipientOutcome[] | undefined> {
    try {
      return await conn.send(outgoing(message, recipients));
    } catch (err) {
      if (!(err instanceof ClientConnectionError)) throw err;
      return undefined;
    }
  }

  /** Keeps the connection for the next message to this next hop, or says goodbye. */
  private release(
    nexthop: string,
    conn: SmtpClientConnection,
    peer: string,
    progress: Progress,
  ): void {
    const keep =
      this.o.smtpConnectionCacheOnDemand !== false &&
      conn.reusable &&
      progress.open().length === 0 &&
      !this.idle.has(nexthop);
    if (!keep) {
      void conn.quit();
      return;
    }
    const timer = setTimeout(() => {
      this.idle.delete(nexthop);
      void conn.quit();
    }, this.o.smtpConnectionCacheTimeLimit ?? 2000);
    timer.unref();
    this.idle.set(nexthop, { conn, timer, peer });
  }

  private async hostsOf(nexthop: Nexthop, progress: Progress): Promise<MxHost[]> {
    if (!nexthop.mxLookup) return [{ name: nexthop.host, preference: 0 }];
    const answer = await this.o.resolver.mx(nexthop.host);
    switch (answer.kind) {
      case 'hosts':
        return [...answer.hosts];
      case 'null-mx':
        // RFC 7505 §4.1: the domain accepts no mail; bounce at once.
        progress.settle(
          'bounced',
          '5.1.10',
          `Domain ${nexthop.host} does not accept mail (nullMX)`,
        );
        return [];
      case 'not-found':
        progress.settle('bounced', '5.4.4', answer.reason);
        return [];
      case 'temporary':
        progress.lastSoft = { dsnStatus: '4.4.3', diagnostic: answer.reason };
        return [];
    }
  }

  private saslFor(target: Target): { sasl?: ClientSasl } {
    if (this.o.smtpSaslAuthEnable !== true) return {};
    const credentials = saslCredentials(
      this.o.smtpSaslPasswordMaps ?? [],
      target.nexthop,
      target.host.name,
      target.port,
    );
    if (credentials === undefined) return {};
    const plain = this.o.smtpSaslSecurityOptions ?? SMTP_DEFAULT_SECURITY_OPTIONS;
    const tls = this.o.smtpSaslTlsSecurityOptions ?? plain;
    const verified = this.o.smtpSaslTlsVerifiedSecurityOptions ?? tls;
    return {
      sasl: {
        credentials,
        policy: {
          plain: parseSecurityOptions(plain, 'smtp_sasl_security_options'),
          tls: parseSecurityOptions(tls, 'smtp_sasl_tls_security_options'),
          tlsVerified: parseSecurityOptions(verified, 'smtp_sasl_tls_verified_security_options'),
        },
      },
    };
  }

  private async tlsOptions(target: Target): Promise<ClientOptions> {
    const options: ClientOptions = {
      serverName: target.host.name,
      // Names are the policy's business (peer-check.ts): the engine verifies the chain only.
      verifyHostname: '',
      rejectUnauthorized: false,
      trustStore: this.trustStore(),
      verifyDepth: this.o.smtpTlsScertVerifydepth ?? 9,
      minVersion: target.policy.protocols.minVersion,
      maxVersion: target.policy.protocols.maxVersion,
    };
    if (this.tls12Suites !== undefined) options.tls12CipherSuites = this.tls12Suites;
    if (this.o.smtpTlsCertFile !== undefined && this.o.smtpTlsCertFile !== '') {
      options.certificate = loadCertificateAndKey(
        this.o.smtpTlsCertFile,
        this.o.smtpTlsKeyFile ?? this.o.smtpTlsCertFile,
      );
    }
    const session = await this.sessions?.take(sessionKey(target));
    if (session !== undefined) options.session = session;
    return options;
  }

  private trustStore(): TrustStore {
    this.trust ??=
      this.o.smtpTlsCAfile === undefined && this.o.smtpTlsCApath === undefined
        ? new TrustStore()
        : TrustStore.load({
            ...(this.o.smtpTlsCAfile === undefined ? {} : { caFile: this.o.smtpTlsCAfile }),
            ...(this.o.smtpTlsCApath === undefined ? {} : { caPath: this.o.smtpTlsCApath }),
          });
    return this.trust;
  }

  private checkTls(socket: TLSSocket, target: Target): TlsVerdict {
    const chain = socket.getPeerCertificateChain();
    const chainVerified =
      socket.authorized || (socket.session?.resumed === true && this.reverify(chain));
    const facts = {
      peerCertificates: chain,
      chainVerified,
      ...(socket.authorizationError === undefined ? {} : { chainError: socket.authorizationError }),
    };
    const judged = judgePeer(
      facts,
      target.policy,
      this.o.smtpTlsFingerprintDigest ?? 'sha256',
      target.peer,
    );
    if ((this.o.smtpTlsLoglevel ?? 0) >= 1) {
      const c = socket.session?.cipher;
      // Postfix tls_client.c: "reused" when the session was resumed from the cache.
      const how = socket.session?.resumed === true ? 'reused' : 'established';
      this.o.log(
        `${judged.trust} TLS connection ${how} to ${target.peer}: ${socket.getProtocol() ?? '?'} with cipher ${c?.opensslName ?? '?'} (${c?.bits ?? 0}/${c?.bits ?? 0} bits)`,
      );
    }
    return judged.ok ? { ok: true, state: judged.saslState } : { ok: false, reason: judged.reason };
  }

  /** A resumed session carries the certificates of the first handshake but no new verification: check them again (as Postfix re-checks a cached session's peer). */
  private reverify(chain: readonly Certificate[]): boolean {
    if (chain.length === 0) return false;
    return verifyChain(chain, {
      trustStore: this.trustStore(),
      now: new Date(),
      purpose: 'sslserver',
      maxDepth: this.o.smtpTlsScertVerifydepth ?? 9,
    }).ok;
  }

  private keepSessions(socket: TLSSocket, target: Target): void {
    const cache = this.sessions;
    if (cache === undefined) return;
    socket.on('session', (state) => {
      cache
        .put(sessionKey(target), state)
        .catch((err: Error) =>
          this.o.log(`warning: smtp_tls_session_cache_database: ${err.message}`),
        );
    });
  }
}

/** smtp_tls_session_cache_database keys: next hop, MX host, address and port (Postfix smtp_session_cache). */
function sessionKey(t: Target): string {
  return destinationKey({
    nexthop: t.nexthop,
    mxHost: t.host.name,
    address: t.address,
    port: t.port,
  });
}

function tlsMode(policy: ClientTlsPolicy): ClientTlsMode {
  if (policy.level === 'none') return 'none';
  return policy.level === 'may' ? 'may' : 'required';
}

function outgoing(message: QueuedMessage, recipients: Recipients): OutgoingMessage {
  const nonAscii = /[^\x00-\x7f]/;
  return {
    sender: message.sender,
    recipients: recipients.map(({ index, recipient }) => ({
      index,
      address: recipient.address,
      ...(recipient.notify === undefined ? {} : { notify: recipient.notify }),
      ...(recipient.orcpt === undefined ? {} : { orcpt: recipient.orcpt }),
    })),
    content: message.content,
    ...(message.ret === undefined ? {} : { ret: message.ret }),
    ...(message.envid === undefined ? {} : { envid: message.envid }),
    smtputf8:
      nonAscii.test(message.sender) || recipients.some((r) => nonAscii.test(r.recipient.address)),
  };
}
