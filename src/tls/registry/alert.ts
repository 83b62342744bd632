/** RFC 8446 §6 / RFC 5246 §7.2: AlertLevel. */
export const AlertLevel = {
  warning: 1,
  fatal: 2,
} as const;
export type AlertLevel = (typeof AlertLevel)[keyof typeof AlertLevel];

/**
 * RFC 8446 §6 and RFC 5246 §7.2 AlertDescription, with the RFC names. The
 * codes RFC 8446 withdrew (decryption_failed_RESERVED, no_certificate_RESERVED,
 * export_restriction_RESERVED) keep their numbers so a peer's alert can be named.
 */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  decryption_failed_RESERVED: 21,
  record_overflow: 22,
  decompression_failure_RESERVED: 30,
  handshake_failure: 40,
  no_certificate_RESERVED: 41,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  export_restriction_RESERVED: 60,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  no_renegotiation: 100,
  missing_extension: 109,
  unsupported_extension: 110,
  certificate_unobtainable_RESERVED: 111,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  bad_certificate_hash_value_RESERVED: 114,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;
export type AlertDescriptionName = keyof typeof AlertDescription;
export type AlertDescription = (typeof AlertDescription)[AlertDescriptionName];

const descriptionNames = new Map<number, string>(
  Object.entries(AlertDescription).map(([name, code]) => [code, name]),
);

/** The RFC name of an alert description, or its number in hex when unknown. */
export function alertDescriptionName(code: number): string {
  return descriptionNames.get(code) ?? `unknown_alert(0x${code.toString(16).padStart(2, '0')})`;
}
