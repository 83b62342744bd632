import { constantTimeEqual } from '../../crypto/ct.js';
import type { Certificate } from '../../x509/certificate.js';
import type { VerifyResult } from '../../x509/verify.js';
import { TlsAlert } from '../error/tls-alert.js';
import type { CertifiedKey } from '../policy/config.js';
import type { ResolvedServerConfig } from '../policy/resolve-config.js';
import type { HandshakeIO, HandshakeState, SessionInfo } from '../engine/connection.js';
import { ExtensionType, NameType, ProtocolVersion } from '../registry/constants.js';
import type { Extension } from '../codec/extensions.js';
import { findExtension } from '../codec/extensions.js';
import type { HandshakeMessage } from '../codec/handshake.js';
import type { KeyShareSecret } from '../keys/key-exchange.js';
import { generateKeyShare, isSupportedGroup } from '../keys/key-exchange.js';
import type { ClientHello } from '../codec/messages.js';
import { parsePeerCertificates, verifyPeer } from '../policy/peer-verify.js';
import { isTls13SignatureScheme, signWithScheme, usableSchemes } from '../keys/signing.js';
import type { Tls13Suite } from '../registry/suites.js';
import { Transcript } from '../engine/transcript.js';
import { startServer12 } from '../tls12/server.js';
import { selectServerVersion, serverVersionRange } from '../negotiate/version.js';
import { certificateVerifyContent, checkCertificateVerify, checkFinished, fromUtf8, utf8 } from './common.js';
import type { HandshakeSecret } from '../keys/tls13-key-schedule.js';
import { EarlySecret, finishedVerifyData } from '../keys/tls13-key-schedule.js';
import { TLS13, Traffic13, unexpected } from './traffic.js';
import type { AcceptedPsk } from './psk.js';
import { selectPsk, sendTickets } from './psk.js';
import type { PeerIdentity } from '../policy/resumption-identity.js';
import { CLIENT_CERTIFICATE_POLICY, peerIdentity, sessionCertificates } from '../policy/resumption-identity.js';
import { recordSizeLimitExtension, sendContentLimit, serverRecordSizeLimit } from '../record/size-limit.js';

/** What the server chose from the first ClientHello, kept across a HelloRetryRequest. */
interface Choice {
  suite: Tls13Suite;
  group: number;
  certified: CertifiedKey;
  scheme: number;
  alpnProtocol?: string;
  serverName?: string;
}

export function startServer(config: ResolvedServerConfig): HandshakeState {
  return new ExpectClientHello(config);
}

function serverName(ch: ClientHello): string | undefined {
  const sni = findExtension(ch.extensions, 'server_name');
  const host = sni?.serverNames?.find((n) => n.nameType === NameType.host_name);
  return host === undefined ? undefined : fromUtf8.decode(host.name);
}

