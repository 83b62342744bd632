import type { DerNode } from './der.js';
import { parseDer } from './der.js';
import {
  isNull,
  octetAlignedBitString,
  oid,
  positiveInteger,
  sequence,
  structureError,
} from './der-read.js';
import { checkDsaKeySize, checkRsaKeySize } from '../crypto/key-bounds.js';
import type { RsaPssKeyParameters } from '../crypto/rsa-key.js';
import { parseRsassaPssParams } from './signature-algorithm.js';
import { checkKeySize } from './key-size.js';
import { OID } from './oid.js';

export type EcCurve = 'P-256' | 'P-384';

export const CURVE_OIDS: Readonly<Record<string, EcCurve>> = {
  [OID.prime256v1]: 'P-256',
  [OID.secp384r1]: 'P-384',
};
const CURVE_POINT_BYTES: Record<EcCurve, number> = { 'P-256': 32, 'P-384': 48 };

/** A subjectPublicKeyInfo (RFC 5280 §4.1.2.7) we can verify with, or one we can only carry. */
export type PublicKey =
  /** `pss` marks an id-RSASSA-PSS key (RFC 4055): PSS only, held to its parameters when it has them. */
  | { kind: 'rsa'; n: bigint; e: bigint; pss?: RsaPssKeyParameters }
  | { kind: 'dsa'; p: bigint; q: bigint; g: bigint; y: bigint }
  | { kind: 'ec'; curve: EcCurve; point: Uint8Array }
  | { kind: 'ed25519'; key: Uint8Array }
  | { kind: 'unsupported'; algorithm: string };

export interface SubjectPublicKeyInfo {
  key: PublicKey;
  /** The algorithm OID as encoded. */
  algorithm: string;
  /** The whole SubjectPublicKeyInfo DER (what a public-key fingerprint digests). */
  der: Uint8Array;
  /** The subjectPublicKey BIT STRING contents. */
  keyBytes: Uint8Array;
}

export function parseSubjectPublicKeyInfo(
  node: DerNode | undefined,
  what = 'SubjectPublicKeyInfo',
): SubjectPublicKeyInfo {
  const [algNode, keyNode] = sequence(node, what, 2, 2);
  const [algOidNode, params] = sequence(algNode, `${what} algorithm`, 1, 2);
  const algorithm = oid(algOidNode, `${what} algorithm`);
  const keyBytes = octetAlignedBitString(keyNode, `${what} key`);
  return {
    key: decodeKey(algorithm, params, keyBytes, what),
    algorithm,
    der: (node as DerNode).raw,
    keyBytes,
  };
}

function decodeKey(
  algorithm: string,
  params: DerNode | undefined,
  keyBytes: Uint8Array,
  what: string,
): PublicKey {
  switch (algorithm) {
    case OID.rsaEncryption: {
      // RFC 3279 §2.3.1: parameters MUST be NULL.
      if (!isNull(params)) throw structureError(what, 'rsaEncryption parameters must be NULL');
      return rsaPublicKey(keyBytes, what);
    }
    case OID.rsassaPss:
      return { ...rsaPublicKey(keyBytes, what), pss: rsaPssKeyParameters(params, what) };
    case OID.dsa: {
      const [p, q, g] = dsaParameters(params, what);
      checkKeySize(what, () => checkDsaKeySize(p, q));
      const y = positiveInteger(parseDer(keyBytes), `${what} DSA y`);
      if (y >= p) throw structureError(what, 'DSA y out of range');
      return { kind: 'dsa', p, q, g, y };
    }
    case OID.ecPublicKey: {
      const curve = namedCurve(params, what);
      checkEcPoint(curve, keyBytes, what);
      return { kind: 'ec', curve, point: keyBytes };
    }
    case OID.ed25519:
      // RFC 8410 §3: parameters absent; §4: the key is 32 bytes.
      if (params !== undefined) throw structureError(what, 'Ed25519 parameters must be absent');
      if (keyBytes.length !== 32) throw structureError(what, 'Ed25519 key must be 32 bytes');
      return { kind: 'ed25519', key: keyBytes };
    default:
      return { kind: 'unsupported', algorithm };
  }
}

