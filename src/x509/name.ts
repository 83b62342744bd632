import type { DerNode } from './der.js';
import { Tag } from './der.js';
import { oid, sequence, set, stringValue, structureError } from './der-read.js';
import { ATTRIBUTE_SHORT_NAMES } from './oid.js';

/** One AttributeTypeAndValue (RFC 5280 §4.1.2.4). `text` is absent when the value is not a string type. */
export interface NameAttribute {
  type: string;
  /** The value's universal tag (UTF8String, PrintableString, …). */
  valueTag: number;
  text?: string;
  /** The value's full DER encoding. */
  valueDer: Uint8Array;
}

/** A distinguished name: its RDNs in encoding order, each a set of attributes, and its DER encoding. */
export interface Name {
  rdns: readonly (readonly NameAttribute[])[];
  der: Uint8Array;
}

const STRING_TAGS = new Set<number>([
  Tag.UTF8_STRING,
  Tag.PRINTABLE_STRING,
  Tag.T61_STRING,
  Tag.IA5_STRING,
  Tag.VISIBLE_STRING,
  Tag.NUMERIC_STRING,
  Tag.BMP_STRING,
  Tag.UNIVERSAL_STRING,
]);

export function parseName(node: DerNode | undefined, what: string): Name {
  if (node === undefined) throw structureError(what, 'missing Name');
  const rdns = sequence(node, what).map((rdnNode) => {
    const attrs = set(rdnNode, `${what} RDN`);
    if (attrs.length === 0) throw structureError(what, 'empty RDN');
    return attrs.map((atv): NameAttribute => {
      const [typeNode, valueNode] = sequence(atv, `${what} attribute`, 2, 2);
      const type = oid(typeNode, `${what} attribute type`);
      const value = valueNode as DerNode;
      const attr: NameAttribute = {
        type,
        valueTag: value.tagClass === 'universal' ? value.tag : -1,
        valueDer: value.raw,
      };
      if (value.tagClass === 'universal' && STRING_TAGS.has(value.tag))
        attr.text = stringValue(value, `${what} ${type}`);
      return attr;
    });
  });
  return { rdns, der: node.raw };
}

export function attributeShortName(type: string): string {
  return ATTRIBUTE_SHORT_NAMES[type] ?? type;
}

/** The values of one attribute type, in order (e.g. every CN). */
export function attributeValues(name: Name, type: string): string[] {
  const out: string[] = [];
  for (const rdn of name.rdns)
    for (const a of rdn) if (a.type === type && a.text !== undefined) out.push(a.text);
  return out;
}

/** RFC 4514 §2.4 specials; OpenSSL's one-line format quotes the value instead of escaping them. */
const QUOTE_TRIGGERS = new Set([',', '+', '<', '>', ';']);

/**
 * One value as OpenSSL 3 prints it with its default `-nameopt oneline`:
 * UTF-8 bytes above 0x7F and control characters as `\XX`, `\` and `"` escaped
 * with a backslash, and the whole value in double quotes when it holds an RFC
 * 2253 special or starts with `#` or a space or ends with a space.
 */
export function formatOnelineValue(attr: NameAttribute): string {
  if (attr.text === undefined) {
    return '#' + Buffer.from(attr.valueDer).toString('hex').toUpperCase();
  }
  const bytes = new TextEncoder().encode(attr.text);
  let quote = false;
  let out = '';
  bytes.forEach((b, i) => {
    const ch = String.fromCharCode(b);
    if (b > 0x7e || b < 0x20) {
      out += '\\' + b.toString(16).toUpperCase().padStart(2, '0');
    } else if (ch === '\\' || ch === '"') {
      out += '\\' + ch;
    } else {
      if (
        QUOTE_TRIGGERS.has(ch) ||
        (i === 0 && (ch === '#' || ch === ' ')) ||
        (i === bytes.length - 1 && ch === ' ')
      )
        quote = true;
      out += ch;
    }
  });
  return quote ? `"${out}"` : out;
}

/** `C = US, O = Example, CN = host`: OpenSSL 3's `-subject` / `-issuer` line. */
export function formatOneline(name: Name): string {
  return name.rdns
    .map((rdn) =>
      rdn.map((a) => `${attributeShortName(a.type)} = ${formatOnelineValue(a)}`).join(' + '),
    )
    .join(', ');
}
