import { rsaDecryptTlsPremaster } from '../../crypto/rsa.js';
import type { Certificate } from '../../x509/certificate.js';
import type { VerifyResult } from '../../x509/verify.js';
import { TlsAlert } from '../error/tls-alert.js';
import { CipherSuite } from '../registry/cipher-suite.js';
import type { CertifiedKey } from '../policy/config.js';
import type { ResolvedServerConfig } from '../policy/resolve-config.js';
import type { HandshakeIO, HandshakeState } from '../engine/connection.js';
import { ClientCertificateType, ECPointFormat, ExtensionType, NameType, ProtocolVersion } from '../registry/constants.js';
import type { DhGroup } from '../../crypto/dh.js';
import type { Extension } from '../codec/extensions.js';
import { findExtension } from '../codec/extensions.js';
import type { DecodeOptions, HandshakeMessage } from '../codec/handshake.js';
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
  decodeAs12,
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
import { recordSizeLimitExtension, sendContentLimit, serverRecordSizeLimit } from '../record/size-limit.js';
import { CLIENT_CERTIFICATE_POLICY, peerIdentity } from '../policy/resumption-identity.js';
import { SESSION_ID_LENGTH, findSession12, issuesTicket12, resumeServer12, saveSession12 } from './resume-server.js';
import { unexpectedMessage } from '../engine/unexpected.js';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: false });

/** The ECDHE curves of TLS 1.2 (RFC 8422 §5.1.1, RFC 7748). */
const EC_GROUPS: ReadonlySet<number> = new Set([NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1]);

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
type KeyExchangeSecret = { kind: 'ecdhe'; share: KeyShareSecret } | { kind: 'dhe'; share: DheShare } | { kind: 'rsa' };

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

/** Startup checks of the TLS 1.2 part of a server configuration: a DH group file below the minimum is refused. */
/**
 * The TLS 1.2 server from a ClientHello the version negotiation gave it
 * (src/tls/tls13/server.ts): ServerHello, Certificate, ServerKeyExchange,
 * [CertificateRequest], ServerHelloDone (RFC 5246 §7.3). `downgrade` puts
 * RFC 8446 §4.1.3's sentinel in ServerHello.random (we also speak 1.3).
 */
