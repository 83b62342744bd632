// The SMTP server session (RFC 5321), sans-IO in the style of
// src/tls/connection.ts: bytes in (`receive`), replies out (`takeOutput`),
// events out (`takeEvents`). Every wait is a state; the owner answers the
// waiting event with one method, and the session goes on from there.
import type { Command } from '../codec/command.js';
import { parseCommand } from '../codec/command.js';
import { ChunkReader, DataReader } from '../codec/data.js';
import { LineSplitter } from '../codec/lines.js';
import type { Line, OverlongLine } from '../codec/lines.js';
import type { Reply } from '../codec/reply.js';
import { isErrorReply, reply } from '../codec/reply.js';
import { ReplyWriter } from '../codec/reply-writer.js';
import type { SaslContext, SaslStep } from '../sasl/backend.js';
import { CommandStats } from './command-stats.js';
import { ehloReply } from './ehlo.js';
import type { DeliveryVerdict, SessionEvent, TlsDetails } from './events.js';
import type { ClientEndpoint, ResolvedOptions, SmtpdOptions } from './options.js';
import { resolveOptions } from './options.js';
import type { PolicyStage, PolicyVerdict, SessionFacts } from './policy.js';
import { REPLIES } from './replies.js';
import { Transaction } from './transaction.js';

type State =
  /** Waiting for the TLS handshake (wrappermode, or after `220 Ready to start TLS`): `tlsEstablished`. */
  | { kind: 'handshake'; greet: boolean }
  | { kind: 'command' }
  /** Waiting for `policyVerdict`. */
  | { kind: 'policy'; then: (v: PolicyVerdict) => void }
  /** Waiting for `saslStep`. */
  | { kind: 'sasl-backend'; mechanism: string }
  /** Waiting for the client's response line to a 334 challenge. */
  | { kind: 'sasl-client'; mechanism: string }
  | { kind: 'data'; reader: DataReader }
  | { kind: 'bdat'; reader: ChunkReader; size: number; last: boolean; keep: boolean }
  /** Waiting for `deliveryVerdict`. */
  | { kind: 'delivery' }
  /** Waiting for `wake` (smtpd_error_sleep_time) before sending `held`. */
  | { kind: 'sleep'; held: Reply; next: State }
  | { kind: 'closed' };

/** What a stage's check adds to the session's facts (the name or address being checked). */
type FactsExtra = { helo?: string; sender?: string; recipient?: string | undefined };

/** Verbs allowed before STARTTLS when TLS is enforced (issue 12; Postfix smtpd_enforce_tls). */
const BEFORE_TLS = new Set(['EHLO', 'HELO', 'STARTTLS', 'NOOP', 'QUIT']);

export class SmtpServerSession {
  readonly options: ResolvedOptions;
  private state: State;
  private readonly splitter: LineSplitter;
  private readonly writer = new ReplyWriter();
  private output: Uint8Array[] = [];
  private events: SessionEvent[] = [];
  private helo: string | undefined;
  private esmtp = false;
  private tls: TlsDetails | undefined;
  private saslUser: string | undefined;
  private saslMethod: string | undefined;
  private tx: Transaction | undefined;
  private errors = 0;
  /** A connect-stage rejection without smtpd_delay_reject: every command but QUIT is refused (Postfix). */
  private accessDenied = false;
  /** Cached verdicts of the stages smtpd_delay_reject moves to RCPT. */
  private connectVerdict: PolicyVerdict | undefined;
  private heloVerdict: PolicyVerdict | undefined;
  private pipelined = false;
  /** For the `disconnect from … ehlo=1 mail=1 … commands=N` log line. */
  readonly stats = new CommandStats();
  /** The last verb executed, for `timeout after DATA` and `too many errors after RCPT`. */
  private lastVerb = 'CONNECT';
  /** The verb of the line being parsed (counted even when the line does not parse). */
  private parsedVerb = 'UNKNOWN';
  /** The client will send nothing more (`end()`). */
  private inputEnded = false;

