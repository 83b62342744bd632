import { defaultKeyShareGroups } from '../policy/defaults.js';
import { constantTimeEqual } from '../../crypto/ct.js';
import type { Certificate } from '../../x509/certificate.js';
import type { VerifyResult } from '../../x509/verify.js';
import { parseIpAddress } from '../../x509/hostname.js';
import { TlsAlert } from '../error/tls-alert.js';
import type { ResolvedClientConfig } from '../policy/resolve-config.js';
import type { HandshakeIO, HandshakeState, SessionInfo } from '../engine/connection.js';
import { ExtensionType, NameType, ProtocolVersion } from '../registry/constants.js';
import type { Extension } from '../codec/extensions.js';
import { findExtension } from '../codec/extensions.js';
import type { HandshakeMessage } from '../codec/handshake.js';
import type { KeyShareSecret } from '../keys/key-exchange.js';
import { generateKeyShare, isSupportedGroup } from '../keys/key-exchange.js';
import type { ClientOffer } from '../negotiate/client-offer.js';
import {
  checkOfferedGroup,
  checkOfferedScheme,
  clientOffer,
  offeredTls13Suite,
} from '../negotiate/client-offer.js';
import { recordSizeLimitExtension, sendContentLimit } from '../record/size-limit.js';
import type { ClientHello, HelloRetryRequest, ServerHello } from '../codec/messages.js';
import { downgradeSentinel } from '../codec/messages.js';
import { parsePeerCertificates, verifyPeer } from '../policy/peer-verify.js';
import { signWithScheme, usableSchemes } from '../keys/signing.js';
import type { Tls13Suite } from '../registry/suites.js';
import { Transcript } from '../engine/transcript.js';
import { clientTls12Suites, serverHello12, tls12HelloExtensions } from '../tls12/client.js';
import type { VersionRange } from '../negotiate/version.js';
import { versionRange } from '../negotiate/version.js';
import {
  CERTIFICATE_ENTRY_EXTENSIONS,
  ENCRYPTED_EXTENSIONS,
  HELLO_RETRY_REQUEST_EXTENSIONS,
  SERVER_HELLO_EXTENSIONS,
  certificateVerifyContent,
  checkCertificateVerify,
  checkFinished,
  checkServerExtensions,
} from './common.js';
import type { HandshakeSecret } from '../keys/tls13-key-schedule.js';
import { EarlySecret, finishedVerifyData } from '../keys/tls13-key-schedule.js';
import { Traffic13, TLS13 } from './traffic.js';
import type { OfferedPsk, TicketSubject } from './psk.js';
import { bindClientHello, pskExtensions, pskModesExtension } from './psk.js';
import {
  clientRequirement,
  peerIdentity,
  serverIdentityName,
  sessionCertificates,
} from '../policy/resumption-identity.js';
import type { PeerIdentity } from '../policy/resumption-identity.js';
import { checkResumption } from '../session/resumption-check.js';
import { offerableSession12 } from '../tls12/resume-client.js';
import type { Tls12SessionState, Tls13SessionState } from '../session/state.js';
import { suiteByCode } from '../registry/suites.js';
import { unexpectedMessage } from '../engine/unexpected.js';
import { acceptedAlpn } from '../negotiate/answers.js';
import { encodeUtf8 } from '../wire/text.js';

/** What the client decided at ClientHello time and keeps for the whole handshake. */
interface ClientContext {
  config: ResolvedClientConfig;
  /** From the configuration: what buildClientHello puts in the message. */
  suites: readonly Tls13Suite[];
  groups: readonly number[];
  schemes: readonly number[];
  transcript: Transcript;
  sessionId: Uint8Array;
  /** What the last ClientHello actually offered: the server's answers are checked against this. */
  offer: ClientOffer;
  shares: KeyShareSecret[];
  helloRetry: boolean;
  sentCcs: boolean;
  serverName: string | undefined;
  range: VersionRange;
  /** The session offered as a PSK in the last ClientHello, if any. */
  psk: OfferedPsk | undefined;
  /** The first ClientHello carried psk_key_exchange_modes. */
  pskModesSent: boolean;
  /** The TLS 1.2 session offered by ID or ticket, if any. */
  session12: Tls12SessionState | undefined;
}

