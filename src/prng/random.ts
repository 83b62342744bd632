/**
 * The one source of randomness every layer takes as a parameter (DESIGN.md:
 * "Injected randomness and time"). Production code gets a DRBG from
 * `createSystemRandom()`; tests inject a deterministic one.
 */
export interface Random {
  /** Overwrites every byte of `buf` with random bytes. */
  fill(buf: Uint8Array): void;
  /** Returns `n` fresh random bytes. */
  bytes(n: number): Uint8Array;
  /**
   * False while a pool has no seed and every fill throws PrngUnseededError
   * (EntropyPool); absent for sources that are always ready.
   */
  readonly seeded?: boolean;
}

/** Builds `bytes` from `fill`, for implementations that only have the latter. */
export function bytesFrom(fill: (buf: Uint8Array) => void, n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`random byte count must be a non-negative integer, got ${n}`);
  const out = new Uint8Array(n);
  fill(out);
  return out;
}