class ExpectClientHello implements HandshakeState {
  readonly name = 'waiting for ClientHello';
  readonly decodeAs = TLS13;
  constructor(private readonly config: ResolvedServerConfig) {}

  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    if (message.kind !== 'client_hello') throw unexpected(this.name, message);
    const ch = message;
    const range = serverVersionRange(this.config);
    // The one place the server picks a version; TLS 1.2 goes to src/tls/tls12 (RFC 8446 §4.1.3: with the downgrade sentinel when we speak 1.3).
    if (selectServerVersion(range, ch) === 'TLSv1.2') return startServer12(io, this.config, ch, raw, range.tls13);
    // RFC 8446 §4.1.2: in TLS 1.3 legacy_compression_methods is exactly one null byte.
    if (ch.legacyCompressionMethods.length !== 1 || ch.legacyCompressionMethods[0] !== 0) throw new TlsAlert('illegal_parameter', 'compression methods other than null');
    const chosen = this.choose(ch);
    const shares = findExtension(ch.extensions, 'key_share_client_hello');
    if (shares === undefined) throw new TlsAlert('missing_extension', 'ClientHello without key_share');
    const share = shares.shares.find((s) => s.group === chosen.group);
    // Resumption only without a HelloRetryRequest: after one, a full handshake (the server may always decline a PSK, RFC 8446 §4.2.11).
    const psk = share === undefined ? undefined : selectPsk(io, this.config, ch, raw, this.config.cipherSuites, chosen.serverName);
    const choice = psk === undefined ? chosen : { ...chosen, suite: psk.suite };
    const transcript = new Transcript();
    transcript.start(choice.suite.hash);
    transcript.add(raw);
    if (share === undefined) return this.helloRetry(io, ch, choice, transcript);
    return sendServerFlight(io, this.config, ch, choice, transcript, share.keyExchange, false, psk);
  }

  private choose(ch: ClientHello): Choice {
    const suites = this.config.cipherSuites;
    // Our preference order, not the client's (DESIGN.md; the server policy).
    const suite = suites.find((s) => ch.cipherSuites.includes(s.code));
    if (suite === undefined) throw new TlsAlert('handshake_failure', 'no cipher suite in common');
    const sa = findExtension(ch.extensions, 'signature_algorithms');
    if (sa === undefined) throw new TlsAlert('missing_extension', 'ClientHello without signature_algorithms');
    const groups = findExtension(ch.extensions, 'supported_groups');
    if (groups === undefined) throw new TlsAlert('missing_extension', 'ClientHello without supported_groups');
    const shares = findExtension(ch.extensions, 'key_share_client_hello');
    const ours = this.config.groups.filter(isSupportedGroup);
    // A group the client already sent a share for saves a round trip; else the best common group, by HelloRetryRequest.
    const group =
      ours.find((g) => shares?.shares.some((s) => s.group === g) === true && groups.groups.includes(g)) ?? ours.find((g) => groups.groups.includes(g));
    if (group === undefined) throw new TlsAlert('handshake_failure', 'no key-exchange group in common');
    const ourSchemes = this.config.signatureSchemes;
    let certified: CertifiedKey | undefined;
    let scheme: number | undefined;
    for (const c of this.config.certificates) {
      const usable = usableSchemes(c.key, sa.schemes, true).filter((s) => ourSchemes.includes(s));
      if (usable.length > 0) {
        certified = c;
        scheme = usable[0];
        break;
      }
    }
    if (certified === undefined || scheme === undefined) throw new TlsAlert('handshake_failure', 'no certificate fits the client signature_algorithms');
    const choice: Choice = { suite, group, certified, scheme };
    const name = serverName(ch);
    if (name !== undefined) choice.serverName = name;
    const alpn = findExtension(ch.extensions, 'application_layer_protocol_negotiation');
    const ourAlpn = this.config.alpnProtocols;
    if (alpn !== undefined && ourAlpn !== undefined && ourAlpn.length > 0) {
      const offered = alpn.protocols.map((p) => fromUtf8.decode(p));
      const pick = ourAlpn.find((p) => offered.includes(p));
      // RFC 7301 §3.2: no protocol in common is no_application_protocol.
      if (pick === undefined) throw new TlsAlert('no_application_protocol', `none of ${offered.join(', ')} is served`);
      choice.alpnProtocol = pick;
    }
    return choice;
  }

  private helloRetry(io: HandshakeIO, ch: ClientHello, choice: Choice, transcript: Transcript): HandshakeState {
    const cookie = io.random.bytes(32);
    transcript.replaceWithMessageHash(choice.suite.hash);
    const hrr: HandshakeMessage = {
      kind: 'hello_retry_request',
      legacyVersion: ProtocolVersion.tls1_2,
      legacySessionIdEcho: ch.legacySessionId,
      cipherSuite: choice.suite.code,
      legacyCompressionMethod: 0,
      extensions: [
        { kind: 'supported_versions_server_hello', type: ExtensionType.supported_versions, selectedVersion: ProtocolVersion.tls1_3 },
        { kind: 'key_share_hello_retry_request', type: ExtensionType.key_share, selectedGroup: choice.group },
        { kind: 'cookie', type: ExtensionType.cookie, cookie },
      ],
    };
    transcript.add(io.send(hrr));
    // RFC 8446 §D.4: in compatibility mode the server's CCS follows its first handshake message.
    if (ch.legacySessionId.length > 0) io.sendChangeCipherSpec();
    return new ExpectSecondClientHello(this.config, ch, choice, transcript, cookie);
  }
}

