import { TlsAlert } from '../error/tls-alert.js';
import { HandshakeType } from '../registry/constants.js';
import { encodeExtensions } from './extensions.js';
import * as m13 from './messages.js';
import * as m12 from './messages12.js';
import { describe } from '../registry/names.js';
import { Writer } from '../wire/writer.js';

/** Every handshake message postern reads or writes, discriminated by `kind`. */
export type HandshakeMessage =
  | m13.ClientHello
  | m13.ServerHello
  | m13.HelloRetryRequest
  | m13.EncryptedExtensions
  | m13.CertificateRequest13
  | m13.Certificate13
  | m13.CertificateVerify
  | m13.Finished
  | m13.NewSessionTicket13
  | m13.KeyUpdate
  | m13.EndOfEarlyData
  | m12.CertificateRequest12
  | m12.Certificate12
  | m12.NewSessionTicket12
  | m12.ServerKeyExchangeEcdhe
  | m12.ServerKeyExchangeDhe
  | m12.ServerHelloDone
  | m12.ClientKeyExchangeEcdhe
  | m12.ClientKeyExchangeDhe
  | m12.ClientKeyExchangeRsa
  | m12.HelloRequest;

/** What decoding needs to know beyond the bytes: the negotiated version, and for TLS 1.2 the key exchange. */
export interface DecodeOptions {
  version: 'tls1.3' | 'tls1.2';
  keyExchange?: m12.KeyExchange12;
}

export function handshakeTypeOf(m: HandshakeMessage): number {
  switch (m.kind) {
    case 'client_hello':
      return HandshakeType.client_hello;
    case 'server_hello':
    case 'hello_retry_request':
      return HandshakeType.server_hello;
    case 'encrypted_extensions':
      return HandshakeType.encrypted_extensions;
    case 'certificate_request_13':
    case 'certificate_request_12':
      return HandshakeType.certificate_request;
    case 'certificate_13':
    case 'certificate_12':
      return HandshakeType.certificate;
    case 'certificate_verify':
      return HandshakeType.certificate_verify;
    case 'finished':
      return HandshakeType.finished;
    case 'new_session_ticket_13':
    case 'new_session_ticket_12':
      return HandshakeType.new_session_ticket;
    case 'key_update':
      return HandshakeType.key_update;
    case 'end_of_early_data':
      return HandshakeType.end_of_early_data;
    case 'server_key_exchange_ecdhe':
    case 'server_key_exchange_dhe':
      return HandshakeType.server_key_exchange;
    case 'server_hello_done':
      return HandshakeType.server_hello_done;
    case 'client_key_exchange_ecdhe':
    case 'client_key_exchange_dhe':
    case 'client_key_exchange_rsa':
      return HandshakeType.client_key_exchange;
    case 'hello_request':
      return HandshakeType.hello_request;
  }
}

function encodeBody(w: Writer, m: HandshakeMessage): void {
  switch (m.kind) {
    case 'client_hello':
      return m13.encodeClientHelloBody(w, m);
    case 'server_hello':
    case 'hello_retry_request':
      return m13.encodeServerHelloBody(w, m);
    case 'encrypted_extensions':
      return encodeExtensions(w, m.extensions);
    case 'certificate_request_13':
      return m13.encodeCertificateRequest13Body(w, m);
    case 'certificate_13':
      return m13.encodeCertificate13Body(w, m);
    case 'certificate_verify':
      return m13.encodeCertificateVerifyBody(w, m);
    case 'finished':
      return m13.encodeFinishedBody(w, m);
    case 'new_session_ticket_13':
      return m13.encodeNewSessionTicket13Body(w, m);
    case 'key_update':
      return m13.encodeKeyUpdateBody(w, m);
    case 'certificate_request_12':
      return m12.encodeCertificateRequest12Body(w, m);
    case 'certificate_12':
      return m12.encodeCertificate12Body(w, m);
    case 'new_session_ticket_12':
      return m12.encodeNewSessionTicket12Body(w, m);
    case 'server_key_exchange_ecdhe':
    case 'server_key_exchange_dhe':
      return m12.encodeServerKeyExchangeBody(w, m);
    case 'client_key_exchange_ecdhe':
    case 'client_key_exchange_dhe':
    case 'client_key_exchange_rsa':
      return m12.encodeClientKeyExchangeBody(w, m);
    case 'end_of_early_data':
    case 'server_hello_done':
    case 'hello_request':
      return;
  }
}