/** The configured session, when it is a TLS 1.3 ticket this connection may offer (`checkResumption`). */
function offerablePsk(
  config: ResolvedClientConfig,
  suites: readonly Tls13Suite[],
  serverName: string | undefined,
  nowMs: number,
): OfferedPsk | undefined {
  const state = config.session;
  if (state === undefined || state.version !== 'TLSv1.3' || state.ticket === undefined)
    return undefined;
  const requireVerified = clientRequirement(config, serverName);
  const verdict = checkResumption(
    state,
    {
      version: 'TLSv1.3',
      suites: suites.map((s) => s.code),
      serverName,
      ...(requireVerified !== undefined ? { requireVerified } : {}),
    },
    nowMs,
  );
  if (!verdict.resume) return undefined;
  const suite = suiteByCode(state.suite) as Tls13Suite;
  return { state, early: new EarlySecret(suite.hash, state.psk) };
}

function sniName(config: ResolvedClientConfig): string | undefined {
  const name = config.serverName;
  // RFC 6066 §3: literal IP addresses are not permitted in server_name.
  if (name === undefined || name === '' || parseIpAddress(name) !== undefined) return undefined;
  return name;
}

function buildClientHello(
  ctx: Omit<ClientContext, 'offer'> & { nowMs: number },
  random: Uint8Array,
  cookie: Uint8Array | undefined,
): ClientHello {
  const extensions: Extension[] = [];
  if (ctx.serverName !== undefined) {
    extensions.push({
      kind: 'server_name',
      type: ExtensionType.server_name,
      serverNames: [{ nameType: NameType.host_name, name: encodeUtf8(ctx.serverName) }],
    });
  }
  const { tls12, tls13 } = ctx.range;
  // RFC 8446 §4.2.1: a TLS 1.2-only client sends no supported_versions (and no key_share).
  if (tls13) {
    const versions = tls12
      ? [ProtocolVersion.tls1_3, ProtocolVersion.tls1_2]
      : [ProtocolVersion.tls1_3];
    extensions.push({
      kind: 'supported_versions_client_hello',
      type: ExtensionType.supported_versions,
      versions,
    });
  }
  extensions.push({
    kind: 'supported_groups',
    type: ExtensionType.supported_groups,
    groups: [...ctx.groups],
  });
  extensions.push({
    kind: 'signature_algorithms',
    type: ExtensionType.signature_algorithms,
    schemes: [...ctx.schemes],
  });
  if (tls13) {
    extensions.push({
      kind: 'key_share_client_hello',
      type: ExtensionType.key_share,
      shares: ctx.shares.map((s) => ({ group: s.group, keyExchange: s.publicKey })),
    });
  }
  if (tls12) extensions.push(...tls12HelloExtensions(ctx.config, ctx.session12));
  if (ctx.config.recordSizeLimit !== undefined)
    extensions.push(recordSizeLimitExtension(ctx.config.recordSizeLimit));
  const alpn = ctx.config.alpnProtocols;
  if (alpn !== undefined && alpn.length > 0) {
    extensions.push({
      kind: 'application_layer_protocol_negotiation',
      type: ExtensionType.application_layer_protocol_negotiation,
      protocols: alpn.map((p) => encodeUtf8(p)),
    });
  }
  if (cookie !== undefined) extensions.push({ kind: 'cookie', type: ExtensionType.cookie, cookie });
  // RFC 8446 §4.2.11: pre_shared_key is the last extension.
  if (tls13 && ctx.psk !== undefined) extensions.push(...pskExtensions(ctx.psk, ctx.nowMs));
  // RFC 8446 §4.1.2: a PSK dropped after HelloRetryRequest leaves the rest of the ClientHello, psk_key_exchange_modes included, as it was.
  else if (tls13 && ctx.pskModesSent) extensions.push(pskModesExtension());
  return {
    kind: 'client_hello',
    legacyVersion: ProtocolVersion.tls1_2,
    random,
    legacySessionId: ctx.sessionId,
    cipherSuites: [
      ...(tls13 ? ctx.suites.map((s) => s.code) : []),
      ...(tls12 ? clientTls12Suites(ctx.config).map((s) => s.code) : []),
    ],
    legacyCompressionMethods: [0],
    extensions,
    extensionsPresent: true,
  };
}

