import type { AeadAlgorithm } from '../crypto/aead.js';
import type { HashAlgorithm } from '../crypto/hash.js';

/**
 * The cipher-suite registry: every suite postern implements, declared once
 * with its IANA code point, its IANA and OpenSSL names, and what it is made
 * of. Version negotiation, cipher lists and logs all read this table.
 */
export interface Tls13Suite {
  readonly version: 'TLSv1.3';
  readonly code: number;
  readonly name: string;
  /** OpenSSL spells TLS 1.3 suites with their IANA names. */
  readonly opensslName: string;
  readonly aead: AeadAlgorithm;
  readonly keyLength: number;
  readonly hash: HashAlgorithm;
  /** Symmetric strength in bits, as OpenSSL reports it. */
  readonly bits: number;
}

export type CipherSuiteInfo = Tls13Suite;

function tls13(code: number, name: string, aead: AeadAlgorithm, keyLength: number, hash: HashAlgorithm, bits: number): Tls13Suite {
  return { version: 'TLSv1.3', code, name, opensslName: name, aead, keyLength, hash, bits };
}

/** RFC 8446 §B.4. */
export const TLS_AES_128_GCM_SHA256 = tls13(0x1301, 'TLS_AES_128_GCM_SHA256', 'aes-128-gcm', 16, 'sha256', 128);
export const TLS_AES_256_GCM_SHA384 = tls13(0x1302, 'TLS_AES_256_GCM_SHA384', 'aes-256-gcm', 32, 'sha384', 256);
export const TLS_CHACHA20_POLY1305_SHA256 = tls13(0x1303, 'TLS_CHACHA20_POLY1305_SHA256', 'chacha20-poly1305', 32, 'sha256', 256);

/**
 * The default preference order: ChaCha20-Poly1305 first (constant-time in
 * noble, and faster than table-based AES in pure TypeScript), then AES-GCM.
 */
export const DEFAULT_TLS13_SUITES: readonly Tls13Suite[] = [TLS_CHACHA20_POLY1305_SHA256, TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384];

const ALL: readonly CipherSuiteInfo[] = [...DEFAULT_TLS13_SUITES];
const BY_CODE = new Map<number, CipherSuiteInfo>(ALL.map((s) => [s.code, s]));

export function suiteByCode(code: number): CipherSuiteInfo | undefined {
  return BY_CODE.get(code);
}

export function suiteByName(name: string): CipherSuiteInfo | undefined {
  return ALL.find((s) => s.name === name || s.opensslName === name);
}
