import type { DhGroup } from '../../crypto/dh.js';
import type { TlsVersionName } from './defaults.js';

export type { TlsVersionName };
import type { Random } from '../../prng/random.js';
import type { Certificate } from '../../x509/certificate.js';
import type { PrivateKey } from '../../x509/private-key.js';
import type { Purpose } from '../../x509/purpose.js';
import type { TrustStore } from '../../x509/trust-store.js';
import type { VerifyResult } from '../../x509/verify.js';
import type { HandshakeMessage } from '../codec/handshake.js';
import type { ClientHello } from '../codec/messages.js';
import type { Tls12Suite, Tls13Suite } from '../registry/suites.js';
import type { SessionState } from '../session/state.js';
import type { TicketKeyring } from '../session/ticket-keys.js';

/** A certificate chain (leaf first) and the private key of its leaf. */
export interface CertifiedKey {
  chain: Certificate[];
  key: PrivateKey;
}

/** What a peer-verification hook is told. */
export interface PeerVerifyContext {
  /** The name the client asked for (SNI) or is to check; absent when none. */
  hostname?: string;
  /** `sslserver` when we are the client, `sslclient` when we are the server. */
  purpose: Purpose;
  now: Date;
}

/**
 * Decides whether a peer's chain is trusted. The default builds a chain to
 * the configured trust store with src/x509; the MTA installs its own policy
 * (opportunistic, verified, peer-name match) here.
 */
export type PeerVerifier = (
  chain: readonly Certificate[],
  context: PeerVerifyContext,
) => VerifyResult;

/** A handshake message as it crosses the wire, for `-msg` and `*_tls_loglevel` 3–4. */
export type MessageTrace = (
  direction: 'sent' | 'received',
  message: HandshakeMessage,
  raw: Uint8Array,
) => void;

export interface CommonConfig {
  random: Random;
  /** The clock, for certificate validity; `() => new Date()` by default. */
  now?: () => Date;
  /** The lowest version to negotiate ('TLSv1.2' by default). */
  minVersion?: TlsVersionName;
  /** The highest version to negotiate ('TLSv1.3' by default). */
  maxVersion?: TlsVersionName;
  /** TLS 1.3 suites in our preference order. */
  cipherSuites?: readonly Tls13Suite[];
  /** TLS 1.2 suites in our preference order (DEFAULT_TLS12_SUITES: forward-secret ones only). */
  tls12CipherSuites?: readonly Tls12Suite[];
  /**
   * The smallest TLS 1.2 DHE prime, in bits: a client refuses a server group
   * below it (insufficient_security), a server refuses to start with a
   * configured `dhParams` below it. 2048 by default, settable down to 1024
   * (`tls_dh_min_bits`, or the command line, for old peers).
   */
  dhMinBits?: number;
  /** Key-exchange groups in our preference order (NamedGroup code points). */
  groups?: readonly number[];
  /** Signature schemes we accept from the peer, in preference order. */
  signatureSchemes?: readonly number[];
  /** ALPN protocol names, in preference order. */
  alpnProtocols?: readonly string[];
  /** Trust anchors for verifying the peer. */
  trustStore?: TrustStore;
  /** Replaces the default chain verification. */
  verifyPeer?: PeerVerifier;
  /** `*_verifydepth`: the most intermediates allowed (5). */
  verifyDepth?: number;
  /**
   * Fail the handshake when the peer's chain does not verify (true by
   * default, as in node:tls). When false the result is only reported, for
   * opportunistic TLS.
   */
  rejectUnauthorized?: boolean;
  /**
   * RFC 8449 record_size_limit: the largest protected record plaintext we
   * accept (64 to 65535; for TLS 1.3 it counts the content type byte). A
   * client offers it only when set; a server answers a client's offer with
   * this value, or the protocol maximum (2^14 + 1 in TLS 1.3, 2^14 in TLS
   * 1.2) when unset. Either side then caps the records it sends to the
   * peer's limit.
   */
  recordSizeLimit?: number;
  onMessage?: MessageTrace;
}

