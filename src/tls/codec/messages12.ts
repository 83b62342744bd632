import { TlsAlert } from '../error/tls-alert.js';
import { ClientCertificateType, ECCurveType } from '../registry/constants.js';
import { NamedGroup } from '../registry/named-group.js';
import { describe } from '../registry/names.js';
import { SignatureScheme } from '../registry/signature-scheme.js';
import { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';

/** RFC 5246 §7.4.4 (with RFC 5246's signature_algorithms list). */
export interface CertificateRequest12 {
  kind: 'certificate_request_12';
  certificateTypes: number[];
  supportedSignatureAlgorithms: number[];
  certificateAuthorities: Uint8Array[];
}

/** RFC 5246 §7.4.2: the chain, sender's certificate first. */
export interface Certificate12 {
  kind: 'certificate_12';
  certificateList: Uint8Array[];
}

/** RFC 5077 §3.3. */
export interface NewSessionTicket12 {
  kind: 'new_session_ticket_12';
  ticketLifetimeHint: number;
  ticket: Uint8Array;
}

/** The digitally-signed element of RFC 5246 §4.7 as TLS 1.2 sends it. */
export interface DigitallySigned {
  algorithm: number;
  signature: Uint8Array;
}

/**
 * RFC 8422 §5.4 ServerKeyExchange for ECDHE: named curve only. `params` is
 * the ServerECDHParams as received, the bytes the signature covers after
 * client_random and server_random.
 */
export interface ServerKeyExchangeEcdhe {
  kind: 'server_key_exchange_ecdhe';
  namedCurve: number;
  publicPoint: Uint8Array;
  params: Uint8Array;
  signed: DigitallySigned;
}

/** RFC 5246 §7.4.3 ServerKeyExchange for DHE; `params` is ServerDHParams as received. */
export interface ServerKeyExchangeDhe {
  kind: 'server_key_exchange_dhe';
  dhP: Uint8Array;
  dhG: Uint8Array;
  dhYs: Uint8Array;
  params: Uint8Array;
  signed: DigitallySigned;
}

export interface ServerHelloDone {
  kind: 'server_hello_done';
}

export interface HelloRequest {
  kind: 'hello_request';
}

/** RFC 8422 §5.7: the client's ECDH point. */
export interface ClientKeyExchangeEcdhe {
  kind: 'client_key_exchange_ecdhe';
  publicPoint: Uint8Array;
}

/** RFC 5246 §7.4.7.2: the client's DH public value Yc (explicit). */
export interface ClientKeyExchangeDhe {
  kind: 'client_key_exchange_dhe';
  dhYc: Uint8Array;
}

/** RFC 5246 §7.4.7.1: the RSA-encrypted premaster secret. */
export interface ClientKeyExchangeRsa {
  kind: 'client_key_exchange_rsa';
  encryptedPreMasterSecret: Uint8Array;
}

/** The key exchange a TLS 1.2 suite uses: it decides the form of ServerKeyExchange and ClientKeyExchange. */
export type KeyExchange12 = 'ecdhe' | 'dhe' | 'rsa';

export function decodeCertificateRequest12(body: Uint8Array): CertificateRequest12 {
  const r = new Reader(body);
  const ct = r.vector8('certificate_types', 1);
  const certificateTypes: number[] = [];
  while (!ct.done) certificateTypes.push(ct.u8());
  const sa = r.vector16('supported_signature_algorithms', 2, 0xfffe);
  if (sa.remaining % 2 !== 0)
    throw new TlsAlert('decode_error', 'supported_signature_algorithms: odd length');
  const supportedSignatureAlgorithms: number[] = [];
  while (!sa.done) supportedSignatureAlgorithms.push(sa.u16());
  const ca = r.vector16('certificate_authorities');
  const certificateAuthorities: Uint8Array[] = [];
  while (!ca.done) certificateAuthorities.push(ca.bytes16('DistinguishedName', 1));
  r.expectEnd('CertificateRequest');
  return {
    kind: 'certificate_request_12',
    certificateTypes,
    supportedSignatureAlgorithms,
    certificateAuthorities,
  };
}

export function encodeCertificateRequest12Body(w: Writer, m: CertificateRequest12): void {
  const ct = w.openVector8('certificate_types');
  for (const t of m.certificateTypes) w.u8(t, () => describe(ClientCertificateType, t, 2));
  ct();
  const sa = w.openVector16('supported_signature_algorithms');
  for (const s of m.supportedSignatureAlgorithms) w.u16(s, () => describe(SignatureScheme, s));
  sa();
  const ca = w.openVector16('certificate_authorities');
  m.certificateAuthorities.forEach((dn, i) => w.vector16(dn, `DistinguishedName [${i}]`));
  ca();
}

export function decodeCertificate12(body: Uint8Array): Certificate12 {
  const r = new Reader(body);
  const list = r.vector24('certificate_list');
  const certificateList: Uint8Array[] = [];
  while (!list.done) certificateList.push(list.bytes24('ASN.1Cert', 1));
  r.expectEnd('Certificate');
  return { kind: 'certificate_12', certificateList };
}

export function encodeCertificate12Body(w: Writer, m: Certificate12): void {
  const end = w.openVector24('certificate_list');
  m.certificateList.forEach((c, i) => w.vector24(c, `ASN.1Cert [${i}]`));
  end();
}

export function decodeNewSessionTicket12(body: Uint8Array): NewSessionTicket12 {
  const r = new Reader(body);
  const ticketLifetimeHint = r.u32('ticket_lifetime_hint');
  const ticket = r.bytes16('ticket');
  r.expectEnd('NewSessionTicket');
  return { kind: 'new_session_ticket_12', ticketLifetimeHint, ticket };
}

export function encodeNewSessionTicket12Body(w: Writer, m: NewSessionTicket12): void {
  w.u32(m.ticketLifetimeHint, () => `ticket_lifetime_hint: ${m.ticketLifetimeHint} s`);
  w.vector16(m.ticket, 'ticket');
}

function decodeSigned(r: Reader): DigitallySigned {
  const algorithm = r.u16('signature algorithm');
  return { algorithm, signature: r.bytes16('signature') };
}

function encodeSigned(w: Writer, s: DigitallySigned): void {
  w.u16(s.algorithm, () => `algorithm: ${describe(SignatureScheme, s.algorithm)}`);
  w.vector16(s.signature, 'signature');
}

export function decodeServerKeyExchange(
  body: Uint8Array,
  keyExchange: KeyExchange12,
): ServerKeyExchangeEcdhe | ServerKeyExchangeDhe {
  const r = new Reader(body);
  if (keyExchange === 'ecdhe') {
    const curveType = r.u8('curve_type');
    // RFC 8422 §5.4: explicit curves are deprecated; only named_curve may be used.
    if (curveType !== ECCurveType.named_curve)
      throw new TlsAlert('illegal_parameter', `curve_type ${curveType}`);
    const namedCurve = r.u16('namedcurve');
    const publicPoint = r.bytes8('public', 1);
    const params = body.subarray(0, r.offset);
    const signed = decodeSigned(r);
    r.expectEnd('ServerKeyExchange');
    return { kind: 'server_key_exchange_ecdhe', namedCurve, publicPoint, params, signed };
  }
  if (keyExchange === 'dhe') {
    const dhP = r.bytes16('dh_p', 1);
    const dhG = r.bytes16('dh_g', 1);
    const dhYs = r.bytes16('dh_Ys', 1);
    const params = body.subarray(0, r.offset);
    const signed = decodeSigned(r);
    r.expectEnd('ServerKeyExchange');
    return { kind: 'server_key_exchange_dhe', dhP, dhG, dhYs, params, signed };
  }
  // RFC 5246 §7.4.3: RSA key exchange sends no ServerKeyExchange.
  throw new TlsAlert('unexpected_message', 'ServerKeyExchange with RSA key exchange');
}

/**
 * Writes the ServerECDHParams / ServerDHParams alone: the server signs
 * client_random + server_random + these bytes (RFC 8422 §5.4, RFC 5246 §7.4.3).
 */
export function encodeServerKeyExchangeParams(
  w: Writer,
  m:
    | Omit<ServerKeyExchangeEcdhe, 'params' | 'signed'>
    | Omit<ServerKeyExchangeDhe, 'params' | 'signed'>,
): void {
  if (m.kind === 'server_key_exchange_ecdhe') {
    w.u8(ECCurveType.named_curve, 'curve_type: named_curve (3)');
    w.u16(m.namedCurve, () => `namedcurve: ${describe(NamedGroup, m.namedCurve)}`);
    w.vector8(m.publicPoint, 'public');
  } else {
    w.vector16(m.dhP, 'dh_p');
    w.vector16(m.dhG, 'dh_g');
    w.vector16(m.dhYs, 'dh_Ys');
  }
}

export function encodeServerKeyExchangeBody(
  w: Writer,
  m: ServerKeyExchangeEcdhe | ServerKeyExchangeDhe,
): void {
  encodeServerKeyExchangeParams(w, m);
  encodeSigned(w, m.signed);
}

export function decodeClientKeyExchange(
  body: Uint8Array,
  keyExchange: KeyExchange12,
): ClientKeyExchangeEcdhe | ClientKeyExchangeDhe | ClientKeyExchangeRsa {
  const r = new Reader(body);
  let m: ClientKeyExchangeEcdhe | ClientKeyExchangeDhe | ClientKeyExchangeRsa;
  if (keyExchange === 'ecdhe')
    m = { kind: 'client_key_exchange_ecdhe', publicPoint: r.bytes8('ecdh_Yc', 1) };
  else if (keyExchange === 'dhe')
    m = { kind: 'client_key_exchange_dhe', dhYc: r.bytes16('dh_Yc', 1) };
  else
    m = {
      kind: 'client_key_exchange_rsa',
      encryptedPreMasterSecret: r.bytes16('EncryptedPreMasterSecret'),
    };
  r.expectEnd('ClientKeyExchange');
  return m;
}

export function encodeClientKeyExchangeBody(
  w: Writer,
  m: ClientKeyExchangeEcdhe | ClientKeyExchangeDhe | ClientKeyExchangeRsa,
): void {
  if (m.kind === 'client_key_exchange_ecdhe') w.vector8(m.publicPoint, 'ecdh_Yc');
  else if (m.kind === 'client_key_exchange_dhe') w.vector16(m.dhYc, 'dh_Yc');
  else w.vector16(m.encryptedPreMasterSecret, 'EncryptedPreMasterSecret');
}

export function decodeServerHelloDone(body: Uint8Array): ServerHelloDone {
  new Reader(body).expectEnd('ServerHelloDone');
  return { kind: 'server_hello_done' };
}

export function decodeHelloRequest(body: Uint8Array): HelloRequest {
  new Reader(body).expectEnd('HelloRequest');
  return { kind: 'hello_request' };
}
