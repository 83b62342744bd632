import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import type { HashAlgorithm } from './hash.js';
import { nobleHash } from './hash.js';
import type { IncrementalState } from './hash.js';

/** RFC 2104 HMAC, one shot. */
export function hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
  return nobleHmac(nobleHash(algorithm), key, data);
}

/** An incremental HMAC; `clone` forks the keyed state without re-keying. */
export interface Hmac {
  update(data: Uint8Array): this;
  digest(): Uint8Array;
  clone(): Hmac;
}

class NobleBackedHmac implements Hmac {
  constructor(private readonly inner: IncrementalState) {}
  update(data: Uint8Array): this {
    this.inner.update(data);
    return this;
  }
  digest(): Uint8Array {
    return this.inner.digest();
  }
  clone(): Hmac {
    return new NobleBackedHmac(this.inner.clone());
  }
}

export function createHmac(algorithm: HashAlgorithm, key: Uint8Array): Hmac {
  return new NobleBackedHmac(
    nobleHmac.create(nobleHash(algorithm), key) as unknown as IncrementalState,
  );
}
