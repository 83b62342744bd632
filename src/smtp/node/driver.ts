// Runs a sans-IO session against real I/O: writes its output, answers its
// events with the policy, the SASL back end and the delivery, applies the
// error sleeps and the command timeout. Shared by the socket server and
// `postern sendmail -bs`.
import type { SaslBackend, SaslExchange, SaslStep } from '../sasl/backend.js';
import type { SessionEvent, TlsDetails } from '../server/events.js';
import type { PolicyVerdict, SessionPolicy } from '../server/policy.js';
import type { SmtpServerSession } from '../server/session.js';
import type { Delivery } from './delivery.js';
import type { SmtpLogger } from './logger.js';

/** The transport under the session. */
export interface DriverIo {
  write(bytes: Uint8Array): void;
  /** Flushes and closes. */
  close(): void;
  /**
   * Starts TLS on the open transport (STARTTLS); absent where TLS is never
   * offered. `done` is called synchronously when the handshake ends, before
   * any application data is delivered, so the session is ready for it.
   */
  startTls?(
    done: (result: { ok: true; details: TlsDetails } | { ok: false; error: string }) => void,
  ): void;
}

export interface DriverDeps {
  delivery: Delivery;
  logger: SmtpLogger;
  policy?: SessionPolicy;
  sasl?: SaslBackend;
  /** smtpd_timeout in ms (300 s): how long the client may stay silent when it is its turn; 0: none. */
  smtpdTimeout?: number;
  /** Called once TLS is up (the smtpd_tls_loglevel line). */
  onTls?: (details: TlsDetails) => void;
}

/** Postfix's reply when a restriction cannot be evaluated (smtpd_check.c). */
const POLICY_FAILED: PolicyVerdict = {
  action: 'reject',
  code: 451,
  enhanced: '4.3.5',
  text: 'Server configuration error',
};

const PERMIT: PolicyVerdict = { action: 'permit' };

/** The session waits for the client in these states; the command timeout runs only then. */
const CLIENT_TURN = new Set(['command', 'data', 'bdat', 'sasl-client']);

export class SessionDriver {
  private exchange: SaslExchange | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sleeper: NodeJS.Timeout | undefined;
  private finished = false;
  /** Calls to the policy, SASL back end or delivery not yet answered. */
  private pending = new Set<Promise<unknown>>();

  constructor(
    readonly session: SmtpServerSession,
    private readonly io: DriverIo,
    private readonly deps: DriverDeps,
  ) {}

  start(): void {
    this.session.start();
    this.pump();
  }

  receive(bytes: Uint8Array): void {
    this.session.receive(bytes);
    this.pump();
  }

  /** The client went away (or the transport broke). */
  end(): void {
    this.session.end();
    this.pump();
  }

  /** Writes output, then handles events in order; called after every input to the session. */
  pump(): void {
    if (this.finished) return;
    let out: Uint8Array | undefined;
    while ((out = this.session.takeOutput()) !== undefined) this.io.write(out);
    for (const e of this.session.takeEvents()) this.onEvent(e);
    if (!this.finished) this.armTimer();
  }

  private onEvent(e: SessionEvent): void {
    switch (e.type) {
      case 'log':
        return this.deps.logger.log(e.level, e.text);
      case 'policy':
        return this.settle(
          (): PolicyVerdict | Promise<PolicyVerdict> => this.deps.policy?.check(e.facts) ?? PERMIT,
          (v) => this.session.policyVerdict(v),
          POLICY_FAILED,
          'policy',
        );
      case 'sasl-start':
        return this.saslStart(e.mechanism, e.initialResponse);
      case 'sasl-response':
        return this.saslRespond(e.response);
      case 'sasl-abort':
        this.exchange?.abort();
        this.exchange = undefined;
        return;
      case 'starttls':
        return this.startTls();
      case 'message':
        return this.settle(
          () => this.deps.delivery.deliver(e.message),
          (v) =>
            this.session.waitingFor === 'delivery' ? this.session.deliveryVerdict(v) : undefined,
          { ok: false, code: 451, enhanced: '4.3.0', text: 'Error: queue file write error' },
          'delivery',
        );
      case 'sleep':
        this.sleeper = setTimeout(() => {
          this.sleeper = undefined;
          this.session.wake();
          this.pump();
        }, e.ms);
        return;
      case 'close':
        this.finish();
        return;
    }
  }