  constructor(
    options: SmtpdOptions,
    readonly client: ClientEndpoint,
  ) {
    this.options = resolveOptions(options);
    this.splitter = new LineSplitter(this.options.lineLengthLimit);
    this.state = this.options.smtpdTlsWrappermode
      ? { kind: 'handshake', greet: true }
      : { kind: 'command' };
  }

  /** Sends the greeting (after the connect-stage check); with wrappermode, waits for TLS first. */
  start(): void {
    this.guard(() => {
      if (this.state.kind === 'command') this.greet();
    });
  }

  /** Bytes from the client (plaintext, or decrypted by the owner's TLS). */
  receive(bytes: Uint8Array): void {
    this.guard(() => {
      if (this.state.kind === 'closed') return;
      if (this.state.kind === 'handshake') {
        // Plaintext while TLS is being set up is injected (CVE-2011-0411): never executed.
        this.log(
          'warning',
          `discarding ${bytes.length} bytes received before the TLS handshake completed from ${this.who}`,
        );
        return;
      }
      this.splitter.push(bytes);
      this.pump();
    });
  }

  takeOutput(): Uint8Array | undefined {
    if (this.output.length === 0) return undefined;
    const all = this.output;
    this.output = [];
    return all.length === 1 ? all[0] : Buffer.concat(all);
  }

  takeEvents(): SessionEvent[] {
    const e = this.events;
    this.events = [];
    return e;
  }

  /** The session is under TLS. */
  get tlsActive(): boolean {
    return this.tls !== undefined;
  }

  get closed(): boolean {
    return this.state.kind === 'closed';
  }

  /** What the session waits for (for the owner's timeouts and tests). */
  get waitingFor(): State['kind'] {
    return this.state.kind;
  }

  /**
   * The client will send nothing more (it closed, or the connection broke).
   * What it already sent is still answered (a message whose end of data came
   * is still delivered); when the session next needs client input it closes,
   * and a transaction in DATA or BDAT is dropped (nothing delivered).
   */
  end(): void {
    this.guard(() => {
      if (this.state.kind === 'closed' || this.inputEnded) return;
      this.inputEnded = true;
      this.pump();
      this.closeIfStarved();
    });
  }

  /** After the end of input: close once the session waits for the client. */
  private closeIfStarved(): void {
    if (!this.inputEnded) return;
    const was = this.state.kind;
    if (
      was !== 'command' &&
      was !== 'data' &&
      was !== 'bdat' &&
      was !== 'sasl-client' &&
      was !== 'handshake'
    )
      return;
    if (was === 'data' || was === 'bdat')
      this.log(
        'info',
        `lost connection after ${was === 'data' ? 'DATA' : 'BDAT'} (${this.tx?.size ?? 0} bytes) from ${this.who}`,
      );
    if (was === 'sasl-client') this.emit({ type: 'sasl-abort' });
    this.tx = undefined;
    this.state = { kind: 'closed' };
    this.emit({ type: 'close', reason: 'end of input' });
  }

  /** The owner's timer fired (smtpd_timeout): 421 and close. */
  timeout(): void {
    this.guard(() => {
      if (this.state.kind === 'closed') return;
      if (this.state.kind === 'sasl-backend' || this.state.kind === 'sasl-client')
        this.emit({ type: 'sasl-abort' });
      this.log('info', `timeout after ${this.lastVerb} from ${this.who}`);
      this.closeWith(REPLIES.timeout(this.options.myhostname), 'timeout');
    });
  }

  policyVerdict(v: PolicyVerdict): void {
    this.guard(() => {
      if (this.state.kind !== 'policy')
        throw new Error(`policyVerdict while waiting for ${this.state.kind}`);
      const then = this.state.then;
      this.state = { kind: 'command' };
      then(v);
      this.pump();
    });
  }

  saslStep(step: SaslStep): void {
    this.guard(() => {
      if (this.state.kind !== 'sasl-backend')
        throw new Error(`saslStep while waiting for ${this.state.kind}`);
      const mechanism = this.state.mechanism;
      this.onSaslStep(mechanism, step);
      this.pump();
    });
  }

