import type { Certificate } from './certificate.js';
import { parseCertificate } from './certificate.js';
import { bytesEqual } from './public-key.js';

/** FNV-1a over the bytes: a cheap bucket key; a hit is confirmed by comparing the DER itself. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h >>> 0;
}

/**
 * Parsed certificates by their exact DER bytes, least recently used dropped
 * first. Parsing is a pure function of the bytes, and a peer sends the same
 * chain on every connection, so a hit returns the earlier result. Entries
 * are parsed from a private copy, so later changes to the caller's buffer
 * cannot reach them; callers share the returned objects and must not change them.
 * Bytes that do not parse are not cached: they throw the same error each time.
 */
export class CertificateCache {
  /** Map iteration order is insertion order: the first entry is the least recently used. */
  private readonly entries = new Map<number, Certificate[]>();
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`certificate cache capacity ${capacity} is not a positive integer`);
  }

  get size(): number {
    return this.count;
  }

  parse(der: Uint8Array): Certificate {
    const key = fnv1a(der);
    const bucket = this.entries.get(key);
    const hit = bucket?.find((c) => bytesEqual(c.der, der));
    if (bucket !== undefined && hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, bucket);
      return hit;
    }
    const cert = parseCertificate(der.slice());
    if (bucket !== undefined) {
      bucket.push(cert);
      this.entries.delete(key);
      this.entries.set(key, bucket);
    } else {
      this.entries.set(key, [cert]);
    }
    this.count++;
    while (this.count > this.capacity) this.evictOldest();
    return cert;
  }

  private evictOldest(): void {
    const first = this.entries.entries().next();
    if (first.done === true) return;
    const [key, bucket] = first.value;
    bucket.shift();
    this.count--;
    if (bucket.length === 0) this.entries.delete(key);
  }
}