/**
 * RFC 4055 §1.2, §3.1 (RFC 8017 A.2.3): an id-RSASSA-PSS key's parameters
 * are absent (any PSS signature) or RSASSA-PSS-params, which then restrict
 * the hash, the MGF1 hash and the minimum salt length. NULL is not allowed.
 */
export function rsaPssKeyParameters(
  params: DerNode | undefined,
  what: string,
): RsaPssKeyParameters {
  if (params === undefined) return {};
  const p = parseRsassaPssParams(params, `${what} RSASSA-PSS-params`);
  return { restrictions: { hash: p.hash, mgfHash: p.mgfHash, minSaltLength: p.saltLength } };
}

/** RFC 8017 A.1.1 RSAPublicKey. */
export type RsaPublicKeyInfo = Extract<PublicKey, { kind: 'rsa' }>;

export function rsaPublicKey(der: Uint8Array, what: string): RsaPublicKeyInfo {
  const [nNode, eNode] = sequence(parseDer(der), `${what} RSAPublicKey`, 2, 2);
  const n = positiveInteger(nNode, `${what} modulus`);
  const e = positiveInteger(eNode, `${what} exponent`);
  checkKeySize(what, () => checkRsaKeySize(n, e));
  return { kind: 'rsa', n, e };
}

/** RFC 3279 §2.3.2 Dss-Parms. */
export function dsaParameters(params: DerNode | undefined, what: string): [bigint, bigint, bigint] {
  const [p, q, g] = sequence(params, `${what} Dss-Parms`, 3, 3).map((n, i) =>
    positiveInteger(n, `${what} DSA ${'pqg'[i]}`),
  );
  return [p as bigint, q as bigint, g as bigint];
}

/** RFC 5480 §2.1.1: only namedCurve, and only the curves we implement. */
export function namedCurve(params: DerNode | undefined, what: string): EcCurve {
  const curveOid = oid(params, `${what} namedCurve`);
  const curve = CURVE_OIDS[curveOid];
  if (curve === undefined) throw structureError(what, `unsupported curve ${curveOid}`);
  return curve;
}

/** SEC1 §2.3.3: an uncompressed (04‖X‖Y) or compressed (02/03‖X) point of the curve's size. */
function checkEcPoint(curve: EcCurve, point: Uint8Array, what: string): void {
  const size = CURVE_POINT_BYTES[curve];
  const ok =
    (point[0] === 4 && point.length === 1 + 2 * size) ||
    ((point[0] === 2 || point[0] === 3) && point.length === 1 + size);
  if (!ok) throw structureError(what, `not a ${curve} point encoding`);
}

/** Key size in bits, as OpenSSL reports it (modulus, p, curve order or 253 for Ed25519). */
export function publicKeyBits(key: PublicKey): number {
  switch (key.kind) {
    case 'rsa':
      return key.n.toString(2).length;
    case 'dsa':
      return key.p.toString(2).length;
    case 'ec':
      return key.curve === 'P-256' ? 256 : 384;
    case 'ed25519':
      return 253;
    case 'unsupported':
      return 0;
  }
}

export function publicKeysEqual(a: PublicKey, b: PublicKey): boolean {
  if (a.kind === 'rsa' && b.kind === 'rsa') {
    // Same key type as OpenSSL's EVP_PKEY_eq sees it (RSA or RSA-PSS); PSS parameters are not compared, as there.
    return a.n === b.n && a.e === b.e && (a.pss === undefined) === (b.pss === undefined);
  }
  if (a.kind === 'dsa' && b.kind === 'dsa')
    return a.p === b.p && a.q === b.q && a.g === b.g && a.y === b.y;
  if (a.kind === 'ec' && b.kind === 'ec')
    return a.curve === b.curve && bytesEqual(a.point, b.point);
  if (a.kind === 'ed25519' && b.kind === 'ed25519') return bytesEqual(a.key, b.key);
  return false;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
