import type { SaslStep } from '../../src/smtp/sasl/backend.js';
import type {
  DeliveryVerdict,
  ReceivedMessage,
  SessionEvent,
  TlsDetails,
} from '../../src/smtp/server/events.js';
import type { SmtpdOptions } from '../../src/smtp/server/options.js';
import type { PolicyVerdict, SessionFacts } from '../../src/smtp/server/policy.js';
import { SmtpServerSession } from '../../src/smtp/server/session.js';

/** A tiny SASL back end for tests: PLAIN and LOGIN for alice/secret, synchronous. */
export class TestSasl {
  private step = 0;
  private user = '';
  mechanisms(secured: boolean): string[] {
    return secured ? ['PLAIN', 'LOGIN'] : ['PLAIN'];
  }
  start(mechanism: string, initial: Uint8Array | undefined): SaslStep {
    this.step = 0;
    if (mechanism === 'LOGIN')
      return initial === undefined ? this.challenge('Username:') : this.login(initial);
    return initial === undefined
      ? { kind: 'challenge', challenge: new Uint8Array(0) }
      : this.plain(initial);
  }
  respond(mechanism: string, r: Uint8Array): SaslStep {
    return mechanism === 'LOGIN' ? this.login(r) : this.plain(r);
  }
  private challenge(text: string): SaslStep {
    return { kind: 'challenge', challenge: new Uint8Array(Buffer.from(text)) };
  }
  private login(r: Uint8Array): SaslStep {
    if (this.step++ === 0) {
      this.user = Buffer.from(r).toString();
      return this.challenge('Password:');
    }
    return this.check(this.user, Buffer.from(r).toString());
  }
  private plain(r: Uint8Array): SaslStep {
    const [, user, pass] = Buffer.from(r).toString().split('\0');
    return this.check(user ?? '', pass ?? '');
  }
  private check(user: string, pass: string): SaslStep {
    if (user === 'tempfail') return { kind: 'failure', reason: 'backend down', temporary: true };
    return user === 'alice' && pass === 'secret'
      ? { kind: 'success', user }
      : { kind: 'failure', reason: 'bad password', temporary: false };
  }
}

export const TLS_DETAILS: TlsDetails = {
  protocol: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  cipherBits: 256,
  keyExchange: 'X25519',
  peerCertificates: [],
  peerVerified: false,
  resumed: false,
};

export interface HarnessOptions {
  policy?: (f: SessionFacts) => PolicyVerdict;
  delivery?: (m: ReceivedMessage) => DeliveryVerdict;
  /** Leave these events unanswered (the test answers). */
  hold?: readonly SessionEvent['type'][];
}

/**
 * Drives a session synchronously: answers policy (permit by default),
 * SASL (TestSasl), deliveries (queued as Q1, Q2…), sleeps (at once), and
 * STARTTLS (TLS_DETAILS) unless told to hold them.
 */
export class Harness {
  readonly session: SmtpServerSession;
  readonly messages: ReceivedMessage[] = [];
  readonly facts: SessionFacts[] = [];
  readonly events: SessionEvent[] = [];
  readonly logs: string[] = [];
  private out = '';
  private sasl = new TestSasl();
  private mechanism = '';
  private queued = 0;
  closed: string | undefined;
  sleeps = 0;

  constructor(
    options: Partial<SmtpdOptions> = {},
    private readonly h: HarnessOptions = {},
  ) {
    const sasl = this.sasl;
    this.session = new SmtpServerSession(
      {
        myhostname: 'mx.example.com',
        smtpdErrorSleepTime: 0,
        saslMechanisms: (c) => sasl.mechanisms(c.secured),
        ...options,
      },
      { address: '192.0.2.1', port: 40000, name: 'client.example.org' },
    );
  }

  start(): string {
    this.session.start();
    return this.run();
  }

  /** Sends text (or bytes) and returns the output it produced. */
  send(input: string | Uint8Array): string {
    this.session.receive(
      typeof input === 'string' ? new Uint8Array(Buffer.from(input, 'latin1')) : input,
    );
    return this.run();
  }

  run(): string {
    for (;;) {
      const o = this.session.takeOutput();
      if (o !== undefined) this.out += Buffer.from(o).toString('utf8');
      const events = this.session.takeEvents();
      if (events.length === 0) break;
      for (const e of events) this.answer(e);
    }
    const text = this.out;
    this.out = '';
    return text;
  }

  private answer(e: SessionEvent): void {
    this.events.push(e);
    if (this.h.hold?.includes(e.type)) return;
    switch (e.type) {
      case 'policy':
        this.facts.push(e.facts);
        return this.session.policyVerdict(this.h.policy?.(e.facts) ?? { action: 'permit' });
      case 'message':
        this.messages.push(e.message);
        return this.session.deliveryVerdict(
          this.h.delivery?.(e.message) ?? { ok: true, queueId: `Q${++this.queued}` },
        );
      case 'sasl-start':
        this.mechanism = e.mechanism;
        return this.session.saslStep(this.sasl.start(e.mechanism, e.initialResponse));
      case 'sasl-response':
        return this.session.saslStep(this.sasl.respond(this.mechanism, e.response));
      case 'starttls':
        return this.session.tlsEstablished(TLS_DETAILS);
      case 'sleep':
        this.sleeps++;
        return this.session.wake();
      case 'close':
        this.closed = e.reason;
        return;
      case 'log':
        this.logs.push(e.text);
        return;
      case 'sasl-abort':
        return;
    }
  }
}

/** The reply codes in some output, in order. */
export function codes(output: string): number[] {
  return output
    .split('\r\n')
    .filter((l) => /^\d{3} /.test(l))
    .map((l) => Number(l.slice(0, 3)));
}
