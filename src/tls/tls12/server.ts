import { rsaDecryptTlsPremaster } from '../../crypto/rsa.js';
import type { Certificate } from '../../x509/certificate.js';
import type { VerifyResult } from '../../x509/verify.js';
import { TlsAlert } from '../error/tls-alert.js';
import { CipherSuite } from '../registry/cipher-suite.js';
import type { CertifiedKey } from '../policy/config.js';
import type { ResolvedServerConfig } from '../policy/resolve-config.js';
import type { HandshakeIO, HandshakeState } from '../engine/connection.js';
import {
  ClientCertificateType,
  ECPointFormat,
  ExtensionType,
  ProtocolVersion,
} from '../registry/constants.js';
import type { DhGroup } from '../../crypto/dh.js';
import type { Extension } from '../codec/extensions.js';
import { findExtension } from '../codec/extensions.js';
import type { HandshakeMessage } from '../codec/handshake.js';
import type { KeyShareSecret } from '../keys/key-exchange.js';
import { generateKeyShare } from '../keys/key-exchange.js';
import type { ClientHello } from '../codec/messages.js';
import { DOWNGRADE_TLS12, RANDOM_LENGTH } from '../codec/messages.js';
import type { ServerKeyExchangeDhe, ServerKeyExchangeEcdhe } from '../codec/messages12.js';
import { encodeServerKeyExchangeParams } from '../codec/messages12.js';
import { NamedGroup } from '../registry/named-group.js';
import { parsePeerCertificates, verifyPeer } from '../policy/peer-verify.js';
import { schemeFitsKey, signWithScheme, usableSchemes, verifyWithScheme } from '../keys/signing.js';
import type { Tls12Suite } from '../registry/suites.js';
import { Writer } from '../wire/writer.js';
import type { Agreed, Keys12 } from './common.js';
import {
  changeReadKeys,
  changeWriteKeys,
  checkFinished,
  deriveKeys,
  keyFitsAuth,
  masterSecretFor,
  signedParams,
  TLS12_IMPLIED_PEER_SCHEMES,
  Tls12Transcript,
  fullSessionInfo12,
} from './common.js';
import type { DheShare } from './dhe.js';
import { dheShare, groupBytes, serverDhGroup } from './dhe.js';
import { Traffic12 } from './traffic.js';
import { CLIENT_CERTIFICATE_POLICY, peerIdentity } from '../policy/resumption-identity.js';
import {
  SESSION_ID_LENGTH,
  findSession12,
  issuesTicket12,
  resumeServer12,
  saveSession12,
} from './resume-server.js';
import { unexpectedMessage } from '../engine/unexpected.js';
import {
  alpnExtension,
  answerRecordSizeLimit,
  chooseAlpn,
  serverName,
  serverNameAck,
} from '../negotiate/answers.js';
import { isEcdheGroup } from '../keys/key-exchange.js';
import { Tls12State } from './common.js';

/** What the server chose for this ClientHello (RFC 5246 §7.4.1.3). */
interface Choice {
  suite: Tls12Suite;
  certified: CertifiedKey;
  /** The ServerKeyExchange signature scheme; absent for RSA key exchange. */
  scheme?: number;
  ecGroup?: number;
  dhGroup?: DhGroup;
  serverName?: string;
  alpnProtocol?: string;
}

/** The server's ephemeral secret: it turns the ClientKeyExchange into the premaster secret. */
type KeyExchangeSecret =
  { kind: 'ecdhe'; share: KeyShareSecret } | { kind: 'dhe'; share: DheShare } | { kind: 'rsa' };

interface Flight {
  config: ResolvedServerConfig;
  ch: ClientHello;
  choice: Choice;
  agreed: Agreed;
  transcript: Tls12Transcript;
  secret: KeyExchangeSecret;
  /** The schemes sent in CertificateRequest; empty when no certificate was asked for. */
  requestSchemes: readonly number[];
  /** The session ID we gave (empty: the session is not cached). */
  sessionId: Uint8Array;
  /** RFC 5077 §3.2: we answered session_ticket, so a NewSessionTicket is due. */
  ticketPromised: boolean;
}

interface ClientIdentity {
  peerCertificates?: Certificate[];
  verification?: VerifyResult;
  peerSignatureScheme?: number;
}

/**
 * The TLS 1.2 server from a ClientHello the version choice gave it
 * (hello/server.ts): a resumption when the client names a session we hold,
 * else ServerHello, Certificate, ServerKeyExchange, [CertificateRequest],
 * ServerHelloDone (RFC 5246 §7.3). `downgrade` puts RFC 8446 §4.1.3's
 * sentinel in ServerHello.random (we also speak 1.3).
 */