class ExpectSecondClientHello implements HandshakeState {
  readonly name = 'waiting for the second ClientHello';
  readonly decodeAs = TLS13;
  constructor(
    private readonly config: ResolvedServerConfig,
    private readonly first: ClientHello,
    private readonly choice: Choice,
    private readonly transcript: Transcript,
    private readonly cookie: Uint8Array,
  ) {}

  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    if (message.kind !== 'client_hello') throw unexpected(this.name, message);
    const ch = message;
    // RFC 8446 §4.1.2: the second ClientHello repeats the first, with the share asked for and the cookie echoed.
    const cookie = findExtension(ch.extensions, 'cookie');
    if (cookie === undefined || !constantTimeEqual(cookie.cookie, this.cookie)) throw new TlsAlert('illegal_parameter', 'second ClientHello does not echo the cookie');
    if (!constantTimeEqual(ch.legacySessionId, this.first.legacySessionId) || !ch.cipherSuites.includes(this.choice.suite.code)) {
      throw new TlsAlert('illegal_parameter', 'second ClientHello differs from the first');
    }
    const shares = findExtension(ch.extensions, 'key_share_client_hello');
    if (shares === undefined || shares.shares.length !== 1 || shares.shares[0]?.group !== this.choice.group) {
      throw new TlsAlert('illegal_parameter', 'second ClientHello does not carry exactly the requested key share');
    }
    this.transcript.add(raw);
    return sendServerFlight(io, this.config, ch, this.choice, this.transcript, shares.shares[0].keyExchange, true);
  }
}

