/**
 * The DER form of a DSA signature, Dss-Sig-Value ::= SEQUENCE { r INTEGER,
 * s INTEGER } (RFC 3279 §2.2.2). Decoding is strict: definite minimal
 * lengths, minimal positive integers, nothing after the sequence; anything
 * else is not a signature.
 */
import { bigIntToBytes, bytesToBigInt } from './bigint.js';

function derInteger(x: bigint): Uint8Array {
  const raw = bigIntToBytes(x);
  const body = (raw[0] as number) & 0x80 ? Uint8Array.from([0, ...raw]) : raw;
  return Uint8Array.from([0x02, ...derLength(body.length), ...body]);
}

function derLength(len: number): number[] {
  if (len < 0x80) return [len];
  if (len < 0x100) return [0x81, len];
  return [0x82, len >> 8, len & 0xff];
}

export function encodeDsaSignature(r: bigint, s: bigint): Uint8Array {
  const body = Uint8Array.from([...derInteger(r), ...derInteger(s)]);
  return Uint8Array.from([0x30, ...derLength(body.length), ...body]);
}

/** Reads a DER length at `pos`; returns [length, next position] or null if malformed or non-minimal. */
function readLength(der: Uint8Array, pos: number): [number, number] | null {
  const first = der[pos];
  if (first === undefined) return null;
  if (first < 0x80) return [first, pos + 1];
  const count = first & 0x7f;
  if (count === 0 || count > 2 || pos + 1 + count > der.length) return null;
  let len = 0;
  for (let i = 0; i < count; i++) len = len * 256 + (der[pos + 1 + i] as number);
  if (der[pos + 1] === 0 || len < 0x80) return null;
  return [len, pos + 1 + count];
}

function readInteger(der: Uint8Array, pos: number): [bigint, number] | null {
  if (der[pos] !== 0x02) return null;
  const l = readLength(der, pos + 1);
  if (l === null) return null;
  const [len, start] = l;
  if (len === 0 || start + len > der.length) return null;
  const body = der.subarray(start, start + len);
  const b0 = body[0] as number;
  if (b0 & 0x80) return null;
  if (len > 1 && b0 === 0 && ((body[1] as number) & 0x80) === 0) return null;
  return [bytesToBigInt(body), start + len];
}

export function decodeDsaSignature(der: Uint8Array): { r: bigint; s: bigint } | null {
  if (der[0] !== 0x30) return null;
  const l = readLength(der, 1);
  if (l === null) return null;
  const [len, start] = l;
  if (start + len !== der.length) return null;
  const r = readInteger(der, start);
  if (r === null) return null;
  const s = readInteger(der, r[1]);
  if (s === null || s[1] !== der.length) return null;
  return { r: r[0], s: s[0] };
}
