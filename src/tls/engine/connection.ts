import type { Random } from '../../prng/random.js';
import { TlsConnectionError } from '../error/connection-error.js';
import { concatBytes } from '@noble/hashes/utils.js';
import type { Certificate } from '../../x509/certificate.js';
import type { VerifyResult } from '../../x509/verify.js';
import type { AlertDescriptionName } from '../registry/alert.js';
import { AlertDescription, AlertLevel, alertDescriptionName } from '../registry/alert.js';
import { decodeAlert } from '../codec/alert.js';
import { TlsAlert } from '../error/tls-alert.js';
import { ContentType } from '../registry/constants.js';
import { nameOf } from '../registry/names.js';
import type { DecodeOptions, HandshakeMessage } from '../codec/handshake.js';
import { decodeHandshake, encodeHandshake } from '../codec/handshake.js';
import { HandshakeAssembler } from '../record/handshake-assembler.js';
import type { HandshakeFrame } from '../record/handshake-assembler.js';
import type { TlsRecord } from '../record/splitter.js';
import type { ClientHelloAnswer, ClientHelloQuestion } from './client-hello-question.js';
import { isTlsRecordVersion } from '../codec/record-header.js';
import { RecordSplitter } from '../record/splitter.js';
import { MAX_PLAINTEXT_LENGTH } from '../registry/record-limits.js';
import type { RecordReader, RecordWriter } from '../record/protection.js';
import type { CipherSuiteInfo, Tls13Suite } from '../registry/suites.js';
import type { MessageTrace } from '../policy/config.js';
import {
  RecordProtectionError,
  Tls13RecordOpener,
  Tls13RecordSealer,
} from '../record/tls13-protection.js';
import type { SessionState } from '../session/state.js';

/** BoringSSL's kMaxEmptyRecords: consecutive empty records taken before unexpected_message. */
const MAX_EMPTY_RECORDS = 32;
/** BoringSSL's kMaxWarningAlerts: consecutive TLS 1.2 warning alerts (and user_canceled) taken before unexpected_message. */
const MAX_WARNING_ALERTS = 4;

/** What a finished handshake agreed on (node:tls's getProtocol/getCipher/getPeerCertificate, in one place). */
export interface SessionInfo {
  protocol: 'TLSv1.3' | 'TLSv1.2';
  cipher: CipherSuiteInfo;
  /** The key-exchange group (NamedGroup code point). */
  group?: number;
  /** TLS 1.2 DHE: the size of the group's prime in bits (also for groups with no NamedGroup code). */
  dhBits?: number;
  /** The signature scheme the peer signed its CertificateVerify / ServerKeyExchange with. */
  peerSignatureScheme?: number;
  /** Server side, full handshakes: the scheme we signed with (absent for TLS 1.2 RSA key exchange). */
  localSignatureScheme?: number;
  /** Server side, full handshakes: the leaf certificate we presented (Postfix logs its key, `server-signature RSA-PSS (2048 bits)`). */
  localCertificate?: Certificate;
  serverName?: string;
  alpnProtocol?: string;
  /** The peer's chain as sent, leaf first; empty when it sent none. */
  peerCertificates: Certificate[];
  /** The verification result of the peer's chain; absent when it sent none. */
  verification?: VerifyResult;
  resumed: boolean;
  /** HelloRetryRequest was part of this handshake. */
  helloRetry: boolean;
  /** TLS 1.2: the master secret is RFC 7627's extended one. */
  extendedMasterSecret?: boolean;
  /** TLS 1.2 CBC suites: records are encrypt-then-MAC (RFC 7366). */
  encryptThenMac?: boolean;
}

