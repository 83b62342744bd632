/**
 * Why a crypto operation refused its input. The TLS layer maps each code to
 * one alert (auth_failed → bad_record_mac, invalid_public_value →
 * illegal_parameter, …); x509 maps them to verification reasons.
 */
export type CryptoErrorCode =
  /** AEAD tag or MAC mismatch. */
  | 'auth_failed'
  /** A key that is malformed or of the wrong size or kind. */
  | 'invalid_key'
  /** A peer's public value (ECDH point, DH y) that fails validation, or a shared secret that is all zero. */
  | 'invalid_public_value'
  /** A parameter outside what the algorithm allows (length, group, hash). */
  | 'invalid_parameter'
  /** Input of the wrong length or encoding (ciphertext, DER). */
  | 'invalid_encoding'
  /** A key or group beyond the size bounds of key-bounds.ts (OpenSSL's), refused before any arithmetic. */
  | 'unsupported_key_size';

export class CryptoError extends Error {
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CryptoError';
  }
}
