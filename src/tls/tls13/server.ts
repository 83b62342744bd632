import type { Certificate } from '../../x509/certificate.js';
import type { VerifyResult } from '../../x509/verify.js';
import { TlsAlert } from '../error/tls-alert.js';
import type { CertifiedKey } from '../policy/config.js';
import type { ResolvedServerConfig } from '../policy/resolve-config.js';
import type { HandshakeIO, HandshakeState, SessionInfo } from '../engine/connection.js';
import { ExtensionType, ProtocolVersion } from '../registry/constants.js';
import type { Extension } from '../codec/extensions.js';
import { findExtension } from '../codec/extensions.js';
import type { HandshakeMessage } from '../codec/handshake.js';
import { answerKeyShare, isKemGroup, isSupportedGroup } from '../keys/key-exchange.js';
import type { ClientHello } from '../codec/messages.js';
import { parsePeerCertificates, verifyPeer } from '../policy/peer-verify.js';
import { isTls13SignatureScheme, signWithScheme, usableSchemes } from '../keys/signing.js';
import type { Tls13Suite } from '../registry/suites.js';
import { Transcript } from '../engine/transcript.js';
import { certificateVerifyContent, checkCertificateVerify, checkFinished } from './common.js';
import type { HandshakeSecret } from '../keys/tls13-key-schedule.js';
import { EarlySecret, finishedVerifyData } from '../keys/tls13-key-schedule.js';
import { TLS13, Traffic13 } from './traffic.js';
import type { AcceptedPsk } from './psk.js';
import { selectPsk, sendTickets } from './psk.js';
import type { PeerIdentity } from '../policy/resumption-identity.js';
import {
  CLIENT_CERTIFICATE_POLICY,
  peerIdentity,
  sessionCertificates,
} from '../policy/resumption-identity.js';
import { unexpectedMessage } from '../engine/unexpected.js';
import {
  alpnExtension,
  answerRecordSizeLimit,
  chooseAlpn,
  serverName,
  serverNameAck,
} from '../negotiate/answers.js';
import { checkSecondClientHello } from '../negotiate/second-hello.js';

/** What the server chose from the first ClientHello, kept across a HelloRetryRequest. */
interface Choice {
  suite: Tls13Suite;
  group: number;
  certified: CertifiedKey;
  scheme: number;
  alpnProtocol?: string;
  serverName?: string;
}

/**
 * The TLS 1.3 server from a ClientHello the version choice gave it
 * (hello/server.ts): choose suite, group and certificate, then either a
 * HelloRetryRequest or the server flight (RFC 8446 §2).
 */
export function startServer13(
  io: HandshakeIO,
  config: ResolvedServerConfig,
  ch: ClientHello,
  raw: Uint8Array,
): HandshakeState {
  // RFC 8446 §4.1.2: in TLS 1.3 legacy_compression_methods is exactly one null byte.
  if (ch.legacyCompressionMethods.length !== 1 || ch.legacyCompressionMethods[0] !== 0)
    throw TlsAlert.because('compression_not_null', 'compression methods other than null');
  const chosen = choose(config, ch);
  const shares = findExtension(ch.extensions, 'key_share_client_hello');
  if (shares === undefined)
    throw TlsAlert.because('missing_key_share', 'ClientHello without key_share');
  const share = shares.shares.find((s) => s.group === chosen.group);
  // Resumption only without a HelloRetryRequest: after one, a full handshake (the server may always decline a PSK, RFC 8446 §4.2.11).
  const psk =
    share === undefined
      ? undefined
      : selectPsk(io, config, ch, raw, config.cipherSuites, chosen.serverName);
  const choice = psk === undefined ? chosen : { ...chosen, suite: psk.suite };
  const transcript = new Transcript();
  transcript.start(choice.suite.hash);
  transcript.add(raw);
  if (share === undefined) return helloRetry(io, config, ch, choice, transcript);
  return sendServerFlight(io, {
    config,
    ch,
    choice,
    transcript,
    clientShare: share.keyExchange,
    helloRetry: false,
    ...(psk !== undefined ? { psk } : {}),
  });
}

/** Our preference order, not the client's (RFC 8446 §4.1.1 leaves the choice to the server). */
function chooseSuite(config: ResolvedServerConfig, ch: ClientHello): Tls13Suite {
  const suite = config.cipherSuites.find((s) => ch.cipherSuites.includes(s.code));
  if (suite === undefined)
    throw TlsAlert.because('no_common_cipher_suite', 'no cipher suite in common');
  return suite;
}

