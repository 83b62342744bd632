import { sha256 } from '@noble/hashes/sha2.js';

/**
 * HMAC-SHA-256 (RFC 2104, FIPS 180-4 §6.2) for short messages with the key's
 * inner and outer pad states computed once: each MAC then costs its own
 * compressions and one 32-byte output, with no hash objects to build. The TLS
 * 1.2 PRF (RFC 5246 §5), RFC 6979 nonces and the HMAC_DRBG behind every
 * random byte run a handful of these per handshake, and noble's HMAC builds
 * two hash objects for each (issue 18, resumed handshakes). It lives in
 * src/prng, the lowest layer, so that the DRBG can use it too.
 */
export class HmacSha256Key {
  private readonly inner = new Int32Array(8);
  private readonly outer = new Int32Array(8);

  constructor(key: Uint8Array) {
    // RFC 2104 §2: a key longer than the block is hashed first.
    const k = key.length > BLOCK ? sha256(key) : key;
    const pad = new Uint8Array(BLOCK);
    this.inner.set(IV);
    this.outer.set(IV);
    for (let i = 0; i < BLOCK; i++) pad[i] = ((k[i] ?? 0) as number) ^ 0x36;
    compress(this.inner, pad, 0);
    for (let i = 0; i < BLOCK; i++) pad[i] = ((k[i] ?? 0) as number) ^ 0x5c;
    compress(this.outer, pad, 0);
  }

  /** HMAC(key, parts[0] || parts[1] || …). */
  mac(...parts: readonly Uint8Array[]): Uint8Array {
    const state = Int32Array.from(this.inner);
    const out = new Uint8Array(32);
    writeState(out, digestInto(state, parts, BLOCK));
    const outerState = Int32Array.from(this.outer);
    return writeState(new Uint8Array(32), digestInto(outerState, [out], BLOCK));
  }
}

const BLOCK = 64;

/** FIPS 180-4 §5.3.3: the initial hash value. */
const IV = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** FIPS 180-4 §4.2.2: the round constants. */
const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** The message schedule and the padding block, reused: every call here is synchronous. */
const W = new Int32Array(64);
const TAIL = new Uint8Array(2 * BLOCK);

/** Absorbs `parts` after `prefixBytes` already compressed into `state`, then pads (FIPS 180-4 §5.1.1). */
function digestInto(
  state: Int32Array,
  parts: readonly Uint8Array[],
  prefixBytes: number,
): Int32Array {
  let total = 0;
  for (const p of parts) total += p.length;
  // Whole blocks are compressed where they lie when a part holds them; the rest goes through TAIL.
  let buffered = 0;
  for (const p of parts) {
    let at = 0;
    if (buffered > 0) {
      const take = Math.min(BLOCK - buffered, p.length);
      TAIL.set(p.subarray(0, take), buffered);
      buffered += take;
      at = take;
      if (buffered < BLOCK) continue;
      compress(state, TAIL, 0);
      buffered = 0;
    }
    for (; at + BLOCK <= p.length; at += BLOCK) compress(state, p, at);
    TAIL.set(p.subarray(at), 0);
    buffered = p.length - at;
  }
  const bits = (prefixBytes + total) * 8;
  TAIL[buffered] = 0x80;
  const end = buffered + 9 <= BLOCK ? BLOCK : 2 * BLOCK;
  TAIL.fill(0, buffered + 1, end);
  const high = Math.floor(bits / 0x100000000);
  writeWord(TAIL, end - 8, high);
  writeWord(TAIL, end - 4, bits >>> 0);
  compress(state, TAIL, 0);
  if (end > BLOCK) compress(state, TAIL, BLOCK);
  return state;
}

/** FIPS 180-4 §6.2.2: one block of `data` at `at` into `state`. */
function compress(state: Int32Array, data: Uint8Array, at: number): void {
  for (let t = 0; t < 16; t++) {
    const p = at + 4 * t;
    W[t] =
      ((data[p] as number) << 24) |
      ((data[p + 1] as number) << 16) |
      ((data[p + 2] as number) << 8) |
      (data[p + 3] as number);
  }
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15] as number;
    const w2 = W[t - 2] as number;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[t] = (s1 + (W[t - 7] as number) + s0 + (W[t - 16] as number)) | 0;
  }
  let a = state[0] as number,
    b = state[1] as number,
    c = state[2] as number,
    d = state[3] as number;
  let e = state[4] as number,
    f = state[5] as number,
    g = state[6] as number,
    h = state[7] as number;
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + (K[t] as number) + (W[t] as number)) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0] as number) + a;
  state[1] = (state[1] as number) + b;
  state[2] = (state[2] as number) + c;
  state[3] = (state[3] as number) + d;
  state[4] = (state[4] as number) + e;
  state[5] = (state[5] as number) + f;
  state[6] = (state[6] as number) + g;
  state[7] = (state[7] as number) + h;
}

function writeState(out: Uint8Array, state: Int32Array): Uint8Array {
  for (let i = 0; i < 8; i++) writeWord(out, 4 * i, state[i] as number);
  return out;
}

function writeWord(out: Uint8Array, offset: number, w: number): void {
  out[offset] = w >>> 24;
  out[offset + 1] = (w >>> 16) & 0xff;
  out[offset + 2] = (w >>> 8) & 0xff;
  out[offset + 3] = w & 0xff;
}