  deliveryVerdict(v: DeliveryVerdict): void {
    this.guard(() => {
      if (this.state.kind !== 'delivery')
        throw new Error(`deliveryVerdict while waiting for ${this.state.kind}`);
      this.state = { kind: 'command' };
      const discarded = this.tx?.discard !== undefined;
      this.tx = undefined;
      // smtpd_soft_error_limit counts errors "without delivering mail": a delivered message clears them.
      if (v.ok) this.errors = 0;
      if (v.ok) this.send(discarded ? REPLIES.discarded : REPLIES.queued(v.queueId));
      else this.send(reply(v.code, v.enhanced, v.text));
      this.pump();
    });
  }

  /** TLS is up (after STARTTLS or, with wrappermode, on connect). */
  tlsEstablished(details: TlsDetails): void {
    this.guard(() => {
      if (this.state.kind !== 'handshake')
        throw new Error(`tlsEstablished while waiting for ${this.state.kind}`);
      const greet = this.state.greet;
      this.tls = details;
      // RFC 3207 §4.2: forget everything learned from the client before TLS.
      this.helo = undefined;
      this.esmtp = false;
      this.saslUser = undefined;
      this.saslMethod = undefined;
      this.tx = undefined;
      this.heloVerdict = undefined;
      this.state = { kind: 'command' };
      if (greet) this.greet();
      this.pump();
    });
  }

  /** The TLS handshake failed: nothing more can be said in plaintext; close. */
  tlsFailed(reason: string): void {
    this.guard(() => {
      if (this.state.kind === 'closed') return;
      this.log('warning', `TLS handshake failed for ${this.who}: ${reason}`);
      this.state = { kind: 'closed' };
      this.emit({ type: 'close', reason: `TLS handshake failed: ${reason}` });
    });
  }

  /** After a `sleep` event. */
  wake(): void {
    this.guard(() => {
      if (this.state.kind !== 'sleep') throw new Error(`wake while waiting for ${this.state.kind}`);
      const { held, next } = this.state;
      this.state = next;
      this.write(held);
      this.afterError();
      this.pump();
    });
  }

  // ---- reading

  private pump(): void {
    this.readInput();
    this.closeIfStarved();
  }

  private readInput(): void {
    for (;;) {
      const s = this.state;
      if (s.kind === 'data' || s.kind === 'bdat') {
        if (!this.feedContent()) return;
        continue;
      }
      if (s.kind !== 'command' && s.kind !== 'sasl-client') return;
      const line = this.splitter.next();
      if (line === undefined) return;
      if (s.kind === 'sasl-client') this.onSaslLine(s.mechanism, line);
      else this.onLine(line);
    }
  }

  private onLine(line: Line | OverlongLine): void {
    this.pipelined = line.followed;
    if (line.kind === 'overlong') {
      this.send(REPLIES.lineTooLong);
      return;
    }
    if (this.refuseBareNewline(line)) return;
    const text = decodeUtf8(line.bytes);
    if (text === undefined) {
      this.send(REPLIES.badUtf8);
      return;
    }
    if (text.trim() === '') {
      this.send(REPLIES.badSyntax);
      return;
    }
    if (this.isJunk(text)) {
      this.log('warning', `non-SMTP command from ${this.who}: ${text.slice(0, 100)}`);
      this.closeWith(REPLIES.junk, 'non-SMTP command');
      return;
    }
    this.parsedVerb = (/^[A-Za-z]+/.exec(text)?.[0] ?? 'UNKNOWN').toUpperCase();
    this.dispatch(parseCommand(text));
  }

  /** smtpd_forbid_bare_newline = reject: a command line ending in bare LF, or holding a bare CR. */
  private refuseBareNewline(line: Line): boolean {
    if (this.options.smtpdForbidBareNewline !== 'reject' || (!line.bareLf && !line.bareCr))
      return false;
    this.log('info', `${line.bareLf ? 'bare <LF>' : 'bare <CR>'} received from ${this.who}`);
    const host = this.options.myhostname;
    this.closeWith(line.bareLf ? REPLIES.bareLf(host) : REPLIES.bareCr(host), 'bare newline');
    return true;
  }

