import type { HashAlgorithm } from '../crypto/hash.js';
import { hash } from '../crypto/hash.js';
import type { Certificate } from './certificate.js';

export type FingerprintDigest = 'md5' | 'sha1' | 'sha256';

/** `D7:04:2F:…`: colon-separated upper-case hex, as `openssl x509 -fingerprint` and Postfix's relay_clientcerts write it. */
export function formatFingerprint(digest: Uint8Array): string {
  return Array.from(digest, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

/** The digest of the whole certificate DER (Postfix tls_cert_fprint). */
export function certificateFingerprint(cert: Certificate, digest: FingerprintDigest): string {
  return formatFingerprint(hash(digest as HashAlgorithm, cert.der));
}

/** The digest of the DER SubjectPublicKeyInfo (Postfix tls_pkey_fprint), stable across re-issued certificates. */
export function publicKeyFingerprint(cert: Certificate, digest: FingerprintDigest): string {
  return formatFingerprint(hash(digest as HashAlgorithm, cert.publicKey.der));
}