export type TlsEvent =
  | { type: 'handshake'; info: SessionInfo }
  | { type: 'data'; data: Uint8Array }
  /** The peer sent close_notify: it will send nothing more. */
  | { type: 'close' }
  /**
   * A session became resumable. Client: `state` is what to pass as
   * `session` next time. Server (TLS 1.2 session IDs): store `state` under
   * `id` in the session cache.
   */
  | { type: 'session'; state: SessionState; id?: Uint8Array }
  /**
   * A server configured with `askCaller` has read the ClientHello and waits:
   * answer with `answerClientHello` (or `rejectClientHello`). Records that
   * arrive meanwhile are held, in order.
   */
  | { type: 'client_hello'; question: ClientHelloQuestion }
  | { type: 'error'; error: TlsConnectionError };

/** What a handshake state may do to the connection. */
export interface HandshakeIO {
  readonly random: Random;
  now(): Date;
  /** Queues a handshake message under the current write keys; returns its bytes for the transcript. */
  send(message: HandshakeMessage): Uint8Array;
  /** RFC 8446 §D.4: the middlebox-compatibility change_cipher_spec. */
  sendChangeCipherSpec(): void;
  /** TLS 1.3: read with the keys of this traffic secret. */
  setReadKeys(suite: Tls13Suite, secret: Uint8Array): void;
  /** TLS 1.3: write with the keys of this traffic secret. */
  setWriteKeys(suite: Tls13Suite, secret: Uint8Array): void;
  /** Any version: read with this protection from the next record on. */
  setReader(reader: RecordReader): void;
  /** Any version: write with this protection from the next record on (what is queued is sent first). */
  setWriter(writer: RecordWriter): void;
  /**
   * RFC 8449, once both sides have sent record_size_limit: `sendContent`
   * caps the content of each protected record we send (from the peer's
   * limit), `receive` is our own advertised limit, enforced on every record
   * read from now on.
   */
  setRecordSizeLimits(limits: { sendContent: number; receive: number }): void;
  complete(info: SessionInfo): void;
  /** Reports a resumable session (the `session` event). */
  emitSession(state: SessionState, id?: Uint8Array): void;
  /** A warning alert that does not end the connection (TLS 1.2's no_renegotiation, RFC 5746 §4.2). */
  sendWarningAlert(description: AlertDescriptionName): void;
}

/**
 * A handshake state: it accepts only the messages valid in it (anything
 * else is unexpected_message) and returns the next state.
 */
export interface HandshakeState {
  readonly name: string;
  readonly decodeAs: DecodeOptions;
  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState;
  /**
   * TLS 1.2's ChangeCipherSpec, a protocol message there (RFC 5246 §7.1).
   * States without it follow TLS 1.3's rule: a compatibility CCS is dropped.
   */
  handleChangeCipherSpec?(io: HandshakeIO): HandshakeState;
}

/** A state that waits for the caller, not for the peer (a server's ClientHello question). */
export interface PausedState extends HandshakeState {
  readonly question: ClientHelloQuestion;
  answer(io: HandshakeIO, answer: ClientHelloAnswer): HandshakeState;
}

function isPaused(s: HandshakeState): s is PausedState {
  return 'question' in s;
}

/** A state that also serves the connection after the handshake (KeyUpdate, tickets). */
export interface TrafficState extends HandshakeState {
  updateKeys(io: HandshakeIO, requestPeer: boolean): void;
}

function isTrafficState(s: HandshakeState): s is TrafficState {
  return 'updateKeys' in s;
}

/**
 * A TLS connection as a state machine: network bytes in (`receive`),
 * network bytes out (`takeOutput`), application data and events out
 * (`takeEvents`). No sockets, timers or files (DESIGN.md: sans-IO).
 * `receive` never throws: failures become an alert sent and an `error` event.
 */