/**
 * A post-quantum hybrid we rank first is chosen whenever the client supports
 * it, by HelloRetryRequest if it sent no share for it (OpenSSL 3.5's first
 * group tuple, `?*X25519MLKEM768 / …`); otherwise a group the client already
 * sent a share for saves a round trip; else the best common group, by
 * HelloRetryRequest.
 */
function chooseGroup(config: ResolvedServerConfig, ch: ClientHello): number {
  const groups = findExtension(ch.extensions, 'supported_groups');
  if (groups === undefined)
    throw TlsAlert.because('missing_supported_groups', 'ClientHello without supported_groups');
  const shares = findExtension(ch.extensions, 'key_share_client_hello');
  const ours = config.groups.filter(isSupportedGroup);
  const first = ours[0];
  if (first !== undefined && isKemGroup(first) && groups.groups.includes(first)) return first;
  const group =
    ours.find(
      (g) => shares?.shares.some((s) => s.group === g) === true && groups.groups.includes(g),
    ) ?? ours.find((g) => groups.groups.includes(g));
  if (group === undefined)
    throw TlsAlert.because('no_common_group', 'no key-exchange group in common');
  return group;
}

/** RFC 8446 §4.4.2.2: the first certificate (in our order) with a scheme the client accepts and we allow. */
function chooseCertificate(
  config: ResolvedServerConfig,
  ch: ClientHello,
): { certified: CertifiedKey; scheme: number } {
  const sa = findExtension(ch.extensions, 'signature_algorithms');
  if (sa === undefined)
    throw TlsAlert.because(
      'missing_signature_algorithms',
      'ClientHello without signature_algorithms',
    );
  for (const certified of config.certificates) {
    const scheme = usableSchemes(certified.key, sa.schemes, true).find((s) =>
      config.signatureSchemes.includes(s),
    );
    if (scheme !== undefined) return { certified, scheme };
  }
  throw TlsAlert.because(
    'no_certificate_for_peer',
    'no certificate fits the client signature_algorithms',
  );
}

function choose(config: ResolvedServerConfig, ch: ClientHello): Choice {
  const choice: Choice = {
    suite: chooseSuite(config, ch),
    group: chooseGroup(config, ch),
    ...chooseCertificate(config, ch),
  };
  const name = serverName(ch);
  if (name !== undefined) choice.serverName = name;
  const alpn = chooseAlpn(config, ch);
  if (alpn !== undefined) choice.alpnProtocol = alpn;
  return choice;
}

/** RFC 8446 §4.1.4: ask for a share of the chosen group, with a cookie the second ClientHello must echo. */
function helloRetry(
  io: HandshakeIO,
  config: ResolvedServerConfig,
  ch: ClientHello,
  choice: Choice,
  transcript: Transcript,
): HandshakeState {
  const cookie = io.random.bytes(32);
  transcript.replaceWithMessageHash(choice.suite.hash);
  const hrr: HandshakeMessage = {
    kind: 'hello_retry_request',
    legacyVersion: ProtocolVersion.tls1_2,
    legacySessionIdEcho: ch.legacySessionId,
    cipherSuite: choice.suite.code,
    legacyCompressionMethod: 0,
    extensions: [
      {
        kind: 'supported_versions_server_hello',
        type: ExtensionType.supported_versions,
        selectedVersion: ProtocolVersion.tls1_3,
      },
      {
        kind: 'key_share_hello_retry_request',
        type: ExtensionType.key_share,
        selectedGroup: choice.group,
      },
      { kind: 'cookie', type: ExtensionType.cookie, cookie },
    ],
  };
  transcript.add(io.send(hrr));
  // RFC 8446 §D.4: in compatibility mode the server's CCS follows its first handshake message.
  if (ch.legacySessionId.length > 0) io.sendChangeCipherSpec();
  return new ExpectSecondClientHello(config, ch, choice, transcript, cookie);
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
    if (message.kind !== 'client_hello') throw unexpectedMessage(this.name, message);
    const clientShare = checkSecondClientHello(this.first, message, {
      group: this.choice.group,
      cookie: this.cookie,
    });
    this.transcript.add(raw);
    return sendServerFlight(io, {
      config: this.config,
      ch: message,
      choice: this.choice,
      transcript: this.transcript,
      clientShare,
      helloRetry: true,
    });
  }
}

/** What the server flight is built from. */
interface FlightInput {
  config: ResolvedServerConfig;
  ch: ClientHello;
  choice: Choice;
  transcript: Transcript;
  clientShare: Uint8Array;
  helloRetry: boolean;
  psk?: AcceptedPsk;
}