  /** Runs a possibly asynchronous call; its answer (or `failed`, logged) goes to the session, then the session is pumped. */
  private settle<T>(
    call: () => T | Promise<T>,
    answer: (v: T) => void,
    failed: T,
    what: string,
  ): void {
    let result: T | Promise<T>;
    try {
      result = call();
    } catch (err) {
      this.deps.logger.log('warning', `${what} failed: ${String(err)}`);
      result = failed;
    }
    const running = Promise.resolve(result)
      .catch((err: unknown) => {
        this.deps.logger.log(
          'warning',
          `${what} failed: ${err instanceof Error ? err.message : String(err)}`,
        );
        return failed;
      })
      .then((v) => {
        if (this.finished && what !== 'delivery') return;
        answer(v);
        this.pump();
      })
      .catch((err: unknown) => this.deps.logger.log('error', `${what}: ${String(err)}`))
      .finally(() => this.pending.delete(running));
    this.pending.add(running);
  }

  /** Resolves when no policy, SASL or delivery call is outstanding (a delivery started before the client left still finishes). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private saslStart(mechanism: string, initial: Uint8Array | undefined): void {
    const sasl = this.deps.sasl;
    if (sasl === undefined) {
      this.deps.logger.log('error', 'AUTH offered without a SASL back end');
      this.session.saslStep({ kind: 'failure', reason: 'no SASL back end', temporary: true });
      this.pump();
      return;
    }
    const context = {
      clientAddress: this.session.client.address,
      secured: this.session.tlsActive,
      service: this.session.options.smtpdSaslService,
    };
    this.settle(
      () =>
        sasl.start(mechanism, initial, context).then(({ exchange, first }) => {
          this.exchange = exchange;
          return first;
        }),
      (step) => this.saslAnswer(step),
      { kind: 'failure', reason: 'SASL back end unavailable', temporary: true } as SaslStep,
      'SASL',
    );
  }

  private saslRespond(response: Uint8Array): void {
    const exchange = this.exchange;
    if (exchange === undefined) {
      this.saslAnswer({ kind: 'failure', reason: 'no exchange in progress', temporary: true });
      this.pump();
      return;
    }
    this.settle(
      () => exchange.respond(response),
      (step) => this.saslAnswer(step),
      { kind: 'failure', reason: 'SASL back end unavailable', temporary: true } as SaslStep,
      'SASL',
    );
  }

  private saslAnswer(step: SaslStep): void {
    if (step.kind !== 'challenge') this.exchange = undefined;
    if (this.session.waitingFor === 'sasl-backend') this.session.saslStep(step);
  }

  private startTls(): void {
    const start = this.io.startTls;
    if (start === undefined) {
      this.session.tlsFailed('this transport cannot start TLS');
      this.pump();
      return;
    }
    start.call(this.io, (result) => this.tlsDone(result));
  }

  /** The handshake ended (STARTTLS or wrappermode). */
  tlsDone(result: { ok: true; details: TlsDetails } | { ok: false; error: string }): void {
    if (this.finished) return;
    if (result.ok) {
      this.deps.onTls?.(result.details);
      this.session.tlsEstablished(result.details);
    } else this.session.tlsFailed(result.error);
    this.pump();
  }

  private armTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const ms = this.deps.smtpdTimeout ?? 300_000;
    if (ms <= 0 || !CLIENT_TURN.has(this.session.waitingFor)) return;
    this.timer = setTimeout(() => {
      this.session.timeout();
      this.pump();
    }, ms);
    this.timer.unref?.();
  }

  private finish(): void {
    if (this.finished) return;
    this.stop();
    this.io.close();
  }

  private stop(): void {
    this.finished = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.sleeper !== undefined) clearTimeout(this.sleeper);
    this.exchange?.abort();
    this.exchange = undefined;
  }
}
