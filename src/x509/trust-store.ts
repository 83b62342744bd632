import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Certificate } from './certificate.js';
import { certificatesEqual } from './certificate.js';
import { loadCertificates } from './load.js';
import { X509Error } from './errors.js';
import type { Name } from './name.js';
import { namesEqual, subjectHashHex } from './subject-hash.js';

/** `c_rehash` / `openssl rehash` names: eight hex digits of the subject hash, a dot, a sequence number. */
const HASHED_NAME = /^[0-9a-f]{8}\.\d+$/;

export interface TrustStoreOptions {
  /** `*_CAfile`: many PEM certificates in one file. */
  caFile?: string;
  /** `*_CApath`: a hashed directory, or a directory of plain certificate files. */
  caPath?: string;
}

/**
 * The trust anchors and CAs of `*_CAfile` and `*_CApath`. Hashed CApath
 * entries are read on first lookup of their hash, as OpenSSL's by_dir does,
 * so a large directory costs nothing until a peer names one of its CAs. A
 * CApath without hashed entries (plain `*.pem` files) is read at load.
 */
export class TrustStore {
  private readonly certs: Certificate[] = [];
  private readonly loadedHashes = new Set<string>();
  /** Files of a CApath that were skipped (not certificates), for the log. */
  readonly warnings: string[] = [];

  constructor(
    initial: readonly Certificate[] = [],
    private readonly hashedDir?: string,
  ) {
    this.certs.push(...initial);
  }

  static load(options: TrustStoreOptions): TrustStore {
    const initial = options.caFile !== undefined ? loadCertificates(options.caFile) : [];
    if (options.caFile !== undefined && initial.length === 0) {
      throw new X509Error('no_certificate', `${options.caFile}: no certificate found`);
    }
    if (options.caPath === undefined) return new TrustStore(initial);
    let entries: string[];
    try {
      entries = readdirSync(options.caPath).sort();
    } catch (err) {
      throw new X509Error('io_error', `${options.caPath}: ${(err as Error).message}`);
    }
    // A directory with hashed entries is used as OpenSSL uses it, by hash only; one without is read whole.
    if (entries.some((e) => HASHED_NAME.test(e))) return new TrustStore(initial, options.caPath);
    const store = new TrustStore(initial);
    for (const entry of entries) {
      const path = join(options.caPath, entry);
      if (!statSync(path).isFile()) continue;
      try {
        const found = loadCertificates(path);
        if (found.length === 0) store.warnings.push(`${path}: no certificate`);
        store.certs.push(...found);
      } catch (err) {
        if (!(err instanceof X509Error)) throw err;
        store.warnings.push(err.message);
      }
    }
    return store;
  }

  /** Every certificate loaded so far (CAfile, plain CApath files, hashed entries already looked up). */
  get certificates(): readonly Certificate[] {
    return this.certs;
  }

  /** Certificates whose subject is `name` (RFC 5280 §6.1: name chaining), loading `<hash>.N` entries as needed. */
  bySubject(name: Name): Certificate[] {
    this.loadHashed(name);
    return this.certs.filter((c) => namesEqual(c.subject, name));
  }

  contains(cert: Certificate): boolean {
    return this.bySubject(cert.subject).some((c) => certificatesEqual(c, cert));
  }

  private loadHashed(name: Name): void {
    if (this.hashedDir === undefined) return;
    const hash = subjectHashHex(name);
    if (this.loadedHashes.has(hash)) return;
    this.loadedHashes.add(hash);
    for (let n = 0; ; n++) {
      const path = join(this.hashedDir, `${hash}.${n}`);
      let found: Certificate[];
      try {
        statSync(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') break;
        throw new X509Error('io_error', `${path}: ${(err as Error).message}`);
      }
      try {
        found = loadCertificates(path);
      } catch (err) {
        if (!(err instanceof X509Error)) throw err;
        this.warnings.push(err.message);
        continue;
      }
      for (const c of found)
        if (!this.certs.some((k) => certificatesEqual(k, c))) this.certs.push(c);
    }
  }
}
