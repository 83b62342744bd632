import type { DhGroup } from '../../crypto/dh.js';
import { rsaEncryptPkcs1v15 } from '../../crypto/rsa.js';
import type { Certificate } from '../../x509/certificate.js';
import type { PublicKey } from '../../x509/public-key.js';
import type { VerifyResult } from '../../x509/verify.js';
import { TlsAlert } from '../error/tls-alert.js';
import type { ResolvedClientConfig } from '../policy/resolve-config.js';
import type { HandshakeIO, HandshakeState, SessionInfo } from '../engine/connection.js';
import {
  ClientCertificateType,
  ECPointFormat,
  ExtensionType,
  ProtocolVersion,
} from '../registry/constants.js';
import type { Extension } from '../codec/extensions.js';
import { findExtension } from '../codec/extensions.js';
import type { HandshakeMessage } from '../codec/handshake.js';
import { generateKeyShare } from '../keys/key-exchange.js';
import type { ServerHello } from '../codec/messages.js';
import { downgradeSentinel } from '../codec/messages.js';
import type {
  CertificateRequest12,
  ClientKeyExchangeDhe,
  ClientKeyExchangeEcdhe,
  ClientKeyExchangeRsa,
} from '../codec/messages12.js';
import { parsePeerCertificates, verifyPeer } from '../policy/peer-verify.js';
import { schemeFitsKey, signWithScheme, usableSchemes, verifyWithScheme } from '../keys/signing.js';
import type { Tls12Suite } from '../registry/suites.js';
import type { Agreed, Keys12 } from './common.js';
import {
  changeReadKeys,
  changeWriteKeys,
  checkFinished,
  deriveKeys,
  keyFitsAuth,
  masterSecretFor,
  signedParams,
  TLS12_SERVER_HELLO_EXTENSIONS,
  Tls12Transcript,
  fullSessionInfo12,
} from './common.js';
import { clientCheckGroup, dheShare } from './dhe.js';
import { Traffic12 } from './traffic.js';
import type { ClientOffer } from '../negotiate/client-offer.js';
import {
  checkOfferedGroup,
  checkOfferedScheme,
  offeredTls12Suite,
} from '../negotiate/client-offer.js';
import { sendContentLimit } from '../record/size-limit.js';
import type { NewSessionTicket12 } from '../codec/messages12.js';
import { peerIdentity, serverIdentityName } from '../policy/resumption-identity.js';
import type { Tls12SessionState } from '../session/state.js';
import { clientState12, resumeClient12 } from './resume-client.js';
import { unexpectedMessage } from '../engine/unexpected.js';
import { acceptedAlpn } from '../negotiate/answers.js';
import { equalBytes } from '../wire/bytes.js';
import { Tls12State } from './common.js';
import { isEcdheGroup } from '../keys/key-exchange.js';

/** RFC 5246 §7.4.7.1: the premaster secret is client_version followed by 46 random bytes. */
const PREMASTER_LENGTH = 48;

/** Startup checks of the TLS 1.2 part of a client configuration (the DH minimum's floor). */
export function clientTls12Suites(config: ResolvedClientConfig): readonly Tls12Suite[] {
  return config.tls12CipherSuites;
}

/**
 * What a ClientHello adds to offer TLS 1.2: the suites, and RFC 8422 §5.1.2
 * ec_point_formats, RFC 7627 extended_master_secret, RFC 5746
 * renegotiation_info (empty: an initial handshake), and RFC 7366
 * encrypt_then_mac when a CBC suite is offered.
 */
export function tls12HelloExtensions(
  config: ResolvedClientConfig,
  session: Tls12SessionState | undefined,
): Extension[] {
  const extensions: Extension[] = [
    {
      kind: 'ec_point_formats',
      type: ExtensionType.ec_point_formats,
      formats: [ECPointFormat.uncompressed],
    },
    { kind: 'extended_master_secret', type: ExtensionType.extended_master_secret },
    {
      kind: 'renegotiation_info',
      type: ExtensionType.renegotiation_info,
      renegotiatedConnection: new Uint8Array(0),
    },
    // RFC 5077 §3.2: the ticket of the session we resume, or empty to ask for one.
    {
      kind: 'session_ticket',
      type: ExtensionType.session_ticket,
      ticket: session?.ticket ?? new Uint8Array(0),
    },
  ];
  if (clientTls12Suites(config).some((s) => s.cipher.kind === 'cbc'))
    extensions.push({ kind: 'encrypt_then_mac', type: ExtensionType.encrypt_then_mac });
  return extensions;
}

