import type { AlertDescriptionName } from '../registry/alert.js';

/**
 * Who is at fault when a handshake or a record fails, kept apart as rustls's
 * error/mod.rs keeps them: bytes that do not parse (`invalid_message`), a
 * peer that breaks the protocol (`peer_misbehaved`), a peer we share nothing
 * with (`peer_incompatible`), and our own bug (`local`). A configuration
 * mistake is none of these: it is a TlsConfigError, thrown before any byte.
 */
export type TlsErrorKind = 'invalid_message' | 'peer_misbehaved' | 'peer_incompatible' | 'local';

interface ReasonInfo {
  kind: TlsErrorKind;
  alert: AlertDescriptionName;
}

/**
 * The named failure reasons, each with its kind and the one alert it
 * sends. This table is the one place a reason meets an alert.
 */
export const REASONS = {
  // RFC 8446 §4.1.1, §4.2.1, RFC 7507 §3
  no_common_version: { kind: 'peer_incompatible', alert: 'protocol_version' },
  inappropriate_fallback: { kind: 'peer_incompatible', alert: 'inappropriate_fallback' },
  // RFC 8446 §4.1.2, App. D.5
  legacy_version_too_low: { kind: 'peer_misbehaved', alert: 'protocol_version' },
  no_common_cipher_suite: { kind: 'peer_incompatible', alert: 'handshake_failure' },
  no_common_group: { kind: 'peer_incompatible', alert: 'handshake_failure' },
  no_certificate_for_peer: { kind: 'peer_incompatible', alert: 'handshake_failure' },
  // RFC 6066 §3
  no_certificate_for_name: { kind: 'peer_incompatible', alert: 'unrecognized_name' },
  // RFC 7301 §3.2
  no_common_application_protocol: { kind: 'peer_incompatible', alert: 'no_application_protocol' },
  // RFC 8446 §9.2: a TLS 1.3 ClientHello must carry these
  missing_key_share: { kind: 'peer_incompatible', alert: 'missing_extension' },
  missing_signature_algorithms: { kind: 'peer_incompatible', alert: 'missing_extension' },
  missing_supported_groups: { kind: 'peer_incompatible', alert: 'missing_extension' },
  // RFC 8446 §4.1.2
  compression_not_null: { kind: 'peer_misbehaved', alert: 'illegal_parameter' },
  retry_cookie_not_echoed: { kind: 'peer_misbehaved', alert: 'illegal_parameter' },
  retry_hello_changed: { kind: 'peer_misbehaved', alert: 'illegal_parameter' },
  retry_key_share_wrong: { kind: 'peer_misbehaved', alert: 'illegal_parameter' },
  // RFC 5746 §3.6
  renegotiation_info_not_empty: { kind: 'peer_misbehaved', alert: 'handshake_failure' },
  // DESIGN.md, one state one place: a message the state does not take
  unexpected_message: { kind: 'peer_misbehaved', alert: 'unexpected_message' },
} as const satisfies Record<string, ReasonInfo>;

export type TlsErrorReason = keyof typeof REASONS;

/**
 * The kind of an alert raised without a named reason: malformed input is
 * invalid_message, internal_error is ours, a failed negotiation is the
 * peer's incompatibility, everything else the peer's misbehaviour.
 */
const KIND_OF_ALERT: Partial<Record<AlertDescriptionName, TlsErrorKind>> = {
  decode_error: 'invalid_message',
  record_overflow: 'invalid_message',
  internal_error: 'local',
  handshake_failure: 'peer_incompatible',
  protocol_version: 'peer_incompatible',
  insufficient_security: 'peer_incompatible',
  inappropriate_fallback: 'peer_incompatible',
  missing_extension: 'peer_incompatible',
  unsupported_extension: 'peer_incompatible',
  unsupported_certificate: 'peer_incompatible',
  no_application_protocol: 'peer_incompatible',
  certificate_required: 'peer_incompatible',
};

export function kindOfAlert(description: AlertDescriptionName): TlsErrorKind {
  return KIND_OF_ALERT[description] ?? 'peer_misbehaved';
}
