import { TlsAlert } from '../error/tls-alert.js';
import type { ResolvedServerConfig } from '../policy/resolve-config.js';
import type { HandshakeIO, HandshakeState, SessionInfo } from '../engine/connection.js';
import { ExtensionType, ProtocolVersion } from '../registry/constants.js';
import type { Extension } from '../codec/extensions.js';
import { findExtension } from '../codec/extensions.js';
import type { HandshakeMessage } from '../codec/handshake.js';
import type { ClientHello } from '../codec/messages.js';
import { RANDOM_LENGTH, DOWNGRADE_TLS12 } from '../codec/messages.js';
import type { PeerIdentity } from '../policy/resumption-identity.js';
import { serverRequirement, sessionCertificates } from '../policy/resumption-identity.js';
import { checkResumption } from '../session/resumption-check.js';
import type { Tls12SessionState } from '../session/state.js';
import { MAX_TLS12_LIFETIME } from '../session/state.js';
import { openTicket, sealTicket } from '../session/ticket.js';
import type { Tls12Suite } from '../registry/suites.js';
import { suiteByCode } from '../registry/suites.js';
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

/** A TLS 1.2 session the server found for a ClientHello, and where it came from. */
export interface Found12 {
  readonly state: Tls12SessionState;
  readonly via: 'ticket' | 'id';
}

/** RFC 5246 §7.4.1.2: our session IDs are 32 random bytes. */
export const SESSION_ID_LENGTH = 32;

/**
 * RFC 5077 §3.4 and RFC 5246 §7.4.1.2: the session a ClientHello asks to
 * resume, by ticket first (when we issue tickets), else by session ID in
 * the cache, if it passes `checkResumption` (RFC 7627 §5.3: an EMS session
 * offered without EMS aborts with handshake_failure). Anything else: a full
 * handshake.
 */
export function findSession12(
  io: HandshakeIO,
  config: ResolvedServerConfig,
  ch: ClientHello,
  serverName: string | undefined,
): Found12 | undefined {
  const now = io.now().getTime();
  let found: Found12 | undefined;
  const keyring = config.sessionTickets;
  const ticket = findExtension(ch.extensions, 'session_ticket')?.ticket;
  if (keyring !== undefined && keyring !== false && ticket !== undefined && ticket.length > 0) {
    const state = openTicket(keyring, ticket, now);
    if (state?.version === 'TLSv1.2') found = { state, via: 'ticket' };
  }
  if (found === undefined && config.sessionCache !== undefined && ch.legacySessionId.length > 0) {
    const state = config.sessionCache.get(ch.legacySessionId);
    if (state?.version === 'TLSv1.2') found = { state, via: 'id' };
  }
  if (found === undefined) return undefined;
  const suites = config.tls12CipherSuites
    .filter((s) => ch.cipherSuites.includes(s.code))
    .map((s) => s.code);
  const requireVerified = serverRequirement(config);
  const verdict = checkResumption(
    found.state,
    {
      version: 'TLSv1.2',
      suites,
      serverName,
      extendedMasterSecret: findExtension(ch.extensions, 'extended_master_secret') !== undefined,
      ...(requireVerified !== undefined ? { requireVerified } : {}),
    },
    now,
  );
  if (verdict.resume) return found;
  if (verdict.abort !== undefined) throw new TlsAlert(verdict.abort, verdict.reason);
  return undefined;
}

/** Whether this server issues an RFC 5077 ticket to this ClientHello (it sent session_ticket, we have a keyring and a lifetime). */
export function issuesTicket12(config: ResolvedServerConfig, ch: ClientHello): boolean {
  const keyring = config.sessionTickets;
  return (
    keyring !== undefined &&
    keyring !== false &&
    ticketLifetime12(config) > 0 &&
    findExtension(ch.extensions, 'session_ticket') !== undefined
  );
}

function ticketLifetime12(config: ResolvedServerConfig): number {
  return Math.min(config.sessionTimeout, MAX_TLS12_LIFETIME);
}

/** What a full handshake leaves to resume. */
export interface Made12 extends PeerIdentity {
  readonly suite: Tls12Suite;
  readonly master: Tls12MasterSecret;
  readonly serverName: string | undefined;
  readonly alpn: string | undefined;
}

export function serverState12(
  made: Made12,
  config: ResolvedServerConfig,
  now: number,
): Tls12SessionState {
  return {
    version: 'TLSv1.2',
    suite: made.suite.code,
    createdAt: now,
    lifetime: ticketLifetime12(config),
    serverName: made.serverName,
    alpn: made.alpn,
    peerCertificates: made.peerCertificates,
    peerVerified: made.peerVerified,
    verifiedName: made.verifiedName,
    ticket: undefined,
    masterSecret: made.master.secret,
    extendedMasterSecret: made.master.extended,
    sessionId: undefined,
  };
}

/**
 * At the end of a full handshake, before the server's ChangeCipherSpec:
 * RFC 5077 §3.3's NewSessionTicket when one was promised, and the new
 * session for the cache under `sessionId` when we gave one.
 */
