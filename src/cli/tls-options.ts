import type { CertifiedKey, MessageTrace } from '../tls/policy/config.js';
import type { SessionInfo } from '../tls/engine/connection.js';
import { TlsConnectionError } from '../tls/error/connection-error.js';
import type { HandshakeMessage } from '../tls/codec/handshake.js';
import { GROUP_NAMES, groupName } from '../tls/keys/key-exchange.js';
import { NamedGroup } from '../tls/registry/named-group.js';
import { SignatureScheme } from '../tls/registry/signature-scheme.js';
import { dumpHandshake } from '../tls/codec/dump.js';
import { loadCertificateAndKey } from '../x509/load.js';
import { formatOneline } from '../x509/name.js';
import { TrustStore } from '../x509/trust-store.js';
import { verifyReasonCode, verifyReasonText } from '../x509/verify-reason.js';
import type { ParsedArgs } from './args.js';
import { optionValue } from './args.js';
import { UsageError } from './command.js';

/** Flags and options s_client and s_server share. */
export const TLS_FLAGS = ['msg', 'quiet', 'verify_return_error'] as const;
export const TLS_OPTIONS = ['CAfile', 'CApath', 'groups', 'alpn', 'cert', 'key'] as const;

/** `-groups x25519:P-256`: OpenSSL's colon-separated list, names from GROUP_NAMES. */
export function parseGroups(list: string): number[] {
  const groups = list.split(':').map((name) => {
    const code = GROUP_NAMES.get(name);
    if (code === undefined)
      throw new UsageError(
        `unknown group '${name}' (known: ${[...GROUP_NAMES.keys()].join(', ')})`,
      );
    return code;
  });
  return [...new Set(groups)];
}

/** `-alpn h2,http/1.1`: comma-separated protocol names of 1 to 255 bytes (RFC 7301 §3.1). */
export function parseAlpn(list: string): string[] {
  return list.split(',').map((p) => {
    const n = Buffer.byteLength(p, 'utf8');
    if (n === 0 || n > 255)
      throw new UsageError(`ALPN protocol name '${p}' must be 1 to 255 bytes`);
    return p;
  });
}

/** `HOST:PORT`, `[v6addr]:PORT`, or (when `hostOptional`) a bare `PORT`. */
export function parseHostPort(
  value: string,
  option: string,
  hostOptional: boolean,
): { host?: string; port: number } {
  const m =
    /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(value) ??
    (hostOptional ? /^()()(\d+)$/.exec(value) : null);
  const port = Number(m?.[3]);
  if (m === null || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(
      `-${option} needs ${hostOptional ? '[HOST:]PORT' : 'HOST:PORT'}, not '${value}'`,
    );
  }
  const host = m[1] ?? m[2];
  return host === undefined || host === '' ? { port } : { host, port };
}

/** -CAfile / -CApath as a trust store; undefined when neither is given. */
export function loadTrust(parsed: ParsedArgs): TrustStore | undefined {
  const caFile = optionValue(parsed, 'CAfile');
  const caPath = optionValue(parsed, 'CApath');
  if (caFile === undefined && caPath === undefined) return undefined;
  return TrustStore.load({
    ...(caFile !== undefined && { caFile }),
    ...(caPath !== undefined && { caPath }),
  });
}

/** A `-cert`/`-key` style pair; the key defaults to the certificate file, as in OpenSSL and Postfix. */
export function loadPair(
  parsed: ParsedArgs,
  certOption: string,
  keyOption: string,
): CertifiedKey | undefined {
  const certFile = optionValue(parsed, certOption);
  const keyFile = optionValue(parsed, keyOption);
  if (certFile === undefined) {
    if (keyFile !== undefined) throw new UsageError(`-${keyOption} needs -${certOption}`);
    return undefined;
  }
  const { chain, key } = loadCertificateAndKey(certFile, keyFile);
  return { chain, key };
}

