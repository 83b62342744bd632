/**
 * Why an X.509 object (PEM, DER, certificate, key, DH parameters, file set)
 * was refused. Verification outcomes are not errors: they are the typed
 * results of verify.ts.
 */
export type X509ErrorCode =
  /** Not well-formed DER, not minimal DER where a signature covers it, or over a parser limit. */
  | 'malformed_der'
  /** A PEM armour that does not parse (unterminated block, bad base64). */
  | 'malformed_pem'
  /** Well-formed DER that is not the structure expected (a field missing or of the wrong type). */
  | 'malformed_structure'
  /** An algorithm, curve or version we do not implement. */
  | 'unsupported_algorithm'
  /** A public key or DH group beyond the size bounds (crypto/key-bounds.ts, OpenSSL's): refused before any arithmetic. */
  | 'unsupported_key_size'
  /** A private key that is encrypted; Postfix's files must hold plain keys. */
  | 'encrypted_key'
  /** A key file with no private key in it. */
  | 'no_private_key'
  /** A certificate file with no certificate in it. */
  | 'no_certificate'
  /** A private key that does not belong to the certificate. */
  | 'key_mismatch'
  /** A chain file whose PEM objects are not key1, cert1, [chain1], key2, … (postconf(5) smtpd_tls_chain_files). */
  | 'chain_order'
  /** DH parameters that fail the checks (p not a safe prime, g out of range, too small). */
  | 'invalid_dh_parameters'
  /** A file or directory that cannot be read. */
  | 'io_error';

export class X509Error extends Error {
  constructor(
    readonly code: X509ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'X509Error';
  }
}
