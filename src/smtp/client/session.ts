// The SMTP client session (RFC 5321 §3, §4), sans-IO like src/tls/connection.ts:
// receive(bytes) feeds the server's replies, takeOutput() gives the bytes to
// write, takeEvents() what the adapter must do (start TLS, arm a timer, close).
// Every command sent waits for its reply in `pending`, in order, so
// PIPELINING (RFC 2920) is the same code with more than one command in flight.
import type { Reply } from '../codec/reply.js';
import { ReplyError, replyText } from '../codec/reply.js';
import { ReplyParser } from '../codec/reply-parser.js';
import { chooseClientMechanism } from '../sasl/client-mechanisms.js';
import type { ClientMechanism } from '../sasl/mechanism.js';
import { SaslClientError } from '../sasl/mechanism.js';
import type { ClientTlsState } from '../sasl/security-options.js';
import { clientOptionsFor } from '../sasl/security-options.js';
import { crlfLines, dotStuff, has8bit } from './dot-stuff.js';
import type { EhloInfo } from './ehlo-keywords.js';
import { HELO_INFO, offers, parseEhloReply } from './ehlo-keywords.js';
import { mailFromLine, rcptToLine, safeCommandText } from './envelope.js';
import type { ClientEvent } from './events.js';
import type { ClientFailure, ClientFailureReason } from './failure.js';
import { clientFailure, hostOf, saidText } from './failure.js';
import type { OutgoingMessage, OutgoingRecipient } from './message.js';
import type { ClientSessionOptions, ClientTimeouts } from './options.js';
import { DEFAULT_CLIENT_TIMEOUTS } from './options.js';
import { Transaction } from './transaction.js';

type Pending =
  | {
      kind:
        | 'greeting'
        | 'ehlo'
        | 'helo'
        | 'starttls'
        | 'auth'
        | 'mail'
        | 'data'
        | 'body'
        | 'rset'
        | 'quit';
    }
  | { kind: 'rcpt'; recipient: OutgoingRecipient };

/** A command waiting to be written (without PIPELINING one at a time). */
type Queued = { line: string; pending: Pending };

type State =
  'greeting' | 'hello' | 'tls-handshake' | 'auth' | 'ready' | 'transaction' | 'quitting' | 'done';

const PHASES: Record<Pending['kind'], [string, keyof ClientTimeouts]> = {
  greeting: ['receiving the initial server greeting', 'smtpHeloTimeout'],
  ehlo: ['receiving the EHLO reply', 'smtpHeloTimeout'],
  helo: ['receiving the HELO reply', 'smtpHeloTimeout'],
  starttls: ['receiving the STARTTLS reply', 'smtpStarttlsTimeout'],
  auth: ['performing SASL authentication', 'smtpHeloTimeout'],
  mail: ['sending MAIL FROM', 'smtpMailTimeout'],
  rcpt: ['sending RCPT TO', 'smtpRcptTimeout'],
  data: ['sending DATA command', 'smtpDataInitTimeout'],
  body: ['sending end of data -- message may be sent more than once', 'smtpDataDoneTimeout'],
  rset: ['sending RSET', 'smtpRsetTimeout'],
  quit: ['sending QUIT', 'smtpQuitTimeout'],
};

export class SmtpClientSession {
  private readonly parser = new ReplyParser();
  private readonly timeouts: ClientTimeouts;
  private output: Uint8Array[] = [];
  private events: ClientEvent[] = [];
  private pending: Pending[] = [];
  private queued: Queued[] = [];
  private state: State = 'greeting';
  private ehlo: EhloInfo = HELO_INFO;
  private tlsState: ClientTlsState;
  private offeredStartTls = false;
  private startTlsDeclined = false;
  private mechanism: ClientMechanism | undefined;
  private authenticatedWith: string | undefined;
  private tx: Transaction | undefined;
  private needRset = false;
  private replyBytes = 0;

  constructor(private readonly o: ClientSessionOptions) {
    this.timeouts = { ...DEFAULT_CLIENT_TIMEOUTS, ...o.timeouts };
    this.tlsState = o.wrapped ?? 'none';
    this.expect({ kind: 'greeting' });
  }

  get finished(): boolean {
    return this.state === 'done';
  }

  /** The EHLO keywords of the current (last) EHLO. */
  get extensions(): EhloInfo {
    return this.ehlo;
  }