export interface ClientConfig extends CommonConfig {
  /** server_name to send (not sent for IP addresses, RFC 6066 §3). */
  serverName?: string;
  /** The name the server certificate must match; defaults to `serverName`. Empty string: no name check. */
  verifyHostname?: string;
  /** Groups to send key shares for in the first ClientHello; the first of `groups` by default, with x25519 beside X25519MLKEM768 (`defaultKeyShareGroups`). */
  keyShareGroups?: readonly number[];
  /** Our certificate, offered when the server asks. */
  certificate?: CertifiedKey;
  /**
   * RFC 8446 §D.4 middlebox compatibility mode (true by default): a random
   * 32-byte legacy_session_id and a change_cipher_spec before our second
   * flight. False: an empty legacy_session_id and no change_cipher_spec.
   */
  middleboxCompat?: boolean;
  /**
   * Rewrites every ClientHello before it is encoded (the first, and the
   * second after a HelloRetryRequest). For reproducing another
   * implementation's wire format (trace replay, fingerprint tests); everything
   * the peer chooses is still validated: what was offered (suites, groups,
   * key shares, signature schemes, versions, ALPN, extension types) is read
   * from the message as sent, and a server choosing something the hook added
   * that postern cannot do is refused with handshake_failure.
   */
  customizeClientHello?: (hello: ClientHello) => ClientHello;
  /**
   * A session to resume (from an earlier `session` event). TLS 1.3: offered
   * as a PSK with psk_dhe_ke; it is offered only when it passes
   * `checkResumption` for this connection (same server name, a suite of its
   * hash, a verified peer when verification is required). A TLS 1.3 ticket
   * is for one use: the caller drops it once offered (RFC 8446 §C.4).
   */
  session?: SessionState;
}

export type ClientAuth = 'none' | 'optional' | 'required';

export interface ServerConfig extends CommonConfig {
  /** One pair per key type (RSA, DSA, ECDSA, Ed25519…): TLS 1.3 picks by the client's signature_algorithms, TLS 1.2 by the suite's authentication. */
  certificates: readonly CertifiedKey[];
  /** Ask for a client certificate, and whether one is required. */
  clientAuth?: ClientAuth;
  /** CA names sent in CertificateRequest.certificate_authorities (the DER subjects of `*_CAfile`). */
  clientCaNames?: readonly Uint8Array[];
  /** The TLS 1.2 DHE group (`smtpd_tls_dh1024_param_file`, `-dhparam`), checked by src/x509/dh-params; ffdhe2048 (RFC 7919) when absent. */
  dhParams?: DhGroup;
  /**
   * Rewrites every handshake message the server sends (ServerHello,
   * HelloRetryRequest, EncryptedExtensions, …) before it is encoded, e.g. to
   * reorder extensions or add ones such as supported_groups in
   * EncryptedExtensions. For reproducing another implementation's wire format
   * (trace replay, fingerprint tests); everything the peer chooses is still
   * validated. The server's own keys and state follow its choices, not the
   * rewrite: changing a negotiated value here makes a handshake the client
   * refuses.
   */
  customizeServerMessage?: (message: HandshakeMessage) => HandshakeMessage;
  /**
   * Session tickets (TLS 1.3 NewSessionTicket; RFC 5077 for TLS 1.2) sealed
   * with this keyring, which also opens the tickets clients present. Absent
   * or false: no tickets are issued and none is accepted.
   */
  sessionTickets?: TicketKeyring | false;
  /**
   * TLS 1.2 session IDs: the sessions the server may resume by ID (a
   * synchronous view of the store; with `askCaller.session` the caller's
   * answer to the ClientHello question serves instead). With a cache the server
   * gives each full handshake a random 32-byte ID and reports the session
   * in a `session` event for the caller to store; without one it gives none.
   */
  sessionCache?: { get(id: Uint8Array): SessionState | undefined };
  /** `*_session_cache_timeout` already capped by `sessionTimeout()`, in seconds (3600 by default); 0 issues no tickets. */
  sessionTimeout?: number;
  /** TLS 1.3: how many NewSessionTicket messages follow each handshake (2, as OpenSSL). */
  ticketCount?: number;
  /**
   * Pause after the ClientHello and ask the caller (a `client_hello` event,
   * answered with `answerClientHello`): `certificates` for the chains to
   * use for the SNI name (`certificates` may then be empty: the caller
   * supplies them), `session` for the TLS 1.2 session its ID names (the
   * answer then is the session cache). rustls's Acceptor is the model.
   */
  askCaller?: { certificates?: boolean; session?: boolean };
}