/** ServerHello, EncryptedExtensions, [CertificateRequest], Certificate, CertificateVerify, Finished (RFC 8446 §2). */
function sendServerFlight(
  io: HandshakeIO,
  config: ResolvedServerConfig,
  ch: ClientHello,
  choice: Choice,
  transcript: Transcript,
  clientShare: Uint8Array,
  helloRetry: boolean,
  psk?: AcceptedPsk,
): HandshakeState {
  const { suite } = choice;
  const mine: KeyShareSecret = generateKeyShare(choice.group, io.random);
  const shared = mine.computeSharedSecret(clientShare);
  const sh: HandshakeMessage = {
    kind: 'server_hello',
    legacyVersion: ProtocolVersion.tls1_2,
    random: io.random.bytes(32),
    legacySessionIdEcho: ch.legacySessionId,
    cipherSuite: suite.code,
    legacyCompressionMethod: 0,
    extensions: [
      { kind: 'supported_versions_server_hello', type: ExtensionType.supported_versions, selectedVersion: ProtocolVersion.tls1_3 },
      { kind: 'key_share_server_hello', type: ExtensionType.key_share, share: { group: choice.group, keyExchange: mine.publicKey } },
      ...(psk !== undefined ? [{ kind: 'pre_shared_key_server_hello' as const, type: ExtensionType.pre_shared_key, selectedIdentity: psk.index }] : []),
    ],
    extensionsPresent: true,
  };
  transcript.add(io.send(sh));
  if (!helloRetry && ch.legacySessionId.length > 0) io.sendChangeCipherSpec();
  const hs = (psk?.early ?? new EarlySecret(suite.hash)).toHandshake(shared);
  const helloHash = transcript.current();
  const serverSecret = hs.serverTrafficSecret(helloHash);
  const clientSecret = hs.clientTrafficSecret(helloHash);
  io.setWriteKeys(suite, serverSecret);
  io.setReadKeys(suite, clientSecret);

  const ee: Extension[] = [];
  // RFC 6066 §3: the server acknowledges a server_name it used with an empty extension.
  if (choice.serverName !== undefined) ee.push({ kind: 'server_name', type: ExtensionType.server_name, serverNames: null });
  if (choice.alpnProtocol !== undefined) {
    ee.push({ kind: 'application_layer_protocol_negotiation', type: ExtensionType.application_layer_protocol_negotiation, protocols: [utf8.encode(choice.alpnProtocol)] });
  }
  // RFC 8449 §4: answer the client's record_size_limit with ours; from EncryptedExtensions on, each side sends within the other's.
  const clientLimit = findExtension(ch.extensions, 'record_size_limit');
  if (clientLimit !== undefined) {
    const own = serverRecordSizeLimit(config.recordSizeLimit, 'tls1.3');
    ee.push(recordSizeLimitExtension(own));
    io.setRecordSizeLimits({ sendContent: sendContentLimit(clientLimit.limit, 'tls1.3'), receive: own });
  }
  transcript.add(io.send({ kind: 'encrypted_extensions', extensions: ee }));

  // RFC 8446 §4.3.2, §2.2: a PSK handshake authenticates with the PSK: no CertificateRequest, Certificate or CertificateVerify.
  const clientAuth = psk === undefined ? (config.clientAuth ?? 'none') : 'none';
  const requestSchemes = config.signatureSchemes.filter(isTls13SignatureScheme);
  if (clientAuth !== 'none') {
    const ext: Extension[] = [{ kind: 'signature_algorithms', type: ExtensionType.signature_algorithms, schemes: requestSchemes }];
    const names = config.clientCaNames ?? [];
    if (names.length > 0) ext.push({ kind: 'certificate_authorities', type: ExtensionType.certificate_authorities, authorities: [...names] });
    transcript.add(io.send({ kind: 'certificate_request_13', certificateRequestContext: new Uint8Array(0), extensions: ext }));
  }
  if (psk === undefined) transcript.add(
    io.send({ kind: 'certificate_13', certificateRequestContext: new Uint8Array(0), certificateList: choice.certified.chain.map((c) => ({ certData: c.der, extensions: [] })) }),
  );
  if (psk === undefined) {
    const content = certificateVerifyContent('server', transcript.current());
    transcript.add(io.send({ kind: 'certificate_verify', algorithm: choice.scheme, signature: signWithScheme(choice.certified.key, choice.scheme, content, io.random) }));
  }
  transcript.add(io.send({ kind: 'finished', verifyData: finishedVerifyData(suite.hash, serverSecret, transcript.current()) }));

  const master = hs.toMaster();
  const sfHash = transcript.current();
  const keys: ServerKeys = {
    hs,
    clientHandshakeSecret: clientSecret,
    serverApp: master.serverTrafficSecret(sfHash),
    clientApp: master.clientTrafficSecret(sfHash),
  };
  io.setWriteKeys(suite, keys.serverApp);
  const flight: ServerFlight = { config, choice, transcript, keys, helloRetry, requestSchemes, ...(psk !== undefined ? { resumed: psk } : {}) };
  if (psk !== undefined) {
    const { peerCertificates, peerVerified, verifiedName } = psk.state;
    return new ExpectClientFinished(flight, { peerCertificates: sessionCertificates(peerCertificates) }, { peerCertificates, peerVerified, verifiedName });
  }
  return clientAuth === 'none' ? new ExpectClientFinished(flight, {}) : new ExpectClientCertificate(flight);
}

interface ServerKeys {
  hs: HandshakeSecret;
  clientHandshakeSecret: Uint8Array;
  serverApp: Uint8Array;
  clientApp: Uint8Array;
}

interface ServerFlight {
  config: ResolvedServerConfig;
  choice: Choice;
  transcript: Transcript;
  keys: ServerKeys;
  helloRetry: boolean;
  requestSchemes: readonly number[];
  resumed?: AcceptedPsk;
}