  /** smtpd_forbidden_commands, and Postfix's default `/^[^A-Z]/` (a line not starting with a letter). */
  private isJunk(text: string): boolean {
    if (!/^[A-Za-z]/.test(text)) return true;
    const verb = (/^[A-Za-z]+/.exec(text)?.[0] ?? '').toUpperCase();
    return this.options.smtpdForbiddenCommands.includes(verb) && /^[A-Za-z]+( |:|$)/.test(text);
  }

  private dispatch(c: Command | { verb: 'ERROR'; reply: Reply }): void {
    if (c.verb === 'ERROR') {
      this.stats.begin(this.parsedVerb);
      this.send(c.reply);
      return;
    }
    if (c.verb !== 'UNKNOWN') this.lastVerb = c.verb;
    this.stats.begin(c.verb);
    if (this.accessDenied && c.verb !== 'QUIT') {
      this.send(REPLIES.accessDenied(this.who));
      return;
    }
    if (
      this.options.smtpdTlsSecurityLevel === 'encrypt' &&
      this.tls === undefined &&
      !BEFORE_TLS.has(c.verb)
    ) {
      this.send(REPLIES.mustStartTls);
      return;
    }
    this.command(c);
  }

  private command(c: Command): void {
    switch (c.verb) {
      case 'EHLO':
      case 'HELO':
        return this.onHelo(c.verb, c.domain);
      case 'MAIL':
        return this.onMail(c);
      case 'RCPT':
        return this.onRcpt(c);
      case 'DATA':
        return this.onData();
      case 'BDAT':
        return this.onBdat(c.size, c.last);
      case 'RSET':
        this.tx = undefined;
        return this.send(REPLIES.ok);
      case 'NOOP':
        return this.send(REPLIES.ok);
      case 'QUIT':
        return this.closeWith(REPLIES.bye, 'QUIT');
      case 'VRFY':
        return this.send(
          this.options.disableVrfyCommand ? REPLIES.vrfyDisabled : REPLIES.vrfy(c.argument),
        );
      case 'STARTTLS':
        return this.onStartTls();
      case 'AUTH':
        return this.onAuth(c.mechanism, c.initialResponse);
      case 'HELP':
      case 'UNKNOWN':
        // Postfix has no HELP command: it gets the unknown-command reply.
        return this.send(REPLIES.notRecognized);
    }
  }

  // ---- greeting, HELO/EHLO

  private greet(): void {
    if (this.options.smtpdDelayReject) {
      this.write(reply(220, undefined, this.options.smtpdBanner));
      return;
    }
    this.ask('connect', {}, (v) => {
      this.connectVerdict = v;
      if (v.action === 'reject') {
        // Postfix: the rejection replaces the greeting, then every command but QUIT gets 503.
        this.accessDenied = true;
        this.send(reply(v.code, v.enhanced, v.text));
      } else this.write(reply(220, undefined, this.options.smtpdBanner));
    });
  }

  private onHelo(verb: 'EHLO' | 'HELO', domain: string): void {
    // RFC 5321 §4.1.4: EHLO/HELO in a transaction resets it.
    this.tx = undefined;
    this.heloVerdict = undefined;
    const accept = (): void => {
      this.helo = domain;
      this.esmtp = verb === 'EHLO';
      this.send(
        verb === 'EHLO'
          ? ehloReply(this.ehloOffer())
          : reply(250, undefined, this.options.myhostname),
      );
    };
    if (this.options.smtpdDelayReject) return accept();
    this.ask('helo', { helo: domain }, (v) => {
      this.heloVerdict = v;
      if (v.action === 'reject') this.send(reply(v.code, v.enhanced, v.text));
      else accept();
    });
  }

  private ehloOffer(): Parameters<typeof ehloReply>[0] {
    const o = this.options;
    return {
      myhostname: o.myhostname,
      messageSizeLimit: o.messageSizeLimit,
      vrfy: !o.disableVrfyCommand,
      starttls: this.tlsOffered(),
      auth: this.authOffered() ? this.mechanisms(this.tls !== undefined) : [],
      discard: o.smtpdDiscardEhloKeywords,
    };
  }