/** ServerHello, EncryptedExtensions, [CertificateRequest], Certificate, CertificateVerify, Finished (RFC 8446 §2). */
function sendServerFlight(io: HandshakeIO, input: FlightInput): HandshakeState {
  const { config, choice, transcript, psk } = input;
  const hs = sendServerHello(io, input);
  const helloHash = transcript.current();
  const serverSecret = hs.serverTrafficSecret(helloHash);
  const clientSecret = hs.clientTrafficSecret(helloHash);
  io.setWriteKeys(choice.suite, serverSecret);
  io.setReadKeys(choice.suite, clientSecret);
  sendEncryptedExtensions(io, input);
  // RFC 8446 §4.3.2, §2.2: a PSK handshake authenticates with the PSK: no CertificateRequest, Certificate or CertificateVerify.
  const clientAuth = psk === undefined ? (config.clientAuth ?? 'none') : 'none';
  const requestSchemes = config.signatureSchemes.filter(isTls13SignatureScheme);
  if (clientAuth !== 'none') sendCertificateRequest(io, config, requestSchemes, transcript);
  if (psk === undefined) sendCertificateAndVerify(io, choice, transcript);
  transcript.add(
    io.send({
      kind: 'finished',
      verifyData: finishedVerifyData(choice.suite.hash, serverSecret, transcript.current()),
    }),
  );

  const master = hs.toMaster();
  const sfHash = transcript.current();
  const keys: ServerKeys = {
    hs,
    clientHandshakeSecret: clientSecret,
    serverApp: master.serverTrafficSecret(sfHash),
    clientApp: master.clientTrafficSecret(sfHash),
  };
  io.setWriteKeys(choice.suite, keys.serverApp);
  const flight: ServerFlight = {
    config,
    choice,
    transcript,
    keys,
    helloRetry: input.helloRetry,
    requestSchemes,
    ...(psk !== undefined ? { resumed: psk } : {}),
  };
  if (psk !== undefined) {
    const { peerCertificates, peerVerified, verifiedName } = psk.state;
    return new ExpectClientFinished(
      flight,
      { peerCertificates: sessionCertificates(peerCertificates) },
      { peerCertificates, peerVerified, verifiedName },
    );
  }
  return clientAuth === 'none'
    ? new ExpectClientFinished(flight, {})
    : new ExpectClientCertificate(flight);
}

/** RFC 8446 §4.1.3 (and §D.4's compatibility CCS): returns the handshake secret from our share and the client's. */
function sendServerHello(
  io: HandshakeIO,
  { ch, choice, transcript, clientShare, helloRetry, psk }: FlightInput,
): HandshakeSecret {
  const mine = answerKeyShare(choice.group, clientShare, io.random);
  const shared = mine.sharedSecret;
  const sh: HandshakeMessage = {
    kind: 'server_hello',
    legacyVersion: ProtocolVersion.tls1_2,
    random: io.random.bytes(32),
    legacySessionIdEcho: ch.legacySessionId,
    cipherSuite: choice.suite.code,
    legacyCompressionMethod: 0,
    extensions: [
      {
        kind: 'supported_versions_server_hello',
        type: ExtensionType.supported_versions,
        selectedVersion: ProtocolVersion.tls1_3,
      },
      {
        kind: 'key_share_server_hello',
        type: ExtensionType.key_share,
        share: { group: choice.group, keyExchange: mine.publicKey },
      },
      ...(psk !== undefined
        ? [
            {
              kind: 'pre_shared_key_server_hello' as const,
              type: ExtensionType.pre_shared_key,
              selectedIdentity: psk.index,
            },
          ]
        : []),
    ],
    extensionsPresent: true,
  };
  transcript.add(io.send(sh));
  if (!helloRetry && ch.legacySessionId.length > 0) io.sendChangeCipherSpec();
  return (psk?.early ?? new EarlySecret(choice.suite.hash)).toHandshake(shared);
}

/** RFC 8446 §4.3.1: the answers to SNI, ALPN and record_size_limit. */
function sendEncryptedExtensions(
  io: HandshakeIO,
  { config, ch, choice, transcript, psk }: FlightInput,
): void {
  const ee: Extension[] = [];
  // RFC 6066 §3: "When resuming a session, the server MUST NOT include a server_name extension" (BoringSSL keeps this in TLS 1.3).
  if (choice.serverName !== undefined && psk === undefined) ee.push(serverNameAck());
  if (choice.alpnProtocol !== undefined) ee.push(alpnExtension(choice.alpnProtocol));
  const limit = answerRecordSizeLimit(io, config, ch, 'tls1.3');
  if (limit !== undefined) ee.push(limit);
  transcript.add(io.send({ kind: 'encrypted_extensions', extensions: ee }));
}