export class TlsConnection implements HandshakeIO {
  private state: HandshakeState;
  /** RFC 8446 §5.1 / RFC 5246 §6.2.1: 2^14 in the clear; once protected, the reader's own bound (2^14 + 256 or + 2048). */
  private readonly splitter = new RecordSplitter(
    () => this.reader?.maxFragmentLength ?? MAX_PLAINTEXT_LENGTH,
  );
  private readonly assembler = new HandshakeAssembler();
  private reader: RecordReader | undefined;
  private writer: RecordWriter | undefined;
  /** RFC 8449: the content bytes of one protected record we send (unprotected records are not limited, §4). */
  private sendContentLimit = MAX_PLAINTEXT_LENGTH;
  private receiveLimit: number | undefined;
  /** While paused: the handshake messages and records that came after the question, in order. */
  private heldFrames: HandshakeFrame[] = [];
  private heldRecords: TlsRecord[] = [];
  private pendingHandshake: Uint8Array[] = [];
  private pendingHandshakeLength = 0;
  private output: Uint8Array[] = [];
  private events: TlsEvent[] = [];
  private info: SessionInfo | undefined;
  private failed: TlsConnectionError | undefined;
  private peerClosed = false;
  private emptyRecords = 0;
  private warningAlerts = 0;
  private writeClosed = false;
  /** RFC 8446 §5: a compatibility CCS is only dropped before the peer's Finished. */
  private ccsAllowed = true;
  /** A handshake message has been sent or received (the first ClientHello opens the CCS window). */
  private handshakeSeen = false;
  private firstRecordVersion: number;
  readonly random: Random;
  private readonly clock: () => Date;
  private readonly trace: MessageTrace | undefined;
  private readonly customizeSent: ((message: HandshakeMessage) => HandshakeMessage) | undefined;

  constructor(
    readonly role: 'client' | 'server',
    initial: HandshakeState,
    options: {
      random: Random;
      now?: () => Date;
      onMessage?: MessageTrace;
      customizeSent?: (message: HandshakeMessage) => HandshakeMessage;
    },
  ) {
    this.state = initial;
    this.random = options.random;
    this.clock = options.now ?? (() => new Date());
    this.trace = options.onMessage;
    this.customizeSent = options.customizeSent;
    // RFC 8446 §5.1: the first ClientHello may carry legacy_record_version 0x0301 for old middleboxes.
    this.firstRecordVersion = role === 'client' ? 0x0301 : 0x0303;
  }

  /** Runs the first step of a state that acts before any input (the client's ClientHello). */
  begin(start: (io: HandshakeIO) => HandshakeState): void {
    this.guard(() => {
      this.state = start(this);
      this.flushHandshake();
    });
  }

  get handshakeComplete(): boolean {
    return this.info !== undefined;
  }

  get session(): SessionInfo | undefined {
    return this.info;
  }

  get error(): TlsConnectionError | undefined {
    return this.failed;
  }

  get closedByPeer(): boolean {
    return this.peerClosed;
  }

  get stateName(): string {
    return this.state.name;
  }

  now(): Date {
    return this.clock();
  }

  /** Feeds bytes from the network. */
  receive(data: Uint8Array): void {
    if (this.failed !== undefined || this.peerClosed) return;
    this.guard(() => {
      try {
        this.splitter.feed(data, (record) => {
          // RFC 8446 §6.1: what follows a close_notify (or a fatal alert) is ignored.
          if (this.failed !== undefined || this.peerClosed) return;
          if (this.paused) {
            this.heldRecords.push({
              type: record.type,
              version: record.version,
              fragment: Uint8Array.from(record.fragment),
            });
            return;
          }
          this.handleRecord(record.type, record.version, record.fragment);
        });
      } catch (err) {
        // A bad header after the peer's close_notify is part of what is ignored.
        if (this.peerClosed && err instanceof TlsAlert) return;
        throw err;
      }
      this.flushHandshake();
    });
  }

  private get paused(): boolean {
    return isPaused(this.state);
  }

  /** Answers a `client_hello` event: the handshake goes on with these certificates and session, then with what was held. */
  answerClientHello(answer: ClientHelloAnswer): void {
    const state = this.state;
    if (this.failed !== undefined) return;
    if (!isPaused(state)) throw new Error('TLS: answerClientHello without a client_hello question');
    this.guard(() => {
      this.state = state.answer(this, answer);
      this.replayHeld();
      this.flushHandshake();
    });
  }