interface ClientIdentity {
  peerCertificates?: Certificate[];
  verification?: VerifyResult;
  peerSignatureScheme?: number;
}

class ExpectClientCertificate implements HandshakeState {
  readonly name = 'waiting for client Certificate';
  readonly decodeAs = TLS13;
  constructor(private readonly flight: ServerFlight) {}

  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    if (message.kind !== 'certificate_13') throw unexpected(this.name, message);
    if (message.certificateRequestContext.length !== 0) throw new TlsAlert('illegal_parameter', 'client Certificate with a request context we did not send');
    this.flight.transcript.add(raw);
    if (message.certificateList.length === 0) {
      // RFC 8446 §4.4.2.4: no certificate when one is required is certificate_required.
      if (this.flight.config.clientAuth === 'required') throw new TlsAlert('certificate_required', 'client sent no certificate');
      return new ExpectClientFinished(this.flight, {});
    }
    const chain = parsePeerCertificates(message.certificateList.map((e) => e.certData));
    const verification = verifyPeer(this.flight.config, chain, { purpose: 'sslclient', now: io.now() });
    return new ExpectClientCertificateVerify(this.flight, { peerCertificates: chain, verification });
  }
}

class ExpectClientCertificateVerify implements HandshakeState {
  readonly name = 'waiting for client CertificateVerify';
  readonly decodeAs = TLS13;
  constructor(
    private readonly flight: ServerFlight,
    private readonly identity: ClientIdentity,
  ) {}

  handle(_io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    if (message.kind !== 'certificate_verify') throw unexpected(this.name, message);
    const leaf = (this.identity.peerCertificates as Certificate[])[0] as Certificate;
    checkCertificateVerify('client', leaf, this.flight.requestSchemes, message, this.flight.transcript.current());
    this.flight.transcript.add(raw);
    return new ExpectClientFinished(this.flight, { ...this.identity, peerSignatureScheme: message.algorithm });
  }
}

class ExpectClientFinished implements HandshakeState {
  readonly name = 'waiting for client Finished';
  readonly decodeAs = TLS13;
  constructor(
    private readonly flight: ServerFlight,
    private readonly identity: ClientIdentity,
    /** A resumed session's record of the client, carried into the new tickets. */
    private readonly carried?: PeerIdentity,
  ) {}

  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    if (message.kind !== 'finished') throw unexpected(this.name, message);
    const { choice, transcript, keys } = this.flight;
    checkFinished('client', choice.suite.hash, keys.clientHandshakeSecret, transcript.current(), message);
    transcript.add(raw);
    io.setReadKeys(choice.suite, keys.clientApp);
    const master = keys.hs.toMaster();
    const resumption = master.resumptionSecret(transcript.current());
    const info: SessionInfo = {
      protocol: 'TLSv1.3',
      cipher: choice.suite,
      group: choice.group,
      peerCertificates: this.identity.peerCertificates ?? [],
      resumed: this.flight.resumed !== undefined,
      helloRetry: this.flight.helloRetry,
      ...(this.identity.peerSignatureScheme !== undefined ? { peerSignatureScheme: this.identity.peerSignatureScheme } : {}),
      ...(this.identity.verification !== undefined ? { verification: this.identity.verification } : {}),
      ...(choice.alpnProtocol !== undefined ? { alpnProtocol: choice.alpnProtocol } : {}),
      ...(choice.serverName !== undefined ? { serverName: choice.serverName } : {}),
    };
    io.complete(info);
    const peer = this.carried ?? peerIdentity(this.identity.peerCertificates, this.identity.verification, CLIENT_CERTIFICATE_POLICY);
    sendTickets(io, this.flight.config, { ...peer, suite: choice.suite, serverName: choice.serverName, alpn: choice.alpnProtocol }, resumption);
    return new Traffic13('server', choice.suite, master, keys.serverApp, keys.clientApp, resumption);
  }
}