/** The handshake options both commands take, in the engine's terms. */
export function commonTlsOptions(parsed: ParsedArgs): {
  groups?: number[];
  alpnProtocols?: string[];
  rejectUnauthorized: boolean;
} {
  const groups = optionValue(parsed, 'groups');
  const alpn = optionValue(parsed, 'alpn');
  return {
    ...(groups !== undefined && { groups: parseGroups(groups) }),
    ...(alpn !== undefined && { alpnProtocols: parseAlpn(alpn) }),
    // OpenSSL's s_client and s_server report a failed verification and go on unless -verify_return_error.
    rejectUnauthorized: parsed.flags.has('verify_return_error'),
  };
}

/** OpenSSL's names for handshake messages in `-msg` headers. */
export function handshakeMessageName(m: HandshakeMessage): string {
  switch (m.kind) {
    case 'client_hello':
      return 'ClientHello';
    case 'server_hello':
      return 'ServerHello';
    case 'hello_retry_request':
      return 'HelloRetryRequest';
    case 'encrypted_extensions':
      return 'EncryptedExtensions';
    case 'certificate_request_13':
    case 'certificate_request_12':
      return 'CertificateRequest';
    case 'certificate_13':
    case 'certificate_12':
      return 'Certificate';
    case 'certificate_verify':
      return 'CertificateVerify';
    case 'finished':
      return 'Finished';
    case 'new_session_ticket_13':
    case 'new_session_ticket_12':
      return 'NewSessionTicket';
    case 'key_update':
      return 'KeyUpdate';
    case 'end_of_early_data':
      return 'EndOfEarlyData';
    case 'server_key_exchange_ecdhe':
    case 'server_key_exchange_dhe':
      return 'ServerKeyExchange';
    case 'server_hello_done':
      return 'ServerHelloDone';
    case 'client_key_exchange_ecdhe':
    case 'client_key_exchange_dhe':
    case 'client_key_exchange_rsa':
      return 'ClientKeyExchange';
    case 'hello_request':
      return 'HelloRequest';
  }
}

/**
 * `-msg`: each handshake message, sent (`>>>`) or received (`<<<`), as a
 * header line and its annotated dump. Only messages reach the printer, so
 * no traffic secret or private key can be printed (DESIGN.md).
 */
export function messagePrinter(out: NodeJS.WritableStream): MessageTrace {
  let negotiated: 'TLS 1.3' | 'TLS 1.2' | undefined;
  return (direction, message, raw) => {
    const arrow = direction === 'sent' ? '>>>' : '<<<';
    const length = raw.length.toString(16).padStart(4, '0');
    const version = messageVersion(message, negotiated);
    if (message.kind === 'server_hello') negotiated = version;
    out.write(
      `${arrow} ${version} Handshake [length ${length}], ${handshakeMessageName(message)}\n${dumpHandshake(message)}\n`,
    );
  };
}

/**
 * The version a message belongs to, for the `-msg` header: its own form where
 * the versions differ, what the hello offers or selects (supported_versions,
 * RFC 8446 §4.2.1), else what the ServerHello settled.
 */
function messageVersion(
  message: HandshakeMessage,
  negotiated: 'TLS 1.3' | 'TLS 1.2' | undefined,
): 'TLS 1.3' | 'TLS 1.2' {
  switch (message.kind) {
    case 'client_hello': {
      const sv = message.extensions.find((e) => e.kind === 'supported_versions_client_hello');
      return sv !== undefined &&
        sv.kind === 'supported_versions_client_hello' &&
        sv.versions.includes(0x0304)
        ? 'TLS 1.3'
        : 'TLS 1.2';
    }
    case 'server_hello':
      return message.extensions.some((e) => e.kind === 'supported_versions_server_hello')
        ? 'TLS 1.3'
        : 'TLS 1.2';
    case 'hello_retry_request':
    case 'encrypted_extensions':
    case 'certificate_request_13':
    case 'certificate_13':
    case 'new_session_ticket_13':
    case 'key_update':
    case 'end_of_early_data':
      return 'TLS 1.3';
    case 'certificate_verify':
    case 'finished':
      return negotiated ?? 'TLS 1.3';
    default:
      return 'TLS 1.2';
  }
}