  /** Ends a paused handshake: the caller could not answer (its lookup failed); internal_error goes to the peer. */
  rejectClientHello(reason: string): void {
    if (this.failed !== undefined) return;
    if (!isPaused(this.state))
      throw new Error('TLS: rejectClientHello without a client_hello question');
    this.guard(() => {
      throw new TlsAlert(
        'internal_error',
        `the server could not answer the ClientHello: ${reason}`,
      );
    });
  }

  private replayHeld(): void {
    const frames = this.heldFrames.splice(0);
    for (let i = 0; i < frames.length; i++) {
      this.handleFrame(frames[i] as HandshakeFrame, i < frames.length - 1, frames.slice(i + 1));
      if (this.paused) return;
    }
    const records = this.heldRecords.splice(0);
    for (let i = 0; i < records.length; i++) {
      if (this.failed !== undefined || this.peerClosed) return;
      if (this.paused) {
        this.heldRecords.push(...records.slice(i));
        return;
      }
      const r = records[i] as TlsRecord;
      this.handleRecord(r.type, r.version, r.fragment);
    }
  }

  /** Queues application data; it is sent in records of at most 2^14 bytes, or the peer's RFC 8449 limit. */
  write(data: Uint8Array): void {
    if (this.failed !== undefined) throw this.failed;
    if (this.info === undefined) throw new Error('TLS: write before the handshake is complete');
    if (this.writeClosed) throw new Error('TLS: write after close');
    const chunk = this.recordContentLimit();
    for (let off = 0; off < data.length || (off === 0 && data.length === 0); off += chunk) {
      this.sealRecord(
        ContentType.application_data,
        data.subarray(off, Math.min(data.length, off + chunk)),
      );
      if (data.length === 0) break;
    }
  }

  /** Sends close_notify (RFC 8446 §6.1); the peer may still send until it closes too. */
  close(): void {
    if (this.failed !== undefined || this.writeClosed) return;
    this.guard(() => {
      this.flushHandshake();
      this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
      this.writeClosed = true;
    });
  }

  /** RFC 8446 §4.6.3: update our sending keys, and ask the peer to update too when `requestPeer`. */
  updateKeys(requestPeer: boolean): void {
    if (this.failed !== undefined) throw this.failed;
    const state = this.state;
    if (this.info?.protocol === 'TLSv1.2')
      throw new Error('TLS: KeyUpdate does not exist in TLS 1.2 (RFC 8446 §4.6.3 only)');
    if (this.info === undefined || !isTrafficState(state))
      throw new Error('TLS: KeyUpdate before the handshake is complete');
    this.guard(() => {
      state.updateKeys(this, requestPeer);
      this.flushHandshake();
    });
  }

  /** Bytes to send to the peer, or undefined when there are none. */
  takeOutput(): Uint8Array | undefined {
    if (this.output.length === 0) return undefined;
    const out =
      this.output.length === 1 ? (this.output[0] as Uint8Array) : concatBytes(...this.output);
    this.output = [];
    return out;
  }

  takeEvents(): TlsEvent[] {
    const e = this.events;
    this.events = [];
    return e;
  }

  // ---- HandshakeIO

  send(original: HandshakeMessage): Uint8Array {
    const message = this.customizeSent?.(original) ?? original;
    const raw = Uint8Array.from(encodeHandshake(message));
    this.handshakeSeen = true;
    this.trace?.('sent', message, raw);
    this.pendingHandshake.push(raw);
    this.pendingHandshakeLength += raw.length;
    return raw;
  }

  sendChangeCipherSpec(): void {
    this.flushHandshake();
    this.output.push(Uint8Array.of(ContentType.change_cipher_spec, 0x03, 0x03, 0x00, 0x01, 0x01));
  }

  setReadKeys(suite: Tls13Suite, secret: Uint8Array): void {
    this.setReader(new Tls13RecordOpener(suite, secret));
  }

  setWriteKeys(suite: Tls13Suite, secret: Uint8Array): void {
    this.setWriter(new Tls13RecordSealer(suite, secret));
  }

