import { hashOutputLen } from '../../crypto/hash.js';
import { TlsAlert } from '../error/tls-alert.js';
import { suiteByCode } from '../registry/suites.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';
import { SessionError } from './errors.js';
import { decodeUtf8Strict, encodeUtf8 } from '../wire/text.js';

/** What a resumable session carries in both versions. */
interface SessionCommon {
  /** The IANA code of the suite it was made with. */
  readonly suite: number;
  /** When the full handshake that made it ended, in milliseconds since the epoch (RFC 8446 §4.6.1 ticket age counts from here). */
  readonly createdAt: number;
  /** How long it may be resumed, in seconds. */
  readonly lifetime: number;
  /** The server_name it was made for (RFC 6066 §3, RFC 8446 §4.2.11: a session is resumed only for the same name). */
  readonly serverName: string | undefined;
  readonly alpn: string | undefined;
  /** The peer's certificate chain as sent, leaf first (DER); empty when the peer sent none. */
  readonly peerCertificates: readonly Uint8Array[];
  /** Whether that chain was verified. A session without a verified peer never satisfies a connection that requires one. */
  readonly peerVerified: boolean;
  /** The host name or policy the chain was verified against (RFC 8446 §4.6.1: the identity is bound to the session). */
  readonly verifiedName: string | undefined;
  /** Client side: the ticket to present (RFC 5077 §3.4, RFC 8446 §4.2.11 identity). Absent on the server side. */
  readonly ticket: Uint8Array | undefined;
}

export interface Tls12SessionState extends SessionCommon {
  readonly version: 'TLSv1.2';
  /** RFC 5246 §8.1: 48 bytes. */
  readonly masterSecret: Uint8Array;
  /** RFC 7627 §5.3: a session made without extended_master_secret is never resumed with it, nor the reverse. */
  readonly extendedMasterSecret: boolean;
  /** Client side: the session ID the server gave (RFC 5246 §7.4.1.2: up to 32 bytes). */
  readonly sessionId: Uint8Array | undefined;
}

export interface Tls13SessionState extends SessionCommon {
  readonly version: 'TLSv1.3';
  /** RFC 8446 §4.6.1: HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length). */
  readonly psk: Uint8Array;
  /** RFC 8446 §4.6.1: ticket_age_add, added modulo 2^32 to the age the client reports. */
  readonly ticketAgeAdd: number;
  /** 0-RTT is never accepted (DESIGN.md), so a ticket never allows early data. */
  readonly maxEarlyData: 0;
}

export type SessionState = Tls12SessionState | Tls13SessionState;

/** The first byte of every encoding; a later layout gets a new number and old ones are refused. */
export const SESSION_STATE_FORMAT = 1;
/** RFC 8446 §4.6.1: ticket_lifetime MUST NOT exceed seven days. */
export const MAX_TLS13_LIFETIME = 604800;
/** Postfix caps `*_session_cache_timeout` at 100 days. */
export const MAX_TLS12_LIFETIME = 8640000;
const MASTER_SECRET_LENGTH = 48;
const MAX_SESSION_ID = 32;

function check(ok: boolean, message: string, code: 'bad_state' | 'invalid_state'): void {
  if (!ok) throw new SessionError(code, message);
}