  receive(bytes: Uint8Array): void {
    if (this.state === 'done' || this.state === 'tls-handshake') return;
    this.replyBytes += bytes.length;
    let replies: Reply[];
    try {
      replies = this.parser.push(bytes);
    } catch (err) {
      if (!(err instanceof ReplyError)) throw err;
      this.fail(
        'protocol-error',
        `protocol error: host ${hostOf(this.o.peer)} sent a malformed reply (${err.message}) while ${this.phase()}`,
      );
      return;
    }
    if (replies.length > 0) this.replyBytes = 0;
    for (const r of replies) {
      if (this.paused()) break;
      this.onReply(r);
    }
    if (this.replyBytes > (this.o.maxReplyBytes ?? 65_536)) {
      this.fail(
        'protocol-error',
        `protocol error: host ${hostOf(this.o.peer)} sent a reply longer than ${this.o.maxReplyBytes ?? 65_536} bytes while ${this.phase()}`,
      );
    }
  }

  takeOutput(): Uint8Array | undefined {
    if (this.output.length === 0) return undefined;
    const out =
      this.output.length === 1 ? (this.output[0] as Uint8Array) : Buffer.concat(this.output);
    this.output = [];
    return out;
  }

  takeEvents(): ClientEvent[] {
    const e = this.events;
    this.events = [];
    return e;
  }

  /** The TLS handshake after STARTTLS (or nothing, under wrappermode) succeeded: EHLO again (RFC 3207 §4.2). */
  tlsEstablished(state: Exclude<ClientTlsState, 'none'>): void {
    if (this.state !== 'tls-handshake') throw new Error(`tlsEstablished() in state ${this.state}`);
    this.tlsState = state;
    this.state = 'hello';
    this.ehlo = HELO_INFO;
    this.send(`EHLO ${this.o.smtpHeloName}`, { kind: 'ehlo' });
  }

  /** The handshake failed; the session ends with a 4.7.5 (the adapter names the cause). */
  tlsFailed(cause: string): void {
    this.fail(
      'tls-failed',
      `Cannot start TLS: handshake failure with ${hostOf(this.o.peer)}: ${cause}`,
    );
  }

  /** Starts one transaction; only in the `ready` state. */
  sendMessage(message: OutgoingMessage): void {
    if (this.state !== 'ready') throw new Error(`sendMessage() in state ${this.state}`);
    const tx = new Transaction(message, this.o.peer);
    if (this.refusedLocally(tx)) {
      this.emitResult(tx);
      return;
    }
    this.tx = tx;
    this.state = 'transaction';
    if (this.needRset) this.queue('RSET', { kind: 'rset' });
    this.needRset = false;
    const eightBit = has8bit(message.content);
    this.queue(mailFromLine(message, this.ehlo, eightBit), { kind: 'mail' });
    for (const r of message.recipients)
      this.queue(rcptToLine(r, this.ehlo), { kind: 'rcpt', recipient: r });
    if (!this.chunking()) this.queue('DATA', { kind: 'data' });
    this.flush();
  }

  quit(): void {
    if (this.state === 'done' || this.state === 'quitting') return;
    this.state = 'quitting';
    this.queued = [];
    this.send('QUIT', { kind: 'quit' });
  }

  /** The adapter's reply timer ran out. */
  timeout(): void {
    if (this.state === 'done') return;
    this.fail(
      'timeout',
      `conversation with ${hostOf(this.o.peer)} timed out while ${this.phase()}`,
    );
  }

  /** The server closed the connection (or the socket failed). */
  connectionClosed(cause?: string): void {
    if (this.state === 'done') return;
    if (this.state === 'quitting') {
      this.finish();
      return;
    }
    this.fail(
      'connection-lost',
      `lost connection with ${hostOf(this.o.peer)} while ${this.phase()}${cause === undefined ? '' : ` (${cause})`}`,
    );
  }

  /** Ended, or handing the socket to TLS: replies are not ours to read now. */
  private paused(): boolean {
    return this.state === 'done' || this.state === 'tls-handshake';
  }

  private onReply(r: Reply): void {
    const head = this.pending.shift();
    if (head === undefined) {
      this.fail(
        'protocol-error',
        `protocol error: host ${hostOf(this.o.peer)} sent an unexpected reply: ${replyText(r)}`,
      );
      return;
    }
    this.dispatch(head, r);
    if (this.state === 'done') return;
    this.armTimer();
  }