  setReader(reader: RecordReader): void {
    // RFC 8446 §5.1 (and RFC 5246 §7.1 for CCS): handshake messages MUST NOT span a key change.
    if (!this.assembler.isEmpty)
      throw new TlsAlert('unexpected_message', 'handshake message spans a key change');
    if (this.receiveLimit !== undefined) reader.plaintextLimit = this.receiveLimit;
    this.reader = reader;
  }

  setRecordSizeLimits(limits: { sendContent: number; receive: number }): void {
    this.sendContentLimit = limits.sendContent;
    this.receiveLimit = limits.receive;
    if (this.reader !== undefined) this.reader.plaintextLimit = limits.receive;
  }

  setWriter(writer: RecordWriter): void {
    this.flushHandshake();
    this.writer = writer;
  }

  sendWarningAlert(description: AlertDescriptionName): void {
    this.flushHandshake();
    this.sendAlert(AlertLevel.warning, AlertDescription[description]);
  }

  complete(info: SessionInfo): void {
    this.info = info;
    this.ccsAllowed = false;
    this.events.push({ type: 'handshake', info });
  }

  emitSession(state: SessionState, id?: Uint8Array): void {
    this.events.push(
      id === undefined ? { type: 'session', state } : { type: 'session', state, id },
    );
  }

  // ---- records in

  private handleRecord(type: number, version: number, fragment: Uint8Array): void {
    if (!isTlsRecordVersion(version))
      throw new TlsAlert('protocol_version', `record version 0x${version.toString(16)}`);
    // RFC 8446 §5.1: no other record may come between the fragments of a handshake message.
    if (
      type !== ContentType.handshake &&
      type !== ContentType.application_data &&
      !this.assembler.isEmpty
    ) {
      throw new TlsAlert(
        'unexpected_message',
        `${nameOf(ContentType, type, 2)} record inside a handshake message`,
      );
    }
    if (
      type === ContentType.change_cipher_spec &&
      (this.reader === undefined || this.state.handleChangeCipherSpec === undefined)
    ) {
      this.changeCipherSpec(fragment);
      return;
    }
    let contentType = type;
    let content = fragment;
    if (this.reader !== undefined) {
      try {
        ({ contentType, content } = this.reader.open(type, version, fragment));
      } catch (err) {
        if (err instanceof RecordProtectionError) throw new TlsAlert(err.alert, err.message);
        throw err;
      }
    }
    this.countRepeats(contentType, content);
    if (contentType !== ContentType.handshake && !this.assembler.isEmpty) {
      throw new TlsAlert(
        'unexpected_message',
        `${nameOf(ContentType, contentType, 2)} record inside a handshake message`,
      );
    }
    switch (contentType) {
      case ContentType.handshake: {
        if (content.length === 0)
          throw new TlsAlert('unexpected_message', 'zero-length handshake record');
        this.handshakeSeen = true;
        const frames = this.assembler.push(content);
        for (let i = 0; i < frames.length; i++) {
          this.handleFrame(frames[i] as HandshakeFrame, i < frames.length - 1, frames.slice(i + 1));
          if (this.paused) return;
        }
        return;
      }
      case ContentType.alert:
        // RFC 8446 §5.4 (an inner plaintext with no content), RFC 5246 §6.2.1 (no zero-length alert fragments): not a malformed alert.
        if (content.length === 0)
          throw new TlsAlert('unexpected_message', 'zero-length alert record');
        this.handleAlert(content);
        return;
      case ContentType.change_cipher_spec:
        // RFC 8446 §5: a protected change_cipher_spec is unexpected_message; TLS 1.2 states take it.
        if (this.state.handleChangeCipherSpec === undefined)
          throw new TlsAlert('unexpected_message', 'protected change_cipher_spec');
        this.changeCipherSpec(content);
        return;
      case ContentType.application_data:
        if (this.info === undefined)
          throw new TlsAlert(
            'unexpected_message',
            'application data before the handshake completed',
          );
        if (content.length > 0) this.events.push({ type: 'data', data: Uint8Array.from(content) });
        return;
      default:
        throw new TlsAlert('unexpected_message', `record of content type ${contentType}`);
    }
  }