function customize(config: ResolvedClientConfig, built: ClientHello): ClientHello {
  return config.customizeClientHello?.(built) ?? built;
}

/** The client's first step: send ClientHello (RFC 8446 §4.1.2). */
export function startClient(config: ResolvedClientConfig): (io: HandshakeIO) => HandshakeState {
  return (io) => {
    const groups = config.groups.filter(isSupportedGroup);
    const shareGroups = config.keyShareGroups ?? defaultKeyShareGroups(groups);
    const range = versionRange(config);
    const base: Omit<ClientContext, 'offer'> = {
      config,
      suites: config.cipherSuites,
      groups,
      schemes: config.signatureSchemes,
      transcript: new Transcript(),
      // RFC 8446 §D.4: a non-empty legacy_session_id puts the handshake in middlebox-compatibility mode.
      sessionId:
        range.tls13 && (config.middleboxCompat ?? true) ? io.random.bytes(32) : new Uint8Array(0),
      session12: undefined,
      shares: range.tls13 ? shareGroups.map((g) => generateKeyShare(g, io.random)) : [],
      helloRetry: false,
      sentCcs: false,
      serverName: sniName(config),
      range,
      psk: undefined,
      pskModesSent: false,
    };
    const nowMs = io.now().getTime();
    if (range.tls13) base.psk = offerablePsk(config, base.suites, base.serverName, nowMs);
    base.pskModesSent = base.psk !== undefined;
    if (range.tls12) {
      const s12 = offerableSession12(config, clientTls12Suites(config), base.serverName, nowMs);
      base.session12 = s12;
      // RFC 5246 §7.4.1.2: the ID of the session to resume; RFC 5077 §3.4: with a ticket, an ID of our own, so the echo shows it was accepted.
      if (s12 !== undefined)
        base.sessionId =
          s12.sessionId ?? (base.sessionId.length > 0 ? base.sessionId : io.random.bytes(32));
    }
    const built = customize(
      config,
      buildClientHello({ ...base, nowMs }, io.random.bytes(32), undefined),
    );
    const hello = base.psk === undefined ? built : bindClientHello(built, base.psk, undefined);
    const ctx: ClientContext = { ...base, offer: clientOffer(hello) };
    const raw = io.send(hello);
    ctx.transcript.add(raw);
    return new ExpectServerHello(ctx, hello, undefined, raw);
  };
}