  private dispatch(head: Pending, r: Reply): void {
    switch (head.kind) {
      case 'greeting':
        return this.onGreeting(r);
      case 'ehlo':
        return this.onEhlo(r);
      case 'helo':
        return this.onHelo(r);
      case 'starttls':
        return this.onStartTls(r);
      case 'auth':
        return this.onAuth(r);
      case 'rset':
        return this.onRset(r);
      case 'mail':
        return this.onMail(r);
      case 'rcpt':
        return this.onRcpt(head.recipient, r);
      case 'data':
        return this.onData(r);
      case 'body':
        return this.onBody(r);
      case 'quit':
        return this.finish();
    }
  }

  private onGreeting(r: Reply): void {
    // Postfix smtp_skip_5xx_greeting = yes: a 5xx greeting is a soft error, the next MX may do.
    if (r.code !== 220)
      return this.fail(
        'greeting-rejected',
        `host ${hostOf(this.o.peer)} refused to talk to me: ${replyText(r)}`,
        r,
      );
    this.state = 'hello';
    if (this.o.smtpNeverSendEhlo === true)
      this.send(`HELO ${this.o.smtpHeloName}`, { kind: 'helo' });
    else this.send(`EHLO ${this.o.smtpHeloName}`, { kind: 'ehlo' });
  }

  private onEhlo(r: Reply): void {
    if (r.code === 250) {
      this.ehlo = parseEhloReply(r);
      return this.afterHello();
    }
    // RFC 5321 §3.2: a server that does not know EHLO answers 5xx; try HELO (not after STARTTLS).
    if (r.code >= 500 && this.tlsState === 'none')
      return this.send(`HELO ${this.o.smtpHeloName}`, { kind: 'helo' });
    this.fail('helo-rejected', saidText(this.o.peer, r, 'EHLO'), r);
  }

  private onHelo(r: Reply): void {
    if (r.code !== 250) return this.fail('helo-rejected', saidText(this.o.peer, r, 'HELO'), r);
    this.ehlo = HELO_INFO;
    this.afterHello();
  }

  private afterHello(): void {
    if (this.tlsState === 'none') {
      this.offeredStartTls = offers(this.ehlo, 'STARTTLS');
      if (this.o.tls !== 'none' && !this.startTlsDeclined) {
        if (this.offeredStartTls) return this.send('STARTTLS', { kind: 'starttls' });
        if (this.o.tls === 'required')
          return this.fail(
            'starttls-not-offered',
            `TLS is required, but was not offered by host ${hostOf(this.o.peer)}`,
          );
      }
    }
    if (
      this.o.sasl !== undefined &&
      this.authenticatedWith === undefined &&
      this.ehlo.auth.length > 0
    )
      return this.startAuth();
    this.becomeReady();
  }

  private onStartTls(r: Reply): void {
    if (r.code === 220) {
      // RFC 3207 §4.2: nothing the server sent in plaintext counts after the handshake.
      this.state = 'tls-handshake';
      this.events.push({ type: 'idle' }, { type: 'starttls' });
      return;
    }
    if (this.o.tls === 'required')
      return this.fail(
        'starttls-rejected',
        `TLS is required, but host ${hostOf(this.o.peer)} refused to start TLS: ${replyText(r)}`,
        r,
      );
    // Opportunistic TLS: carry on in plaintext (Postfix at `may`).
    this.startTlsDeclined = true;
    this.afterHello();
  }

  private startAuth(): void {
    const sasl = this.o.sasl as NonNullable<ClientSessionOptions['sasl']>;
    const options = clientOptionsFor(sasl.policy, this.tlsState);
    const mechanism = chooseClientMechanism(this.ehlo.auth, options, sasl.credentials);
    if (mechanism === undefined) {
      return this.fail(
        'auth-no-mechanism',
        `SASL authentication failed; cannot authenticate to server ${hostOf(this.o.peer)}: no mechanism available`,
      );
    }
    this.mechanism = mechanism;
    this.state = 'auth';
    const initial = mechanism.initialResponse();
    // RFC 4954 §4: an empty initial response is sent as `=`.
    const ir =
      initial === undefined
        ? ''
        : ` ${initial.length === 0 ? '=' : Buffer.from(initial).toString('base64')}`;
    this.send(`AUTH ${mechanism.name}${ir}`, { kind: 'auth' });
  }