  /** One handshake message; `more` says others follow in the same record (`rest`, held when the state pauses). */
  private handleFrame(frame: HandshakeFrame, more: boolean, rest: readonly HandshakeFrame[]): void {
    const reader = this.reader;
    const message = decodeHandshake(frame.type, frame.body, this.state.decodeAs);
    this.trace?.('received', message, frame.raw);
    // RFC 5246 §7.4.1.1: a client ignores HelloRequest while it is negotiating (it is not part of the handshake hash).
    if (message.kind === 'hello_request' && this.role === 'client' && this.info === undefined)
      return;
    this.state = this.state.handle(this, message, frame.raw);
    // RFC 8446 §5.1: the message before a key change must end its record (setReadKeys checks partial ones).
    if (this.reader !== reader && more)
      throw new TlsAlert(
        'unexpected_message',
        `handshake message after ${message.kind} in the same record spans a key change`,
      );
    if (isPaused(this.state)) {
      this.heldFrames.push(
        ...rest.map((f) => ({
          type: f.type,
          body: Uint8Array.from(f.body),
          raw: Uint8Array.from(f.raw),
        })),
      );
      this.events.push({ type: 'client_hello', question: this.state.question });
    }
  }

  private changeCipherSpec(fragment: Uint8Array): void {
    const state = this.state;
    if (state.handleChangeCipherSpec !== undefined) {
      this.changeCipherSpec12(state.handleChangeCipherSpec.bind(state), fragment);
      return;
    }
    if (fragment.length !== 1 || fragment[0] !== 0x01)
      throw new TlsAlert('unexpected_message', 'malformed change_cipher_spec');
    // RFC 8446 §5: a single 0x01 byte between the first ClientHello and the peer's Finished is dropped; anything else is unexpected.
    if (!this.ccsAllowed || !this.handshakeSeen)
      throw new TlsAlert('unexpected_message', 'change_cipher_spec outside the handshake');
  }

  /**
   * TLS 1.2's ChangeCipherSpec record. RFC 5246 §6.2.1 lets messages of one
   * type share a record, so `01 01` is two CCS messages: the first switches
   * the read keys and the second is unexpected_message (no state takes a
   * CCS right after one); a byte other than 1, or no byte, is decode_error.
   */
  private changeCipherSpec12(
    handle: (io: HandshakeIO) => HandshakeState,
    fragment: Uint8Array,
  ): void {
    if (fragment.length === 0 || fragment.some((b) => b !== 0x01))
      throw new TlsAlert('decode_error', 'malformed change_cipher_spec');
    // RFC 5246 §7.1: CCS switches the read keys, so no handshake message may be left half-read.
    if (!this.assembler.isEmpty)
      throw new TlsAlert('unexpected_message', 'change_cipher_spec inside a handshake message');
    this.state = handle(this);
    if (fragment.length > 1)
      throw new TlsAlert('unexpected_message', 'a second change_cipher_spec in the same record');
  }

  /**
   * Records that make no progress are bounded, as BoringSSL bounds them
   * (tls_record.cc): a peer could otherwise keep us busy forever at the cost
   * of a few bytes a record. MAX_EMPTY_RECORDS consecutive empty records and
   * MAX_WARNING_ALERTS consecutive warning alerts; any other record starts
   * the count again.
   */
  private countRepeats(contentType: number, content: Uint8Array): void {
    this.emptyRecords = content.length === 0 ? this.emptyRecords + 1 : 0;
    if (this.emptyRecords > MAX_EMPTY_RECORDS)
      throw new TlsAlert(
        'unexpected_message',
        `more than ${MAX_EMPTY_RECORDS} empty records in a row`,
      );
    const warning = contentType === ContentType.alert && content[0] === AlertLevel.warning;
    this.warningAlerts = warning ? this.warningAlerts + 1 : 0;
    if (this.warningAlerts > MAX_WARNING_ALERTS)
      throw new TlsAlert(
        'unexpected_message',
        `more than ${MAX_WARNING_ALERTS} warning alerts in a row`,
      );
  }