/** OpenSSL's `Server Temp Key:` wording: the key type, the group as OpenSSL names it, its bits. */
export function tempKeyText(group: number): string {
  switch (group) {
    case NamedGroup.x25519:
      return 'X25519, 253 bits';
    case NamedGroup.secp256r1:
      return 'ECDH, prime256v1, 256 bits';
    case NamedGroup.secp384r1:
      return 'ECDH, secp384r1, 384 bits';
    case NamedGroup.ffdhe2048:
      return 'DH, 2048 bits';
    case NamedGroup.ffdhe3072:
      return 'DH, 3072 bits';
    case NamedGroup.ffdhe4096:
      return 'DH, 4096 bits';
    default:
      return groupName(group);
  }
}

const HASH_NAMES = new Map([
  [1, 'MD5'],
  [2, 'SHA1'],
  [3, 'SHA224'],
  [4, 'SHA256'],
  [5, 'SHA384'],
  [6, 'SHA512'],
]);
const PSS_HASHES = new Map([
  [0x04, 'SHA256'],
  [0x05, 'SHA384'],
  [0x06, 'SHA512'],
  [0x09, 'SHA256'],
  [0x0a, 'SHA384'],
  [0x0b, 'SHA512'],
]);
const LEGACY_SIGNATURES = new Map([
  [1, 'RSA'],
  [2, 'DSA'],
  [3, 'ECDSA'],
]);

/**
 * OpenSSL's `Peer signing digest:` / `Peer signature type:` lines. RFC 8446
 * §4.2.3: 0x08xx are RSA-PSS and EdDSA; the other schemes keep RFC 5246's
 * (hash << 8 | signature) layout.
 */
export function peerSignatureLines(scheme: number): string[] {
  const low = scheme & 0xff;
  let digest: string | undefined;
  let type: string | undefined;
  if (scheme === SignatureScheme.ed25519) type = 'ed25519';
  else if (scheme === SignatureScheme.ed448) type = 'ed448';
  else if (scheme >> 8 === 0x08) {
    digest = PSS_HASHES.get(low);
    if (digest !== undefined) type = 'RSA-PSS';
  } else {
    digest = HASH_NAMES.get(scheme >> 8);
    type = LEGACY_SIGNATURES.get(low);
  }
  const typeText = type ?? `unknown (0x${scheme.toString(16).padStart(4, '0')})`;
  return [
    ...(digest !== undefined && type !== undefined ? [`Peer signing digest: ${digest}`] : []),
    `Peer signature type: ${typeText}`,
  ];
}

/** `0 (ok)` or `20 (unable to get local issuer certificate)`; undefined when the peer sent no certificate. */
export function verifyReturnText(session: SessionInfo): string | undefined {
  const v = session.verification;
  if (v === undefined) return undefined;
  return v.ok ? '0 (ok)' : `${verifyReasonCode(v.reason)} (${verifyReasonText(v.reason)})`;
}

/** The peer's leaf subject in OpenSSL's one-line form, or `no peer certificate`. */
export function peerSubjectText(session: SessionInfo): string {
  const leaf = session.peerCertificates[0];
  return leaf === undefined ? 'no peer certificate' : `subject=${formatOneline(leaf.subject)}`;
}

/**
 * What a handshake agreed on, as OpenSSL's `SSL-Session:` block prints it,
 * plus the group, SNI, ALPN and peer certificate.
 */
export function sessionSummary(session: SessionInfo): string {
  const verify = verifyReturnText(session);
  return [
    'SSL-Session:',
    `    Protocol  : ${session.protocol}`,
    `    Cipher    : ${session.cipher.opensslName}`,
    `    Group     : ${session.group === undefined ? 'None' : groupName(session.group)}`,
    `    SNI       : ${session.serverName ?? 'None'}`,
    `    ALPN      : ${session.alpnProtocol ?? 'None'}`,
    `    Peer      : ${peerSubjectText(session)}`,
    `    Verify return code: ${verify ?? 'none (no peer certificate)'}`,
    '',
  ].join('\n');
}

/** `TLS alert unknown_ca (local): certificate verify failed …`, or the error's own message. */
export function describeTlsError(err: Error): string {
  if (!(err instanceof TlsConnectionError)) return err.message;
  const prefix = `${err.alert}: `;
  const detail = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  return `TLS alert ${err.alert} (${err.origin}): ${detail}`;
}