  private onAuth(r: Reply): void {
    const mechanism = this.mechanism as ClientMechanism;
    if (r.code === 235) {
      this.authenticatedWith = mechanism.name;
      return this.becomeReady();
    }
    if (r.code !== 334) {
      return this.fail(
        'auth-failed',
        `SASL authentication failed; server ${hostOf(this.o.peer)} said: ${replyText(r)}`,
        r,
      );
    }
    const text = (r.lines[0] ?? '').trim();
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text))
      return this.fail(
        'protocol-error',
        `protocol error: host ${hostOf(this.o.peer)} sent a challenge that is not base64`,
      );
    let answer: Uint8Array;
    try {
      answer = mechanism.respond(new Uint8Array(Buffer.from(text, 'base64')));
    } catch (err) {
      if (!(err instanceof SaslClientError)) throw err;
      return this.fail(
        'auth-failed',
        `SASL authentication failed; cannot authenticate to server ${hostOf(this.o.peer)}: ${err.message}`,
      );
    }
    this.send(Buffer.from(answer).toString('base64'), { kind: 'auth' });
  }

  private becomeReady(): void {
    this.state = 'ready';
    const info = { ehlo: this.ehlo, tls: this.tlsState, offeredStartTls: this.offeredStartTls };
    this.events.push({
      type: 'ready',
      info:
        this.authenticatedWith === undefined
          ? info
          : { ...info, authenticatedWith: this.authenticatedWith },
    });
  }

  /** Checks that need no round trip: SIZE (RFC 1870), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531 §3.2), command safety. */
  private refusedLocally(tx: Transaction): boolean {
    const m = tx.message;
    const limit = this.ehlo.size;
    const peer = this.o.peer;
    if (limit !== undefined && limit > 0 && m.content.length > limit) {
      tx.settleOpen(
        'bounced',
        '5.3.4',
        `message size ${m.content.length} exceeds size limit ${limit} of server ${peer}`,
      );
    } else if (has8bit(m.content) && !offers(this.ehlo, '8BITMIME')) {
      // Postfix would convert simple MIME to quoted-printable; postern bounces, as Postfix does with disable_mime_output_conversion = yes.
      tx.settleOpen(
        'bounced',
        '5.6.3',
        `host ${peer} does not announce 8BITMIME support and the message has 8-bit content; postern does not convert to quoted-printable`,
      );
    } else if (m.smtputf8 === true && !offers(this.ehlo, 'SMTPUTF8')) {
      tx.settleOpen(
        'bounced',
        '5.6.7',
        `SMTPUTF8 is required, but was not offered by host ${peer}`,
      );
    } else if (
      ![
        m.sender,
        ...m.recipients.map((r) => r.address),
        m.envid ?? '',
        ...m.recipients.map((r) => r.orcpt ?? ''),
      ].every(safeCommandText)
    ) {
      tx.settleOpen('bounced', '5.1.3', 'bad address syntax: an envelope address holds a line end');
    } else {
      return false;
    }
    return true;
  }

  private chunking(): boolean {
    return this.o.smtpUseChunking !== false && offers(this.ehlo, 'CHUNKING');
  }

  private onRset(r: Reply): void {
    if (r.code !== 250)
      this.fail(
        'rset-rejected',
        `host ${hostOf(this.o.peer)} said: ${replyText(r)} (in reply to RSET command)`,
        r,
      );
  }

  private onMail(r: Reply): void {
    const tx = this.tx as Transaction;
    if (r.code === 250) return this.flush();
    tx.mailFailed = true;
    tx.rejectOpen(r, 'MAIL FROM');
    this.endOrWait();
  }

  private onRcpt(recipient: OutgoingRecipient, r: Reply): void {
    const tx = this.tx as Transaction;
    if (tx.mailFailed) return this.endOrWait();
    if (r.code === 250 || r.code === 251) tx.accepted.push(recipient);
    else tx.rejectOne(recipient, r, 'RCPT TO');
    if (this.queued.length === 0 && this.pending.every((p) => p.kind !== 'rcpt') && this.chunking())
      return this.sendChunk();
    this.flush();
  }

  private onData(r: Reply): void {
    const tx = this.tx as Transaction;
    if (r.code !== 354) {
      if (!tx.mailFailed) tx.rejectOpen(r, 'DATA');
      return this.endTransaction(true);
    }
    if (tx.mailFailed || tx.accepted.length === 0) {
      // RFC 2920 §3.1: DATA accepted although no recipient was; send an empty body that cannot be delivered.
      this.write('.\r\n');
      this.expect({ kind: 'body' });
      return;
    }
    tx.bodySent = true;
    this.output.push(dotStuff(tx.message.content));
    this.expect({ kind: 'body' });
  }

  private sendChunk(): void {
    const tx = this.tx as Transaction;
    if (tx.accepted.length === 0) return this.endTransaction(true);
    const body = crlfLines(tx.message.content);
    tx.bodySent = true;
    // RFC 3030 §2: one chunk, the whole message, marked LAST.
    this.write(`BDAT ${body.length} LAST\r\n`);
    this.output.push(body);
    this.expect({ kind: 'body' });
  }

  private onBody(r: Reply): void {
    const tx = this.tx as Transaction;
    const command = this.chunking() ? 'end of BDAT' : 'end of DATA';
    if (!tx.bodySent) return this.endTransaction(true);
    if (r.code === 250) tx.delivered(r, command);
    else tx.rejectOpen(r, command);
    this.endTransaction(r.code !== 250);
  }

  /** After a failed MAIL (or all RCPTs refused) wait for the replies still in flight, then end. */
  private endOrWait(): void {
    this.queued = this.queued.filter((q) => q.pending.kind === 'rset');
    if (this.pending.length === 0) this.endTransaction(true);
  }

  private endTransaction(rset: boolean): void {
    const tx = this.tx as Transaction;
    if (this.pending.some((p) => p.kind === 'data' || p.kind === 'rcpt' || p.kind === 'body'))
      return;
    tx.settleOpen(
      'deferred',
      '4.0.0',
      `host ${hostOf(this.o.peer)} gave no final reply for this recipient`,
    );
    this.tx = undefined;
    this.queued = [];
    this.needRset = rset;
    this.emitResult(tx);
    this.becomeReady();
  }

  private emitResult(tx: Transaction): void {
    this.events.push({ type: 'result', outcomes: tx.results() });
  }

  /** Writes queued commands: all of them with PIPELINING (up to DATA, RFC 2920 §3.1), else the next once nothing is in flight. */
  private flush(): void {
    const tx = this.tx;
    if (tx === undefined) return;
    if (this.queued.length === 0) {
      if (this.pending.length === 0 && tx.accepted.length === 0 && !this.chunking())
        this.endTransaction(true);
      return;
    }
    const pipelining = offers(this.ehlo, 'PIPELINING');
    while (this.queued.length > 0 && (pipelining || this.pending.length === 0)) {
      const next = this.queued[0] as Queued;
      // Without PIPELINING, DATA goes only when some recipient was accepted.
      if (next.pending.kind === 'data' && !pipelining && tx.accepted.length === 0) {
        this.queued = [];
        return this.endTransaction(true);
      }
      this.queued.shift();
      this.send(next.line, next.pending);
    }
  }

  private queue(line: string, pending: Pending): void {
    this.queued.push({ line, pending });
  }

  private send(line: string, pending: Pending): void {
    this.write(`${line}\r\n`);
    this.expect(pending);
  }

  private write(text: string): void {
    this.output.push(new Uint8Array(Buffer.from(text, 'utf8')));
  }

  private expect(pending: Pending): void {
    this.pending.push(pending);
    if (this.pending.length === 1) this.armTimer();
  }

  private armTimer(): void {
    const head = this.pending[0];
    if (head === undefined) {
      this.events.push({ type: 'idle' });
      return;
    }
    const [phase, key] = PHASES[head.kind];
    this.events.push({ type: 'wait', phase, timeoutMs: this.timeouts[key] });
  }

  private phase(): string {
    const head = this.pending[0];
    if (head !== undefined) return PHASES[head.kind][0];
    return this.state === 'tls-handshake'
      ? 'performing the TLS handshake'
      : 'waiting for the next command';
  }

  private fail(reason: ClientFailureReason, text: string, reply?: Reply): void {
    if (this.state === 'done') return;
    const failure: ClientFailure = clientFailure(reason, text, reply);
    const tx = this.tx;
    this.state = 'done';
    this.pending = [];
    this.queued = [];
    if (tx !== undefined) {
      tx.settleOpen(failure.permanent ? 'bounced' : 'deferred', failure.dsnStatus, failure.text);
      this.tx = undefined;
      this.emitResult(tx);
    }
    this.events.push({ type: 'idle' }, { type: 'failure', failure });
  }

  private finish(): void {
    this.state = 'done';
    this.pending = [];
    this.events.push({ type: 'idle' }, { type: 'closed' });
  }
}
