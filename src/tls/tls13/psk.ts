import { constantTimeEqual } from '../../crypto/ct.js';
import { hash as digest } from '../../crypto/hash.js';
import { TlsAlert } from '../error/tls-alert.js';
import type { ResolvedServerConfig } from '../policy/resolve-config.js';
import type { HandshakeIO } from '../engine/connection.js';
import { ExtensionType, PskKeyExchangeMode } from '../registry/constants.js';
import type { Extension } from '../codec/extensions.js';
import { findExtension, pskBindersLength } from '../codec/extensions.js';
import { encodeHandshake } from '../codec/handshake.js';
import type { ClientHello } from '../codec/messages.js';
import type { PeerIdentity } from '../policy/resumption-identity.js';
import { serverRequirement } from '../policy/resumption-identity.js';
import { checkResumption } from '../session/resumption-check.js';
import { tls13TicketLifetime } from '../session/timeout.js';
import type { Tls13SessionState } from '../session/state.js';
import { MAX_TLS13_LIFETIME } from '../session/state.js';
import { openTicket, sealTicket } from '../session/ticket.js';
import type { Tls13Suite } from '../registry/suites.js';
import { suiteByCode } from '../registry/suites.js';
import type { Transcript } from '../engine/transcript.js';
import { EarlySecret, finishedVerifyData, resumptionPsk } from '../keys/tls13-key-schedule.js';

/**
 * How far the age a client reports may be from the age the server computes
 * (RFC 8446 §8.3 leaves the window to the server). Only 0-RTT needs it for
 * replay protection, and 0-RTT is never accepted, so it is wide enough for
 * two servers of a fleet whose clocks differ a little.
 */
export const TICKET_AGE_WINDOW_MS = 60_000;

function u32(n: number): number {
  return n >>> 0;
}

/** A PSK the client offers: the session and its early secret. */
export interface OfferedPsk {
  readonly state: Tls13SessionState;
  readonly early: EarlySecret;
}

/** RFC 8446 §4.2.9, §4.2.11: psk_dhe_ke only, and the pre_shared_key placeholder (binder of the right length), which must come last. */
/** RFC 8446 §4.2.9: psk_dhe_ke only (DESIGN.md: resumption with a fresh key exchange). */
export function pskModesExtension(): Extension {
  return {
    kind: 'psk_key_exchange_modes',
    type: ExtensionType.psk_key_exchange_modes,
    modes: [PskKeyExchangeMode.psk_dhe_ke],
  };
}

export function pskExtensions(psk: OfferedPsk, nowMs: number): Extension[] {
  const ticket = psk.state.ticket as Uint8Array;
  // RFC 8446 §4.2.11.1: obfuscated_ticket_age = age in ms + ticket_age_add, mod 2^32.
  const age = Math.max(0, nowMs - psk.state.createdAt);
  return [
    pskModesExtension(),
    {
      kind: 'pre_shared_key_client_hello',
      type: ExtensionType.pre_shared_key,
      identities: [{ identity: ticket, obfuscatedTicketAge: u32(age + psk.state.ticketAgeAdd) }],
      binders: [new Uint8Array(psk.early.binderKey(true).length)],
    },
  ];
}

/**
 * RFC 8446 §4.2.11.2: fills in the binder, an HMAC over the transcript up
 * to the truncated ClientHello (after a HelloRetryRequest `transcript`
 * already holds message_hash and the HRR).
 */
export function bindClientHello(
  hello: ClientHello,
  psk: OfferedPsk,
  transcript: Transcript | undefined,
): ClientHello {
  const ext = findExtension(hello.extensions, 'pre_shared_key_client_hello');
  if (ext === undefined) return hello;
  const raw = encodeHandshake(hello);
  const prefix = raw.subarray(0, raw.length - pskBindersLength(ext.binders));
  const hash = psk.early.hash;
  const binderHash =
    transcript === undefined ? digest(hash, prefix) : transcript.currentWith(prefix);
  const binder = finishedVerifyData(hash, psk.early.binderKey(true), binderHash);
  const extensions = hello.extensions.map((e) =>
    e === ext ? { ...ext, binders: ext.binders.map(() => binder) } : e,
  );
  return { ...hello, extensions };
}

/** The PSK the server accepted: which identity, the session inside it, the suite and early secret to use. */
export interface AcceptedPsk {
  readonly index: number;
  readonly state: Tls13SessionState;
  readonly suite: Tls13Suite;
  readonly early: EarlySecret;
}

/**
 * RFC 8446 §4.2.11: the first offered ticket that opens, is a TLS 1.3
 * session this connection may resume (`checkResumption`) and whose age is
 * plausible. A ticket that fails any of these is simply not selected (a
 * full handshake follows); the selected one's binder must verify, else
 * decrypt_error. psk_ke is never accepted: resumption always keeps the
 * (EC)DHE exchange, for forward secrecy.
 */