class ExpectServerHello implements HandshakeState {
  readonly name = 'waiting for ServerHello';
  readonly decodeAs = TLS13;
  constructor(
    private readonly ctx: ClientContext,
    private readonly hello: ClientHello,
    private readonly retrySuite?: Tls13Suite,
    /** The first ClientHello as sent, for a TLS 1.2 transcript. */
    private readonly helloRaw?: Uint8Array,
  ) {}

  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    if (message.kind === 'hello_retry_request') return this.retry(io, message, raw);
    if (message.kind !== 'server_hello') throw unexpectedMessage(this.name, message);
    return this.serverHello(io, message, raw);
  }

  private negotiatedSuite(
    code: number,
    versionExt: Extension | undefined,
    sessionIdEcho: Uint8Array,
    compression: number,
  ): Tls13Suite {
    const sv =
      versionExt?.kind === 'supported_versions_server_hello'
        ? versionExt.selectedVersion
        : undefined;
    // This client offers only TLS 1.3 (RFC 8446 §4.2.1): a server answering without supported_versions chose an older version.
    if (sv === undefined)
      throw new TlsAlert('protocol_version', 'server chose a version older than TLS 1.3');
    // RFC 8446 §4.2.1: a version we did not offer, or one before TLS 1.3, is illegal_parameter.
    if (sv !== ProtocolVersion.tls1_3 || !this.ctx.offer.versions.includes(sv))
      throw new TlsAlert(
        'illegal_parameter',
        `server selected version 0x${sv.toString(16)} that was not offered`,
      );
    if (!constantTimeEqual(sessionIdEcho, this.ctx.offer.hello.legacySessionId))
      throw new TlsAlert('illegal_parameter', 'legacy_session_id_echo does not match');
    if (compression !== 0)
      throw new TlsAlert('illegal_parameter', 'legacy_compression_method is not null');
    const suite = offeredTls13Suite(this.ctx.offer, code);
    if (this.retrySuite !== undefined && suite !== this.retrySuite)
      throw new TlsAlert(
        'illegal_parameter',
        'ServerHello cipher suite differs from HelloRetryRequest',
      );
    return suite;
  }

  private offersShare(group: number, publicKey: Uint8Array): boolean {
    const shares =
      findExtension(this.ctx.offer.hello.extensions, 'key_share_client_hello')?.shares ?? [];
    return shares.some((s) => s.group === group && constantTimeEqual(s.keyExchange, publicKey));
  }

  private retry(io: HandshakeIO, hrr: HelloRetryRequest, raw: Uint8Array): HandshakeState {
    // RFC 8446 §4.1.4: a second HelloRetryRequest is unexpected_message.
    if (this.ctx.helloRetry) throw new TlsAlert('unexpected_message', 'second HelloRetryRequest');
    // RFC 8446 §4.2: cookie is the one extension a HelloRetryRequest may carry unasked.
    checkServerExtensions(
      hrr.extensions,
      HELLO_RETRY_REQUEST_EXTENSIONS,
      new Set([...this.ctx.offer.extensionTypes, ExtensionType.cookie]),
      'HelloRetryRequest',
    );
    const suite = this.negotiatedSuite(
      hrr.cipherSuite,
      findExtension(hrr.extensions, 'supported_versions_server_hello'),
      hrr.legacySessionIdEcho,
      hrr.legacyCompressionMethod,
    );
    const ks = findExtension(hrr.extensions, 'key_share_hello_retry_request');
    const cookie = findExtension(hrr.extensions, 'cookie');
    if (ks !== undefined) {
      const g = ks.selectedGroup;
      checkOfferedGroup(this.ctx.offer, g);
      if (this.ctx.offer.keyShareGroups.includes(g))
        throw new TlsAlert(
          'illegal_parameter',
          'HelloRetryRequest selected a group a share was already sent for',
        );
    }
    // RFC 8446 §4.1.4: a HelloRetryRequest that would not change the ClientHello is illegal_parameter.
    if (ks === undefined && cookie === undefined)
      throw new TlsAlert('illegal_parameter', 'HelloRetryRequest changes nothing');
    this.ctx.helloRetry = true;
    this.ctx.transcript.replaceWithMessageHash(suite.hash);
    this.ctx.transcript.add(raw);
    if (ks !== undefined) this.ctx.shares = [generateKeyShare(ks.selectedGroup, io.random)];
    // RFC 8446 §D.4: in compatibility mode our CCS goes before the second ClientHello.
    if (this.ctx.offer.middleboxCompat) {
      io.sendChangeCipherSpec();
      this.ctx.sentCcs = true;
    }
    // RFC 8446 §4.1.2: the PSK is offered again with a new binder, or dropped when its hash does not fit the suite the server chose.
    if (this.ctx.psk !== undefined && this.ctx.psk.early.hash !== suite.hash)
      this.ctx.psk = undefined;
    const built = customize(
      this.ctx.config,
      buildClientHello(
        { ...this.ctx, nowMs: io.now().getTime() },
        this.hello.random,
        cookie?.cookie,
      ),
    );
    const second =
      this.ctx.psk === undefined
        ? built
        : bindClientHello(built, this.ctx.psk, this.ctx.transcript);
    this.ctx.offer = clientOffer(second);
    this.ctx.transcript.add(io.send(second));
    return new ExpectServerHello(this.ctx, second, suite);
  }

  private serverHello(io: HandshakeIO, sh: ServerHello, raw: Uint8Array): HandshakeState {
    // RFC 8446 §4.1.3: no supported_versions in the ServerHello is TLS 1.2 (or older), which src/tls/tls12 takes over.
    if (
      this.ctx.range.tls12 &&
      this.helloRaw !== undefined &&
      findExtension(sh.extensions, 'supported_versions_server_hello') === undefined
    ) {
      const { config, offer, serverName } = this.ctx;
      const ctx12 = {
        config,
        offer,
        helloRaw: this.helloRaw,
        serverName,
        offeredTls13: this.ctx.range.tls13,
        session: this.ctx.session12,
      };
      return serverHello12(io, ctx12, sh, raw);
    }
    // RFC 8446 §4.1.3: a TLS 1.3 client that sees a downgrade sentinel aborts with illegal_parameter.
    if (
      downgradeSentinel(sh.random) !== undefined &&
      findExtension(sh.extensions, 'supported_versions_server_hello') === undefined
    ) {
      throw new TlsAlert('illegal_parameter', 'ServerHello.random carries a downgrade sentinel');
    }
    checkServerExtensions(
      sh.extensions,
      SERVER_HELLO_EXTENSIONS,
      this.ctx.offer.extensionTypes,
      'ServerHello',
    );
    const suite = this.negotiatedSuite(
      sh.cipherSuite,
      findExtension(sh.extensions, 'supported_versions_server_hello'),
      sh.legacySessionIdEcho,
      sh.legacyCompressionMethod,
    );
    const ks = findExtension(sh.extensions, 'key_share_server_hello');
    if (ks === undefined) throw new TlsAlert('missing_extension', 'ServerHello has no key_share');
    const mine = this.ctx.shares.find(
      (s) => s.group === ks.share.group && this.offersShare(s.group, s.publicKey),
    );
    if (mine === undefined) {
      const g = ks.share.group.toString(16);
      if (!this.ctx.offer.keyShareGroups.includes(ks.share.group))
        throw new TlsAlert(
          'illegal_parameter',
          `server key share for group 0x${g} that was not offered`,
        );
      throw new TlsAlert(
        'handshake_failure',
        `server key share for group 0x${g}, whose share was added by customizeClientHello: postern holds no private key for it`,
      );
    }
    const resumed = this.acceptedPsk(sh, suite);
    const shared = mine.computeSharedSecret(ks.share.keyExchange);
    const t = this.ctx.transcript;
    t.start(suite.hash);
    t.add(raw);
    const hs = (resumed?.early ?? new EarlySecret(suite.hash)).toHandshake(shared);
    const helloHash = t.current();
    const serverSecret = hs.serverTrafficSecret(helloHash);
    const clientSecret = hs.clientTrafficSecret(helloHash);
    io.setReadKeys(suite, serverSecret);
    // RFC 8446 §7.1/§6: from here on, what the client sends (its flight, or an alert) is under client_handshake_traffic_secret.
    io.setWriteKeys(suite, clientSecret);
    return new ExpectEncryptedExtensions(
      { ...this.ctx },
      {
        suite,
        group: ks.share.group,
        hs,
        serverSecret,
        clientSecret,
        ...(resumed !== undefined ? { resumed: resumed.state } : {}),
      },
    );
  }

  /** RFC 8446 §4.2.11: the server may only select the identity we offered, with a suite of its hash. */
  private acceptedPsk(sh: ServerHello, suite: Tls13Suite): OfferedPsk | undefined {
    const selected = findExtension(sh.extensions, 'pre_shared_key_server_hello');
    if (selected === undefined) return undefined;
    const psk = this.ctx.psk;
    if (psk === undefined)
      throw new TlsAlert('illegal_parameter', 'server selected a PSK that was not offered');
    if (selected.selectedIdentity !== 0)
      throw new TlsAlert(
        'illegal_parameter',
        `server selected PSK identity ${selected.selectedIdentity} of 1`,
      );
    if (psk.early.hash !== suite.hash)
      throw new TlsAlert('illegal_parameter', 'server selected a PSK with a suite of another hash');
    return psk;
  }
}