/** What the version-negotiating client hands over when a ServerHello selects TLS 1.2. */
export interface Client12Context {
  config: ResolvedClientConfig;
  /** What the ClientHello offered, as sent. */
  offer: ClientOffer;
  helloRaw: Uint8Array;
  serverName: string | undefined;
  /** We offered TLS 1.3 too: a downgrade sentinel is then an attack (RFC 8446 §4.1.3). */
  offeredTls13: boolean;
  /** The TLS 1.2 session the ClientHello offered (its ID as legacy_session_id, its ticket in session_ticket). */
  session: Tls12SessionState | undefined;
}

interface Session {
  ctx: Client12Context;
  agreed: Agreed;
  transcript: Tls12Transcript;
  alpnProtocol?: string;
  peerCertificates?: Certificate[];
  verification?: VerifyResult;
  peerSignatureScheme?: number;
  /** The server's ephemeral values from ServerKeyExchange. */
  ecdhe?: { group: number; publicPoint: Uint8Array };
  dhe?: { group: DhGroup; dhYs: Uint8Array };
  certificateRequest?: CertificateRequest12;
  /** The session ID the server gave this new session (empty: not cached). */
  sessionId: Uint8Array;
  /** RFC 5077 §3.2: the server answered session_ticket, so a NewSessionTicket comes before its ChangeCipherSpec. */
  ticketPromised: boolean;
  ticket?: NewSessionTicket12;
}

/** RFC 5246 §7.4.1.3 with RFC 8446 §4.1.3: a ServerHello that selected TLS 1.2. */
export function serverHello12(
  io: HandshakeIO,
  ctx: Client12Context,
  sh: ServerHello,
  raw: Uint8Array,
): HandshakeState {
  if (sh.legacyVersion !== ProtocolVersion.tls1_2)
    throw new TlsAlert(
      'protocol_version',
      `server chose version 0x${sh.legacyVersion.toString(16)}`,
    );
  // RFC 8446 §4.1.3: a TLS 1.3 client receiving a TLS 1.2 ServerHello with a downgrade sentinel aborts with illegal_parameter.
  if (ctx.offeredTls13 && downgradeSentinel(sh.random) !== undefined)
    throw new TlsAlert('illegal_parameter', 'ServerHello.random carries a downgrade sentinel');
  const suite = offeredTls12Suite(ctx.offer, sh.cipherSuite);
  const hello = ctx.offer.hello;
  for (const e of sh.extensions) {
    if (!ctx.offer.extensionTypes.has(e.type))
      throw new TlsAlert(
        'unsupported_extension',
        `ServerHello carries extension ${e.type} that was not offered`,
      );
    if (!TLS12_SERVER_HELLO_EXTENSIONS.has(e.type))
      throw new TlsAlert(
        'illegal_parameter',
        `extension ${e.type} is not allowed in a TLS 1.2 ServerHello`,
      );
  }
  // An echo of our session id resumes a session; without one offered (a middlebox-compatibility id) it claims one we never had.
  const resuming =
    sh.legacySessionIdEcho.length > 0 && equalBytes(sh.legacySessionIdEcho, hello.legacySessionId);
  if (resuming && ctx.session === undefined)
    throw new TlsAlert('illegal_parameter', 'server resumes a session that was not offered');
  const reneg = findExtension(sh.extensions, 'renegotiation_info');
  // RFC 5746 §3.4: on an initial handshake the server's renegotiated_connection must be empty.
  if (reneg !== undefined && reneg.renegotiatedConnection.length !== 0)
    throw new TlsAlert('handshake_failure', 'renegotiation_info is not empty');
  const formats = findExtension(sh.extensions, 'ec_point_formats');
  if (formats !== undefined && !formats.formats.includes(ECPointFormat.uncompressed))
    throw new TlsAlert('illegal_parameter', 'server ec_point_formats lacks uncompressed');
  const session: Session = {
    ctx,
    agreed: {
      suite,
      clientRandom: hello.random,
      serverRandom: sh.random,
      extendedMasterSecret: findExtension(sh.extensions, 'extended_master_secret') !== undefined,
      // RFC 7366 §3: encrypt-then-MAC is for CBC suites only; an echo with an AEAD suite changes nothing.
      encryptThenMac:
        suite.cipher.kind === 'cbc' &&
        findExtension(sh.extensions, 'encrypt_then_mac') !== undefined,
    },
    transcript: new Tls12Transcript(suite.prfHash, ctx.helloRaw, raw),
    sessionId: sh.legacySessionIdEcho,
    ticketPromised: findExtension(sh.extensions, 'session_ticket') !== undefined,
  };
  const alpn = acceptedAlpn(sh.extensions, ctx.offer.alpnProtocols);
  if (alpn !== undefined) session.alpnProtocol = alpn;
  // RFC 8449 §4: from the first protected record on, each side sends within the other's limit.
  const limit = findExtension(sh.extensions, 'record_size_limit');
  if (limit !== undefined && ctx.offer.recordSizeLimit !== undefined) {
    io.setRecordSizeLimits({
      sendContent: sendContentLimit(limit.limit, 'tls1.2'),
      receive: ctx.offer.recordSizeLimit,
    });
  }
  if (resuming && ctx.session !== undefined) {
    const { agreed } = session;
    const info: SessionInfo = {
      protocol: 'TLSv1.2',
      cipher: agreed.suite,
      peerCertificates: [],
      resumed: true,
      helloRetry: false,
      extendedMasterSecret: agreed.extendedMasterSecret,
      encryptThenMac: agreed.encryptThenMac,
      ...(session.alpnProtocol !== undefined ? { alpnProtocol: session.alpnProtocol } : {}),
      ...(ctx.serverName !== undefined ? { serverName: ctx.serverName } : {}),
    };
    return resumeClient12(agreed, ctx.session, ctx.helloRaw, raw, sh.legacySessionIdEcho, info);
  }
  return new ExpectCertificate(session);
}

