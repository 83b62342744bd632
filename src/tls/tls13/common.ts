import { constantTimeEqual } from '../../crypto/ct.js';
import type { HashAlgorithm } from '../../crypto/hash.js';
import type { Certificate } from '../../x509/certificate.js';
import { TlsAlert } from '../error/tls-alert.js';
import type { CertificateVerify, Finished } from '../codec/messages.js';
import { schemeFitsKey, verifyWithScheme } from '../keys/signing.js';
import { finishedVerifyData } from '../keys/tls13-key-schedule.js';
import { ExtensionType } from '../registry/constants.js';
import type { Extension } from '../codec/extensions.js';
import { encodeUtf8 } from '../wire/text.js';

/** RFC 8446 §4.4.3: 64 spaces, the context string, a zero byte, then the transcript hash. */
export function certificateVerifyContent(
  signer: 'server' | 'client',
  transcriptHash: Uint8Array,
): Uint8Array {
  const context = encodeUtf8(`TLS 1.3, ${signer} CertificateVerify`);
  const out = new Uint8Array(64 + context.length + 1 + transcriptHash.length);
  out.fill(0x20, 0, 64);
  out.set(context, 64);
  out[64 + context.length] = 0;
  out.set(transcriptHash, 64 + context.length + 1);
  return out;
}

/**
 * RFC 8446 §4.4.3: the peer's CertificateVerify, with a scheme we offered
 * (illegal_parameter otherwise) that fits its certificate's key, signing the
 * transcript so far (decrypt_error otherwise).
 */
export function checkCertificateVerify(
  signer: 'server' | 'client',
  leaf: Certificate,
  allowedSchemes: readonly number[],
  message: CertificateVerify,
  transcriptHash: Uint8Array,
): void {
  const key = leaf.publicKey.key;
  if (
    !allowedSchemes.includes(message.algorithm) ||
    key.kind === 'unsupported' ||
    !schemeFitsKey(message.algorithm, key, true)
  ) {
    throw new TlsAlert(
      'illegal_parameter',
      `${signer} signed with scheme 0x${message.algorithm.toString(16)} that was not offered or does not fit its key`,
    );
  }
  const content = certificateVerifyContent(signer, transcriptHash);
  if (!verifyWithScheme(key, message.algorithm, content, message.signature))
    throw new TlsAlert('decrypt_error', `${signer} CertificateVerify signature is invalid`);
}

/** RFC 8446 §4.4.4: verify_data is exactly Hash.length bytes (decode_error) and matches in constant time (decrypt_error). */
export function checkFinished(
  signer: 'server' | 'client',
  hash: HashAlgorithm,
  baseKey: Uint8Array,
  transcriptHash: Uint8Array,
  message: Finished,
): void {
  const expected = finishedVerifyData(hash, baseKey, transcriptHash);
  if (message.verifyData.length !== expected.length)
    throw new TlsAlert('decode_error', `${signer} Finished of ${message.verifyData.length} bytes`);
  if (!constantTimeEqual(expected, message.verifyData))
    throw new TlsAlert('decrypt_error', `${signer} Finished does not verify`);
}

/**
 * RFC 8446 §4.2: an extension the client did not offer is
 * unsupported_extension; one it knows but that is not allowed in this
 * message is illegal_parameter.
 */
export function checkServerExtensions(
  extensions: readonly Extension[],
  allowed: ReadonlySet<number>,
  offered: ReadonlySet<number>,
  message: string,
): void {
  for (const e of extensions) {
    if (!offered.has(e.type))
      throw new TlsAlert(
        'unsupported_extension',
        `${message} carries extension ${e.type} that was not offered`,
      );
    if (!allowed.has(e.type))
      throw new TlsAlert('illegal_parameter', `extension ${e.type} is not allowed in ${message}`);
  }
}

/** RFC 8446 §4.2 table: what each server message may carry. */
export const SERVER_HELLO_EXTENSIONS: ReadonlySet<number> = new Set([
  ExtensionType.key_share,
  ExtensionType.supported_versions,
  ExtensionType.pre_shared_key,
]);
export const HELLO_RETRY_REQUEST_EXTENSIONS: ReadonlySet<number> = new Set([
  ExtensionType.key_share,
  ExtensionType.supported_versions,
  ExtensionType.cookie,
]);
export const ENCRYPTED_EXTENSIONS: ReadonlySet<number> = new Set([
  ExtensionType.server_name,
  ExtensionType.max_fragment_length,
  ExtensionType.supported_groups,
  ExtensionType.use_srtp,
  ExtensionType.heartbeat,
  ExtensionType.application_layer_protocol_negotiation,
  ExtensionType.client_certificate_type,
  ExtensionType.server_certificate_type,
  ExtensionType.early_data,
  ExtensionType.record_size_limit,
]);
/** In a CertificateEntry from the server: status_request and signed_certificate_timestamp (RFC 8446 §4.4.2). */
export const CERTIFICATE_ENTRY_EXTENSIONS: ReadonlySet<number> = new Set([
  ExtensionType.status_request,
  ExtensionType.signed_certificate_timestamp,
]);
