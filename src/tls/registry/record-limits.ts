/** RFC 8446 §5.1 / RFC 5246 §6.2: a record header is type, legacy_record_version and length. */
export const RECORD_HEADER_LENGTH = 5;
/** RFC 8446 §5.1 / RFC 5246 §6.2.1: TLSPlaintext.length MUST NOT exceed 2^14 (checked by the caller after decryption). */
export const MAX_PLAINTEXT_LENGTH = 1 << 14;
/** RFC 8446 §5.2: TLSCiphertext.length MUST NOT exceed 2^14 + 256. */
export const MAX_CIPHERTEXT_LENGTH = (1 << 14) + 256;
/** RFC 5246 §6.2.3: a TLS 1.2 TLSCiphertext may be 2^14 + 2048 long. */
export const MAX_CIPHERTEXT_LENGTH_TLS12 = (1 << 14) + 2048;
