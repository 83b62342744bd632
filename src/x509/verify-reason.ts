/**
 * Why a chain was refused, named after OpenSSL's X509_V_ERR_* codes so the
 * MTA logs what Postfix administrators already know, and so the TLS layer can
 * map each to one alert.
 */
export type VerifyReason =
  | 'unable_to_get_issuer_certificate'
  | 'unable_to_decode_issuer_public_key'
  | 'certificate_signature_failure'
  | 'certificate_not_yet_valid'
  | 'certificate_expired'
  | 'depth_zero_self_signed_cert'
  | 'self_signed_certificate_in_chain'
  | 'unable_to_get_local_issuer_certificate'
  | 'certificate_chain_too_long'
  | 'invalid_ca'
  | 'path_length_exceeded'
  | 'invalid_purpose'
  | 'unhandled_critical_extension'
  | 'hostname_mismatch';

interface ReasonInfo {
  /** OpenSSL's X509_V_ERR_* number (include/openssl/x509_vfy.h). */
  code: number;
  /** OpenSSL 3.0's X509_verify_cert_error_string text. */
  text: string;
}

const REASONS: Readonly<Record<VerifyReason, ReasonInfo>> = {
  unable_to_get_issuer_certificate: { code: 2, text: 'unable to get issuer certificate' },
  unable_to_decode_issuer_public_key: { code: 6, text: 'unable to decode issuer public key' },
  certificate_signature_failure: { code: 7, text: 'certificate signature failure' },
  certificate_not_yet_valid: { code: 9, text: 'certificate is not yet valid' },
  certificate_expired: { code: 10, text: 'certificate has expired' },
  depth_zero_self_signed_cert: { code: 18, text: 'self-signed certificate' },
  self_signed_certificate_in_chain: {
    code: 19,
    text: 'self-signed certificate in certificate chain',
  },
  unable_to_get_local_issuer_certificate: {
    code: 20,
    text: 'unable to get local issuer certificate',
  },
  certificate_chain_too_long: { code: 22, text: 'certificate chain too long' },
  invalid_ca: { code: 79, text: 'invalid CA certificate' },
  path_length_exceeded: { code: 25, text: 'path length constraint exceeded' },
  invalid_purpose: { code: 26, text: 'unsuitable certificate purpose' },
  unhandled_critical_extension: { code: 34, text: 'unhandled critical extension' },
  hostname_mismatch: { code: 62, text: 'hostname mismatch' },
};

export function verifyReasonCode(reason: VerifyReason): number {
  return REASONS[reason].code;
}

export function verifyReasonText(reason: VerifyReason): string {
  return REASONS[reason].text;
}

export const VERIFY_REASONS: readonly VerifyReason[] = Object.keys(REASONS) as VerifyReason[];