/**
 * Writes `m` with its 4-byte handshake header into `w` (a new writer if
 * none is given) and returns the writer's bytes.
 */
export function encodeHandshake(m: HandshakeMessage, w: Writer = new Writer()): Uint8Array {
  const type = handshakeTypeOf(m);
  w.u8(type, () => `msg_type: ${describe(HandshakeType, type, 2)}`);
  const end = w.openVector24('length');
  encodeBody(w, m);
  end();
  return w.finish();
}

const tls13Only = new Set<number>([
  HandshakeType.encrypted_extensions,
  HandshakeType.key_update,
  HandshakeType.end_of_early_data,
]);
const tls12Only = new Set<number>([
  HandshakeType.hello_request,
  HandshakeType.server_key_exchange,
  HandshakeType.server_hello_done,
  HandshakeType.client_key_exchange,
]);

/**
 * Decodes a handshake message body of type `type` (as `HandshakeAssembler`
 * yields them). A type that does not exist in `options.version`, or that
 * postern does not handle, is unexpected_message (RFC 8446 §4: messages
 * MUST be sent in the order defined; an unknown one cannot be in it).
 */
export function decodeHandshake(
  type: number,
  body: Uint8Array,
  options: DecodeOptions,
): HandshakeMessage {
  const v13 = options.version === 'tls1.3';
  if ((v13 && tls12Only.has(type)) || (!v13 && tls13Only.has(type))) {
    throw new TlsAlert(
      'unexpected_message',
      `${describe(HandshakeType, type, 2)} in ${options.version}`,
    );
  }
  switch (type) {
    case HandshakeType.client_hello:
      return m13.decodeClientHello(body);
    case HandshakeType.server_hello:
      return m13.decodeServerHello(body);
    case HandshakeType.encrypted_extensions:
      return m13.decodeEncryptedExtensions(body);
    case HandshakeType.certificate_request:
      return v13 ? m13.decodeCertificateRequest13(body) : m12.decodeCertificateRequest12(body);
    case HandshakeType.certificate:
      return v13 ? m13.decodeCertificate13(body) : m12.decodeCertificate12(body);
    case HandshakeType.certificate_verify:
      return m13.decodeCertificateVerify(body);
    case HandshakeType.finished:
      return m13.decodeFinished(body);
    case HandshakeType.new_session_ticket:
      return v13 ? m13.decodeNewSessionTicket13(body) : m12.decodeNewSessionTicket12(body);
    case HandshakeType.key_update:
      return m13.decodeKeyUpdate(body);
    case HandshakeType.end_of_early_data:
      return m13.decodeEndOfEarlyData(body);
    case HandshakeType.server_key_exchange:
      return m12.decodeServerKeyExchange(body, requireKeyExchange(options));
    case HandshakeType.client_key_exchange:
      return m12.decodeClientKeyExchange(body, requireKeyExchange(options));
    case HandshakeType.server_hello_done:
      return m12.decodeServerHelloDone(body);
    case HandshakeType.hello_request:
      return m12.decodeHelloRequest(body);
    default:
      throw new TlsAlert(
        'unexpected_message',
        `handshake message ${describe(HandshakeType, type, 2)}`,
      );
  }
}

function requireKeyExchange(options: DecodeOptions): m12.KeyExchange12 {
  if (options.keyExchange === undefined)
    throw new TlsAlert('internal_error', 'key exchange not given to the TLS 1.2 decoder');
  return options.keyExchange;
}
