import { BytesLru } from './bytes-lru.js';
import type { Certificate } from './certificate.js';
import type { SubjectPublicKeyInfo } from './public-key.js';
import { verifyCertificateSignature } from './signature.js';

/** The issuer's SubjectPublicKeyInfo, length-prefixed so that no two pairs concatenate alike, then the certificate. */
function pairKey(cert: Certificate, issuerKey: SubjectPublicKeyInfo): Uint8Array {
  const spki = issuerKey.der;
  const key = new Uint8Array(4 + spki.length + cert.der.length);
  new DataView(key.buffer).setUint32(0, spki.length);
  key.set(spki, 4);
  key.set(cert.der, 4 + spki.length);
  return key;
}

/**
 * Certificate signatures already found good, by the exact bytes of the
 * certificate and of the issuer's key. Whether a key made a signature over
 * some bytes is a pure function of those bytes, and a mail server checks the
 * same peers' chains again and again. Only successes are kept: a signature
 * that fails is checked again, and fails again, every time.
 */
export class VerifiedSignatures {
  private readonly entries: BytesLru<true>;

  constructor(capacity: number) {
    this.entries = new BytesLru(capacity);
  }

  get size(): number {
    return this.entries.size;
  }

  /** `verifyCertificateSignature(cert, issuerKey.key)`, remembered when it holds. */
  verify(cert: Certificate, issuerKey: SubjectPublicKeyInfo): boolean {
    const key = pairKey(cert, issuerKey);
    if (this.entries.get(key) === true) return true;
    const ok = verifyCertificateSignature(cert, issuerKey.key);
    if (ok) this.entries.set(key, true);
    return ok;
  }
}
