import { NamedGroup } from '../registry/named-group.js';
import { SignatureScheme as S } from '../registry/signature-scheme.js';
import type { Tls12Suite, Tls13Suite } from '../registry/suites.js';
import { ALL_TLS12_SUITES, ALL_TLS13_SUITES } from '../registry/suites.js';

/**
 * Every default of the TLS layer, each with its reason (Go's defaults.go is
 * the model). resolveConfig() applies the configuration ones; the stores and
 * the framing take theirs from here. This file imports only the registry, so
 * every folder of src/tls may read it.
 */

/** The protocol versions postern speaks, by their OpenSSL names. */
export type TlsVersionName = 'TLSv1.2' | 'TLSv1.3';

/** DESIGN.md, TLS scope: TLS 1.2 and 1.3; 1.0/1.1 only as a later opt-in legacy mode. */
export const DEFAULT_MIN_VERSION: TlsVersionName = 'TLSv1.2';
export const DEFAULT_MAX_VERSION: TlsVersionName = 'TLSv1.3';

/**
 * TLS 1.3: ChaCha20-Poly1305 first (constant-time in noble, and faster than
 * table-based AES in pure TypeScript), then AES-GCM.
 */
export const DEFAULT_TLS13_SUITES: readonly Tls13Suite[] = ALL_TLS13_SUITES;

/**
 * TLS 1.2, the server's preference order and the client's offer:
 * forward-secret suites only. AEAD before CBC; within each, ECDHE before
 * DHE (a DHE handshake costs several times an ECDHE one, and a client
 * offering DHE-RSA-CHACHA20 nearly always offers ECDHE too),
 * ChaCha20-Poly1305 before AES-GCM, AES-128 before AES-256 as in TLS 1.3,
 * and RSA certificates before ECDSA and DSA ones (the RSA certificate is
 * preferred when a client accepts several).
 */
export const DEFAULT_TLS12_SUITES: readonly Tls12Suite[] = ALL_TLS12_SUITES.filter(
  (s) => s.keyExchange !== 'rsa',
);

/**
 * RFC 8446 §4.2.7: the post-quantum hybrid X25519MLKEM768 first
 * (draft-ietf-tls-ecdhe-mlkem; OpenSSL 3.5's default too), then x25519
 * (fast and constant-time), then the NIST curves, then FFDHE (RFC 7919).
 */
export const DEFAULT_GROUPS: readonly number[] = [
  NamedGroup.X25519MLKEM768,
  NamedGroup.x25519,
  NamedGroup.secp256r1,
  NamedGroup.secp384r1,
  NamedGroup.ffdhe2048,
  NamedGroup.ffdhe3072,
];

/**
 * The groups a client sends key shares for when `keyShareGroups` is unset:
 * the first of its groups, and x25519 beside X25519MLKEM768 when that comes
 * first and x25519 is listed (as OpenSSL 3.5 does), so a server without the
 * hybrid needs no HelloRetryRequest.
 */
export function defaultKeyShareGroups(groups: readonly number[]): number[] {
  const first = groups[0];
  if (first === undefined) return [];
  if (first === NamedGroup.X25519MLKEM768 && groups.includes(NamedGroup.x25519))
    return [first, NamedGroup.x25519];
  return [first];
}

/**
 * What we offer in signature_algorithms, in preference order: TLS 1.3
 * schemes first (RFC 8446 §4.2.3) in OpenSSL 3's order, SHA-1 last
 * (RFC 9155 deprecates it in TLS 1.2 signatures; GnuTLS still signs DSA
 * with it). rsa_pss_pss_* are for id-RSASSA-PSS keys only, so they never
 * take the place of rsa_pss_rsae_* for an ordinary RSA key.
 */
export const DEFAULT_SIGNATURE_SCHEMES: readonly number[] = [
  S.ecdsa_secp256r1_sha256,
  S.ecdsa_secp384r1_sha384,
  S.ecdsa_secp521r1_sha512,
  S.ed25519,
  S.rsa_pss_pss_sha256,
  S.rsa_pss_pss_sha384,
  S.rsa_pss_pss_sha512,
  S.rsa_pss_rsae_sha256,
  S.rsa_pss_rsae_sha384,
  S.rsa_pss_rsae_sha512,
  S.rsa_pkcs1_sha256,
  S.rsa_pkcs1_sha384,
  S.rsa_pkcs1_sha512,
  S.dsa_sha256,
  S.dsa_sha384,
  S.dsa_sha512,
  S.rsa_pkcs1_sha1,
  S.ecdsa_sha1,
  S.dsa_sha1,
];

/** RFC 7919 §8 and NIST SP 800-57: 2048-bit DH by default; old peers may need 1024. */
export const DEFAULT_DH_MIN_BITS = 2048;
/** The floor of `dhMinBits`: below 1024 bits DH is refused whatever the configuration (OpenSSL 3 does the same). */
export const LOWEST_DH_MIN_BITS = 1024;

/** Postfix's default `smtpd_tls_session_cache_timeout` and `smtp_tls_session_cache_timeout`. */
export const DEFAULT_SESSION_CACHE_TIMEOUT = 3600;
/** OpenSSL's default number of TLS 1.3 tickets after each handshake. */
export const DEFAULT_TICKET_COUNT = 2;

/** OpenSSL's default cipher list (`DEFAULT`): what a cipher string starts from. */
export const DEFAULT_CIPHER_RULES = 'ALL:!COMPLEMENTOFDEFAULT:!eNULL';

/** node:tls's default: 120 s before an unfinished handshake is abandoned. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 120_000;

/** Bound on a handshake message body other than ClientHello and Certificate. The protocol allows 2^24 - 1; no other message we accept needs more than a few KiB. */
export const DEFAULT_MAX_HANDSHAKE_MESSAGE = 64 * 1024;
/** Bound on a Certificate body: a chain with large RSA keys and intermediates. */
export const DEFAULT_MAX_CERTIFICATE_MESSAGE = 256 * 1024;

/** The memory store's bound: OpenSSL's default session cache size (SSL_SESSION_CACHE_MAX_SIZE_DEFAULT). */
export const DEFAULT_MAX_ENTRIES = 20 * 1024;
/** SQLite store: how long a writer waits for another process's lock (better-sqlite3's `timeout`), so processes sharing the file queue rather than fail. */
export const DEFAULT_SQLITE_BUSY_TIMEOUT_MS = 5000;
/** SQLite store: expired entries are purged every 5 minutes, so the file does not grow with dead sessions. */
export const DEFAULT_SQLITE_PURGE_INTERVAL_MS = 300_000;
/** Redis store: keys are namespaced so one Redis may serve other programs. */
export const DEFAULT_REDIS_PREFIX = 'postern:';
/** Redis store: a server that does not answer in 5 s is an error, not a hang. */
export const DEFAULT_REDIS_CONNECT_TIMEOUT_MS = 5000;
