import * as asn1js from 'asn1js';
import { X509Error } from './errors.js';

export type TagClass = 'universal' | 'application' | 'context' | 'private';

/** One decoded TLV. `raw` is the exact input encoding (what a signature covers); `content` its value octets. */
export interface DerNode {
  readonly tagClass: TagClass;
  readonly tag: number;
  readonly constructed: boolean;
  readonly raw: Uint8Array;
  readonly content: Uint8Array;
  readonly children: readonly DerNode[];
}

/** Resource limits for untrusted input (DESIGN.md: asn1js's defaults are too generous for network data). */
export interface DerLimits {
  maxDepth: number;
  maxNodes: number;
  maxContentLength: number;
}

/** Certificates nest about 10 deep; a 64 KiB certificate with a few thousand nodes is already absurd. */
export const DEFAULT_DER_LIMITS: DerLimits = {
  maxDepth: 32,
  maxNodes: 20000,
  maxContentLength: 1 << 20,
};

const TAG_CLASSES: Record<number, TagClass> = {
  1: 'universal',
  2: 'application',
  3: 'context',
  4: 'private',
};

export const Tag = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  ENUMERATED: 10,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  NUMERIC_STRING: 18,
  PRINTABLE_STRING: 19,
  T61_STRING: 20,
  IA5_STRING: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  VISIBLE_STRING: 26,
  UNIVERSAL_STRING: 28,
  BMP_STRING: 30,
} as const;

function malformed(message: string): X509Error {
  return new X509Error('malformed_der', message);
}

/**
 * Parses exactly one DER object filling all of `bytes`. asn1js does the BER
 * walk under the limits; we then insist on DER (X.690 §10) everywhere, since
 * every structure we read is covered by a signature or a fingerprint, and two
 * encodings of one value must not hash differently.
 */
export function parseDer(bytes: Uint8Array, limits: DerLimits = DEFAULT_DER_LIMITS): DerNode {
  if (bytes.length === 0) throw malformed('empty DER input');
  if (bytes.length > limits.maxContentLength + 16)
    throw malformed(`DER input of ${bytes.length} bytes exceeds the limit`);
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(bytes, { ...limits, parseEmbedded: false });
  } catch (err) {
    throw malformed(`asn1js: ${(err as Error).message}`);
  }
  if (parsed.offset === -1 || parsed.result.error !== '')
    throw malformed(`DER: ${parsed.result.error || 'parse error'}`);
  if (parsed.offset !== bytes.length)
    throw malformed(`DER: ${bytes.length - parsed.offset} bytes after the object`);
  return convert(parsed.result);
}

function convert(block: asn1js.BaseBlock): DerNode {
  const tagClass = TAG_CLASSES[block.idBlock.tagClass];
  if (tagClass === undefined) throw malformed('DER: unknown tag class');
  const raw = block.valueBeforeDecodeView;
  const { header, length } = checkHeader(raw);
  // asn1js lets a constructed value's last child run past the declared end; X.690 §8.1.1 does not.
  if (header + length !== raw.length)
    throw malformed(`DER: declared length ${length} but ${raw.length - header} content bytes`);
  const content = raw.subarray(header);
  const constructed = block.idBlock.isConstructed;
  let children: DerNode[] = [];
  if (constructed) {
    const inner: unknown = (block.valueBlock as { value?: unknown }).value;
    if (!Array.isArray(inner)) throw malformed('DER: constructed value without children');
    children = (inner as asn1js.BaseBlock[]).map(convert);
    checkChildrenFill(children, content.length);
  }
  const node: DerNode = {
    tagClass,
    tag: block.idBlock.tagNumber,
    constructed,
    raw,
    content,
    children,
  };
  checkUniversal(node);
  return node;
}

/** X.690 §8.1.3: the children of a constructed value are exactly its content octets, end to end. */
function checkChildrenFill(children: readonly DerNode[], contentLength: number): void {
  let total = 0;
  for (const child of children) total += child.raw.length;
  if (total !== contentLength)
    throw malformed(`DER: children fill ${total} of ${contentLength} content bytes`);
}