export function startServer12(
  io: HandshakeIO,
  config: ResolvedServerConfig,
  ch: ClientHello,
  raw: Uint8Array,
  downgrade: boolean,
): HandshakeState {
  const secureRenegotiation = checkRenegotiationInfo(ch);
  const found = findSession12(io, config, ch, serverName(ch));
  if (found !== undefined)
    return resumeServer12(
      io,
      config,
      ch,
      raw,
      found,
      downgrade,
      ...resumptionExtensions(config, ch, secureRenegotiation),
    );
  const choice = choose(config, ch);
  const agreed = agree(io, ch, choice.suite, downgrade);
  const ticketPromised = issuesTicket12(config, ch);
  const transcript = new Tls12Transcript(choice.suite.prfHash, raw);
  // RFC 5246 §7.4.1.3: an empty session_id says the session will not be cached.
  const sessionId =
    config.sessionCache !== undefined ? io.random.bytes(SESSION_ID_LENGTH) : new Uint8Array(0);
  const extensions = serverHelloExtensions(io, config, ch, choice, agreed, {
    secureRenegotiation,
    ticketPromised,
  });
  transcript.add(
    io.send({
      kind: 'server_hello',
      legacyVersion: ProtocolVersion.tls1_2,
      random: agreed.serverRandom,
      legacySessionIdEcho: sessionId,
      cipherSuite: choice.suite.code,
      legacyCompressionMethod: 0,
      extensions,
      extensionsPresent: extensions.length > 0,
    }),
  );
  transcript.add(
    io.send({ kind: 'certificate_12', certificateList: choice.certified.chain.map((c) => c.der) }),
  );
  const secret = sendServerKeyExchange(io, choice, agreed, transcript);
  const clientAuth = config.clientAuth ?? 'none';
  const requestSchemes = clientAuth === 'none' ? [] : config.signatureSchemes;
  if (clientAuth !== 'none') sendCertificateRequest(io, config, requestSchemes, transcript);
  transcript.add(io.send({ kind: 'server_hello_done' }));
  const flight: Flight = {
    config,
    ch,
    choice,
    agreed,
    transcript,
    secret,
    requestSchemes,
    sessionId,
    ticketPromised,
  };
  return clientAuth === 'none'
    ? new ExpectClientKeyExchange(flight, {})
    : new ExpectClientCertificate(flight);
}

/** RFC 5746 §3.6: on an initial handshake renegotiated_connection must be empty; true when the client supports secure renegotiation. */
function checkRenegotiationInfo(ch: ClientHello): boolean {
  const reneg = findExtension(ch.extensions, 'renegotiation_info');
  if (reneg !== undefined && reneg.renegotiatedConnection.length !== 0)
    throw TlsAlert.because(
      'renegotiation_info_not_empty',
      'renegotiation_info is not empty on an initial handshake',
    );
  return (
    reneg !== undefined || ch.cipherSuites.includes(CipherSuite.TLS_EMPTY_RENEGOTIATION_INFO_SCSV)
  );
}

function renegotiationInfo(): Extension {
  return {
    kind: 'renegotiation_info',
    type: ExtensionType.renegotiation_info,
    renegotiatedConnection: new Uint8Array(0),
  };
}

/** RFC 6066 §3: no server_name in a resuming ServerHello; RFC 5746 §3.6: renegotiation_info as in a full one. */
function resumptionExtensions(
  config: ResolvedServerConfig,
  ch: ClientHello,
  secureRenegotiation: boolean,
): [Extension[], string | undefined] {
  const base: Extension[] = secureRenegotiation ? [renegotiationInfo()] : [];
  const alpn = chooseAlpn(config, ch);
  if (alpn !== undefined) base.push(alpnExtension(alpn));
  return [base, alpn];
}

/** The randoms and the RFC 7627 / RFC 7366 options both sides now use. */
function agree(io: HandshakeIO, ch: ClientHello, suite: Tls12Suite, downgrade: boolean): Agreed {
  const serverRandom = io.random.bytes(RANDOM_LENGTH);
  if (downgrade) serverRandom.set(DOWNGRADE_TLS12, RANDOM_LENGTH - DOWNGRADE_TLS12.length);
  const clientOffers = (type: number): boolean => ch.extensions.some((e) => e.type === type);
  return {
    suite,
    clientRandom: ch.random,
    serverRandom,
    extendedMasterSecret: clientOffers(ExtensionType.extended_master_secret),
    // RFC 7366 §3: encrypt-then-MAC applies to CBC suites only, and is not echoed for AEAD ones.
    encryptThenMac: suite.cipher.kind === 'cbc' && clientOffers(ExtensionType.encrypt_then_mac),
  };
}