function leafKey(session: Session): PublicKey {
  const leaf = (session.peerCertificates as Certificate[])[0] as Certificate;
  const key = leaf.publicKey.key;
  if (key.kind === 'unsupported')
    throw new TlsAlert(
      'unsupported_certificate',
      'server certificate key is of an unsupported type',
    );
  return key;
}

class ExpectCertificate extends Tls12State<Session> {
  readonly name = 'waiting for server Certificate';

  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    if (message.kind !== 'certificate_12') throw unexpectedMessage(this.name, message);
    const session = this.handshake;
    // RFC 5246 §7.4.2: every suite we have authenticates the server.
    if (message.certificateList.length === 0)
      throw new TlsAlert('decode_error', 'server sent no certificate');
    const chain = parsePeerCertificates(message.certificateList);
    const key = chain[0]?.publicKey.key;
    // RFC 5246 §7.4.2: the certificate's key must be of the type the suite names.
    if (
      key === undefined ||
      key.kind === 'unsupported' ||
      !keyFitsAuth(key, session.agreed.suite)
    ) {
      throw new TlsAlert(
        'unsupported_certificate',
        `server certificate key does not fit ${session.agreed.suite.opensslName}`,
      );
    }
    const hostname = session.ctx.config.verifyHostname ?? session.ctx.serverName;
    session.verification = verifyPeer(session.ctx.config, chain, {
      purpose: 'sslserver',
      now: io.now(),
      ...(hostname !== undefined ? { hostname } : {}),
    });
    session.peerCertificates = chain;
    session.transcript.add(raw);
    return session.agreed.suite.keyExchange === 'rsa'
      ? new ExpectCertificateRequestOrDone(session)
      : new ExpectServerKeyExchange(session);
  }
}

class ExpectServerKeyExchange extends Tls12State<Session> {
  readonly name = 'waiting for ServerKeyExchange';

  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    const session = this.handshake;
    if (message.kind === 'server_key_exchange_ecdhe') {
      // RFC 8422 §5.4: a curve the client did not offer is illegal_parameter.
      checkOfferedGroup(session.ctx.offer, message.namedCurve, isEcdheGroup);
      verifyServerKeyExchange(session, message);
      session.ecdhe = { group: message.namedCurve, publicPoint: message.publicPoint };
    } else if (message.kind === 'server_key_exchange_dhe') {
      // The group's size bounds and primality test cost far more than a signature check, and an
      // unauthenticated peer must not be able to make us run them: the signature is checked first.
      verifyServerKeyExchange(session, message);
      const group = clientCheckGroup(
        message.dhP,
        message.dhG,
        session.ctx.config.dhMinBits,
        io.random,
      );
      session.dhe = { group, dhYs: message.dhYs };
    } else {
      throw unexpectedMessage(this.name, message);
    }
    session.peerSignatureScheme = message.signed.algorithm;
    session.transcript.add(raw);
    return new ExpectCertificateRequestOrDone(session);
  }
}