/** X.690 §8.1.2–8.1.3, §10.1: minimal tag number and definite, minimal length. Returns the header size and the declared length. */
function checkHeader(raw: Uint8Array): { header: number; length: number } {
  let i = 1;
  if (((raw[0] ?? 0) & 0x1f) === 0x1f) {
    if (raw[1] === 0x80) throw malformed('DER: tag number with a leading zero group');
    let tag = 0;
    while (((raw[i] ?? 0) & 0x80) !== 0) tag = tag * 128 + ((raw[i++] ?? 0) & 0x7f);
    tag = tag * 128 + ((raw[i++] ?? 0) & 0x7f);
    if (tag < 31) throw malformed('DER: low tag number in the long form');
  }
  const first = raw[i++] ?? 0;
  if (first === 0x80) throw malformed('DER: indefinite length');
  if (first < 0x80) return { header: i, length: first };
  const n = first & 0x7f;
  if (n > 4) throw malformed('DER: length of more than four bytes');
  if (raw[i] === 0) throw malformed('DER: length with a leading zero byte');
  if (n === 1 && (raw[i] ?? 0) < 0x80) throw malformed('DER: long-form length below 128');
  let length = 0;
  for (let k = 0; k < n; k++) length = length * 256 + (raw[i++] ?? 0);
  return { header: i, length };
}

const CONSTRUCTED_UNIVERSAL = new Set<number>([Tag.SEQUENCE, Tag.SET]);

/** X.690 §10.2, §11: content rules of the universal types we read. */
function checkUniversal(node: DerNode): void {
  if (node.tagClass !== 'universal') return;
  // X.690 §8.1.5: end-of-contents octets exist only to close an indefinite length, which DER forbids.
  if (node.tag === 0) throw malformed('DER: end-of-contents octets in a definite-length encoding');
  if (node.constructed !== CONSTRUCTED_UNIVERSAL.has(node.tag)) {
    throw malformed(
      `DER: universal tag ${node.tag} in the ${node.constructed ? 'constructed' : 'primitive'} form`,
    );
  }
  const c = node.content;
  switch (node.tag) {
    case Tag.BOOLEAN:
      if (c.length !== 1 || (c[0] !== 0 && c[0] !== 0xff))
        throw malformed('DER: BOOLEAN must be one byte 00 or FF');
      break;
    case Tag.INTEGER:
    case Tag.ENUMERATED:
      if (c.length === 0) throw malformed('DER: empty INTEGER');
      if (
        c.length > 1 &&
        ((c[0] === 0 && ((c[1] ?? 0) & 0x80) === 0) ||
          (c[0] === 0xff && ((c[1] ?? 0) & 0x80) !== 0))
      ) {
        throw malformed('DER: INTEGER not minimally encoded');
      }
      break;
    case Tag.BIT_STRING: {
      const unused = c[0];
      if (unused === undefined || unused > 7 || (c.length === 1 && unused !== 0))
        throw malformed('DER: bad BIT STRING padding count');
      if (unused > 0 && ((c[c.length - 1] ?? 0) & ((1 << unused) - 1)) !== 0)
        throw malformed('DER: BIT STRING padding bits not zero');
      break;
    }
    case Tag.NULL:
      if (c.length !== 0) throw malformed('DER: NULL with content');
      break;
    case Tag.OID:
      if (c.length === 0 || ((c[c.length - 1] ?? 0) & 0x80) !== 0)
        throw malformed('DER: truncated OBJECT IDENTIFIER');
      for (let i = 0; i < c.length; i++) {
        if (c[i] === 0x80 && (i === 0 || ((c[i - 1] ?? 0) & 0x80) === 0))
          throw malformed('DER: OID arc with a leading zero group');
      }
      break;
  }
}