interface Keys {
  suite: Tls13Suite;
  group: number;
  hs: HandshakeSecret;
  serverSecret: Uint8Array;
  clientSecret: Uint8Array;
  /** The session resumed, when the server accepted our PSK. */
  resumed?: Tls13SessionState;
}

interface Negotiated {
  alpnProtocol?: string;
  certificateRequest?: { context: Uint8Array; schemes: number[] };
  peerCertificates?: Certificate[];
  verification?: VerifyResult;
  peerSignatureScheme?: number;
}

class ExpectEncryptedExtensions implements HandshakeState {
  readonly name = 'waiting for EncryptedExtensions';
  readonly decodeAs = TLS13;
  constructor(
    private readonly ctx: ClientContext,
    private readonly keys: Keys,
  ) {}

  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    if (message.kind !== 'encrypted_extensions') throw unexpectedMessage(this.name, message);
    const offer = this.ctx.offer;
    checkServerExtensions(
      message.extensions,
      ENCRYPTED_EXTENSIONS,
      offer.extensionTypes,
      'EncryptedExtensions',
    );
    const negotiated: Negotiated = {};
    const alpn = acceptedAlpn(message.extensions, offer.alpnProtocols);
    if (alpn !== undefined) negotiated.alpnProtocol = alpn;
    // RFC 8449 §4: the server's limit caps what we send from now on; ours holds for what it sends.
    const limit = findExtension(message.extensions, 'record_size_limit');
    if (limit !== undefined && offer.recordSizeLimit !== undefined) {
      io.setRecordSizeLimits({
        sendContent: sendContentLimit(limit.limit, 'tls1.3'),
        receive: offer.recordSizeLimit,
      });
    }
    this.ctx.transcript.add(raw);
    const resumed = this.keys.resumed;
    // RFC 8446 §2.2: a PSK handshake has no Certificate or CertificateVerify (nor a CertificateRequest, §4.3.2).
    if (resumed !== undefined)
      return new ExpectFinished(this.ctx, this.keys, {
        ...negotiated,
        peerCertificates: sessionCertificates(resumed.peerCertificates),
      });
    return new ExpectCertificate(this.ctx, this.keys, negotiated, true);
  }
}

