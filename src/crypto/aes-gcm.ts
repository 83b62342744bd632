import { unsafe } from '@noble/ciphers/aes.js';
import { GhashKey } from './ghash.js';
import { constantTimeEqual } from './ct.js';
import { CryptoError } from './errors.js';

/**
 * AES-GCM (NIST SP 800-38D) with 96-bit nonces and 128-bit tags, keeping the
 * per-key state: the AES key schedule and the GHASH table are computed once
 * here, and each seal/open pays only for its own blocks (DESIGN.md pitfall:
 * noble's `gcm(key, nonce)` re-expands both for every record). The block
 * function is noble's AES; noble's AES uses lookup tables, so it is only
 * "algorithmically" constant time.
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** noble's AES block function reads and writes words loaded little-endian from the block bytes. */
const bswap = (x: number): number =>
  ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);

const leWord = (b: Uint8Array, p: number): number =>
  (b[p] as number) |
  ((b[p + 1] as number) << 8) |
  ((b[p + 2] as number) << 16) |
  ((b[p + 3] as number) << 24);

export class AesGcmKey {
  private readonly xk: Uint32Array;
  private readonly ghashKey: GhashKey;

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 32) {
      throw new CryptoError('invalid_key', `AES-GCM key must be 16 or 32 bytes, got ${key.length}`);
    }
    this.xk = unsafe.expandKeyLE(key);
    // SP 800-38D §7.1 step 1: H = CIPH_K(0^128).
    const h = unsafe.encrypt(this.xk, 0, 0, 0, 0);
    this.ghashKey = new GhashKey(bswap(h.s0), bswap(h.s1), bswap(h.s2), bswap(h.s3));
  }

  /** ciphertext || tag, in one allocation. */
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    checkNonce(nonce);
    const n = plaintext.length;
    const out = new Uint8Array(n + 16);
    out.set(plaintext);
    this.ctrInPlace(nonce, out, n);
    this.tagInto(nonce, aad, out.subarray(0, n), out, n);
    return out;
  }

  /** The plaintext, or CryptoError('auth_failed'); nothing is decrypted before the tag checks out. */
  open(nonce: Uint8Array, ciphertextAndTag: Uint8Array, aad: Uint8Array): Uint8Array {
    checkNonce(nonce);
    if (ciphertextAndTag.length < 16)
      throw new CryptoError('auth_failed', 'AES-GCM input is shorter than its tag');
    const n = ciphertextAndTag.length - 16;
    const ciphertext = ciphertextAndTag.subarray(0, n);
    const expected = new Uint8Array(16);
    this.tagInto(nonce, aad, ciphertext, expected, 0);
    if (!constantTimeEqual(expected, ciphertextAndTag.subarray(n))) {
      throw new CryptoError('auth_failed', 'AES-GCM tag mismatch');
    }
    const out = new Uint8Array(n);
    out.set(ciphertext);
    this.ctrInPlace(nonce, out, n);
    return out;
  }

  /** SP 800-38D §7.1 steps 5–6: T = GHASH_H(A || C || lengths) XOR CIPH_K(J0), J0 = IV || 0^31 || 1. */
  private tagInto(
    nonce: Uint8Array,
    aad: Uint8Array,
    ciphertext: Uint8Array,
    out: Uint8Array,
    offset: number,
  ): void {
    const mask = unsafe.encrypt(
      this.xk,
      leWord(nonce, 0),
      leWord(nonce, 4),
      leWord(nonce, 8),
      0x01000000,
    );
    this.ghashKey
      .start()
      .update(aad)
      .update(ciphertext)
      .lengths(aad.length, ciphertext.length)
      .finishInto(bswap(mask.s0), bswap(mask.s1), bswap(mask.s2), bswap(mask.s3), out, offset);
  }

  /** SP 800-38D §7.1 step 3: GCTR from inc32(J0), i.e. counter 2, over `buf[0..n)` in place. */
  private ctrInPlace(nonce: Uint8Array, buf: Uint8Array, n: number): void {
    const xk = this.xk;
    const n0 = leWord(nonce, 0);
    const n1 = leWord(nonce, 4);
    const n2 = leWord(nonce, 8);
    const blocks = n >>> 4;
    // `buf` is our own allocation at offset 0, so a word view of it is aligned.
    const w = new Uint32Array(buf.buffer, buf.byteOffset, blocks * 4);
    let counter = 2;
    for (let i = 0; i < blocks * 4; i += 4, counter = (counter + 1) >>> 0) {
      const ks = unsafe.encrypt(xk, n0, n1, n2, bswap(counter));
      if (LITTLE_ENDIAN) {
        w[i] = (w[i] as number) ^ ks.s0;
        w[i + 1] = (w[i + 1] as number) ^ ks.s1;
        w[i + 2] = (w[i + 2] as number) ^ ks.s2;
        w[i + 3] = (w[i + 3] as number) ^ ks.s3;
      } else {
        w[i] = (w[i] as number) ^ bswap(ks.s0);
        w[i + 1] = (w[i + 1] as number) ^ bswap(ks.s1);
        w[i + 2] = (w[i + 2] as number) ^ bswap(ks.s2);
        w[i + 3] = (w[i + 3] as number) ^ bswap(ks.s3);
      }
    }
    const tail = blocks << 4;
    if (tail < n) {
      const ks = unsafe.encrypt(xk, n0, n1, n2, bswap(counter));
      const words = [ks.s0, ks.s1, ks.s2, ks.s3];
      for (let p = tail; p < n; p++) {
        const j = p - tail;
        buf[p] = (buf[p] as number) ^ (((words[j >> 2] as number) >>> (8 * (j & 3))) & 0xff);
      }
    }
  }
}

function checkNonce(nonce: Uint8Array): void {
  if (nonce.length !== 12)
    throw new CryptoError(
      'invalid_parameter',
      `AES-GCM nonce must be 12 bytes, got ${nonce.length}`,
    );
}