  private tlsOffered(): boolean {
    const o = this.options;
    return (
      !o.neverOfferTls &&
      o.tlsAvailable &&
      !o.smtpdTlsWrappermode &&
      o.smtpdTlsSecurityLevel !== 'none' &&
      this.tls === undefined
    );
  }

  private authOffered(): boolean {
    const o = this.options;
    return (
      o.smtpdSaslAuthEnable &&
      o.saslMechanisms !== undefined &&
      (!o.smtpdTlsAuthOnly || this.tls !== undefined)
    );
  }

  private mechanisms(secured: boolean): readonly string[] {
    return this.options.saslMechanisms?.(this.saslContext(secured)) ?? [];
  }

  private saslContext(secured: boolean): SaslContext {
    return { clientAddress: this.client.address, secured, service: this.options.smtpdSaslService };
  }

  // ---- MAIL, RCPT

  private onMail(c: Extract<Command, { verb: 'MAIL' }>): void {
    if (this.options.smtpdHeloRequired && this.helo === undefined)
      return this.send(REPLIES.needHelo);
    if (this.tx !== undefined) return this.send(REPLIES.nestedMail);
    if (c.unicode && c.params.smtputf8 !== true) return this.send(REPLIES.unicodeWithoutSmtputf8);
    const limit = this.options.messageSizeLimit;
    if (limit > 0 && c.params.size !== undefined && c.params.size > limit)
      return this.send(REPLIES.sizeExceeded);
    // RFC 4954 §5: AUTH= from an unauthenticated client is ignored.
    const params =
      this.saslUser === undefined && c.params.auth !== undefined
        ? { ...c.params, auth: undefined }
        : c.params;
    const begin = (): void => {
      this.tx = new Transaction(c.address, params, this.options.messageSizeLimit);
      this.send(REPLIES.mailOk);
    };
    if (this.options.smtpdDelayReject) return begin();
    this.ask('mail', { sender: c.address }, (v) => {
      if (v.action === 'reject') return this.send(reply(v.code, v.enhanced, v.text));
      begin();
      this.tx?.note(v);
    });
  }

  private onRcpt(c: Extract<Command, { verb: 'RCPT' }>): void {
    const tx = this.tx;
    if (tx === undefined) return this.send(REPLIES.needMail);
    tx.rcptAttempts++;
    if (tx.recipients.length >= this.options.smtpdRecipientLimit)
      return this.send(REPLIES.tooManyRecipients);
    if (c.unicode && tx.params.smtputf8 !== true) return this.send(REPLIES.unicodeWithoutSmtputf8);
    const stages: PolicyStage[] = this.options.smtpdDelayReject
      ? ['connect', 'helo', 'mail', 'rcpt']
      : ['rcpt'];
    this.runStages(stages, c.address, (v) => {
      if (v !== undefined) return this.send(reply(v.code, v.enhanced, v.text));
      tx.recipients.push({ address: c.address, params: c.params });
      this.send(REPLIES.rcptOk);
    });
  }

  /** Runs the stages in order; `done` gets the first rejection, or undefined when all permit. */
  private runStages(
    stages: readonly PolicyStage[],
    recipient: string,
    done: (reject: Extract<PolicyVerdict, { action: 'reject' }> | undefined) => void,
  ): void {
    const [stage, ...rest] = stages;
    if (stage === undefined) return done(undefined);
    const next = (v: PolicyVerdict): void => {
      this.remember(stage, v);
      if (v.action === 'reject') return done(v);
      this.tx?.note(v);
      this.runStages(rest, recipient, done);
    };
    const cached = this.cachedVerdict(stage);
    if (cached !== undefined) return next(cached);
    if (stage === 'helo' && this.helo === undefined) return this.runStages(rest, recipient, done);
    this.ask(stage, { recipient: stage === 'rcpt' ? recipient : undefined }, next);
  }

  private cachedVerdict(stage: PolicyStage): PolicyVerdict | undefined {
    if (stage === 'connect') return this.connectVerdict;
    if (stage === 'helo') return this.heloVerdict;
    if (stage === 'mail') return this.tx?.mailVerdict;
    return undefined;
  }