class ExpectCertificate implements HandshakeState {
  readonly name: string;
  readonly decodeAs = TLS13;
  constructor(
    private readonly ctx: ClientContext,
    private readonly keys: Keys,
    private readonly negotiated: Negotiated,
    private readonly requestAllowed: boolean,
  ) {
    this.name = requestAllowed
      ? 'waiting for CertificateRequest or Certificate'
      : 'waiting for Certificate';
  }

  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    if (message.kind === 'certificate_request_13' && this.requestAllowed) {
      const sa = findExtension(message.extensions, 'signature_algorithms');
      if (sa === undefined)
        throw new TlsAlert('missing_extension', 'CertificateRequest without signature_algorithms');
      this.ctx.transcript.add(raw);
      return new ExpectCertificate(
        this.ctx,
        this.keys,
        {
          ...this.negotiated,
          certificateRequest: { context: message.certificateRequestContext, schemes: sa.schemes },
        },
        false,
      );
    }
    if (message.kind !== 'certificate_13') throw unexpectedMessage(this.name, message);
    // RFC 8446 §4.4.2: the server's certificate_request_context is empty.
    if (message.certificateRequestContext.length !== 0)
      throw new TlsAlert('illegal_parameter', 'server Certificate with a request context');
    // RFC 8446 §4.4.2.4: an empty server Certificate is decode_error.
    if (message.certificateList.length === 0)
      throw new TlsAlert('decode_error', 'server sent no certificate');
    for (const entry of message.certificateList) {
      for (const e of entry.extensions) {
        if (!CERTIFICATE_ENTRY_EXTENSIONS.has(e.type) || !this.ctx.offer.extensionTypes.has(e.type))
          throw new TlsAlert('illegal_parameter', `extension ${e.type} in a CertificateEntry`);
      }
    }
    const chain = parsePeerCertificates(message.certificateList.map((e) => e.certData));
    const hostname = this.ctx.config.verifyHostname ?? this.ctx.serverName;
    const verification = verifyPeer(this.ctx.config, chain, {
      purpose: 'sslserver',
      now: io.now(),
      ...(hostname !== undefined ? { hostname } : {}),
    });
    this.ctx.transcript.add(raw);
    return new ExpectCertificateVerify(this.ctx, this.keys, {
      ...this.negotiated,
      peerCertificates: chain,
      verification,
    });
  }
}

class ExpectCertificateVerify implements HandshakeState {
  readonly name = 'waiting for CertificateVerify';
  readonly decodeAs = TLS13;
  constructor(
    private readonly ctx: ClientContext,
    private readonly keys: Keys,
    private readonly negotiated: Negotiated,
  ) {}

  handle(_io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    if (message.kind !== 'certificate_verify') throw unexpectedMessage(this.name, message);
    const leaf = (this.negotiated.peerCertificates as Certificate[])[0] as Certificate;
    // RFC 8446 §4.4.3: a scheme the ClientHello offered (one only a hook added is handshake_failure), fitting the key.
    checkOfferedScheme(this.ctx.offer, message.algorithm);
    checkCertificateVerify(
      'server',
      leaf,
      this.ctx.offer.schemes,
      message,
      this.ctx.transcript.current(),
    );
    this.ctx.transcript.add(raw);
    return new ExpectFinished(this.ctx, this.keys, {
      ...this.negotiated,
      peerSignatureScheme: message.algorithm,
    });
  }
}

