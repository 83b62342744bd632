import { TlsAlert } from '../error/tls-alert.js';
import type { ResolvedClientConfig } from '../policy/resolve-config.js';
import type { HandshakeIO, HandshakeState, SessionInfo } from '../engine/connection.js';
import type { HandshakeMessage } from '../codec/handshake.js';
import type { NewSessionTicket12 } from '../codec/messages12.js';
import type { PeerIdentity } from '../policy/resumption-identity.js';
import { clientRequirement, sessionCertificates } from '../policy/resumption-identity.js';
import { checkResumption } from '../session/resumption-check.js';
import type { Tls12SessionState } from '../session/state.js';
import { MAX_TLS12_LIFETIME } from '../session/state.js';
import { DEFAULT_SESSION_CACHE_TIMEOUT } from '../policy/defaults.js';
import type { Tls12Suite } from '../registry/suites.js';
import type { Agreed, Keys12 } from './common.js';
import {
  changeReadKeys,
  changeWriteKeys,
  checkFinished,
  deriveKeys,
  Tls12Transcript,
} from './common.js';
import { Tls12MasterSecret } from '../keys/tls12-key-schedule.js';
import { Traffic12 } from './traffic.js';
import { unexpectedMessage } from '../engine/unexpected.js';
import { Tls12State } from './common.js';

/** The configured session, when it is a TLS 1.2 session this connection may offer (`checkResumption`). */
export function offerableSession12(
  config: ResolvedClientConfig,
  suites: readonly Tls12Suite[],
  serverName: string | undefined,
  nowMs: number,
): Tls12SessionState | undefined {
  const state = config.session;
  if (state === undefined || state.version !== 'TLSv1.2') return undefined;
  if (state.sessionId === undefined && state.ticket === undefined) return undefined;
  const requireVerified = clientRequirement(config, serverName);
  const verdict = checkResumption(
    state,
    {
      version: 'TLSv1.2',
      suites: suites.map((s) => s.code),
      serverName,
      ...(requireVerified !== undefined ? { requireVerified } : {}),
    },
    nowMs,
  );
  return verdict.resume ? state : undefined;
}

/** What the client keeps of a TLS 1.2 session once the handshake ends. */
export interface Made12Client extends PeerIdentity {
  readonly suite: Tls12Suite;
  readonly master: Tls12MasterSecret;
  readonly serverName: string | undefined;
  readonly alpn: string | undefined;
  /** The session ID the server gave, empty when none. */
  readonly sessionId: Uint8Array;
  readonly ticket: NewSessionTicket12 | undefined;
}

/** The session to report in a `session` event, or undefined when the server gave neither an ID nor a ticket. */
export function clientState12(
  made: Made12Client,
  nowMs: number,
  previous?: Tls12SessionState,
): Tls12SessionState | undefined {
  const fresh =
    made.ticket !== undefined && made.ticket.ticket.length > 0
      ? Uint8Array.from(made.ticket.ticket)
      : undefined;
  const ticket = fresh ?? previous?.ticket;
  if (made.sessionId.length === 0 && ticket === undefined) return undefined;
  // RFC 5077 §3.3: the hint is advice; 0 means unspecified.
  const hint = made.ticket?.ticketLifetimeHint ?? 0;
  // A resumed session without a new ticket keeps its age: the server counts from when it was made.
  const keepAge = previous !== undefined && fresh === undefined;
  return {
    version: 'TLSv1.2',
    suite: made.suite.code,
    createdAt: keepAge ? previous.createdAt : nowMs,
    lifetime: keepAge
      ? previous.lifetime
      : Math.min(hint > 0 ? hint : DEFAULT_SESSION_CACHE_TIMEOUT, MAX_TLS12_LIFETIME),
    serverName: made.serverName,
    alpn: made.alpn,
    peerCertificates: made.peerCertificates,
    peerVerified: made.peerVerified,
    verifiedName: made.verifiedName,
    ticket,
    masterSecret: made.master.secret,
    extendedMasterSecret: made.master.extended,
    sessionId: made.sessionId.length > 0 ? Uint8Array.from(made.sessionId) : undefined,
  };
}