/** RFC 5246 §7.4.1.4: the server answers only what the client offered. */
function serverHelloExtensions(
  io: HandshakeIO,
  config: ResolvedServerConfig,
  ch: ClientHello,
  choice: Choice,
  agreed: Agreed,
  flags: { secureRenegotiation: boolean; ticketPromised: boolean },
): Extension[] {
  const extensions: Extension[] = [];
  if (flags.secureRenegotiation) extensions.push(renegotiationInfo());
  if (agreed.extendedMasterSecret)
    extensions.push({ kind: 'extended_master_secret', type: ExtensionType.extended_master_secret });
  if (agreed.encryptThenMac)
    extensions.push({ kind: 'encrypt_then_mac', type: ExtensionType.encrypt_then_mac });
  // RFC 8422 §5.2: the server answers ec_point_formats only for an ECC suite.
  if (
    choice.suite.keyExchange === 'ecdhe' &&
    ch.extensions.some((e) => e.type === ExtensionType.ec_point_formats)
  ) {
    extensions.push({
      kind: 'ec_point_formats',
      type: ExtensionType.ec_point_formats,
      formats: [ECPointFormat.uncompressed],
    });
  }
  if (choice.serverName !== undefined) extensions.push(serverNameAck());
  if (choice.alpnProtocol !== undefined) extensions.push(alpnExtension(choice.alpnProtocol));
  const limit = answerRecordSizeLimit(io, config, ch, 'tls1.2');
  if (limit !== undefined) extensions.push(limit);
  // RFC 5077 §3.2: an empty session_ticket in ServerHello promises a NewSessionTicket.
  if (flags.ticketPromised)
    extensions.push({
      kind: 'session_ticket',
      type: ExtensionType.session_ticket,
      ticket: new Uint8Array(0),
    });
  return extensions;
}

/** RFC 5246 §7.4.4: the certificate types we take, the schemes and, with `*_CAfile`, the CA names. */
function sendCertificateRequest(
  io: HandshakeIO,
  config: ResolvedServerConfig,
  schemes: readonly number[],
  transcript: Tls12Transcript,
): void {
  transcript.add(
    io.send({
      kind: 'certificate_request_12',
      certificateTypes: [
        ClientCertificateType.rsa_sign,
        ClientCertificateType.dss_sign,
        ClientCertificateType.ecdsa_sign,
      ],
      supportedSignatureAlgorithms: [...schemes],
      certificateAuthorities: [...(config.clientCaNames ?? [])],
    }),
  );
}

/**
 * Our preference order among the suites the client offers, restricted to
 * what our certificates can serve (RFC 5246 §7.4.2: the certificate's key
 * must fit the suite) and to a key-exchange group both sides have.
 */
function choose(config: ResolvedServerConfig, ch: ClientHello): Choice {
  const peerSchemes =
    findExtension(ch.extensions, 'signature_algorithms')?.schemes ?? TLS12_IMPLIED_PEER_SCHEMES;
  const ourSchemes = config.signatureSchemes;
  const clientGroups = findExtension(ch.extensions, 'supported_groups')?.groups;
  const formats = findExtension(ch.extensions, 'ec_point_formats');
  // RFC 8422 §5.1.2: uncompressed is mandatory; a list without it rules out ECC. §5.1.1: no list, any curve.
  const ecUsable = formats === undefined || formats.formats.includes(ECPointFormat.uncompressed);
  const ourEc = config.groups.filter(isEcdheGroup);
  const ecGroup = !ecUsable
    ? undefined
    : clientGroups === undefined
      ? NamedGroup.secp256r1
      : ourEc.find((g) => clientGroups.includes(g));
  const dhGroup = serverDhGroup(config.dhParams, clientGroups);
  for (const suite of config.tls12CipherSuites) {
    if (!ch.cipherSuites.includes(suite.code)) continue;
    if (suite.keyExchange === 'ecdhe' && ecGroup === undefined) continue;
    if (suite.keyExchange === 'dhe' && dhGroup === undefined) continue;
    for (const certified of config.certificates) {
      if (!keyFitsAuth(certified.key, suite)) continue;
      const choice: Choice = { suite, certified };
      if (suite.keyExchange !== 'rsa') {
        const scheme = usableSchemes(certified.key, peerSchemes, false).find((s) =>
          ourSchemes.includes(s),
        );
        if (scheme === undefined) continue;
        choice.scheme = scheme;
      }
      if (suite.keyExchange === 'ecdhe') choice.ecGroup = ecGroup;
      if (suite.keyExchange === 'dhe') choice.dhGroup = dhGroup;
      const name = serverName(ch);
      if (name !== undefined) choice.serverName = name;
      const alpn = chooseAlpn(config, ch);
      if (alpn !== undefined) choice.alpnProtocol = alpn;
      return choice;
    }
  }
  throw new TlsAlert(
    'handshake_failure',
    'no TLS 1.2 cipher suite in common that our certificates can serve',
  );
}

