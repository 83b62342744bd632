/**
 * GHASH (NIST SP 800-38D §6.4) with a per-key table, built once a key has
 * hashed enough blocks to repay it.
 *
 * Field elements are four big-endian 32-bit words; the leftmost bit of the
 * block is the coefficient of x^0 (SP 800-38D §6.3). Multiplication by H is
 * linear over the bits of the other factor, so for each 4-bit window of a
 * block the product of H with all 16 values of that window is tabulated:
 * X·H is then the XOR of 32 table entries, one per nibble of X. 32 windows ×
 * 16 entries × 16 bytes = 8 KiB per key. Table look-ups are indexed by data
 * (the ciphertext, and the running hash): like noble's AES this is only
 * "algorithmically" constant time; DESIGN.md says to prefer ChaCha20-Poly1305.
 *
 * Until then each product is the shift-and-add of SP 800-38D §6.3 Algorithm 1
 * with masks instead of branches: a TLS connection closed after its
 * handshake hashes a few blocks per key, and allocating and filling two
 * 8 KiB tables cost more than those blocks (issue 18, resumed handshakes).
 */
export class GhashKey {
  /** table[((w << 4) | v) * 4 + k]: word k of (value v of window w) · H, once built. */
  private table: Int32Array | undefined;
  private blocksBeforeTable = TABLE_AFTER_BLOCKS;

  /** `h0..h3`: the hash subkey H = E(K, 0^128) as big-endian words. */
  constructor(
    private readonly h0: number,
    private readonly h1: number,
    private readonly h2: number,
    private readonly h3: number,
  ) {}

  /** A fresh GHASH computation (Y_0 = 0) under this key. */
  start(): GhashState {
    return new GhashState(this);
  }

  /** The table once `blocks` more are due, counting them; undefined while the bitwise product is cheaper. */
  tableFor(blocks: number): Int32Array | undefined {
    if (this.table !== undefined) return this.table;
    this.blocksBeforeTable -= blocks;
    if (this.blocksBeforeTable > 0) return undefined;
    this.table = buildTable(this.h0, this.h1, this.h2, this.h3);
    return this.table;
  }

  /** X·H by SP 800-38D §6.3 Algorithm 1, the same operations for every X. */
  multiply(state: GhashState, x0: number, x1: number, x2: number, x3: number): void {
    let z0 = 0,
      z1 = 0,
      z2 = 0,
      z3 = 0;
    let v0 = this.h0,
      v1 = this.h1,
      v2 = this.h2,
      v3 = this.h3;
    for (let k = 0; k < 4; k++) {
      const x = k === 0 ? x0 : k === 1 ? x1 : k === 2 ? x2 : x3;
      for (let s = 31; s >= 0; s--) {
        const m = -((x >>> s) & 1);
        z0 ^= v0 & m;
        z1 ^= v1 & m;
        z2 ^= v2 & m;
        z3 ^= v3 & m;
        // V·x: shift right one bit; a carry out of x^127 reduces by R = 0xe1 || 0^120.
        const carry = v3 & 1;
        v3 = (v3 >>> 1) | (v2 << 31);
        v2 = (v2 >>> 1) | (v1 << 31);
        v1 = (v1 >>> 1) | (v0 << 31);
        v0 = (v0 >>> 1) ^ (0xe1000000 & -carry);
      }
    }
    state.set(z0, z1, z2, z3);
  }
}

/** Past this many blocks under one key, the 8 KiB table is cheaper than more bitwise products. */
const TABLE_AFTER_BLOCKS = 16;

function buildTable(h0: number, h1: number, h2: number, h3: number): Int32Array {
  const t = new Int32Array(32 * 16 * 4);
  const d = new Int32Array(16);
  // (d0..d3) walks H · x^i for i = 0..127.
  let d0 = h0,
    d1 = h1,
    d2 = h2,
    d3 = h3;
  for (let w = 0; w < 32; w++) {
    // Coefficient 4w + j is bit (3 - j) of the window's value.
    for (let j = 0; j < 4; j++) {
      const at = (3 - j) << 2;
      d[at] = d0;
      d[at + 1] = d1;
      d[at + 2] = d2;
      d[at + 3] = d3;
      // Multiply by x: shift right one bit; a carry out of x^127 reduces by
      // x^128 = x^7 + x^2 + x + 1, i.e. R = 0xe1 || 0^120 (SP 800-38D §6.3).
      const carry = d3 & 1;
      d3 = (d3 >>> 1) | (d2 << 31);
      d2 = (d2 >>> 1) | (d1 << 31);
      d1 = (d1 >>> 1) | (d0 << 31);
      d0 = (d0 >>> 1) ^ (0xe1000000 & -carry);
    }
    const base = w << 6;
    for (let v = 1; v < 16; v++) {
      const rest = base + ((v & (v - 1)) << 2);
      const low = (31 - Math.clz32(v & -v)) << 2;
      const dst = base + (v << 2);
      t[dst] = (t[rest] as number) ^ (d[low] as number);
      t[dst + 1] = (t[rest + 1] as number) ^ (d[low + 1] as number);
      t[dst + 2] = (t[rest + 2] as number) ^ (d[low + 2] as number);
      t[dst + 3] = (t[rest + 3] as number) ^ (d[low + 3] as number);
    }
  }
  return t;
}

