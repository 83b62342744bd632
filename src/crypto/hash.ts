import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import type { CHash } from '@noble/hashes/utils.js';

/** The part of a noble hash or HMAC state we use; noble's own generic types do not compose under strict mode. */
export interface IncrementalState {
  readonly outputLen: number;
  readonly blockLen: number;
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
  clone(): IncrementalState;
}

/** The hashes TLS 1.2/1.3 and X.509 use. MD5 and SHA-1 only for legacy signatures and fingerprints. */
export type HashAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

export const HASH_ALGORITHMS: readonly HashAlgorithm[] = [
  'md5',
  'sha1',
  'sha256',
  'sha384',
  'sha512',
];

const NOBLE: Record<HashAlgorithm, CHash> = { md5, sha1, sha256, sha384, sha512 };

/** An incremental hash whose state can be forked cheaply (the TLS transcript hash forks at every Finished). */
export interface Hash {
  readonly algorithm: HashAlgorithm;
  /** Digest size in bytes. */
  readonly outputLen: number;
  /** Block size in bytes (HMAC's). */
  readonly blockLen: number;
  update(data: Uint8Array): this;
  /** The digest of everything so far; the hash must not be used afterwards. */
  digest(): Uint8Array;
  /** An independent copy of the current state. */
  clone(): Hash;
}

class NobleBackedHash implements Hash {
  readonly outputLen: number;
  readonly blockLen: number;
  constructor(
    readonly algorithm: HashAlgorithm,
    private readonly inner: IncrementalState,
  ) {
    this.outputLen = inner.outputLen;
    this.blockLen = inner.blockLen;
  }
  update(data: Uint8Array): this {
    this.inner.update(data);
    return this;
  }
  digest(): Uint8Array {
    return this.inner.digest();
  }
  clone(): Hash {
    return new NobleBackedHash(this.algorithm, this.inner.clone());
  }
}

export function createHash(algorithm: HashAlgorithm): Hash {
  return new NobleBackedHash(algorithm, NOBLE[algorithm].create() as IncrementalState);
}

/** One-shot digest. */
export function hash(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array {
  return NOBLE[algorithm](data);
}

export function hashOutputLen(algorithm: HashAlgorithm): number {
  return NOBLE[algorithm].outputLen;
}

/** The noble hash function, for modules that hand it to noble (HMAC, HKDF, ECDSA). */
export function nobleHash(algorithm: HashAlgorithm): CHash {
  return NOBLE[algorithm];
}