/** RFC 8422 §5.4 / RFC 5246 §7.4.3: our ephemeral public value, signed with the certificate's key; nothing for RSA key exchange. */
function sendServerKeyExchange(
  io: HandshakeIO,
  choice: Choice,
  agreed: Agreed,
  transcript: Tls12Transcript,
): KeyExchangeSecret {
  const { suite, certified, scheme } = choice;
  if (suite.keyExchange === 'rsa' || scheme === undefined) return { kind: 'rsa' };
  let secret: KeyExchangeSecret;
  let unsigned:
    | Omit<ServerKeyExchangeEcdhe, 'params' | 'signed'>
    | Omit<ServerKeyExchangeDhe, 'params' | 'signed'>;
  if (suite.keyExchange === 'ecdhe') {
    const namedCurve = choice.ecGroup as number;
    const share = generateKeyShare(namedCurve, io.random);
    secret = { kind: 'ecdhe', share };
    unsigned = { kind: 'server_key_exchange_ecdhe', namedCurve, publicPoint: share.publicKey };
  } else {
    const group = choice.dhGroup as DhGroup;
    const share = dheShare(group, io.random);
    secret = { kind: 'dhe', share };
    unsigned = { kind: 'server_key_exchange_dhe', ...groupBytes(group), dhYs: share.publicKey };
  }
  const w = new Writer();
  encodeServerKeyExchangeParams(w, unsigned);
  const params = Uint8Array.from(w.finish());
  const signed = {
    algorithm: scheme,
    signature: signWithScheme(
      certified.key,
      scheme,
      signedParams(agreed.clientRandom, agreed.serverRandom, params),
      io.random,
    ),
  };
  transcript.add(
    io.send({ ...unsigned, params, signed } as ServerKeyExchangeEcdhe | ServerKeyExchangeDhe),
  );
  return secret;
}

class ExpectClientCertificate extends Tls12State<Flight> {
  readonly name = 'waiting for client Certificate';

  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    if (message.kind !== 'certificate_12') throw unexpectedMessage(this.name, message);
    this.handshake.transcript.add(raw);
    if (message.certificateList.length === 0) {
      // RFC 5246 §7.4.6: a server that requires a certificate may answer an empty one with handshake_failure.
      if (this.handshake.config.clientAuth === 'required')
        throw new TlsAlert('handshake_failure', 'client sent no certificate');
      return new ExpectClientKeyExchange(this.handshake, {});
    }
    const chain = parsePeerCertificates(message.certificateList);
    const verification = verifyPeer(this.handshake.config, chain, {
      purpose: 'sslclient',
      now: io.now(),
    });
    return new ExpectClientKeyExchange(this.handshake, { peerCertificates: chain, verification });
  }
}

class ExpectClientKeyExchange extends Tls12State<Flight> {
  readonly name = 'waiting for ClientKeyExchange';
  constructor(
    flight: Flight,
    private readonly identity: ClientIdentity,
  ) {
    super(flight);
  }

  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    const { secret, agreed, transcript } = this.handshake;
    let preMaster: Uint8Array;
    if (message.kind === 'client_key_exchange_ecdhe' && secret.kind === 'ecdhe') {
      preMaster = secret.share.computeSharedSecret(message.publicPoint);
    } else if (message.kind === 'client_key_exchange_dhe' && secret.kind === 'dhe') {
      preMaster = secret.share.preMaster(message.dhYc);
    } else if (message.kind === 'client_key_exchange_rsa' && secret.kind === 'rsa') {
      preMaster = this.decryptPreMaster(io, message.encryptedPreMasterSecret);
    } else {
      throw unexpectedMessage(this.name, message);
    }
    transcript.add(raw);
    const keys = deriveKeys(agreed, masterSecretFor(agreed, preMaster, transcript));
    return this.identity.peerCertificates !== undefined
      ? new ExpectClientCertificateVerify(this.handshake, this.identity, keys)
      : new ExpectChangeCipherSpec(this.handshake, this.identity, keys);
  }

  /**
   * RFC 5246 §7.4.7.1: whatever is wrong with the ciphertext, continue with
   * a random premaster so the failure shows only at Finished (no
   * Bleichenbacher oracle); src/crypto does the same steps either way.
   */
  private decryptPreMaster(io: HandshakeIO, encrypted: Uint8Array): Uint8Array {
    const key = this.handshake.choice.certified.key;
    if (key.kind !== 'rsa')
      throw new TlsAlert('internal_error', 'RSA key exchange without an RSA key');
    return rsaDecryptTlsPremaster(key.key, encrypted, this.handshake.ch.legacyVersion, io.random);
  }
}