export function startServer12(io: HandshakeIO, config: ResolvedServerConfig, ch: ClientHello, raw: Uint8Array, downgrade: boolean): HandshakeState {
  const reneg = findExtension(ch.extensions, 'renegotiation_info');
  // RFC 5746 §3.6: on an initial handshake renegotiated_connection must be empty.
  if (reneg !== undefined && reneg.renegotiatedConnection.length !== 0) throw new TlsAlert('handshake_failure', 'renegotiation_info is not empty on an initial handshake');
  const secureRenegotiation = reneg !== undefined || ch.cipherSuites.includes(CipherSuite.TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
  const found = findSession12(io, config, ch, serverName(ch));
  if (found !== undefined) {
    // RFC 6066 §3: no server_name in a resuming ServerHello; RFC 5746 §3.6: renegotiation_info as in a full one.
    const base: Extension[] = secureRenegotiation ? [{ kind: 'renegotiation_info', type: ExtensionType.renegotiation_info, renegotiatedConnection: new Uint8Array(0) }] : [];
    const alpn = chooseAlpn(config, ch);
    if (alpn !== undefined) base.push({ kind: 'application_layer_protocol_negotiation', type: ExtensionType.application_layer_protocol_negotiation, protocols: [utf8.encode(alpn)] });
    return resumeServer12(io, config, ch, raw, found, downgrade, base, alpn);
  }
  const choice = choose(config, ch);
  const { suite } = choice;
  const serverRandom = io.random.bytes(RANDOM_LENGTH);
  if (downgrade) serverRandom.set(DOWNGRADE_TLS12, RANDOM_LENGTH - DOWNGRADE_TLS12.length);
  const clientOffers = (type: number): boolean => ch.extensions.some((e) => e.type === type);
  const agreed: Agreed = {
    suite,
    clientRandom: ch.random,
    serverRandom,
    extendedMasterSecret: clientOffers(ExtensionType.extended_master_secret),
    // RFC 7366 §3: encrypt-then-MAC applies to CBC suites only, and is not echoed for AEAD ones.
    encryptThenMac: suite.cipher.kind === 'cbc' && clientOffers(ExtensionType.encrypt_then_mac),
  };

  const extensions: Extension[] = [];
  if (secureRenegotiation) extensions.push({ kind: 'renegotiation_info', type: ExtensionType.renegotiation_info, renegotiatedConnection: new Uint8Array(0) });
  if (agreed.extendedMasterSecret) extensions.push({ kind: 'extended_master_secret', type: ExtensionType.extended_master_secret });
  if (agreed.encryptThenMac) extensions.push({ kind: 'encrypt_then_mac', type: ExtensionType.encrypt_then_mac });
  // RFC 8422 §5.2: the server answers ec_point_formats only for an ECC suite.
  if (suite.keyExchange === 'ecdhe' && clientOffers(ExtensionType.ec_point_formats)) {
    extensions.push({ kind: 'ec_point_formats', type: ExtensionType.ec_point_formats, formats: [ECPointFormat.uncompressed] });
  }
  if (choice.serverName !== undefined) extensions.push({ kind: 'server_name', type: ExtensionType.server_name, serverNames: null });
  if (choice.alpnProtocol !== undefined) {
    extensions.push({ kind: 'application_layer_protocol_negotiation', type: ExtensionType.application_layer_protocol_negotiation, protocols: [utf8.encode(choice.alpnProtocol)] });
  }
  // RFC 8449 §4: answer the client's record_size_limit; protected records then stay within the other side's limit.
  const clientLimit = findExtension(ch.extensions, 'record_size_limit');
  if (clientLimit !== undefined) {
    const own = serverRecordSizeLimit(config.recordSizeLimit, 'tls1.2');
    extensions.push(recordSizeLimitExtension(own));
    io.setRecordSizeLimits({ sendContent: sendContentLimit(clientLimit.limit, 'tls1.2'), receive: own });
  }
  const ticketPromised = issuesTicket12(config, ch);
  // RFC 5077 §3.2: an empty session_ticket in ServerHello promises a NewSessionTicket.
  if (ticketPromised) extensions.push({ kind: 'session_ticket', type: ExtensionType.session_ticket, ticket: new Uint8Array(0) });
  const transcript = new Tls12Transcript(suite.prfHash, raw);
  // RFC 5246 §7.4.1.3: an empty session_id says the session will not be cached.
  const sessionId = config.sessionCache !== undefined ? io.random.bytes(SESSION_ID_LENGTH) : new Uint8Array(0);
  transcript.add(
    io.send({
      kind: 'server_hello',
      legacyVersion: ProtocolVersion.tls1_2,
      random: serverRandom,
      legacySessionIdEcho: sessionId,
      cipherSuite: suite.code,
      legacyCompressionMethod: 0,
      extensions,
      extensionsPresent: extensions.length > 0,
    }),
  );
  transcript.add(io.send({ kind: 'certificate_12', certificateList: choice.certified.chain.map((c) => c.der) }));
  const secret = sendServerKeyExchange(io, choice, agreed, transcript);

  const clientAuth = config.clientAuth ?? 'none';
  const requestSchemes = clientAuth === 'none' ? [] : config.signatureSchemes;
  if (clientAuth !== 'none') {
    transcript.add(
      io.send({
        kind: 'certificate_request_12',
        certificateTypes: [ClientCertificateType.rsa_sign, ClientCertificateType.dss_sign, ClientCertificateType.ecdsa_sign],
        supportedSignatureAlgorithms: [...requestSchemes],
        certificateAuthorities: [...(config.clientCaNames ?? [])],
      }),
    );
  }
  transcript.add(io.send({ kind: 'server_hello_done' }));
  const flight: Flight = { config, ch, choice, agreed, transcript, secret, requestSchemes, sessionId, ticketPromised };
  return clientAuth === 'none' ? new ExpectClientKeyExchange(flight, {}) : new ExpectClientCertificate(flight);
}

function serverName(ch: ClientHello): string | undefined {
  const sni = findExtension(ch.extensions, 'server_name');
  const host = sni?.serverNames?.find((n) => n.nameType === NameType.host_name);
  return host === undefined ? undefined : fromUtf8.decode(host.name);
}

/**
 * Our preference order among the suites the client offers, restricted to
 * what our certificates can serve (RFC 5246 §7.4.2: the certificate's key
 * must fit the suite) and to a key-exchange group both sides have.
 */
function choose(config: ResolvedServerConfig, ch: ClientHello): Choice {
  const peerSchemes = findExtension(ch.extensions, 'signature_algorithms')?.schemes ?? TLS12_IMPLIED_PEER_SCHEMES;
  const ourSchemes = config.signatureSchemes;
  const clientGroups = findExtension(ch.extensions, 'supported_groups')?.groups;
  const formats = findExtension(ch.extensions, 'ec_point_formats');
  // RFC 8422 §5.1.2: uncompressed is mandatory; a list without it rules out ECC. §5.1.1: no list, any curve.
  const ecUsable = formats === undefined || formats.formats.includes(ECPointFormat.uncompressed);
  const ourEc = config.groups.filter((g) => EC_GROUPS.has(g));
  const ecGroup = !ecUsable ? undefined : clientGroups === undefined ? NamedGroup.secp256r1 : ourEc.find((g) => clientGroups.includes(g));
  const dhGroup = serverDhGroup(config.dhParams, clientGroups);
  for (const suite of config.tls12CipherSuites) {
    if (!ch.cipherSuites.includes(suite.code)) continue;
    if (suite.keyExchange === 'ecdhe' && ecGroup === undefined) continue;
    if (suite.keyExchange === 'dhe' && dhGroup === undefined) continue;
    for (const certified of config.certificates) {
      if (!keyFitsAuth(certified.key, suite)) continue;
      const choice: Choice = { suite, certified };
      if (suite.keyExchange !== 'rsa') {
        const scheme = usableSchemes(certified.key, peerSchemes, false).find((s) => ourSchemes.includes(s));
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
  throw new TlsAlert('handshake_failure', 'no TLS 1.2 cipher suite in common that our certificates can serve');
}

function chooseAlpn(config: ResolvedServerConfig, ch: ClientHello): string | undefined {
  const alpn = findExtension(ch.extensions, 'application_layer_protocol_negotiation');
  const ours = config.alpnProtocols;
  if (alpn === undefined || ours === undefined || ours.length === 0) return undefined;
  const offered = alpn.protocols.map((p) => fromUtf8.decode(p));
  const pick = ours.find((p) => offered.includes(p));
  // RFC 7301 §3.2: no protocol in common is no_application_protocol.
  if (pick === undefined) throw new TlsAlert('no_application_protocol', `none of ${offered.join(', ')} is served`);
  return pick;
}

/** RFC 8422 §5.4 / RFC 5246 §7.4.3: our ephemeral public value, signed with the certificate's key; nothing for RSA key exchange. */
function sendServerKeyExchange(io: HandshakeIO, choice: Choice, agreed: Agreed, transcript: Tls12Transcript): KeyExchangeSecret {
  const { suite, certified, scheme } = choice;
  if (suite.keyExchange === 'rsa' || scheme === undefined) return { kind: 'rsa' };
  let secret: KeyExchangeSecret;
  let unsigned: Omit<ServerKeyExchangeEcdhe, 'params' | 'signed'> | Omit<ServerKeyExchangeDhe, 'params' | 'signed'>;
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
  const signed = { algorithm: scheme, signature: signWithScheme(certified.key, scheme, signedParams(agreed.clientRandom, agreed.serverRandom, params), io.random) };
  transcript.add(io.send({ ...unsigned, params, signed } as ServerKeyExchangeEcdhe | ServerKeyExchangeDhe));
  return secret;
}

/** Every TLS 1.2 server state refuses a ChangeCipherSpec unless it waits for one (RFC 5246 §7.1; CVE-2014-0224). */
abstract class ServerState implements HandshakeState {
  abstract readonly name: string;
  readonly decodeAs: DecodeOptions;
  constructor(protected readonly flight: Flight) {
    this.decodeAs = decodeAs12(flight.agreed.suite);
  }
  abstract handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState;
  handleChangeCipherSpec(_io: HandshakeIO): HandshakeState {
    throw new TlsAlert('unexpected_message', `change_cipher_spec received while ${this.name}`);
  }
}

class ExpectClientCertificate extends ServerState {
  readonly name = 'waiting for client Certificate';

  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    if (message.kind !== 'certificate_12') throw unexpectedMessage(this.name, message);
    this.flight.transcript.add(raw);
    if (message.certificateList.length === 0) {
      // RFC 5246 §7.4.6: a server that requires a certificate may answer an empty one with handshake_failure.
      if (this.flight.config.clientAuth === 'required') throw new TlsAlert('handshake_failure', 'client sent no certificate');
      return new ExpectClientKeyExchange(this.flight, {});
    }
    const chain = parsePeerCertificates(message.certificateList);
    const verification = verifyPeer(this.flight.config, chain, { purpose: 'sslclient', now: io.now() });
    return new ExpectClientKeyExchange(this.flight, { peerCertificates: chain, verification });
  }
}

class ExpectClientKeyExchange extends ServerState {
  readonly name = 'waiting for ClientKeyExchange';
  constructor(
    flight: Flight,
    private readonly identity: ClientIdentity,
  ) {
    super(flight);
  }

  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    const { secret, agreed, transcript } = this.flight;
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
    return this.identity.peerCertificates !== undefined ? new ExpectClientCertificateVerify(this.flight, this.identity, keys) : new ExpectChangeCipherSpec(this.flight, this.identity, keys);
  }

  /**
   * RFC 5246 §7.4.7.1: whatever is wrong with the ciphertext, continue with
   * a random premaster so the failure shows only at Finished (no
   * Bleichenbacher oracle); src/crypto does the same steps either way.
   */
  private decryptPreMaster(io: HandshakeIO, encrypted: Uint8Array): Uint8Array {
    const key = this.flight.choice.certified.key;
    if (key.kind !== 'rsa') throw new TlsAlert('internal_error', 'RSA key exchange without an RSA key');
    return rsaDecryptTlsPremaster(key.key, encrypted, this.flight.ch.legacyVersion, io.random);
  }
}

class ExpectClientCertificateVerify extends ServerState {
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
    if (!this.flight.requestSchemes.includes(message.algorithm) || key.kind === 'unsupported' || !schemeFitsKey(message.algorithm, key, false)) {
      throw new TlsAlert('illegal_parameter', `client signed with scheme 0x${message.algorithm.toString(16)} that was not requested or does not fit its key`);
    }
    if (!verifyWithScheme(key, message.algorithm, this.flight.transcript.all(), message.signature)) throw new TlsAlert('decrypt_error', 'client CertificateVerify signature is invalid');
    this.flight.transcript.add(raw);
    return new ExpectChangeCipherSpec(this.flight, { ...this.identity, peerSignatureScheme: message.algorithm }, this.keys);
  }
}

class ExpectChangeCipherSpec extends ServerState {
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
    changeReadKeys(io, 'server', this.flight.agreed, this.keys);
    return new ExpectClientFinished(this.flight, this.identity, this.keys);
  }
}

class ExpectClientFinished extends ServerState {
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
    const { agreed, transcript, choice } = this.flight;
    const clientVerifyData = checkFinished(this.keys, 'client', transcript, message.verifyData);
    transcript.add(raw);
    const peer = peerIdentity(this.identity.peerCertificates, this.identity.verification, CLIENT_CERTIFICATE_POLICY);
    const made = { ...peer, suite: agreed.suite, master: this.keys.master, serverName: choice.serverName, alpn: choice.alpnProtocol };
    saveSession12(io, this.flight.config, made, this.flight.ticketPromised, this.flight.sessionId, transcript);
    changeWriteKeys(io, 'server', agreed, this.keys);
    const serverVerifyData = this.keys.master.verifyData('server', transcript.current());
    transcript.add(io.send({ kind: 'finished', verifyData: serverVerifyData }));
    const info = fullSessionInfo12({ agreed, ecGroup: choice.ecGroup, dhGroup: choice.dhGroup, serverName: choice.serverName, alpnProtocol: choice.alpnProtocol, ...this.identity });
    io.complete(info);
    return new Traffic12('server', agreed.suite, clientVerifyData, serverVerifyData);
  }
}