/** RFC 5246 §7.4.3: the server's signature over both randoms and its parameters, with a scheme we offered that fits its key. */
function verifyServerKeyExchange(
  session: Session,
  message: { params: Uint8Array; signed: { algorithm: number; signature: Uint8Array } },
): void {
  const { params, signed } = message;
  const key = leafKey(session);
  checkOfferedScheme(session.ctx.offer, signed.algorithm);
  if (!schemeFitsKey(signed.algorithm, key, false)) {
    throw new TlsAlert(
      'illegal_parameter',
      `server signed with scheme 0x${signed.algorithm.toString(16)} that does not fit its key`,
    );
  }
  if (
    !verifyWithScheme(
      key,
      signed.algorithm,
      signedParams(session.agreed.clientRandom, session.agreed.serverRandom, params),
      signed.signature,
    )
  ) {
    throw new TlsAlert('decrypt_error', 'ServerKeyExchange signature is invalid');
  }
}

class ExpectCertificateRequestOrDone extends Tls12State<Session> {
  readonly name = 'waiting for CertificateRequest or ServerHelloDone';

  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    const session = this.handshake;
    if (message.kind === 'certificate_request_12') {
      session.certificateRequest = message;
      session.transcript.add(raw);
      return new ExpectServerHelloDone(session);
    }
    if (message.kind !== 'server_hello_done') throw unexpectedMessage(this.name, message);
    session.transcript.add(raw);
    return sendClientFlight(io, session);
  }
}

class ExpectServerHelloDone extends Tls12State<Session> {
  readonly name = 'waiting for ServerHelloDone';

  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    if (message.kind !== 'server_hello_done') throw unexpectedMessage(this.name, message);
    this.handshake.transcript.add(raw);
    return sendClientFlight(io, this.handshake);
  }
}

/** RFC 8422 §5.5 / RFC 5246 §7.4.4: the certificate type that names each key kind (ecdsa_sign covers EdDSA keys, RFC 8422 §5.5). */
const CERTIFICATE_TYPE: Record<string, number> = {
  rsa: ClientCertificateType.rsa_sign,
  dsa: ClientCertificateType.dss_sign,
  ec: ClientCertificateType.ecdsa_sign,
  ed25519: ClientCertificateType.ecdsa_sign,
};

/** [Certificate], ClientKeyExchange, [CertificateVerify], ChangeCipherSpec, Finished (RFC 5246 §7.3). */
function sendClientFlight(io: HandshakeIO, s: Session): HandshakeState {
  const { agreed, transcript } = s;
  const request = s.certificateRequest;
  let signer: { scheme: number } | undefined;
  if (request !== undefined) {
    const cert = s.ctx.config.certificate;
    const type = cert !== undefined ? CERTIFICATE_TYPE[cert.key.kind] : undefined;
    const scheme =
      cert !== undefined && type !== undefined && request.certificateTypes.includes(type)
        ? usableSchemes(cert.key, request.supportedSignatureAlgorithms, false)[0]
        : undefined;
    // RFC 5246 §7.4.6: with no suitable certificate the client sends an empty list.
    const chain = cert !== undefined && scheme !== undefined ? cert.chain.map((c) => c.der) : [];
    transcript.add(io.send({ kind: 'certificate_12', certificateList: chain }));
    if (scheme !== undefined) signer = { scheme };
  }
  const { message, preMaster } = clientKeyExchange(io, s);
  transcript.add(io.send(message));
  const keys = deriveKeys(agreed, masterSecretFor(agreed, preMaster, transcript));
  if (signer !== undefined) {
    const key = s.ctx.config.certificate?.key;
    if (key === undefined) throw new TlsAlert('internal_error', 'client certificate key vanished');
    // RFC 5246 §7.4.8: the signature covers every handshake message so far.
    transcript.add(
      io.send({
        kind: 'certificate_verify',
        algorithm: signer.scheme,
        signature: signWithScheme(key, signer.scheme, transcript.all(), io.random),
      }),
    );
  }
  changeWriteKeys(io, 'client', agreed, keys);
  const clientVerifyData = keys.master.verifyData('client', transcript.current());
  transcript.add(io.send({ kind: 'finished', verifyData: clientVerifyData }));
  return new ExpectChangeCipherSpec(s, keys, clientVerifyData);
}