/** RFC 8446 §4.3.2: the schemes we accept and, with `*_CAfile`, the CA names. */
function sendCertificateRequest(
  io: HandshakeIO,
  config: ResolvedServerConfig,
  schemes: readonly number[],
  transcript: Transcript,
): void {
  const ext: Extension[] = [
    {
      kind: 'signature_algorithms',
      type: ExtensionType.signature_algorithms,
      schemes: [...schemes],
    },
  ];
  const names = config.clientCaNames ?? [];
  if (names.length > 0)
    ext.push({
      kind: 'certificate_authorities',
      type: ExtensionType.certificate_authorities,
      authorities: [...names],
    });
  transcript.add(
    io.send({
      kind: 'certificate_request_13',
      certificateRequestContext: new Uint8Array(0),
      extensions: ext,
    }),
  );
}

/** RFC 8446 §4.4.2, §4.4.3. */
function sendCertificateAndVerify(io: HandshakeIO, choice: Choice, transcript: Transcript): void {
  const certificateList = choice.certified.chain.map((c) => ({ certData: c.der, extensions: [] }));
  transcript.add(
    io.send({
      kind: 'certificate_13',
      certificateRequestContext: new Uint8Array(0),
      certificateList,
    }),
  );
  const content = certificateVerifyContent('server', transcript.current());
  transcript.add(
    io.send({
      kind: 'certificate_verify',
      algorithm: choice.scheme,
      signature: signWithScheme(choice.certified.key, choice.scheme, content, io.random),
    }),
  );
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
    if (message.kind !== 'certificate_13') throw unexpectedMessage(this.name, message);
    if (message.certificateRequestContext.length !== 0)
      throw new TlsAlert(
        'illegal_parameter',
        'client Certificate with a request context we did not send',
      );
    this.flight.transcript.add(raw);
    if (message.certificateList.length === 0) {
      // RFC 8446 §4.4.2.4: no certificate when one is required is certificate_required.
      if (this.flight.config.clientAuth === 'required')
        throw new TlsAlert('certificate_required', 'client sent no certificate');
      return new ExpectClientFinished(this.flight, {});
    }
    const chain = parsePeerCertificates(message.certificateList.map((e) => e.certData));
    const verification = verifyPeer(this.flight.config, chain, {
      purpose: 'sslclient',
      now: io.now(),
    });
    return new ExpectClientCertificateVerify(this.flight, {
      peerCertificates: chain,
      verification,
    });
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
    if (message.kind !== 'certificate_verify') throw unexpectedMessage(this.name, message);
    const leaf = (this.identity.peerCertificates as Certificate[])[0] as Certificate;
    checkCertificateVerify(
      'client',
      leaf,
      this.flight.requestSchemes,
      message,
      this.flight.transcript.current(),
    );
    this.flight.transcript.add(raw);
    return new ExpectClientFinished(this.flight, {
      ...this.identity,
      peerSignatureScheme: message.algorithm,
    });
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
    if (message.kind !== 'finished') throw unexpectedMessage(this.name, message);
    const { choice, transcript, keys } = this.flight;
    checkFinished(
      'client',
      choice.suite.hash,
      keys.clientHandshakeSecret,
      transcript.current(),
      message,
    );
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
      ...(this.identity.peerSignatureScheme !== undefined
        ? { peerSignatureScheme: this.identity.peerSignatureScheme }
        : {}),
      ...(this.flight.resumed === undefined ? localSignature(choice) : {}),
      ...(this.identity.verification !== undefined
        ? { verification: this.identity.verification }
        : {}),
      ...(choice.alpnProtocol !== undefined ? { alpnProtocol: choice.alpnProtocol } : {}),
      ...(choice.serverName !== undefined ? { serverName: choice.serverName } : {}),
    };
    io.complete(info);
    const peer =
      this.carried ??
      peerIdentity(
        this.identity.peerCertificates,
        this.identity.verification,
        CLIENT_CERTIFICATE_POLICY,
      );
    sendTickets(
      io,
      this.flight.config,
      { ...peer, suite: choice.suite, serverName: choice.serverName, alpn: choice.alpnProtocol },
      resumption,
    );
    return new Traffic13(
      'server',
      choice.suite,
      master,
      keys.serverApp,
      keys.clientApp,
      resumption,
    );
  }
}

/** What we signed with in a full handshake, for the caller's logs (SessionInfo.localSignatureScheme / localCertificate). */
function localSignature(choice: Choice): {
  localSignatureScheme: number;
  localCertificate?: Certificate;
} {
  const leaf = choice.certified.chain[0];
  return {
    localSignatureScheme: choice.scheme,
    ...(leaf !== undefined ? { localCertificate: leaf } : {}),
  };
}