export function saveSession12(
  io: HandshakeIO,
  config: ResolvedServerConfig,
  made: Made12,
  ticketPromised: boolean,
  sessionId: Uint8Array,
  transcript: Tls12Transcript,
): void {
  const now = io.now().getTime();
  const state = serverState12(made, config, now);
  const keyring = config.sessionTickets;
  if (ticketPromised && keyring !== undefined && keyring !== false) {
    const ticket = sealTicket(keyring, state, io.random, now);
    transcript.add(
      io.send({ kind: 'new_session_ticket_12', ticketLifetimeHint: state.lifetime, ticket }),
    );
  }
  if (sessionId.length > 0) io.emitSession(state, sessionId);
}

/**
 * RFC 5246 §7.3 abbreviated handshake: ServerHello (the client's session
 * ID echoed), ChangeCipherSpec, Finished; then the client's ChangeCipherSpec
 * and Finished. No certificate and no key exchange: no public-key work.
 */
export function resumeServer12(
  io: HandshakeIO,
  config: ResolvedServerConfig,
  ch: ClientHello,
  raw: Uint8Array,
  found: Found12,
  downgrade: boolean,
  base: Extension[],
  alpn: string | undefined,
): HandshakeState {
  const { state } = found;
  const suite = suiteByCode(state.suite) as Tls12Suite;
  const serverRandom = io.random.bytes(RANDOM_LENGTH);
  if (downgrade) serverRandom.set(DOWNGRADE_TLS12, RANDOM_LENGTH - DOWNGRADE_TLS12.length);
  const agreed: Agreed = {
    suite,
    clientRandom: ch.random,
    serverRandom,
    extendedMasterSecret: state.extendedMasterSecret,
    encryptThenMac:
      suite.cipher.kind === 'cbc' && findExtension(ch.extensions, 'encrypt_then_mac') !== undefined,
  };
  const extensions: Extension[] = [...base];
  if (agreed.extendedMasterSecret)
    extensions.push({ kind: 'extended_master_secret', type: ExtensionType.extended_master_secret });
  if (agreed.encryptThenMac)
    extensions.push({ kind: 'encrypt_then_mac', type: ExtensionType.encrypt_then_mac });
  const transcript = new Tls12Transcript(suite.prfHash, raw);
  // RFC 5077 §3.4: a ticket accepted with a non-empty session ID is answered with that ID; RFC 5246 §7.4.1.3: so is a cached one.
  transcript.add(
    io.send({
      kind: 'server_hello',
      legacyVersion: ProtocolVersion.tls1_2,
      random: serverRandom,
      legacySessionIdEcho: ch.legacySessionId,
      cipherSuite: suite.code,
      legacyCompressionMethod: 0,
      extensions,
      extensionsPresent: extensions.length > 0,
    }),
  );
  const keys = deriveKeys(
    agreed,
    Tls12MasterSecret.resumed(suite.prfHash, state.masterSecret, state.extendedMasterSecret),
  );
  changeWriteKeys(io, 'server', agreed, keys);
  const serverVerifyData = keys.master.verifyData('server', transcript.current());
  transcript.add(io.send({ kind: 'finished', verifyData: serverVerifyData }));
  const info: SessionInfo = {
    protocol: 'TLSv1.2',
    cipher: suite,
    peerCertificates: sessionCertificates(state.peerCertificates),
    resumed: true,
    helloRetry: false,
    extendedMasterSecret: agreed.extendedMasterSecret,
    encryptThenMac: agreed.encryptThenMac,
    ...(alpn !== undefined ? { alpnProtocol: alpn } : {}),
    ...(state.serverName !== undefined ? { serverName: state.serverName } : {}),
  };
  return new ExpectResumedClientCcs({ agreed, keys, transcript, serverVerifyData, info });
}

interface Resumed {
  agreed: Agreed;
  keys: Keys12;
  transcript: Tls12Transcript;
  serverVerifyData: Uint8Array;
  info: SessionInfo;
}

class ExpectResumedClientCcs extends Tls12State<Resumed> {
  readonly name = 'waiting for client ChangeCipherSpec (resumed)';
  handle(_io: HandshakeIO, message: HandshakeMessage): HandshakeState {
    throw unexpectedMessage(this.name, message);
  }
  override handleChangeCipherSpec(io: HandshakeIO): HandshakeState {
    changeReadKeys(io, 'server', this.handshake.agreed, this.handshake.keys);
    return new ExpectResumedClientFinished(this.handshake);
  }
}

class ExpectResumedClientFinished extends Tls12State<Resumed> {
  readonly name = 'waiting for client Finished (resumed)';
  handle(io: HandshakeIO, message: HandshakeMessage): HandshakeState {
    if (message.kind !== 'finished') throw unexpectedMessage(this.name, message);
    const clientVerifyData = checkFinished(
      this.handshake.keys,
      'client',
      this.handshake.transcript,
      message.verifyData,
    );
    io.complete(this.handshake.info);
    return new Traffic12(
      'server',
      this.handshake.agreed.suite,
      clientVerifyData,
      this.handshake.serverVerifyData,
    );
  }
}