/** The rules both directions enforce; `code` says who is at fault (our caller or the bytes). */
function validate(s: SessionState, code: 'bad_state' | 'invalid_state'): void {
  const suite = suiteByCode(s.suite);
  check(
    suite !== undefined,
    `unknown cipher suite 0x${s.suite.toString(16).padStart(4, '0')}`,
    code,
  );
  check(
    suite?.version === s.version,
    `suite 0x${s.suite.toString(16)} is not a ${s.version} suite`,
    code,
  );
  check(
    Number.isSafeInteger(s.createdAt) && s.createdAt >= 0,
    `creation time ${s.createdAt} is not a time`,
    code,
  );
  const maxLifetime = s.version === 'TLSv1.3' ? MAX_TLS13_LIFETIME : MAX_TLS12_LIFETIME;
  check(
    Number.isInteger(s.lifetime) && s.lifetime >= 0 && s.lifetime <= maxLifetime,
    `lifetime ${s.lifetime}s outside 0..${maxLifetime}`,
    code,
  );
  check(
    s.peerVerified || s.verifiedName === undefined,
    'a verified name on an unverified session',
    code,
  );
  check(
    !s.peerVerified || s.peerCertificates.length > 0,
    'a verified session without a peer certificate',
    code,
  );
  if (s.version === 'TLSv1.2') {
    check(
      s.masterSecret.length === MASTER_SECRET_LENGTH,
      `master secret of ${s.masterSecret.length} bytes`,
      code,
    );
    check(
      s.sessionId === undefined ||
        (s.sessionId.length >= 1 && s.sessionId.length <= MAX_SESSION_ID),
      'session ID longer than 32 bytes or empty',
      code,
    );
  } else {
    const hashLength = suite?.version === 'TLSv1.3' ? hashOutputLen(suite.hash) : 0;
    check(
      s.psk.length === hashLength,
      `PSK of ${s.psk.length} bytes for a ${hashLength}-byte hash`,
      code,
    );
    check(
      Number.isInteger(s.ticketAgeAdd) && s.ticketAgeAdd >= 0 && s.ticketAgeAdd <= 0xffffffff,
      'ticket_age_add is not a uint32',
      code,
    );
    check(s.maxEarlyData === 0, 'early data is never allowed', code);
  }
}

function writeOptional(
  w: Writer,
  value: Uint8Array | undefined,
  prefix: 1 | 2,
  what: string,
): void {
  if (value === undefined) {
    w.u8(0);
    return;
  }
  check(value.length > 0, `${what} is empty`, 'invalid_state');
  w.u8(1);
  if (prefix === 1) w.vector8(value);
  else w.vector16(value);
}

function fits(value: Uint8Array | undefined, max: number, what: string): Uint8Array | undefined {
  if (value !== undefined)
    check(value.length <= max, `${what} of ${value.length} bytes exceeds ${max}`, 'invalid_state');
  return value;
}

/** Serializes a session for a cache or a ticket. Throws SessionError('invalid_state') for a state no decoder would accept. */
export function encodeSessionState(s: SessionState): Uint8Array {
  validate(s, 'invalid_state');
  const w = new Writer({ initialSize: 512 });
  w.u8(SESSION_STATE_FORMAT);
  w.u16(s.version === 'TLSv1.3' ? 0x0304 : 0x0303);
  w.u16(s.suite);
  w.u32(Math.floor(s.createdAt / 2 ** 32));
  w.u32(s.createdAt >>> 0);
  w.u32(s.lifetime);
  writeOptional(
    w,
    fits(s.serverName === undefined ? undefined : encodeUtf8(s.serverName), 0xffff, 'server name'),
    2,
    'server name',
  );
  writeOptional(
    w,
    fits(s.alpn === undefined ? undefined : encodeUtf8(s.alpn), 0xff, 'ALPN protocol'),
    1,
    'ALPN protocol',
  );
  const chainLength = s.peerCertificates.reduce((n, c) => n + 3 + c.length, 0);
  check(chainLength <= 0xffffff, 'peer certificate chain exceeds 2^24-1 bytes', 'invalid_state');
  const closeChain = w.openVector24();
  for (const cert of s.peerCertificates) {
    check(cert.length > 0, 'empty peer certificate', 'invalid_state');
    w.vector24(cert);
  }
  closeChain();
  w.u8(s.peerVerified ? 1 : 0);
  writeOptional(
    w,
    fits(
      s.verifiedName === undefined ? undefined : encodeUtf8(s.verifiedName),
      0xffff,
      'verified name',
    ),
    2,
    'verified name',
  );
  writeOptional(w, fits(s.ticket, 0xffff, 'ticket'), 2, 'ticket');
  if (s.version === 'TLSv1.2') {
    w.bytes(s.masterSecret);
    w.u8(s.extendedMasterSecret ? 1 : 0);
    writeOptional(w, s.sessionId, 1, 'session ID');
  } else {
    w.vector8(s.psk);
    w.u32(s.ticketAgeAdd);
    w.u32(s.maxEarlyData);
  }
  return Uint8Array.from(w.finish());
}

