/**
 * RFC 8446 §4.2.3 SignatureScheme, plus the TLS 1.2 (HashAlgorithm,
 * SignatureAlgorithm) pairs of RFC 5246 §7.4.1.4.1 that TLS 1.3 does not
 * name, written hash-high/signature-low (dsa_sha256 = sha256(4), dsa(2)).
 */
export const SignatureScheme = {
  rsa_pkcs1_sha256: 0x0401,
  rsa_pkcs1_sha384: 0x0501,
  rsa_pkcs1_sha512: 0x0601,
  ecdsa_secp256r1_sha256: 0x0403,
  ecdsa_secp384r1_sha384: 0x0503,
  ecdsa_secp521r1_sha512: 0x0603,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
  ed25519: 0x0807,
  ed448: 0x0808,
  rsa_pss_pss_sha256: 0x0809,
  rsa_pss_pss_sha384: 0x080a,
  rsa_pss_pss_sha512: 0x080b,
  rsa_pkcs1_sha1: 0x0201,
  ecdsa_sha1: 0x0203,
  // TLS 1.2 only (RFC 5246 §7.4.1.4.1 pairs).
  rsa_pkcs1_md5: 0x0101,
  rsa_pkcs1_sha224: 0x0301,
  ecdsa_sha224: 0x0303,
  dsa_sha1: 0x0202,
  dsa_sha224: 0x0302,
  dsa_sha256: 0x0402,
  dsa_sha384: 0x0502,
  dsa_sha512: 0x0602,
} as const;

/** RFC 5246 §7.4.1.4.1 HashAlgorithm. */
export const HashAlgorithm = {
  none: 0,
  md5: 1,
  sha1: 2,
  sha224: 3,
  sha256: 4,
  sha384: 5,
  sha512: 6,
} as const;

/** RFC 5246 §7.4.1.4.1 SignatureAlgorithm. */
export const SignatureAlgorithm = {
  anonymous: 0,
  rsa: 1,
  dsa: 2,
  ecdsa: 3,
} as const;
