import { bytesToBigInt } from '../crypto/bigint.js';
import type { DerNode } from './der.js';
import { Tag } from './der.js';
import { X509Error } from './errors.js';

/** Typed accessors over DerNode: each either returns the value or names what was wrong with `what`. */

export function structureError(what: string, problem: string): X509Error {
  return new X509Error('malformed_structure', `${what}: ${problem}`);
}

function expectUniversal(
  node: DerNode | undefined,
  tag: number,
  what: string,
  typeName: string,
): DerNode {
  if (node === undefined) throw structureError(what, `missing ${typeName}`);
  if (node.tagClass !== 'universal' || node.tag !== tag)
    throw structureError(what, `expected ${typeName}`);
  return node;
}

export function sequence(
  node: DerNode | undefined,
  what: string,
  min = 0,
  max = Infinity,
): readonly DerNode[] {
  const n = expectUniversal(node, Tag.SEQUENCE, what, 'SEQUENCE');
  if (n.children.length < min || n.children.length > max)
    throw structureError(what, `SEQUENCE of ${n.children.length} elements`);
  return n.children;
}

export function set(node: DerNode | undefined, what: string): readonly DerNode[] {
  return expectUniversal(node, Tag.SET, what, 'SET').children;
}

/** A signed INTEGER (X.690 §8.3, two's complement). */
export function integer(node: DerNode | undefined, what: string): bigint {
  const c = expectUniversal(node, Tag.INTEGER, what, 'INTEGER').content;
  // Linear in the length, unlike a byte-by-byte shift loop (an INTEGER may be as long as the DER limit allows).
  let v = bytesToBigInt(c);
  if (((c[0] ?? 0) & 0x80) !== 0) v -= 1n << BigInt(8 * c.length);
  return v;
}

/** A non-negative INTEGER that fits a JS number (versions, pathLen). */
export function smallInteger(node: DerNode | undefined, what: string): number {
  const v = integer(node, what);
  if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER))
    throw structureError(what, 'integer out of range');
  return Number(v);
}

export function positiveInteger(node: DerNode | undefined, what: string): bigint {
  const v = integer(node, what);
  if (v <= 0n) throw structureError(what, 'integer must be positive');
  return v;
}

/** Dotted-decimal OBJECT IDENTIFIER (X.690 §8.19). */
export function oid(node: DerNode | undefined, what: string): string {
  const c = expectUniversal(node, Tag.OID, what, 'OBJECT IDENTIFIER').content;
  const arcs: bigint[] = [];
  let v = 0n;
  for (const b of c) {
    v = (v << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0n;
    }
  }
  const first = arcs[0] ?? 0n;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

export interface BitString {
  bytes: Uint8Array;
  unusedBits: number;
}

export function bitString(node: DerNode | undefined, what: string): BitString {
  const c = expectUniversal(node, Tag.BIT_STRING, what, 'BIT STRING').content;
  return { bytes: c.subarray(1), unusedBits: c[0] ?? 0 };
}

/** A BIT STRING that carries whole octets (keys, signatures). */
export function octetAlignedBitString(node: DerNode | undefined, what: string): Uint8Array {
  const b = bitString(node, what);
  if (b.unusedBits !== 0) throw structureError(what, 'BIT STRING is not octet-aligned');
  return b.bytes;
}

export function octetString(node: DerNode | undefined, what: string): Uint8Array {
  return expectUniversal(node, Tag.OCTET_STRING, what, 'OCTET STRING').content;
}

export function boolean(node: DerNode | undefined, what: string): boolean {
  return expectUniversal(node, Tag.BOOLEAN, what, 'BOOLEAN').content[0] === 0xff;
}

export function isNull(node: DerNode | undefined): boolean {
  return node !== undefined && node.tagClass === 'universal' && node.tag === Tag.NULL;
}

export function isContext(node: DerNode | undefined, tag: number): boolean {
  return node !== undefined && node.tagClass === 'context' && node.tag === tag;
}

const ASCII = new TextDecoder('latin1');
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * RFC 5280 §4.1.2.5: UTCTime YYMMDDHHMMSSZ (years 50–99 are 19xx) and
 * GeneralizedTime YYYYMMDDHHMMSSZ, both in UTC with seconds and no fraction.
 */
export function time(node: DerNode | undefined, what: string): Date {
  if (node === undefined || node.tagClass !== 'universal')
    throw structureError(what, 'missing time');
  const s = ASCII.decode(node.content);
  let m: RegExpExecArray | null;
  let year: number;
  if (node.tag === Tag.UTC_TIME && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s))) {
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (
    node.tag === Tag.GENERALIZED_TIME &&
    (m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s))
  ) {
    year = Number(m[1]);
  } else {
    throw structureError(what, `not an RFC 5280 time: ${JSON.stringify(s)}`);
  }
  const [mo, d, h, mi, se] = [2, 3, 4, 5, 6].map((i) => Number(m?.[i]));
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59 || se! > 59)
    throw structureError(what, `invalid time ${s}`);
  const date = new Date(Date.UTC(year, mo! - 1, d!, h!, mi!, se!));
  if (date.getUTCDate() !== d) throw structureError(what, `invalid date ${s}`);
  return date;
}

/** The directory-string and IA5 types as Unicode (X.680 §41). T61String is read as Latin-1, as OpenSSL does. */
export function stringValue(node: DerNode, what: string): string {
  const c = node.content;
  if (node.tagClass !== 'universal') throw structureError(what, 'expected a string');
  switch (node.tag) {
    case Tag.UTF8_STRING:
      try {
        return UTF8.decode(c);
      } catch (err) {
        throw structureError(what, `invalid UTF-8 (${(err as Error).message})`);
      }
    case Tag.PRINTABLE_STRING:
    case Tag.IA5_STRING:
    case Tag.VISIBLE_STRING:
    case Tag.NUMERIC_STRING:
      for (const b of c)
        if (b > 0x7f) throw structureError(what, 'non-ASCII byte in an ASCII string type');
      return ASCII.decode(c);
    case Tag.T61_STRING:
      return ASCII.decode(c);
    case Tag.BMP_STRING:
      return decodeWide(c, 2, what);
    case Tag.UNIVERSAL_STRING:
      return decodeWide(c, 4, what);
    default:
      throw structureError(what, `universal tag ${node.tag} is not a string type`);
  }
}

function decodeWide(c: Uint8Array, width: 2 | 4, what: string): string {
  if (c.length % width !== 0)
    throw structureError(what, `string length not a multiple of ${width}`);
  let out = '';
  for (let i = 0; i < c.length; i += width) {
    let cp = 0;
    for (let j = 0; j < width; j++) cp = cp * 256 + (c[i + j] ?? 0);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      throw structureError(what, 'invalid code point');
    out += String.fromCodePoint(cp);
  }
  return out;
}