export function selectPsk(
  io: HandshakeIO,
  config: ResolvedServerConfig,
  ch: ClientHello,
  raw: Uint8Array,
  suites: readonly Tls13Suite[],
  serverName: string | undefined,
): AcceptedPsk | undefined {
  const keyring = config.sessionTickets;
  const offered = findExtension(ch.extensions, 'pre_shared_key_client_hello');
  if (offered === undefined) return undefined;
  const modes = findExtension(ch.extensions, 'psk_key_exchange_modes');
  // RFC 8446 §4.2.9: pre_shared_key without psk_key_exchange_modes is an abort.
  if (modes === undefined)
    throw new TlsAlert('missing_extension', 'pre_shared_key without psk_key_exchange_modes');
  if (
    keyring === undefined ||
    keyring === false ||
    !modes.modes.includes(PskKeyExchangeMode.psk_dhe_ke)
  )
    return undefined;
  const now = io.now().getTime();
  const usable = suites.filter((s) => ch.cipherSuites.includes(s.code));
  const requireVerified = serverRequirement(config);
  for (let index = 0; index < offered.identities.length; index++) {
    const identity = offered.identities[index] as (typeof offered.identities)[number];
    const state = openTicket(keyring, identity.identity, now);
    if (state === undefined || state.version !== 'TLSv1.3') continue;
    const verdict = checkResumption(
      state,
      {
        version: 'TLSv1.3',
        suites: usable.map((s) => s.code),
        serverName,
        ...(requireVerified !== undefined ? { requireVerified } : {}),
      },
      now,
    );
    if (!verdict.resume) continue;
    const reportedAge = u32(identity.obfuscatedTicketAge - state.ticketAgeAdd);
    if (Math.abs(reportedAge - (now - state.createdAt)) > TICKET_AGE_WINDOW_MS) continue;
    const hash = (suiteByCode(state.suite) as Tls13Suite).hash;
    const suite = usable.find((s) => s.hash === hash) as Tls13Suite;
    const early = new EarlySecret(hash, state.psk);
    const prefix = raw.subarray(0, raw.length - pskBindersLength(offered.binders));
    const expected = finishedVerifyData(hash, early.binderKey(true), digest(hash, prefix));
    const binder = offered.binders[index] as Uint8Array;
    // RFC 8446 §4.2.11: a binder that does not verify aborts the handshake.
    if (!constantTimeEqual(binder, expected))
      throw new TlsAlert('decrypt_error', 'PSK binder does not verify');
    return { index, state, suite, early };
  }
  return undefined;
}

/** What each ticket of a connection shares. */
export interface TicketSubject extends PeerIdentity {
  readonly suite: Tls13Suite;
  readonly serverName: string | undefined;
  readonly alpn: string | undefined;
}

/** RFC 8446 §4.6.1: the NewSessionTicket messages that follow the server's handshake. */
export function sendTickets(
  io: HandshakeIO,
  config: ResolvedServerConfig,
  subject: TicketSubject,
  resumptionSecret: Uint8Array,
): void {
  const keyring = config.sessionTickets;
  if (keyring === undefined || keyring === false) return;
  const lifetime = tls13TicketLifetime(config.sessionTimeout);
  if (lifetime === 0) return;
  const count = config.ticketCount;
  const now = io.now().getTime();
  for (let i = 0; i < count; i++) {
    // Nonces only need to be distinct within the connection (RFC 8446 §4.6.1).
    const nonce = Uint8Array.of(i);
    const r = io.random.bytes(4);
    const ticketAgeAdd = u32(
      ((r[0] ?? 0) << 24) | ((r[1] ?? 0) << 16) | ((r[2] ?? 0) << 8) | (r[3] ?? 0),
    );
    const state: Tls13SessionState = {
      version: 'TLSv1.3',
      suite: subject.suite.code,
      createdAt: now,
      lifetime,
      serverName: subject.serverName,
      alpn: subject.alpn,
      peerCertificates: subject.peerCertificates,
      peerVerified: subject.peerVerified,
      verifiedName: subject.verifiedName,
      ticket: undefined,
      psk: resumptionPsk(subject.suite.hash, resumptionSecret, nonce),
      ticketAgeAdd,
      maxEarlyData: 0,
    };
    const ticket = sealTicket(keyring, state, io.random, now);
    io.send({
      kind: 'new_session_ticket_13',
      ticketLifetime: lifetime,
      ticketAgeAdd,
      ticketNonce: nonce,
      ticket,
      extensions: [],
    });
  }
}

/** Client side: the session a NewSessionTicket makes resumable, or undefined for a lifetime of zero (RFC 8446 §4.6.1: discard). */
export function sessionFromTicket(
  subject: TicketSubject,
  resumptionSecret: Uint8Array,
  ticket: {
    ticketLifetime: number;
    ticketAgeAdd: number;
    ticketNonce: Uint8Array;
    ticket: Uint8Array;
  },
  nowMs: number,
): Tls13SessionState | undefined {
  if (ticket.ticketLifetime === 0) return undefined;
  return {
    version: 'TLSv1.3',
    suite: subject.suite.code,
    createdAt: nowMs,
    // RFC 8446 §4.6.1: never kept longer than seven days, whatever the server says.
    lifetime: Math.min(ticket.ticketLifetime, MAX_TLS13_LIFETIME),
    serverName: subject.serverName,
    alpn: subject.alpn,
    peerCertificates: subject.peerCertificates,
    peerVerified: subject.peerVerified,
    verifiedName: subject.verifiedName,
    ticket: Uint8Array.from(ticket.ticket),
    psk: resumptionPsk(subject.suite.hash, resumptionSecret, ticket.ticketNonce),
    ticketAgeAdd: ticket.ticketAgeAdd,
    maxEarlyData: 0,
  };
}