interface Abbreviated {
  agreed: Agreed;
  keys: Keys12;
  transcript: Tls12Transcript;
  state: Tls12SessionState;
  sessionId: Uint8Array;
  info: SessionInfo;
  ticket?: NewSessionTicket12;
}

/**
 * RFC 5246 §7.3: the server resumed our session (it echoed the session ID
 * we offered). RFC 7627 §5.3: the extended_master_secret choice must be the
 * session's, else handshake_failure; RFC 5246 §7.4.1.3: so must the suite.
 */
export function resumeClient12(
  agreed: Agreed,
  state: Tls12SessionState,
  helloRaw: Uint8Array,
  shRaw: Uint8Array,
  sessionId: Uint8Array,
  info: SessionInfo,
): HandshakeState {
  if (agreed.suite.code !== state.suite)
    throw new TlsAlert('illegal_parameter', 'resumed session with another cipher suite');
  if (agreed.extendedMasterSecret !== state.extendedMasterSecret)
    throw new TlsAlert(
      'handshake_failure',
      'resumed session with a different extended_master_secret',
    );
  const keys = deriveKeys(
    agreed,
    Tls12MasterSecret.resumed(agreed.suite.prfHash, state.masterSecret, state.extendedMasterSecret),
  );
  const transcript = new Tls12Transcript(agreed.suite.prfHash, helloRaw, shRaw);
  return new ExpectResumedServerCcs(
    {
      agreed,
      keys,
      transcript,
      state,
      sessionId,
      info: { ...info, peerCertificates: sessionCertificates(state.peerCertificates) },
    },
    false,
  );
}

class ExpectResumedServerCcs extends Tls12State<Abbreviated> {
  readonly name = 'waiting for server ChangeCipherSpec (resumed)';
  constructor(
    a: Abbreviated,
    private readonly ticketSeen: boolean,
  ) {
    super(a);
  }
  handle(_io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    // RFC 5077 §3.3: a server may renew the ticket in an abbreviated handshake, before its ChangeCipherSpec.
    if (message.kind === 'new_session_ticket_12' && !this.ticketSeen) {
      this.handshake.transcript.add(raw);
      return new ExpectResumedServerCcs({ ...this.handshake, ticket: message }, true);
    }
    throw unexpectedMessage(this.name, message);
  }
  override handleChangeCipherSpec(io: HandshakeIO): HandshakeState {
    changeReadKeys(io, 'client', this.handshake.agreed, this.handshake.keys);
    return new ExpectResumedServerFinished(this.handshake);
  }
}

class ExpectResumedServerFinished extends Tls12State<Abbreviated> {
  readonly name = 'waiting for server Finished (resumed)';
  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    if (message.kind !== 'finished') throw unexpectedMessage(this.name, message);
    const { agreed, keys, transcript, state } = this.handshake;
    const serverVerifyData = checkFinished(keys, 'server', transcript, message.verifyData);
    transcript.add(raw);
    changeWriteKeys(io, 'client', agreed, keys);
    const clientVerifyData = keys.master.verifyData('client', transcript.current());
    transcript.add(io.send({ kind: 'finished', verifyData: clientVerifyData }));
    io.complete(this.handshake.info);
    const made: Made12Client = {
      peerCertificates: state.peerCertificates,
      peerVerified: state.peerVerified,
      verifiedName: state.verifiedName,
      suite: agreed.suite,
      master: keys.master,
      serverName: state.serverName,
      alpn: this.handshake.info.alpnProtocol,
      sessionId: this.handshake.sessionId,
      ticket: this.handshake.ticket,
    };
    const next = clientState12(made, io.now().getTime(), state);
    if (next !== undefined) io.emitSession(next);
    return new Traffic12('client', agreed.suite, clientVerifyData, serverVerifyData);
  }
}
