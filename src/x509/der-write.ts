import { Tag } from './der.js';
import { concatBytes } from '@noble/hashes/utils.js';

/** A minimal DER writer for the few structures we produce (DH parameters, canonical names, self-signed certificates and their keys, test material). */

function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** A TLV with a low universal tag or a full identifier byte (`0x30` for SEQUENCE, `0xa0` for [0]). */
export function tlv(identifier: number, content: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(identifier), encodeLength(content.length), content);
}

export function derSequence(children: readonly Uint8Array[]): Uint8Array {
  return tlv(0x20 | Tag.SEQUENCE, concatBytes(...children));
}

/** X.690 §11.6: the elements of a DER SET OF sorted by their encodings. */
export function derSetOf(children: readonly Uint8Array[]): Uint8Array {
  const sorted = [...children].sort(compareBytes);
  return tlv(0x20 | Tag.SET, concatBytes(...sorted));
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** X.690 §8.3: two's complement, minimal. */
export function derInteger(v: bigint): Uint8Array {
  const bytes: number[] = [];
  let x = v;
  for (;;) {
    bytes.unshift(Number(x & 0xffn));
    x >>= 8n;
    const top = bytes[0] ?? 0;
    if ((x === 0n && (top & 0x80) === 0) || (x === -1n && (top & 0x80) !== 0)) break;
  }
  return tlv(Tag.INTEGER, Uint8Array.from(bytes));
}

export function derUtf8String(s: string): Uint8Array {
  return tlv(Tag.UTF8_STRING, new TextEncoder().encode(s));
}

export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  const [a0 = 0n, a1 = 0n, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [a0 * 40n + a1, ...rest]) {
    const group: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) group.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...group);
  }
  return tlv(Tag.OID, Uint8Array.from(out));
}

/** X.690 §8.6: the unused-bit count, then the bits. */
export function derBitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  return tlv(Tag.BIT_STRING, concatBytes(Uint8Array.of(unusedBits), bytes));
}

export function derOctetString(bytes: Uint8Array): Uint8Array {
  return tlv(Tag.OCTET_STRING, bytes);
}

/** X.690 §11.1: TRUE is 0xff in DER. */
export function derBoolean(value: boolean): Uint8Array {
  return tlv(Tag.BOOLEAN, Uint8Array.of(value ? 0xff : 0));
}

export function derNull(): Uint8Array {
  return tlv(Tag.NULL, new Uint8Array(0));
}

const two = (n: number): string => String(n).padStart(2, '0');

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, both in seconds with Z. */
export function derTime(date: Date): Uint8Array {
  const year = date.getUTCFullYear();
  const rest = `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  if (year >= 1950 && year < 2050)
    return tlv(Tag.UTC_TIME, new TextEncoder().encode(`${two(year % 100)}${rest}`));
  return tlv(
    Tag.GENERALIZED_TIME,
    new TextEncoder().encode(`${String(year).padStart(4, '0')}${rest}`),
  );
}
