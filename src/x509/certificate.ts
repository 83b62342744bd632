import type { DerNode } from './der.js';
import { parseDer } from './der.js';
import {
  bitString,
  integer,
  isContext,
  sequence,
  smallInteger,
  structureError,
  time,
} from './der-read.js';
import type { DecodedExtensions, Extension } from './extensions.js';
import { decodeExtensions, parseExtensions } from './extensions.js';
import type { Name } from './name.js';
import { parseName } from './name.js';
import type { SubjectPublicKeyInfo } from './public-key.js';
import { bytesEqual, parseSubjectPublicKeyInfo } from './public-key.js';
import type { SignatureAlgorithm } from './signature-algorithm.js';
import { parseSignatureAlgorithm } from './signature-algorithm.js';
import { namesEqual } from './subject-hash.js';

/** An X.509 certificate (RFC 5280 §4.1), decoded; `der` and `tbsDer` are the exact input bytes. */
export interface Certificate {
  der: Uint8Array;
  tbsDer: Uint8Array;
  /** 1, 2 or 3. */
  version: number;
  serialNumber: bigint;
  /** The serial's content octets, as OpenSSL prints them. */
  serialBytes: Uint8Array;
  signatureAlgorithm: SignatureAlgorithm;
  issuer: Name;
  subject: Name;
  notBefore: Date;
  notAfter: Date;
  publicKey: SubjectPublicKeyInfo;
  extensions: readonly Extension[];
  ext: DecodedExtensions;
  signature: Uint8Array;
  /** Subject equals issuer (RFC 5280 §6.1: self-issued). */
  selfIssued: boolean;
}

export function parseCertificate(der: Uint8Array): Certificate {
  const root = parseDer(der);
  const [tbs, sigAlgNode, sigNode] = sequence(root, 'Certificate', 3, 3);
  const fields = sequence(tbs, 'TBSCertificate', 6);
  let i = 0;
  let version = 1;
  const first = fields[0];
  if (first !== undefined && isContext(first, 0)) {
    if (first.children.length !== 1) throw structureError('TBSCertificate', 'bad version field');
    version = smallInteger(first.children[0], 'TBSCertificate version') + 1;
    // RFC 5280 §4.1.2.1: DEFAULT v1 is omitted in DER, and only v1–v3 exist.
    if (version < 2 || version > 3)
      throw structureError('TBSCertificate', `unsupported version ${version}`);
    i++;
  }
  const serialNode = fields[i++];
  const serialNumber = integer(serialNode, 'serialNumber');
  const innerAlg = fields[i++];
  const issuer = parseName(fields[i++], 'issuer');
  const [nb, na] = sequence(fields[i++], 'validity', 2, 2);
  const subject = parseName(fields[i++], 'subject');
  const publicKey = parseSubjectPublicKeyInfo(fields[i++]);
  let extensions: Extension[] = [];
  for (; i < fields.length; i++) {
    const f = fields[i] as DerNode;
    if (isContext(f, 1) || isContext(f, 2)) {
      if (version < 2) throw structureError('TBSCertificate', 'unique identifiers need v2 or v3');
    } else if (isContext(f, 3) && f.children.length === 1) {
      if (version !== 3) throw structureError('TBSCertificate', 'extensions need v3');
      extensions = parseExtensions(f.children[0], 'extensions');
    } else {
      throw structureError('TBSCertificate', 'unexpected field');
    }
  }
  // RFC 5280 §4.1.1.2: the outer signatureAlgorithm MUST equal TBSCertificate.signature.
  if (
    innerAlg === undefined ||
    sigAlgNode === undefined ||
    !bytesEqual(innerAlg.raw, sigAlgNode.raw)
  ) {
    throw structureError('Certificate', 'signatureAlgorithm differs from TBSCertificate.signature');
  }
  const sig = bitString(sigNode, 'signatureValue');
  if (sig.unusedBits !== 0) throw structureError('signatureValue', 'not octet-aligned');
  return {
    der: root.raw,
    tbsDer: (tbs as DerNode).raw,
    version,
    serialNumber,
    serialBytes: (serialNode as DerNode).content,
    signatureAlgorithm: parseSignatureAlgorithm(sigAlgNode, 'signatureAlgorithm'),
    issuer,
    subject,
    notBefore: time(nb, 'notBefore'),
    notAfter: time(na, 'notAfter'),
    publicKey,
    extensions,
    ext: decodeExtensions(extensions, 'Certificate'),
    signature: sig.bytes,
    selfIssued: namesEqual(subject, issuer),
  };
}

export function certificatesEqual(a: Certificate, b: Certificate): boolean {
  return bytesEqual(a.der, b.der);
}