function clientKeyExchange(
  io: HandshakeIO,
  s: Session,
): {
  message: ClientKeyExchangeEcdhe | ClientKeyExchangeDhe | ClientKeyExchangeRsa;
  preMaster: Uint8Array;
} {
  if (s.ecdhe !== undefined) {
    const share = generateKeyShare(s.ecdhe.group, io.random);
    // An invalid server point is illegal_parameter (RFC 8422 §5.4; key-exchange.ts maps the crypto error).
    const preMaster = share.computeSharedSecret(s.ecdhe.publicPoint);
    return {
      message: { kind: 'client_key_exchange_ecdhe', publicPoint: share.publicKey },
      preMaster,
    };
  }
  if (s.dhe !== undefined) {
    const share = dheShare(s.dhe.group, io.random);
    const preMaster = share.preMaster(s.dhe.dhYs);
    return { message: { kind: 'client_key_exchange_dhe', dhYc: share.publicKey }, preMaster };
  }
  const key = leafKey(s);
  if (key.kind !== 'rsa')
    throw new TlsAlert('unsupported_certificate', 'RSA key exchange with a non-RSA certificate');
  const preMaster = io.random.bytes(PREMASTER_LENGTH);
  // RFC 5246 §7.4.7.1: the first two bytes are the version offered in ClientHello.client_version.
  preMaster[0] = s.ctx.offer.hello.legacyVersion >> 8;
  preMaster[1] = s.ctx.offer.hello.legacyVersion & 0xff;
  return {
    message: {
      kind: 'client_key_exchange_rsa',
      encryptedPreMasterSecret: rsaEncryptPkcs1v15(key, preMaster, io.random),
    },
    preMaster,
  };
}

class ExpectChangeCipherSpec extends Tls12State<Session> {
  readonly name = 'waiting for server ChangeCipherSpec';
  constructor(
    session: Session,
    private readonly keys: Keys12,
    private readonly clientVerifyData: Uint8Array,
  ) {
    super(session);
  }

  handle(_io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    // RFC 5077 §3.3: the NewSessionTicket promised in ServerHello comes before the server's ChangeCipherSpec, once.
    if (
      message.kind === 'new_session_ticket_12' &&
      this.handshake.ticketPromised &&
      this.handshake.ticket === undefined
    ) {
      this.handshake.ticket = message;
      this.handshake.transcript.add(raw);
      return this;
    }
    throw unexpectedMessage(this.name, message);
  }

  override handleChangeCipherSpec(io: HandshakeIO): HandshakeState {
    changeReadKeys(io, 'client', this.handshake.agreed, this.keys);
    return new ExpectFinished(this.handshake, this.keys, this.clientVerifyData);
  }
}

class ExpectFinished extends Tls12State<Session> {
  readonly name = 'waiting for server Finished';
  constructor(
    session: Session,
    private readonly keys: Keys12,
    private readonly clientVerifyData: Uint8Array,
  ) {
    super(session);
  }

  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    if (message.kind !== 'finished') throw unexpectedMessage(this.name, message);
    const session = this.handshake;
    const serverVerifyData = checkFinished(
      this.keys,
      'server',
      session.transcript,
      message.verifyData,
    );
    session.transcript.add(raw);
    const info = fullSessionInfo12({
      agreed: session.agreed,
      ecGroup: session.ecdhe?.group,
      dhGroup: session.dhe?.group,
      peerCertificates: session.peerCertificates,
      peerSignatureScheme: session.peerSignatureScheme,
      verification: session.verification,
      alpnProtocol: session.alpnProtocol,
      serverName: session.ctx.serverName,
    });
    io.complete(info);
    const peer = peerIdentity(
      session.peerCertificates,
      session.verification,
      serverIdentityName(session.ctx.config, session.ctx.serverName),
    );
    const made = {
      ...peer,
      suite: session.agreed.suite,
      master: this.keys.master,
      serverName: session.ctx.serverName,
      alpn: session.alpnProtocol,
      sessionId: session.sessionId,
      ticket: session.ticket,
    };
    const state = clientState12(made, io.now().getTime());
    if (state !== undefined) io.emitSession(state);
    return new Traffic12('client', session.agreed.suite, this.clientVerifyData, serverVerifyData);
  }
}