  private handleAlert(content: Uint8Array): void {
    const alert = decodeAlert(content);
    if (alert.description === AlertDescription.close_notify) {
      this.peerClosed = true;
      this.events.push({ type: 'close' });
      return;
    }
    // RFC 8446 §6: user_canceled is followed by close_notify; every other alert is an error whatever its level.
    if (alert.description === AlertDescription.user_canceled) return;
    // RFC 5246 §7.2.2: in TLS 1.2 the receiver of a warning may go on; only no_renegotiation answers something we asked (our HelloRequest), so it ends the attempt.
    if (
      alert.level === AlertLevel.warning &&
      this.state.decodeAs.version === 'tls1.2' &&
      alert.description !== AlertDescription.no_renegotiation
    )
      return;
    const name = alertDescriptionName(alert.description) as TlsConnectionError['alert'];
    this.fail(
      new TlsConnectionError(
        name,
        'remote',
        `peer sent ${alert.level === AlertLevel.fatal ? 'fatal' : 'warning'} alert ${name}`,
        undefined,
        'peer_alert',
      ),
      false,
    );
  }

  // ---- records out

  private flushHandshake(): void {
    if (this.pendingHandshakeLength === 0) return;
    const all =
      this.pendingHandshake.length === 1
        ? (this.pendingHandshake[0] as Uint8Array)
        : concatBytes(...this.pendingHandshake);
    this.pendingHandshake = [];
    this.pendingHandshakeLength = 0;
    const chunk = this.recordContentLimit();
    for (let off = 0; off < all.length; off += chunk) {
      this.sealRecord(ContentType.handshake, all.subarray(off, Math.min(all.length, off + chunk)));
    }
  }

  private recordContentLimit(): number {
    return this.writer === undefined ? MAX_PLAINTEXT_LENGTH : this.sendContentLimit;
  }

  private sealRecord(type: number, content: Uint8Array): void {
    if (this.writer !== undefined) {
      this.output.push(this.writer.seal(type, content));
      return;
    }
    const record = new Uint8Array(5 + content.length);
    record.set(recordHeader(type, this.firstRecordVersion, content.length));
    record.set(content, 5);
    this.firstRecordVersion = 0x0303;
    this.output.push(record);
  }

  private sendAlert(level: number, description: number): void {
    this.sealRecord(ContentType.alert, Uint8Array.of(level, description));
  }

  // ---- failure

  private guard(step: () => void): void {
    try {
      step();
    } catch (err) {
      if (err instanceof TlsAlert) {
        this.fail(
          new TlsConnectionError(err.description, 'local', err.message, err, err.kind, err.reason),
          true,
        );
      } else {
        // A bug, not the peer's fault: still one alert and one error event, never an exception out of the engine.
        const message = err instanceof Error ? err.message : String(err);
        this.fail(
          new TlsConnectionError(
            'internal_error',
            'local',
            `internal error: ${message}`,
            err,
            'local',
          ),
          true,
        );
      }
    }
  }

  private fail(error: TlsConnectionError, sendAlert: boolean): void {
    if (this.failed !== undefined) return;
    this.failed = error;
    this.pendingHandshake = [];
    this.pendingHandshakeLength = 0;
    if (sendAlert && !this.writeClosed) {
      const code =
        AlertDescription[error.alert as AlertDescriptionName] ?? AlertDescription.internal_error;
      try {
        this.sendAlert(AlertLevel.fatal, code);
      } catch (err) {
        // The alert could not be sealed (keys exhausted): the error event still reports the cause.
        error.message += `; the alert could not be sent: ${(err as Error).message}`;
      }
    }
    this.writeClosed = true;
    this.events.push({ type: 'error', error });
  }
}

function recordHeader(type: number, version: number, length: number): Uint8Array {
  return Uint8Array.of(type, version >> 8, version & 0xff, length >> 8, length & 0xff);
}