  private remember(stage: PolicyStage, v: PolicyVerdict): void {
    if (stage === 'connect') this.connectVerdict = v;
    else if (stage === 'helo') this.heloVerdict = v;
    else if (stage === 'mail' && this.tx !== undefined) this.tx.mailVerdict = v;
  }

  // ---- DATA, BDAT

  private onData(): void {
    const tx = this.tx;
    if (tx === undefined) return this.send(REPLIES.needMail);
    if (tx.chunked) return this.send(REPLIES.dataAfterBdat);
    if (tx.recipients.length === 0)
      return this.send(tx.rcptAttempts > 0 ? REPLIES.noValidRecipients : REPLIES.needRcpt);
    this.ask('data', {}, (v) => {
      if (v.action === 'reject') return this.send(reply(v.code, v.enhanced, v.text));
      tx.note(v);
      this.write(REPLIES.startData);
      this.state = { kind: 'data', reader: new DataReader(this.options.smtpdForbidBareNewline) };
    });
  }

  private onBdat(size: number, last: boolean): void {
    const tx = this.tx;
    // RFC 3030 §2: the chunk is read even when the command fails, so the stream stays in step.
    const keep = tx !== undefined && tx.recipients.length > 0;
    if (tx !== undefined) tx.chunked = true;
    this.state = { kind: 'bdat', reader: new ChunkReader(size), size, last, keep };
    if (size === 0) this.feedContent();
  }

  /** Feeds buffered bytes to the DATA or BDAT reader; false when more input is needed. */
  private feedContent(): boolean {
    const s = this.state;
    if (s.kind !== 'data' && s.kind !== 'bdat') return false;
    if (s.kind === 'bdat' && s.reader.left === 0) return (this.endChunk(s), true);
    const chunks = this.splitter.takeRest();
    for (let i = 0; i < chunks.length; i++) {
      const chunk = chunks[i] as Uint8Array;
      const p =
        s.kind === 'data'
          ? s.reader.push(chunk)
          : { ...s.reader.push(chunk), bareNewline: undefined };
      if (s.kind === 'data' || s.keep) this.tx?.add(p.content);
      if (p.bareNewline !== undefined && this.options.smtpdForbidBareNewline === 'reject') {
        return (this.refuseBareInData(p.bareNewline), false);
      }
      if (!p.done) continue;
      for (let k = chunks.length - 1; k > i; k--) this.splitter.unshift(chunks[k] as Uint8Array);
      this.splitter.unshift(p.rest);
      if (s.kind === 'data') this.endData();
      else this.endChunk(s);
      return true;
    }
    return false;
  }

  private refuseBareInData(kind: 'lf' | 'cr'): void {
    this.log('info', `bare <${kind === 'lf' ? 'LF' : 'CR'}> received in DATA from ${this.who}`);
    this.tx = undefined;
    const host = this.options.myhostname;
    this.closeWith(
      kind === 'lf' ? REPLIES.bareLf(host) : REPLIES.bareCr(host),
      'bare newline in DATA',
    );
  }

  private endData(): void {
    this.state = { kind: 'command' };
    this.finishMessage();
  }

  private endChunk(s: Extract<State, { kind: 'bdat' }>): void {
    this.state = { kind: 'command' };
    const tx = this.tx;
    if (!s.keep || tx === undefined) {
      if (s.last) this.tx = undefined;
      return this.send(tx === undefined ? REPLIES.needMail : REPLIES.needRcpt);
    }
    if (this.oversize(tx)) {
      this.tx = undefined;
      return this.send(REPLIES.sizeExceeded);
    }
    if (!s.last) return this.send(REPLIES.bdatOk(s.size));
    this.finishMessage();
  }

  private oversize(tx: Transaction): boolean {
    const limit = this.options.messageSizeLimit;
    return limit > 0 && tx.size > limit;
  }

  private finishMessage(): void {
    const tx = this.tx;
    if (tx === undefined) return;
    if (this.oversize(tx)) {
      this.tx = undefined;
      return this.send(REPLIES.sizeExceeded);
    }
    this.ask('end-of-data', {}, (v) => {
      if (v.action === 'reject') {
        this.tx = undefined;
        return this.send(reply(v.code, v.enhanced, v.text));
      }
      tx.note(v);
      this.state = { kind: 'delivery' };
      this.emit({ type: 'message', message: tx.message(this.messageFacts()) });
    });
  }

