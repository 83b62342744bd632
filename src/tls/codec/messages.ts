import { TlsAlert } from '../error/tls-alert.js';
import { CipherSuite } from '../registry/cipher-suite.js';
import { HandshakeType, KeyUpdateRequest, ProtocolVersion } from '../registry/constants.js';
import {
  decodeExtensions,
  encodeExtensions,
  findExtension,
  pskBindersLength,
  type Extension,
} from './extensions.js';
import { describe } from '../registry/names.js';
import { SignatureScheme } from '../registry/signature-scheme.js';
import { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import { equalBytes } from '../wire/bytes.js';

/** RFC 8446 §4.1.3: a ServerHello with this random is a HelloRetryRequest (SHA-256 of "HelloRetryRequest"). */
export const HELLO_RETRY_REQUEST_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);
/** RFC 8446 §4.1.3: the last 8 bytes of a TLS 1.3 server's random when it negotiates TLS 1.2: "DOWNGRD\x01". */
export const DOWNGRADE_TLS12 = Uint8Array.from([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]);
/** … and when it negotiates TLS 1.1 or below: "DOWNGRD\x00". */
export const DOWNGRADE_TLS11 = Uint8Array.from([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00]);

export const RANDOM_LENGTH = 32;
export const MAX_SESSION_ID_LENGTH = 32;

export interface ClientHello {
  kind: 'client_hello';
  legacyVersion: number;
  random: Uint8Array;
  legacySessionId: Uint8Array;
  cipherSuites: number[];
  legacyCompressionMethods: number[];
  extensions: Extension[];
  /** False for a TLS 1.2 ClientHello that ends after the compression methods (RFC 5246 §7.4.1.2). */
  extensionsPresent: boolean;
}

/** ServerHello of TLS 1.3 or 1.2; a HelloRetryRequest decodes as `HelloRetryRequest` instead. */
export interface ServerHello {
  kind: 'server_hello';
  legacyVersion: number;
  random: Uint8Array;
  legacySessionIdEcho: Uint8Array;
  cipherSuite: number;
  legacyCompressionMethod: number;
  extensions: Extension[];
  extensionsPresent: boolean;
}

/** RFC 8446 §4.1.4: a ServerHello whose random is HELLO_RETRY_REQUEST_RANDOM. */
export interface HelloRetryRequest {
  kind: 'hello_retry_request';
  legacyVersion: number;
  legacySessionIdEcho: Uint8Array;
  cipherSuite: number;
  legacyCompressionMethod: number;
  extensions: Extension[];
}

export interface EncryptedExtensions {
  kind: 'encrypted_extensions';
  extensions: Extension[];
}

/** RFC 8446 §4.3.2. */
export interface CertificateRequest13 {
  kind: 'certificate_request_13';
  certificateRequestContext: Uint8Array;
  extensions: Extension[];
}

export interface CertificateEntry {
  certData: Uint8Array;
  extensions: Extension[];
}

/** RFC 8446 §4.4.2 (X.509 certificates only). */
export interface Certificate13 {
  kind: 'certificate_13';
  certificateRequestContext: Uint8Array;
  certificateList: CertificateEntry[];
}

/** RFC 8446 §4.4.3; also TLS 1.2's digitally-signed CertificateVerify (RFC 5246 §7.4.8), which has the same layout. */
export interface CertificateVerify {
  kind: 'certificate_verify';
  algorithm: number;
  signature: Uint8Array;
}

/** RFC 8446 §4.4.4 / RFC 5246 §7.4.9: the length is the caller's to check (hash length, or 12). */
export interface Finished {
  kind: 'finished';
  verifyData: Uint8Array;
}

/** RFC 8446 §4.6.1. */
export interface NewSessionTicket13 {
  kind: 'new_session_ticket_13';
  ticketLifetime: number;
  ticketAgeAdd: number;
  ticketNonce: Uint8Array;
  ticket: Uint8Array;
  extensions: Extension[];
}

/** RFC 8446 §4.6.3. */
export interface KeyUpdate {
  kind: 'key_update';
  requestUpdate: number;
}

/** RFC 8446 §4.5. */
export interface EndOfEarlyData {
  kind: 'end_of_early_data';
}