export class GhashState {
  private y0 = 0;
  private y1 = 0;
  private y2 = 0;
  private y3 = 0;

  private table: Int32Array | undefined;

  constructor(private readonly key: GhashKey) {}

  set(y0: number, y1: number, y2: number, y3: number): void {
    this.y0 = y0;
    this.y1 = y1;
    this.y2 = y2;
    this.y3 = y3;
  }

  /**
   * Absorbs `data`, zero-padded to a whole block: GCM hashes A and C as
   * separately padded segments (SP 800-38D §7.1 step 5).
   */
  update(data: Uint8Array): this {
    const n = data.length;
    this.table = this.key.tableFor((n + 15) >>> 4);
    let p = 0;
    for (; p + 16 <= n; p += 16) {
      this.block(
        ((data[p] as number) << 24) |
          ((data[p + 1] as number) << 16) |
          ((data[p + 2] as number) << 8) |
          (data[p + 3] as number),
        ((data[p + 4] as number) << 24) |
          ((data[p + 5] as number) << 16) |
          ((data[p + 6] as number) << 8) |
          (data[p + 7] as number),
        ((data[p + 8] as number) << 24) |
          ((data[p + 9] as number) << 16) |
          ((data[p + 10] as number) << 8) |
          (data[p + 11] as number),
        ((data[p + 12] as number) << 24) |
          ((data[p + 13] as number) << 16) |
          ((data[p + 14] as number) << 8) |
          (data[p + 15] as number),
      );
    }
    if (p < n) {
      const w = [0, 0, 0, 0];
      for (let i = 0; p + i < n; i++)
        w[i >> 2] = (w[i >> 2] as number) | ((data[p + i] as number) << (24 - 8 * (i & 3)));
      this.block(w[0] as number, w[1] as number, w[2] as number, w[3] as number);
    }
    return this;
  }

  /** The final block len(A)_64 || len(C)_64, lengths in bits (SP 800-38D §7.1 step 5). */
  lengths(aadBytes: number, dataBytes: number): this {
    this.table = this.key.tableFor(1);
    const aadBits = aadBytes * 8;
    const dataBits = dataBytes * 8;
    this.block(
      Math.floor(aadBits / 0x100000000),
      aadBits >>> 0,
      Math.floor(dataBits / 0x100000000),
      dataBits >>> 0,
    );
    return this;
  }

  /** Writes Y XOR `mask` (the big-endian words of E(K, J0)) to `out` at `offset`. */
  finishInto(
    m0: number,
    m1: number,
    m2: number,
    m3: number,
    out: Uint8Array,
    offset: number,
  ): void {
    writeWord(out, offset, this.y0 ^ m0);
    writeWord(out, offset + 4, this.y1 ^ m1);
    writeWord(out, offset + 8, this.y2 ^ m2);
    writeWord(out, offset + 12, this.y3 ^ m3);
  }

  private block(x0: number, x1: number, x2: number, x3: number): void {
    const t = this.table;
    if (t === undefined) {
      this.key.multiply(this, this.y0 ^ x0, this.y1 ^ x1, this.y2 ^ x2, this.y3 ^ x3);
      return;
    }
    let z0 = 0,
      z1 = 0,
      z2 = 0,
      z3 = 0;
    let base = 0;
    for (let k = 0; k < 4; k++) {
      const a =
        k === 0 ? this.y0 ^ x0 : k === 1 ? this.y1 ^ x1 : k === 2 ? this.y2 ^ x2 : this.y3 ^ x3;
      for (let s = 28; s >= 0; s -= 4, base += 64) {
        const i = base + (((a >>> s) & 15) << 2);
        z0 ^= t[i] as number;
        z1 ^= t[i + 1] as number;
        z2 ^= t[i + 2] as number;
        z3 ^= t[i + 3] as number;
      }
    }
    this.y0 = z0;
    this.y1 = z1;
    this.y2 = z2;
    this.y3 = z3;
  }
}

function writeWord(out: Uint8Array, offset: number, w: number): void {
  out[offset] = w >>> 24;
  out[offset + 1] = (w >>> 16) & 0xff;
  out[offset + 2] = (w >>> 8) & 0xff;
  out[offset + 3] = w & 0xff;
}
