// Memory-hard password hashes for stored SASL secrets: typed adapters over
// @noble/hashes' async scrypt (RFC 7914) and Argon2id (RFC 9106). The async
// variants yield to the event loop, so one login does not stall a server.
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { argon2idAsync } from '@noble/hashes/argon2.js';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N (RFC 7914 §2). */
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

export interface Argon2idParams {
  /** Memory in KiB (RFC 9106 §3.1 m). */
  readonly m: number;
  /** Passes (RFC 9106 §3.1 t). */
  readonly t: number;
  /** Lanes (RFC 9106 §3.1 p). */
  readonly p: number;
  /** 0x13 (19) is the only version RFC 9106 defines. */
  readonly version: number;
}

export function scryptDerive(
  password: Uint8Array,
  salt: Uint8Array,
  params: ScryptParams,
  dkLen: number,
): Promise<Uint8Array> {
  return scryptAsync(password, salt, { N: 2 ** params.ln, r: params.r, p: params.p, dkLen });
}

export function argon2idDerive(
  password: Uint8Array,
  salt: Uint8Array,
  params: Argon2idParams,
  dkLen: number,
): Promise<Uint8Array> {
  return argon2idAsync(password, salt, {
    m: params.m,
    t: params.t,
    p: params.p,
    version: params.version,
    dkLen,
  });
}