class ExpectFinished implements HandshakeState {
  readonly name = 'waiting for server Finished';
  readonly decodeAs = TLS13;
  constructor(
    private readonly ctx: ClientContext,
    private readonly keys: Keys,
    private readonly negotiated: Negotiated,
  ) {}

  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    if (message.kind !== 'finished') throw unexpectedMessage(this.name, message);
    const { suite, hs } = this.keys;
    const t = this.ctx.transcript;
    checkFinished('server', suite.hash, this.keys.serverSecret, t.current(), message);
    t.add(raw);
    const master = hs.toMaster();
    const sfHash = t.current();
    const serverApp = master.serverTrafficSecret(sfHash);
    const clientApp = master.clientTrafficSecret(sfHash);
    io.setReadKeys(suite, serverApp);

    // RFC 8446 §D.4: in compatibility mode the CCS goes before the client's encrypted flight.
    if (this.ctx.offer.middleboxCompat && !this.ctx.sentCcs) io.sendChangeCipherSpec();
    const request = this.negotiated.certificateRequest;
    if (request !== undefined) this.sendClientCertificate(io, request);
    const verifyData = finishedVerifyData(suite.hash, this.keys.clientSecret, t.current());
    t.add(io.send({ kind: 'finished', verifyData }));
    io.setWriteKeys(suite, clientApp);
    const resumption = master.resumptionSecret(t.current());
    const info: SessionInfo = {
      protocol: 'TLSv1.3',
      cipher: suite,
      group: this.keys.group,
      peerCertificates: this.negotiated.peerCertificates ?? [],
      resumed: this.keys.resumed !== undefined,
      helloRetry: this.ctx.helloRetry,
      ...(this.negotiated.peerSignatureScheme !== undefined
        ? { peerSignatureScheme: this.negotiated.peerSignatureScheme }
        : {}),
      ...(this.negotiated.verification !== undefined
        ? { verification: this.negotiated.verification }
        : {}),
      ...(this.negotiated.alpnProtocol !== undefined
        ? { alpnProtocol: this.negotiated.alpnProtocol }
        : {}),
      ...(this.ctx.serverName !== undefined ? { serverName: this.ctx.serverName } : {}),
    };
    io.complete(info);
    const resumed = this.keys.resumed;
    const peer: PeerIdentity =
      resumed !== undefined
        ? {
            peerCertificates: resumed.peerCertificates,
            peerVerified: resumed.peerVerified,
            verifiedName: resumed.verifiedName,
          }
        : peerIdentity(
            this.negotiated.peerCertificates,
            this.negotiated.verification,
            serverIdentityName(this.ctx.config, this.ctx.serverName),
          );
    const subject: TicketSubject = {
      ...peer,
      suite,
      serverName: this.ctx.serverName,
      alpn: this.negotiated.alpnProtocol,
    };
    return new Traffic13('client', suite, master, clientApp, serverApp, resumption, subject);
  }

  /** RFC 8446 §4.4.2: our chain, or an empty Certificate when we have none the server can accept. */
  private sendClientCertificate(
    io: HandshakeIO,
    request: { context: Uint8Array; schemes: number[] },
  ): void {
    const t = this.ctx.transcript;
    const cert = this.ctx.config.certificate;
    const scheme =
      cert !== undefined ? usableSchemes(cert.key, request.schemes, true)[0] : undefined;
    if (cert === undefined || scheme === undefined) {
      t.add(
        io.send({
          kind: 'certificate_13',
          certificateRequestContext: request.context,
          certificateList: [],
        }),
      );
      return;
    }
    t.add(
      io.send({
        kind: 'certificate_13',
        certificateRequestContext: request.context,
        certificateList: cert.chain.map((c) => ({ certData: c.der, extensions: [] })),
      }),
    );
    const content = certificateVerifyContent('client', t.current());
    t.add(
      io.send({
        kind: 'certificate_verify',
        algorithm: scheme,
        signature: signWithScheme(cert.key, scheme, content, io.random),
      }),
    );
  }
}
