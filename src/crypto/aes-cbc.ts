import { unsafe } from '@noble/ciphers/aes.js';
import { CryptoError } from './errors.js';

/**
 * AES-CBC without padding (NIST SP 800-38A §6.2), for the TLS 1.2 CBC suites,
 * which pad and MAC themselves (RFC 5246 §6.2.3.2). Both key schedules are
 * expanded once per key.
 */
export interface AesCbc {
  encrypt(iv: Uint8Array, data: Uint8Array): Uint8Array;
  decrypt(iv: Uint8Array, data: Uint8Array): Uint8Array;
}

const leWord = (b: Uint8Array, p: number): number =>
  (b[p] as number) |
  ((b[p + 1] as number) << 8) |
  ((b[p + 2] as number) << 16) |
  ((b[p + 3] as number) << 24);

function putLeWord(b: Uint8Array, p: number, w: number): void {
  b[p] = w & 0xff;
  b[p + 1] = (w >>> 8) & 0xff;
  b[p + 2] = (w >>> 16) & 0xff;
  b[p + 3] = w >>> 24;
}

export function createAesCbc(key: Uint8Array): AesCbc {
  if (key.length !== 16 && key.length !== 32) {
    throw new CryptoError('invalid_key', `AES-CBC key must be 16 or 32 bytes, got ${key.length}`);
  }
  const xk = unsafe.expandKeyLE(key);
  const xkd = unsafe.expandKeyDecLE(key);
  return {
    encrypt(iv: Uint8Array, data: Uint8Array): Uint8Array {
      checkInput(iv, data);
      const out = new Uint8Array(data.length);
      // C_i = CIPH_K(P_i XOR C_{i-1}), C_0 = IV.
      let c0 = leWord(iv, 0),
        c1 = leWord(iv, 4),
        c2 = leWord(iv, 8),
        c3 = leWord(iv, 12);
      for (let p = 0; p < data.length; p += 16) {
        const r = unsafe.encrypt(
          xk,
          c0 ^ leWord(data, p),
          c1 ^ leWord(data, p + 4),
          c2 ^ leWord(data, p + 8),
          c3 ^ leWord(data, p + 12),
        );
        c0 = r.s0;
        c1 = r.s1;
        c2 = r.s2;
        c3 = r.s3;
        putLeWord(out, p, c0);
        putLeWord(out, p + 4, c1);
        putLeWord(out, p + 8, c2);
        putLeWord(out, p + 12, c3);
      }
      return out;
    },
    decrypt(iv: Uint8Array, data: Uint8Array): Uint8Array {
      checkInput(iv, data);
      const out = new Uint8Array(data.length);
      // P_i = CIPH^-1_K(C_i) XOR C_{i-1}, C_0 = IV.
      let c0 = leWord(iv, 0),
        c1 = leWord(iv, 4),
        c2 = leWord(iv, 8),
        c3 = leWord(iv, 12);
      for (let p = 0; p < data.length; p += 16) {
        const d0 = leWord(data, p),
          d1 = leWord(data, p + 4),
          d2 = leWord(data, p + 8),
          d3 = leWord(data, p + 12);
        const r = unsafe.decrypt(xkd, d0, d1, d2, d3);
        putLeWord(out, p, r.s0 ^ c0);
        putLeWord(out, p + 4, r.s1 ^ c1);
        putLeWord(out, p + 8, r.s2 ^ c2);
        putLeWord(out, p + 12, r.s3 ^ c3);
        c0 = d0;
        c1 = d1;
        c2 = d2;
        c3 = d3;
      }
      return out;
    },
  };
}

function checkInput(iv: Uint8Array, data: Uint8Array): void {
  if (iv.length !== 16)
    throw new CryptoError('invalid_parameter', `AES-CBC IV must be 16 bytes, got ${iv.length}`);
  if (data.length % 16 !== 0) {
    throw new CryptoError(
      'invalid_encoding',
      `AES-CBC input must be a multiple of 16 bytes, got ${data.length}`,
    );
  }
}