class ExpectClientCertificateVerify extends Tls12State<Flight> {
  readonly name = 'waiting for client CertificateVerify';
  constructor(
    flight: Flight,
    private readonly identity: ClientIdentity,
    private readonly keys: Keys12,
  ) {
    super(flight);
  }

  handle(_io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    if (message.kind !== 'certificate_verify') throw unexpectedMessage(this.name, message);
    const leaf = (this.identity.peerCertificates as Certificate[])[0] as Certificate;
    const key = leaf.publicKey.key;
    // RFC 5246 §7.4.8: the scheme is one of those in our CertificateRequest, and fits the client's key.
    if (
      !this.handshake.requestSchemes.includes(message.algorithm) ||
      key.kind === 'unsupported' ||
      !schemeFitsKey(message.algorithm, key, false)
    ) {
      throw new TlsAlert(
        'illegal_parameter',
        `client signed with scheme 0x${message.algorithm.toString(16)} that was not requested or does not fit its key`,
      );
    }
    if (
      !verifyWithScheme(key, message.algorithm, this.handshake.transcript.all(), message.signature)
    )
      throw new TlsAlert('decrypt_error', 'client CertificateVerify signature is invalid');
    this.handshake.transcript.add(raw);
    return new ExpectChangeCipherSpec(
      this.handshake,
      { ...this.identity, peerSignatureScheme: message.algorithm },
      this.keys,
    );
  }
}

class ExpectChangeCipherSpec extends Tls12State<Flight> {
  readonly name = 'waiting for client ChangeCipherSpec';
  constructor(
    flight: Flight,
    private readonly identity: ClientIdentity,
    private readonly keys: Keys12,
  ) {
    super(flight);
  }

  handle(_io: HandshakeIO, message: HandshakeMessage): HandshakeState {
    throw unexpectedMessage(this.name, message);
  }

  override handleChangeCipherSpec(io: HandshakeIO): HandshakeState {
    changeReadKeys(io, 'server', this.handshake.agreed, this.keys);
    return new ExpectClientFinished(this.handshake, this.identity, this.keys);
  }
}

class ExpectClientFinished extends Tls12State<Flight> {
  readonly name = 'waiting for client Finished';
  constructor(
    flight: Flight,
    private readonly identity: ClientIdentity,
    private readonly keys: Keys12,
  ) {
    super(flight);
  }

  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    if (message.kind !== 'finished') throw unexpectedMessage(this.name, message);
    const { agreed, transcript, choice } = this.handshake;
    const clientVerifyData = checkFinished(this.keys, 'client', transcript, message.verifyData);
    transcript.add(raw);
    const peer = peerIdentity(
      this.identity.peerCertificates,
      this.identity.verification,
      CLIENT_CERTIFICATE_POLICY,
    );
    const made = {
      ...peer,
      suite: agreed.suite,
      master: this.keys.master,
      serverName: choice.serverName,
      alpn: choice.alpnProtocol,
    };
    saveSession12(
      io,
      this.handshake.config,
      made,
      this.handshake.ticketPromised,
      this.handshake.sessionId,
      transcript,
    );
    changeWriteKeys(io, 'server', agreed, this.keys);
    const serverVerifyData = this.keys.master.verifyData('server', transcript.current());
    transcript.add(io.send({ kind: 'finished', verifyData: serverVerifyData }));
    const local = {
      ...(choice.scheme !== undefined ? { localSignatureScheme: choice.scheme } : {}),
      ...(choice.certified.chain[0] !== undefined
        ? { localCertificate: choice.certified.chain[0] }
        : {}),
    };
    const info = fullSessionInfo12({
      agreed,
      ecGroup: choice.ecGroup,
      dhGroup: choice.dhGroup,
      serverName: choice.serverName,
      alpnProtocol: choice.alpnProtocol,
      ...local,
      ...this.identity,
    });
    io.complete(info);
    return new Traffic12('server', agreed.suite, clientVerifyData, serverVerifyData);
  }
}
