import { hash } from '../crypto/hash.js';
import { Tag } from './der.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { derOid, derSequence, derSetOf, derUtf8String } from './der-write.js';
import type { Name, NameAttribute } from './name.js';
import { bytesEqual } from './public-key.js';

/** The string types OpenSSL canonicalises (ASN1_MASK_CANON in x_name.c); others are compared as encoded. */
const CANON_TAGS = new Set<number>([
  Tag.UTF8_STRING,
  Tag.BMP_STRING,
  Tag.UNIVERSAL_STRING,
  Tag.PRINTABLE_STRING,
  Tag.T61_STRING,
  Tag.IA5_STRING,
  Tag.VISIBLE_STRING,
]);

const SPACE = /[ \t\n\v\f\r]/;

/**
 * OpenSSL's asn1_string_canon: trim leading and trailing whitespace, collapse
 * inner runs to one space, lower-case ASCII letters, leave everything above
 * 0x7F as it is.
 */
export function canonicalValue(text: string): string {
  let out = '';
  let pendingSpace = false;
  for (const ch of text.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '')) {
    if (SPACE.test(ch)) {
      pendingSpace = true;
      continue;
    }
    if (pendingSpace) out += ' ';
    pendingSpace = false;
    out += ch.length === 1 && ch.charCodeAt(0) < 0x80 ? ch.toLowerCase() : ch;
  }
  return out;
}

function canonicalAttribute(a: NameAttribute): Uint8Array {
  const value =
    CANON_TAGS.has(a.valueTag) && a.text !== undefined
      ? derUtf8String(canonicalValue(a.text))
      : a.valueDer;
  return derSequence([derOid(a.type), value]);
}

/**
 * OpenSSL's x509_name_canon: each RDN re-encoded as a DER SET of canonical
 * attributes, the SETs concatenated without the outer SEQUENCE. Two names
 * with equal canonical encodings are the same name (X509_NAME_cmp).
 */
export function canonicalNameEncoding(name: Name): Uint8Array {
  return concatBytes(...name.rdns.map((rdn) => derSetOf(rdn.map(canonicalAttribute))));
}

/** Parsed names are shared (cached certificates, the trust store): each is canonicalised once for comparisons. */
const canonicalCache = new WeakMap<Name, Uint8Array>();

function canonicalForCompare(name: Name): Uint8Array {
  let encoding = canonicalCache.get(name);
  if (encoding === undefined) {
    encoding = canonicalNameEncoding(name);
    canonicalCache.set(name, encoding);
  }
  return encoding;
}

/** X509_NAME_hash_ex: the first four bytes of SHA-1(canonical encoding), little-endian (`openssl x509 -hash`, c_rehash). */
export function subjectHash(name: Name): number {
  const d = hash('sha1', canonicalNameEncoding(name));
  return ((d[0] ?? 0) | ((d[1] ?? 0) << 8) | ((d[2] ?? 0) << 16) | ((d[3] ?? 0) << 24)) >>> 0;
}

/** The 8 lower-case hex digits of a subject hash, as CApath file names use them. */
export function subjectHashHex(name: Name): string {
  return subjectHash(name).toString(16).padStart(8, '0');
}

export function namesEqual(a: Name, b: Name): boolean {
  // The canonical form is a function of the encoding: the same DER is the same name.
  if (bytesEqual(a.der, b.der)) return true;
  return bytesEqual(canonicalForCompare(a), canonicalForCompare(b));
}