  private messageFacts(): Parameters<Transaction['message']>[0] {
    return {
      client: { ...this.client },
      helo: this.helo,
      protocol: this.protocol(),
      tls: this.tls,
      saslUser: this.saslUser,
      saslMethod: this.saslMethod,
      receivedAt: this.options.now(),
    };
  }

  /** RFC 3848: ESMTP, then S for TLS and A for SASL; HELO clients are SMTP. */
  private protocol(): string {
    if (!this.esmtp) return 'SMTP';
    return `ESMTP${this.tls !== undefined ? 'S' : ''}${this.saslUser !== undefined ? 'A' : ''}`;
  }

  // ---- STARTTLS (RFC 3207)

  private onStartTls(): void {
    if (this.tls !== undefined) return this.send(REPLIES.tlsActive);
    if (!this.tlsOffered()) return this.send(REPLIES.tlsUnavailable);
    const problem = this.options.tlsLocalProblem();
    if (problem !== undefined) {
      this.log('warning', `${problem}: TLS not available to ${this.who}`);
      return this.send(REPLIES.tlsLocalProblem);
    }
    this.write(REPLIES.readyTls);
    // CVE-2011-0411: what the client pipelined after STARTTLS is never executed inside TLS.
    const injected = this.splitter.takeRest();
    if (injected.length > 0)
      this.log(
        'warning',
        `discarding ${injected.reduce((n, c) => n + c.length, 0)} bytes pipelined after STARTTLS from ${this.who}`,
      );
    this.state = { kind: 'handshake', greet: false };
    this.emit({ type: 'starttls' });
  }

  // ---- AUTH (RFC 4954)

  private onAuth(mechanism: string, initial: string | undefined): void {
    if (!this.authOffered()) return this.send(REPLIES.authNotEnabled);
    if (!this.esmtp) return this.send(REPLIES.needHelo);
    if (this.saslUser !== undefined) return this.send(REPLIES.authAlready);
    if (this.tx !== undefined) return this.send(REPLIES.authInTransaction);
    const secured = this.tls !== undefined;
    if (!this.mechanisms(secured).includes(mechanism)) {
      const underTls = !secured && this.mechanisms(true).includes(mechanism);
      return this.send(underTls ? REPLIES.authEncryptionRequired : REPLIES.authMechanism);
    }
    let response: Uint8Array | undefined;
    if (initial !== undefined) {
      // RFC 4954 §4: `=` is an empty initial response.
      response = initial === '=' ? new Uint8Array(0) : decodeBase64(initial);
      if (response === undefined) return this.send(REPLIES.authBadBase64);
    }
    this.state = { kind: 'sasl-backend', mechanism };
    this.emit({ type: 'sasl-start', mechanism, initialResponse: response });
  }

  private onSaslLine(mechanism: string, line: Line | OverlongLine): void {
    this.state = { kind: 'command' };
    if (line.kind === 'overlong') {
      this.emit({ type: 'sasl-abort' });
      return this.send(REPLIES.lineTooLong);
    }
    const text = Buffer.from(line.bytes).toString('latin1').trim();
    if (text === '*') {
      this.emit({ type: 'sasl-abort' });
      return this.send(REPLIES.authAborted);
    }
    const response = decodeBase64(text);
    if (response === undefined) {
      this.emit({ type: 'sasl-abort' });
      return this.send(REPLIES.authBadBase64);
    }
    this.state = { kind: 'sasl-backend', mechanism };
    this.emit({ type: 'sasl-response', response });
  }

  private onSaslStep(mechanism: string, step: SaslStep): void {
    if (step.kind === 'challenge') {
      this.state = { kind: 'sasl-client', mechanism };
      return this.write(REPLIES.challenge(Buffer.from(step.challenge).toString('base64')));
    }
    this.state = { kind: 'command' };
    if (step.kind === 'success') {
      this.saslUser = step.user;
      this.saslMethod = mechanism;
      this.log('info', `${this.who}: sasl_method=${mechanism}, sasl_username=${step.user}`);
      return this.send(REPLIES.authOk);
    }
    this.log('warning', `${this.who}: SASL ${mechanism} authentication failed: ${step.reason}`);
    this.send(
      step.temporary ? REPLIES.authTemporary(step.reason) : REPLIES.authFailed(step.reason),
    );
  }

