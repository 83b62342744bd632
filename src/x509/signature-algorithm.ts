import type { HashAlgorithm } from '../crypto/hash.js';
import type { DerNode } from './der.js';
import { isContext, isNull, oid, sequence, smallInteger, structureError } from './der-read.js';
import { OID } from './oid.js';

/** A certificate's signatureAlgorithm, resolved to what verifies it. */
export type SignatureAlgorithm =
  | { kind: 'rsa-pkcs1'; oid: string; hash: HashAlgorithm }
  | {
      kind: 'rsa-pss';
      oid: string;
      hash: HashAlgorithm;
      mgfHash: HashAlgorithm;
      saltLength: number;
    }
  | { kind: 'dsa'; oid: string; hash: HashAlgorithm }
  | { kind: 'ecdsa'; oid: string; hash: HashAlgorithm }
  | { kind: 'ed25519'; oid: string }
  | { kind: 'unsupported'; oid: string };

const RSA_PKCS1: Readonly<Record<string, HashAlgorithm>> = {
  [OID.md5WithRSAEncryption]: 'md5',
  [OID.sha1WithRSAEncryption]: 'sha1',
  [OID.sha256WithRSAEncryption]: 'sha256',
  [OID.sha384WithRSAEncryption]: 'sha384',
  [OID.sha512WithRSAEncryption]: 'sha512',
};
const DSA: Readonly<Record<string, HashAlgorithm>> = {
  [OID.dsaWithSha1]: 'sha1',
  [OID.dsaWithSha256]: 'sha256',
  [OID.dsaWithSha384]: 'sha384',
  [OID.dsaWithSha512]: 'sha512',
};
const ECDSA: Readonly<Record<string, HashAlgorithm>> = {
  [OID.ecdsaWithSha1]: 'sha1',
  [OID.ecdsaWithSha256]: 'sha256',
  [OID.ecdsaWithSha384]: 'sha384',
  [OID.ecdsaWithSha512]: 'sha512',
};
const HASHES: Readonly<Record<string, HashAlgorithm>> = {
  [OID.md5]: 'md5',
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

/** OpenSSL's long names for signature algorithms, as `openssl x509 -text` prints them. */
export const SIGNATURE_ALGORITHM_NAMES: Readonly<Record<string, string>> = {
  [OID.md5WithRSAEncryption]: 'md5WithRSAEncryption',
  [OID.sha1WithRSAEncryption]: 'sha1WithRSAEncryption',
  [OID.sha256WithRSAEncryption]: 'sha256WithRSAEncryption',
  [OID.sha384WithRSAEncryption]: 'sha384WithRSAEncryption',
  [OID.sha512WithRSAEncryption]: 'sha512WithRSAEncryption',
  [OID.rsassaPss]: 'rsassaPss',
  [OID.dsaWithSha1]: 'dsaWithSHA1',
  [OID.dsaWithSha256]: 'dsa_with_SHA256',
  [OID.dsaWithSha384]: 'dsa_with_SHA384',
  [OID.dsaWithSha512]: 'dsa_with_SHA512',
  [OID.ecdsaWithSha1]: 'ecdsa-with-SHA1',
  [OID.ecdsaWithSha256]: 'ecdsa-with-SHA256',
  [OID.ecdsaWithSha384]: 'ecdsa-with-SHA384',
  [OID.ecdsaWithSha512]: 'ecdsa-with-SHA512',
  [OID.ed25519]: 'ED25519',
};

function hashAlgorithm(node: DerNode | undefined, what: string): HashAlgorithm {
  const [idNode, params] = sequence(node, what, 1, 2);
  const id = oid(idNode, what);
  const h = HASHES[id];
  if (h === undefined) throw structureError(what, `unsupported hash ${id}`);
  if (params !== undefined && !isNull(params))
    throw structureError(what, 'hash parameters must be NULL or absent');
  return h;
}

function explicitChild(node: DerNode, what: string): DerNode | undefined {
  if (node.children.length !== 1) throw structureError(what, 'explicit tag must hold one element');
  return node.children[0];
}

export interface RsassaPssParams {
  hash: HashAlgorithm;
  mgfHash: HashAlgorithm;
  saltLength: number;
}

/**
 * RFC 4055 §3.1 RSASSA-PSS-params; every field has a default (SHA-1,
 * MGF1-SHA-1, 20, 1). The same structure restricts an id-RSASSA-PSS key
 * (then saltLength is the minimum) and parameterises a signature.
 */
export function parseRsassaPssParams(node: DerNode | undefined, what: string): RsassaPssParams {
  let hash: HashAlgorithm = 'sha1';
  let mgfHash: HashAlgorithm = 'sha1';
  let saltLength = 20;
  for (const part of sequence(node, what, 0, 4)) {
    if (isContext(part, 0))
      hash = hashAlgorithm(explicitChild(part, what), `${what} hashAlgorithm`);
    else if (isContext(part, 1)) {
      const [mgfOid, mgfParams] = sequence(
        explicitChild(part, what),
        `${what} maskGenAlgorithm`,
        2,
        2,
      );
      if (oid(mgfOid, what) !== OID.mgf1)
        throw structureError(what, 'mask generation function must be MGF1');
      mgfHash = hashAlgorithm(mgfParams, `${what} MGF1 hash`);
    } else if (isContext(part, 2))
      saltLength = smallInteger(explicitChild(part, what), `${what} saltLength`);
    else if (isContext(part, 3)) {
      if (smallInteger(explicitChild(part, what), `${what} trailerField`) !== 1)
        throw structureError(what, 'trailerField must be 1');
    } else throw structureError(what, 'unexpected element');
  }
  return { hash, mgfHash, saltLength };
}

export function parseSignatureAlgorithm(
  node: DerNode | undefined,
  what: string,
): SignatureAlgorithm {
  const [idNode, params] = sequence(node, what, 1, 2);
  const id = oid(idNode, what);
  const rsa = RSA_PKCS1[id];
  if (rsa !== undefined) {
    // RFC 4055 §5 / RFC 3279 §2.2.1: NULL parameters; absent is tolerated as OpenSSL does.
    if (params !== undefined && !isNull(params))
      throw structureError(what, 'RSA signature parameters must be NULL');
    return { kind: 'rsa-pkcs1', oid: id, hash: rsa };
  }
  if (id === OID.rsassaPss)
    return {
      kind: 'rsa-pss',
      oid: id,
      ...parseRsassaPssParams(params, `${what} RSASSA-PSS-params`),
    };
  const dsa = DSA[id] ?? ECDSA[id];
  if (dsa !== undefined) {
    // RFC 3279 §2.2.2–2.2.3, RFC 5758 §3.2: parameters absent.
    if (params !== undefined)
      throw structureError(what, 'DSA/ECDSA signature parameters must be absent');
    return { kind: DSA[id] !== undefined ? 'dsa' : 'ecdsa', oid: id, hash: dsa };
  }
  if (id === OID.ed25519) {
    if (params !== undefined) throw structureError(what, 'Ed25519 parameters must be absent');
    return { kind: 'ed25519', oid: id };
  }
  return { kind: 'unsupported', oid: id };
}

export function signatureAlgorithmName(alg: SignatureAlgorithm): string {
  return SIGNATURE_ALGORITHM_NAMES[alg.oid] ?? alg.oid;
}
