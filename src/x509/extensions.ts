import type { DerNode } from './der.js';
import { parseDer } from './der.js';
import {
  bitString,
  boolean,
  integer,
  isContext,
  octetString,
  oid,
  sequence,
  smallInteger,
  structureError,
} from './der-read.js';
import type { GeneralName } from './general-name.js';
import { parseGeneralNames } from './general-name.js';
import { OID } from './oid.js';

export interface Extension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

/** RFC 5280 §4.2.1.3 bit positions, as a mask (digitalSignature = 1 << 0 … decipherOnly = 1 << 8). */
export const KeyUsage = {
  digitalSignature: 1 << 0,
  nonRepudiation: 1 << 1,
  keyEncipherment: 1 << 2,
  dataEncipherment: 1 << 3,
  keyAgreement: 1 << 4,
  keyCertSign: 1 << 5,
  cRLSign: 1 << 6,
  encipherOnly: 1 << 7,
  decipherOnly: 1 << 8,
} as const;

/** Netscape cert type bits as the first octet of the BIT STRING (sslClient = 0x80 … objCA = 0x01). */
export const NsCertType = {
  sslClient: 0x80,
  sslServer: 0x40,
  smime: 0x20,
  objsign: 0x10,
  sslCA: 0x04,
  smimeCA: 0x02,
  objCA: 0x01,
} as const;

export interface BasicConstraints {
  ca: boolean;
  pathLen?: number;
}

export interface AuthorityKeyIdentifier {
  keyId?: Uint8Array;
  serial?: bigint;
}

/** The extensions the verifier needs, decoded; `unhandledCritical` names critical ones we do not process. */
export interface DecodedExtensions {
  basicConstraints?: BasicConstraints;
  keyUsage?: number;
  extKeyUsage?: string[];
  subjectAltName?: GeneralName[];
  subjectKeyId?: Uint8Array;
  authorityKeyId?: AuthorityKeyIdentifier;
  nsCertType?: number;
  unhandledCritical: string[];
}

export function parseExtensions(node: DerNode | undefined, what: string): Extension[] {
  const list = sequence(node, what, 1).map((ext): Extension => {
    const parts = sequence(ext, `${what} Extension`, 2, 3);
    const id = oid(parts[0], `${what} extnID`);
    const critical = parts.length === 3 ? boolean(parts[1], `${what} critical`) : false;
    return { oid: id, critical, value: octetString(parts[parts.length - 1], `${what} extnValue`) };
  });
  // RFC 5280 §4.2: a certificate MUST NOT include more than one instance of a particular extension.
  const seen = new Set<string>();
  for (const e of list) {
    if (seen.has(e.oid)) throw structureError(what, `extension ${e.oid} appears twice`);
    seen.add(e.oid);
  }
  return list;
}

/** Bits of a named-bit BIT STRING as a mask, bit 0 being the first (most significant) bit. */
function namedBits(node: DerNode | undefined, what: string): number {
  const { bytes } = bitString(node, what);
  let mask = 0;
  for (let i = 0; i < Math.min(bytes.length, 2) * 8; i++)
    if (((bytes[i >> 3] ?? 0) >> (7 - (i & 7))) & 1) mask |= 1 << i;
  return mask;
}

const HANDLED = new Set<string>([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.nsCertType,
  // certificatePolicies: accepted without policy processing, as OpenSSL does unless -policy_check.
  '2.5.29.32',
]);

export function decodeExtensions(
  extensions: readonly Extension[],
  what: string,
): DecodedExtensions {
  const out: DecodedExtensions = { unhandledCritical: [] };
  for (const ext of extensions) {
    const w = `${what} extension ${ext.oid}`;
    if (ext.critical && !HANDLED.has(ext.oid)) out.unhandledCritical.push(ext.oid);
    switch (ext.oid) {
      case OID.basicConstraints: {
        // RFC 5280 §4.2.1.9: cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL.
        const parts = sequence(parseDer(ext.value), w, 0, 2);
        let i = 0;
        const ca =
          parts[0] !== undefined && parts[0].tag === 1 && parts[0].tagClass === 'universal'
            ? boolean(parts[i++], w)
            : false;
        const bc: BasicConstraints = { ca };
        if (parts[i] !== undefined) bc.pathLen = smallInteger(parts[i++], `${w} pathLenConstraint`);
        if (i !== parts.length) throw structureError(w, 'unexpected element');
        out.basicConstraints = bc;
        break;
      }
      case OID.keyUsage:
        out.keyUsage = namedBits(parseDer(ext.value), w);
        break;
      case OID.extKeyUsage:
        out.extKeyUsage = sequence(parseDer(ext.value), w, 1).map((n) => oid(n, w));
        break;
      case OID.subjectAltName:
        out.subjectAltName = parseGeneralNames(parseDer(ext.value), w);
        break;
      case OID.subjectKeyIdentifier:
        out.subjectKeyId = octetString(parseDer(ext.value), w);
        break;
      case OID.authorityKeyIdentifier: {
        const aki: AuthorityKeyIdentifier = {};
        for (const part of sequence(parseDer(ext.value), w)) {
          if (isContext(part, 0)) aki.keyId = part.content;
          else if (isContext(part, 2))
            aki.serial = integer({ ...part, tagClass: 'universal', tag: 2 }, w);
        }
        out.authorityKeyId = aki;
        break;
      }
      case OID.nsCertType: {
        const { bytes } = bitString(parseDer(ext.value), w);
        out.nsCertType = bytes[0] ?? 0;
        break;
      }
    }
  }
  return out;
}
