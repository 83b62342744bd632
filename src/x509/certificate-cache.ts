import { BytesLru } from './bytes-lru.js';
import type { Certificate } from './certificate.js';
import { parseCertificate } from './certificate.js';

/**
 * Parsed certificates by their exact DER bytes. Parsing is a pure function
 * of the bytes, and a peer sends the same chain on every connection, so a
 * hit returns the earlier result. Entries are parsed from a private copy, so
 * later changes to the caller's buffer cannot reach them; callers share the
 * returned objects and must not change them. Bytes that do not parse are not
 * cached: they throw the same error each time.
 */
export class CertificateCache {
  private readonly entries: BytesLru<Certificate>;

  constructor(capacity: number) {
    this.entries = new BytesLru(capacity);
  }

  get size(): number {
    return this.entries.size;
  }

  parse(der: Uint8Array): Certificate {
    const hit = this.entries.get(der);
    if (hit !== undefined) return hit;
    const cert = parseCertificate(der.slice());
    this.entries.set(cert.der, cert);
    return cert;
  }
}
