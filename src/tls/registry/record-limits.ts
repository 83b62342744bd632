/** RFC 8446 §5.1 / RFC 5246 §6.2: a record header is type, legacy_record_version and length. */
export const RECORD_HEADER_LENGTH = 5;
/** RFC 8446 §5.1 / RFC 5246 §6.2.1: TLSPlaintext.length MUST NOT exceed 2^14 (checked by the caller after decryption). */
export const MAX_PLAINTEXT_LENGTH = 1 << 14;
/** RFC 8446 §5.2: TLSCiphertext.length MUST NOT exceed 2^14 + 256. */
export const MAX_CIPHERTEXT_LENGTH = (1 << 14) + 256;
/** RFC 5246 §6.2.3: a TLS 1.2 TLSCiphertext may be 2^14 + 2048 long. */
export const MAX_CIPHERTEXT_LENGTH_TLS12 = (1 << 14) + 2048;
/**
 * The largest body a ClientHello's own vectors allow (RFC 8446 §4.1.2,
 * RFC 5246 §7.4.1.2): legacy_version 2, random 32, legacy_session_id
 * 1 + 32, cipher_suites 2 + (2^16 - 2), legacy_compression_methods
 * 1 + (2^8 - 1), extensions 2 + (2^16 - 1). OpenSSL's
 * CLIENT_HELLO_MAX_LENGTH is the same sum, 131,396.
 */
export const MAX_CLIENT_HELLO_LENGTH = 2 + 32 + (1 + 32) + (2 + 0xfffe) + (1 + 0xff) + (2 + 0xffff);
