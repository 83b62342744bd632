import { concatBytes } from '@noble/hashes/utils.js';
import { HmacSha256Key } from './hmac-sha256.js';

/** NIST SP 800-90A Rev. 1 §10.1.2 HMAC_DRBG with SHA-256, without prediction resistance. */
const OUTLEN = 32;
/** SP 800-90A Table 2: at most 2^48 requests between reseeds; we reseed far earlier by policy. */
const MAX_REQUESTS = 2 ** 48;
/** SP 800-90A Table 2: max_number_of_bits_per_request = 2^19 bits. */
export const MAX_BYTES_PER_REQUEST = 2 ** 16;

const ZERO = Uint8Array.of(0x00);
const ONE = Uint8Array.of(0x01);

/** HMAC-SHA-256 under a key used for one or two MACs (K changes at every update). */
const mac = (key: Uint8Array, ...parts: Uint8Array[]): Uint8Array =>
  new HmacSha256Key(key).mac(...parts);

export class DrbgReseedRequiredError extends Error {
  constructor() {
    super('HMAC_DRBG: reseed required (reseed counter exhausted)');
    this.name = 'DrbgReseedRequiredError';
  }
}

export class HmacDrbg {
  private key: Uint8Array = new Uint8Array(OUTLEN);
  private v: Uint8Array = new Uint8Array(OUTLEN).fill(0x01);
  private reseedCounter = 1;

  /** §10.1.2.3: instantiate from entropy_input || nonce || personalization_string. */
  constructor(
    entropy: Uint8Array,
    nonce: Uint8Array = new Uint8Array(0),
    personalization: Uint8Array = new Uint8Array(0),
  ) {
    if (entropy.length < 32)
      throw new RangeError('HMAC_DRBG: at least 256 bits of entropy are needed to instantiate');
    this.update(concatBytes(entropy, nonce, personalization));
  }

  /** §10.1.2.2 HMAC_DRBG_Update. */
  private update(provided: Uint8Array): void {
    this.key = mac(this.key, this.v, ZERO, provided);
    this.v = mac(this.key, this.v);
    if (provided.length === 0) return;
    this.key = mac(this.key, this.v, ONE, provided);
    this.v = mac(this.key, this.v);
  }

  /** §10.1.2.4 reseed. */
  reseed(entropy: Uint8Array, additional: Uint8Array = new Uint8Array(0)): void {
    if (entropy.length < 32)
      throw new RangeError('HMAC_DRBG: at least 256 bits of entropy are needed to reseed');
    this.update(concatBytes(entropy, additional));
    this.reseedCounter = 1;
  }

  /** §10.1.2.5 generate; fills `out` (any length, split into requests of at most 2^16 bytes). */
  generate(out: Uint8Array, additional: Uint8Array = new Uint8Array(0)): void {
    for (let off = 0; off < out.length; off += MAX_BYTES_PER_REQUEST) {
      this.generateOne(
        out.subarray(off, Math.min(out.length, off + MAX_BYTES_PER_REQUEST)),
        additional,
      );
    }
  }

  private generateOne(out: Uint8Array, additional: Uint8Array): void {
    if (this.reseedCounter > MAX_REQUESTS) throw new DrbgReseedRequiredError();
    if (additional.length > 0) this.update(additional);
    let filled = 0;
    // One keyed state for every block of this request: K changes only in update.
    const keyed = new HmacSha256Key(this.key);
    while (filled < out.length) {
      this.v = keyed.mac(this.v);
      const n = Math.min(OUTLEN, out.length - filled);
      out.set(n === OUTLEN ? this.v : this.v.subarray(0, n), filled);
      filled += n;
    }
    this.update(additional);
    this.reseedCounter++;
  }

  /** Requests since the last (re)seed. */
  get requestsSinceReseed(): number {
    return this.reseedCounter - 1;
  }
}
