import type { Certificate } from './certificate.js';
import { KeyUsage, NsCertType } from './extensions.js';
import { OID } from './oid.js';

/** The purposes `openssl verify -purpose` knows that a mail server needs. */
export type Purpose = 'sslserver' | 'sslclient';

const KU_TLS = KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement;
const NS_ANY_CA = NsCertType.sslCA | NsCertType.smimeCA | NsCertType.objCA;

function kuReject(cert: Certificate, usage: number): boolean {
  return cert.ext.keyUsage !== undefined && (cert.ext.keyUsage & usage) === 0;
}

function nsReject(cert: Certificate, usage: number): boolean {
  return cert.ext.nsCertType !== undefined && (cert.ext.nsCertType & usage) === 0;
}

/** extendedKeyUsage present and naming none of `oids` (anyExtendedKeyUsage does not count, as in OpenSSL 3.0). */
function ekuReject(cert: Certificate, oids: readonly string[]): boolean {
  const eku = cert.ext.extKeyUsage;
  return eku !== undefined && !eku.some((o) => oids.includes(o));
}

/**
 * How far a certificate can act as a CA, as OpenSSL's check_ca grades it:
 * 0 not a CA, 1 basicConstraints cA, 3 a v1 self-signed root, 4 keyUsage
 * keyCertSign without basicConstraints, 5 a Netscape CA type. RFC 5280
 * §4.2.1.9 wants 1; the others are tolerated only for trust anchors.
 */
export function caGrade(cert: Certificate, selfSigned: boolean): 0 | 1 | 3 | 4 | 5 {
  if (kuReject(cert, KeyUsage.keyCertSign)) return 0;
  const bc = cert.ext.basicConstraints;
  if (bc !== undefined) return bc.ca ? 1 : 0;
  if (cert.version === 1 && selfSigned) return 3;
  if (cert.ext.keyUsage !== undefined) return 4;
  if (cert.ext.nsCertType !== undefined && (cert.ext.nsCertType & NS_ANY_CA) !== 0) return 5;
  return 0;
}

function sslCa(cert: Certificate, selfSigned: boolean): boolean {
  const grade = caGrade(cert, selfSigned);
  return grade !== 0 && (grade !== 5 || ((cert.ext.nsCertType ?? 0) & NsCertType.sslCA) !== 0);
}

/**
 * OpenSSL's check_purpose_ssl_server / _ssl_client (v3_purp.c), which apply
 * RFC 5280 §4.2.1.12 (extendedKeyUsage) and §4.2.1.3 (keyUsage) the way TLS
 * peers expect: a CA in the chain must not exclude the purpose by its EKU,
 * the end entity must allow it by EKU, keyUsage and Netscape type.
 */
export function checkPurpose(
  cert: Certificate,
  purpose: Purpose,
  asCa: boolean,
  selfSigned: boolean,
): boolean {
  if (purpose === 'sslserver') {
    if (ekuReject(cert, [OID.serverAuth, OID.nsSgc, OID.msSgc])) return false;
    if (asCa) return sslCa(cert, selfSigned);
    return !nsReject(cert, NsCertType.sslServer) && !kuReject(cert, KU_TLS);
  }
  if (ekuReject(cert, [OID.clientAuth])) return false;
  if (asCa) return sslCa(cert, selfSigned);
  return (
    !kuReject(cert, KeyUsage.digitalSignature | KeyUsage.keyAgreement) &&
    !nsReject(cert, NsCertType.sslClient)
  );
}