function hexOf(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

// ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2)

export function decodeClientHello(body: Uint8Array): ClientHello {
  const r = new Reader(body);
  const legacyVersion = r.u16('legacy_version');
  const random = r.bytes(RANDOM_LENGTH, 'random');
  const legacySessionId = r.bytes8('legacy_session_id', 0, MAX_SESSION_ID_LENGTH);
  const cs = r.vector16('cipher_suites', 2, 0xfffe);
  if (cs.remaining % 2 !== 0) throw new TlsAlert('decode_error', 'cipher_suites: odd length');
  const cipherSuites: number[] = [];
  while (!cs.done) cipherSuites.push(cs.u16());
  const cm = r.vector8('legacy_compression_methods', 1);
  const legacyCompressionMethods: number[] = [];
  while (!cm.done) legacyCompressionMethods.push(cm.u8());
  // RFC 5246 §7.4.1.2: the list "MUST contain … CompressionMethod.null"; RFC 8446 §4.1.2 names illegal_parameter for any other TLS 1.3 value.
  if (!legacyCompressionMethods.includes(0))
    throw new TlsAlert('illegal_parameter', 'legacy_compression_methods lacks null');
  const extensionsPresent = !r.done;
  const extensions = extensionsPresent ? decodeExtensions(r, 'client_hello') : [];
  r.expectEnd('ClientHello');
  return {
    kind: 'client_hello',
    legacyVersion,
    random,
    legacySessionId,
    cipherSuites,
    legacyCompressionMethods,
    extensions,
    extensionsPresent,
  };
}

export function encodeClientHelloBody(w: Writer, m: ClientHello): void {
  w.u16(m.legacyVersion, () => `legacy_version: ${describe(ProtocolVersion, m.legacyVersion)}`);
  w.bytes(m.random, 'random');
  w.vector8(m.legacySessionId, 'legacy_session_id');
  const cs = w.openVector16('cipher_suites');
  for (const s of m.cipherSuites) w.u16(s, () => describe(CipherSuite, s));
  cs();
  const cm = w.openVector8('legacy_compression_methods');
  for (const c of m.legacyCompressionMethods)
    w.u8(c, () => (c === 0 ? 'null (0)' : `unknown (${c})`));
  cm();
  if (m.extensionsPresent || m.extensions.length > 0) encodeExtensions(w, m.extensions);
}

/**
 * RFC 8446 §4.2.11.2: the ClientHello (header included) up to, not
 * including, the binders list, which the PSK binders are computed over.
 * `raw` is the whole encoded message; throws decode_error when it has no
 * pre_shared_key extension.
 */
export function clientHelloBinderPrefix(raw: Uint8Array): Uint8Array {
  const r = new Reader(raw);
  if (r.u8('msg_type') !== HandshakeType.client_hello)
    throw new TlsAlert('decode_error', 'not a ClientHello');
  const body = r.bytes24('ClientHello');
  r.expectEnd('handshake message');
  const psk = findExtension(decodeClientHello(body).extensions, 'pre_shared_key_client_hello');
  if (psk === undefined)
    throw new TlsAlert('decode_error', 'ClientHello has no pre_shared_key extension');
  return raw.subarray(0, raw.length - pskBindersLength(psk.binders));
}

// ServerHello and HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4; RFC 5246 §7.4.1.3)

export function decodeServerHello(body: Uint8Array): ServerHello | HelloRetryRequest {
  const r = new Reader(body);
  const legacyVersion = r.u16('legacy_version');
  const random = r.bytes(RANDOM_LENGTH, 'random');
  const legacySessionIdEcho = r.bytes8('legacy_session_id_echo', 0, MAX_SESSION_ID_LENGTH);
  const cipherSuite = r.u16('cipher_suite');
  const legacyCompressionMethod = r.u8('legacy_compression_method');
  // RFC 8446 §4.1.3: "A single byte which MUST have the value 0"; postern offers no compression in TLS 1.2 either.
  if (legacyCompressionMethod !== 0)
    throw new TlsAlert('illegal_parameter', `compression method ${legacyCompressionMethod}`);
  const isHrr = equalBytes(random, HELLO_RETRY_REQUEST_RANDOM);
  const extensionsPresent = !r.done;
  if (isHrr && !extensionsPresent)
    throw new TlsAlert('decode_error', 'HelloRetryRequest without extensions');
  const extensions = extensionsPresent
    ? decodeExtensions(r, isHrr ? 'hello_retry_request' : 'server_hello')
    : [];
  r.expectEnd('ServerHello');
  if (isHrr) {
    return {
      kind: 'hello_retry_request',
      legacyVersion,
      legacySessionIdEcho,
      cipherSuite,
      legacyCompressionMethod,
      extensions,
    };
  }
  return {
    kind: 'server_hello',
    legacyVersion,
    random,
    legacySessionIdEcho,
    cipherSuite,
    legacyCompressionMethod,
    extensions,
    extensionsPresent,
  };
}

export function encodeServerHelloBody(w: Writer, m: ServerHello | HelloRetryRequest): void {
  const hrr = m.kind === 'hello_retry_request';
  w.u16(m.legacyVersion, () => `legacy_version: ${describe(ProtocolVersion, m.legacyVersion)}`);
  w.bytes(
    hrr ? HELLO_RETRY_REQUEST_RANDOM : m.random,
    hrr ? 'random: HelloRetryRequest' : 'random',
  );
  w.vector8(m.legacySessionIdEcho, 'legacy_session_id_echo');
  w.u16(m.cipherSuite, () => `cipher_suite: ${describe(CipherSuite, m.cipherSuite)}`);
  w.u8(m.legacyCompressionMethod, 'legacy_compression_method');
  if (hrr || m.extensionsPresent || m.extensions.length > 0) encodeExtensions(w, m.extensions);
}

/** RFC 8446 §4.1.3: which downgrade sentinel, if any, ends a ServerHello random. */
export function downgradeSentinel(random: Uint8Array): 'tls1_2' | 'tls1_1' | undefined {
  if (random.length !== RANDOM_LENGTH) return undefined;
  const tail = random.subarray(RANDOM_LENGTH - 8);
  if (equalBytes(tail, DOWNGRADE_TLS12)) return 'tls1_2';
  if (equalBytes(tail, DOWNGRADE_TLS11)) return 'tls1_1';
  return undefined;
}

// EncryptedExtensions (RFC 8446 §4.3.1)

export function decodeEncryptedExtensions(body: Uint8Array): EncryptedExtensions {
  const r = new Reader(body);
  const extensions = decodeExtensions(r, 'encrypted_extensions');
  r.expectEnd('EncryptedExtensions');
  return { kind: 'encrypted_extensions', extensions };
}

// CertificateRequest, TLS 1.3 form (RFC 8446 §4.3.2)

export function decodeCertificateRequest13(body: Uint8Array): CertificateRequest13 {
  const r = new Reader(body);
  const certificateRequestContext = r.bytes8('certificate_request_context');
  const extensions = decodeExtensions(r, 'certificate_request');
  r.expectEnd('CertificateRequest');
  // RFC 8446 §4.3.2: "The "signature_algorithms" extension MUST be specified"; §4.2: a missing mandatory extension is missing_extension.
  if (findExtension(extensions, 'signature_algorithms') === undefined) {
    throw new TlsAlert('missing_extension', 'CertificateRequest without signature_algorithms');
  }
  return { kind: 'certificate_request_13', certificateRequestContext, extensions };
}

export function encodeCertificateRequest13Body(w: Writer, m: CertificateRequest13): void {
  w.vector8(m.certificateRequestContext, 'certificate_request_context');
  encodeExtensions(w, m.extensions);
}

// Certificate, TLS 1.3 form (RFC 8446 §4.4.2)

export function decodeCertificate13(body: Uint8Array): Certificate13 {
  const r = new Reader(body);
  const certificateRequestContext = r.bytes8('certificate_request_context');
  const list = r.vector24('certificate_list');
  const certificateList: CertificateEntry[] = [];
  while (!list.done) {
    const certData = list.bytes24('cert_data', 1);
    certificateList.push({ certData, extensions: decodeExtensions(list, 'certificate_entry') });
  }
  r.expectEnd('Certificate');
  return { kind: 'certificate_13', certificateRequestContext, certificateList };
}

export function encodeCertificate13Body(w: Writer, m: Certificate13): void {
  w.vector8(m.certificateRequestContext, 'certificate_request_context');
  const end = w.openVector24('certificate_list');
  m.certificateList.forEach((entry, i) => {
    w.vector24(entry.certData, `cert_data [${i}]`);
    encodeExtensions(w, entry.extensions);
  });
  end();
}

// CertificateVerify (RFC 8446 §4.4.3, RFC 5246 §7.4.8)

export function decodeCertificateVerify(body: Uint8Array): CertificateVerify {
  const r = new Reader(body);
  const algorithm = r.u16('algorithm');
  const signature = r.bytes16('signature');
  r.expectEnd('CertificateVerify');
  return { kind: 'certificate_verify', algorithm, signature };
}

export function encodeCertificateVerifyBody(w: Writer, m: CertificateVerify): void {
  w.u16(m.algorithm, () => `algorithm: ${describe(SignatureScheme, m.algorithm)}`);
  w.vector16(m.signature, 'signature');
}

// Finished (RFC 8446 §4.4.4)

export function decodeFinished(body: Uint8Array): Finished {
  return { kind: 'finished', verifyData: body };
}

export function encodeFinishedBody(w: Writer, m: Finished): void {
  w.bytes(m.verifyData, 'verify_data');
}

// NewSessionTicket, TLS 1.3 form (RFC 8446 §4.6.1)

export function decodeNewSessionTicket13(body: Uint8Array): NewSessionTicket13 {
  const r = new Reader(body);
  const ticketLifetime = r.u32('ticket_lifetime');
  const ticketAgeAdd = r.u32('ticket_age_add');
  const ticketNonce = r.bytes8('ticket_nonce');
  const ticket = r.bytes16('ticket', 1);
  const extensions = decodeExtensions(r, 'new_session_ticket');
  r.expectEnd('NewSessionTicket');
  return {
    kind: 'new_session_ticket_13',
    ticketLifetime,
    ticketAgeAdd,
    ticketNonce,
    ticket,
    extensions,
  };
}

export function encodeNewSessionTicket13Body(w: Writer, m: NewSessionTicket13): void {
  w.u32(m.ticketLifetime, () => `ticket_lifetime: ${m.ticketLifetime} s`);
  w.u32(m.ticketAgeAdd, () => `ticket_age_add: 0x${m.ticketAgeAdd.toString(16).padStart(8, '0')}`);
  w.vector8(m.ticketNonce, () => `ticket_nonce: ${hexOf(m.ticketNonce)}`);
  w.vector16(m.ticket, 'ticket');
  encodeExtensions(w, m.extensions);
}

// KeyUpdate (RFC 8446 §4.6.3) and EndOfEarlyData (§4.5)

export function decodeKeyUpdate(body: Uint8Array): KeyUpdate {
  const r = new Reader(body);
  const requestUpdate = r.u8('request_update');
  r.expectEnd('KeyUpdate');
  // RFC 8446 §4.6.3: "If an implementation receives any other value, it MUST terminate the connection with an "illegal_parameter" alert."
  if (requestUpdate > KeyUpdateRequest.update_requested)
    throw new TlsAlert('illegal_parameter', `request_update ${requestUpdate}`);
  return { kind: 'key_update', requestUpdate };
}

export function encodeKeyUpdateBody(w: Writer, m: KeyUpdate): void {
  w.u8(m.requestUpdate, () => `request_update: ${describe(KeyUpdateRequest, m.requestUpdate, 2)}`);
}

export function decodeEndOfEarlyData(body: Uint8Array): EndOfEarlyData {
  new Reader(body).expectEnd('EndOfEarlyData');
  return { kind: 'end_of_early_data' };
}

/**
 * RFC 8446 §4.4.1: after a HelloRetryRequest the transcript starts with this
 * synthetic message in place of ClientHello1: message_hash, a 3-byte
 * length, then Hash(ClientHello1). `digest` is that hash.
 */
export function messageHash(digest: Uint8Array): Uint8Array {
  if (digest.length === 0 || digest.length > 255)
    throw new TlsAlert('internal_error', `digest of ${digest.length} bytes`);
  const out = new Uint8Array(4 + digest.length);
  out[0] = HandshakeType.message_hash;
  out[3] = digest.length;
  out.set(digest, 4);
  return out;
}