function readFlag(r: Reader, what: string): boolean {
  const b = r.u8(what);
  check(b === 0 || b === 1, `${what}: ${b} is neither 0 nor 1`, 'bad_state');
  return b === 1;
}

function readOptional(r: Reader, prefix: 1 | 2, what: string): Uint8Array | undefined {
  if (!readFlag(r, `${what} present`)) return undefined;
  return Uint8Array.from(prefix === 1 ? r.bytes8(what, 1) : r.bytes16(what, 1));
}

function readText(r: Reader, prefix: 1 | 2, what: string): string | undefined {
  const b = readOptional(r, prefix, what);
  if (b === undefined) return undefined;
  try {
    return decodeUtf8Strict(b);
  } catch (e) {
    throw new SessionError('bad_state', `${what} is not UTF-8`, { cause: e });
  }
}

function decodeFields(r: Reader): SessionState {
  const format = r.u8('format');
  check(
    format === SESSION_STATE_FORMAT,
    `session state format ${format}, expected ${SESSION_STATE_FORMAT}`,
    'bad_state',
  );
  const wire = r.u16('version');
  check(wire === 0x0303 || wire === 0x0304, `protocol version 0x${wire.toString(16)}`, 'bad_state');
  const suite = r.u16('suite');
  const createdAt = r.u32('created_at high') * 2 ** 32 + r.u32('created_at low');
  const lifetime = r.u32('lifetime');
  const serverName = readText(r, 2, 'server name');
  const alpn = readText(r, 1, 'ALPN protocol');
  const chain = r.vector24('peer certificates');
  const peerCertificates: Uint8Array[] = [];
  while (!chain.done) peerCertificates.push(Uint8Array.from(chain.bytes24('peer certificate', 1)));
  const peerVerified = readFlag(r, 'peer verified');
  const verifiedName = readText(r, 2, 'verified name');
  const ticket = readOptional(r, 2, 'ticket');
  const common = {
    suite,
    createdAt,
    lifetime,
    serverName,
    alpn,
    peerCertificates,
    peerVerified,
    verifiedName,
    ticket,
  };
  let state: SessionState;
  if (wire === 0x0303) {
    const masterSecret = Uint8Array.from(r.bytes(MASTER_SECRET_LENGTH, 'master secret'));
    const extendedMasterSecret = readFlag(r, 'extended master secret');
    const sessionId = readOptional(r, 1, 'session ID');
    state = { version: 'TLSv1.2', ...common, masterSecret, extendedMasterSecret, sessionId };
  } else {
    const psk = Uint8Array.from(r.bytes8('psk', 1));
    const ticketAgeAdd = r.u32('ticket_age_add');
    const maxEarlyData = r.u32('max_early_data');
    check(maxEarlyData === 0, `max_early_data ${maxEarlyData}`, 'bad_state');
    state = { version: 'TLSv1.3', ...common, psk, ticketAgeAdd, maxEarlyData: 0 };
  }
  r.expectEnd('session state');
  validate(state, 'bad_state');
  return state;
}

/**
 * Parses what `encodeSessionState` wrote. Every length is checked; any
 * malformed input is SessionError('bad_state'), never another exception.
 */
export function decodeSessionState(bytes: Uint8Array): SessionState {
  try {
    return decodeFields(new Reader(bytes));
  } catch (e) {
    // The wire Reader reports overruns as decode_error alerts; here they are a bad cache entry, not a peer's message.
    if (e instanceof TlsAlert)
      throw new SessionError('bad_state', `session state: ${e.message}`, { cause: e });
    throw e;
  }
}

/** The first moment, in milliseconds since the epoch, at which the session may no longer be resumed. */
export function sessionExpiresAt(s: SessionState): number {
  return s.createdAt + s.lifetime * 1000;
}