  // ---- policy

  private ask(stage: PolicyStage, extra: FactsExtra, then: (v: PolicyVerdict) => void): void {
    this.state = { kind: 'policy', then };
    this.emit({ type: 'policy', facts: this.facts(stage, extra) });
  }

  private facts(stage: PolicyStage, extra: FactsExtra): SessionFacts {
    const tls = this.tls;
    const helo = extra.helo ?? this.helo;
    const sender = extra.sender ?? this.tx?.sender;
    return {
      stage,
      clientAddress: this.client.address,
      clientPort: this.client.port,
      clientName: this.client.name,
      recipients: this.tx?.recipients.map((r) => r.address) ?? [],
      pipelined: this.pipelined,
      ...(helo !== undefined ? { helo } : {}),
      ...(sender !== undefined ? { sender } : {}),
      ...(extra.recipient !== undefined ? { recipient: extra.recipient } : {}),
      ...(tls !== undefined
        ? {
            tls: {
              protocol: tls.protocol,
              cipher: tls.cipher,
              peerCertificates: tls.peerCertificates,
              peerVerified: tls.peerVerified,
            },
          }
        : {}),
      ...(this.saslUser !== undefined
        ? {
            saslUser: this.saslUser,
            ...(this.saslMethod !== undefined ? { saslMethod: this.saslMethod } : {}),
          }
        : {}),
    };
  }

  // ---- writing

  /** A reply that counts toward the error limits when it is 4xx/5xx (smtpd_soft/hard_error_limit). */
  private send(r: Reply): void {
    if (!isErrorReply(r)) return this.write(r);
    this.errors++;
    const o = this.options;
    if (this.errors > o.smtpdSoftErrorLimit && o.smtpdErrorSleepTime > 0) {
      this.state = { kind: 'sleep', held: r, next: this.state };
      this.emit({ type: 'sleep', ms: o.smtpdErrorSleepTime });
      return;
    }
    this.write(r);
    this.afterError();
  }

  /** Postfix checks the hard limit before reading the next command. */
  private afterError(): void {
    if (this.errors < this.options.smtpdHardErrorLimit || this.state.kind === 'closed') return;
    this.log('warning', `too many errors after ${this.lastVerb} from ${this.who}`);
    this.closeWith(REPLIES.tooManyErrors(this.options.myhostname), 'too many errors');
  }

  private write(r: Reply): void {
    this.stats.reply(r.code);
    this.writer.write(r);
    this.output.push(this.writer.finish());
  }

  private closeWith(r: Reply, reason: string): void {
    this.write(r);
    this.tx = undefined;
    this.state = { kind: 'closed' };
    this.emit({ type: 'close', reason });
  }

  private emit(e: SessionEvent): void {
    this.events.push(e);
  }

  private log(level: 'info' | 'warning' | 'error', text: string): void {
    this.emit({ type: 'log', level, text });
  }

  /** NAME[ADDR], as Postfix writes a client. */
  get who(): string {
    return `${this.client.name}[${this.client.address}]`;
  }

  /** Any throw becomes one 451 reply, one log line, and the end of the session (never an exception out). */
  private guard(step: () => void): void {
    try {
      step();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log('error', `internal error in the session with ${this.who}: ${message}`);
      if (this.state.kind === 'closed') return;
      try {
        this.closeWith(REPLIES.internal(this.options.myhostname), 'internal error');
      } catch (inner) {
        this.state = { kind: 'closed' };
        this.events.push({ type: 'close', reason: `internal error: ${String(inner)}` });
      }
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch (err) {
    if (err instanceof TypeError) return undefined;
    throw err;
  }
}

/** Strict base64 (RFC 4648 §4), as RFC 4954 §4 requires of responses. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, 'base64'));
}
