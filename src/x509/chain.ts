import type { Certificate } from './certificate.js';
import { certificatesEqual } from './certificate.js';
import { bytesEqual } from './public-key.js';
import { signatureMatchesKey } from './signature.js';
import { namesEqual } from './subject-hash.js';
import type { TrustStore } from './trust-store.js';
import type { VerifyReason } from './verify-reason.js';

/**
 * RFC 5280 §4.2.1.1: where both are present, the subject's
 * authorityKeyIdentifier must name the issuer's subjectKeyIdentifier (and
 * serial number, if given).
 */
function akidMatches(cert: Certificate, issuer: Certificate): boolean {
  const aki = cert.ext.authorityKeyId;
  if (aki === undefined) return true;
  if (
    aki.keyId !== undefined &&
    issuer.ext.subjectKeyId !== undefined &&
    !bytesEqual(aki.keyId, issuer.ext.subjectKeyId)
  )
    return false;
  return aki.serial === undefined || aki.serial === issuer.serialNumber;
}

/** OpenSSL's x509_likely_issued: name chaining, key identifiers, and a key that can make the signature. Signatures come later. */
export function likelyIssued(issuer: Certificate, cert: Certificate): boolean {
  return (
    namesEqual(issuer.subject, cert.issuer) &&
    akidMatches(cert, issuer) &&
    signatureMatchesKey(cert.signatureAlgorithm, issuer.publicKey.key)
  );
}

/** OpenSSL's EXFLAG_SS: self-issued, and its own likely issuer. */
export function isSelfSigned(cert: Certificate): boolean {
  return cert.selfIssued && likelyIssued(cert, cert);
}

export interface BuiltChain {
  /** Leaf first. */
  certs: Certificate[];
  /** Index of the first certificate taken from the trust store, or -1. */
  trustedFrom: number;
  error?: { reason: VerifyReason; depth: number };
}

function validAt(cert: Certificate, now: Date): boolean {
  return cert.notBefore.getTime() <= now.getTime() && now.getTime() < cert.notAfter.getTime();
}

/** Among several candidate issuers, prefer one valid now, as OpenSSL's find_issuer does. */
function pick(candidates: readonly Certificate[], now: Date): Certificate | undefined {
  return candidates.find((c) => validAt(c, now)) ?? candidates[candidates.length - 1];
}

/**
 * Builds the path from `leaf` up, trusted issuers before untrusted ones, as
 * OpenSSL's build_chain does. `maxDepth` is OpenSSL's verify_depth: the
 * number of intermediates allowed between the leaf and the trust anchor, so
 * a chain has at most maxDepth + 2 certificates.
 */
export function buildChain(
  leaf: Certificate,
  store: TrustStore,
  untrusted: readonly Certificate[],
  now: Date,
  maxDepth: number,
): BuiltChain {
  const certs = [leaf];
  let trustedFrom = -1;
  for (;;) {
    const top = certs[certs.length - 1] as Certificate;
    if (isSelfSigned(top)) {
      if (trustedFrom < 0 && store.contains(top)) trustedFrom = certs.length - 1;
      break;
    }
    if (certs.length >= maxDepth + 2) {
      return {
        certs,
        trustedFrom,
        error: { reason: 'certificate_chain_too_long', depth: certs.length - 1 },
      };
    }
    const fresh = (c: Certificate): boolean =>
      likelyIssued(c, top) && !certs.some((k) => certificatesEqual(k, c));
    const trusted = pick(store.bySubject(top.issuer).filter(fresh), now);
    if (trusted !== undefined) {
      if (trustedFrom < 0) trustedFrom = certs.length;
      certs.push(trusted);
      continue;
    }
    // Once a trusted certificate is in the path, its issuers must be trusted too.
    const next = trustedFrom < 0 ? pick(untrusted.filter(fresh), now) : undefined;
    if (next === undefined) break;
    certs.push(next);
  }
  const top = certs[certs.length - 1] as Certificate;
  const depth = certs.length - 1;
  if (trustedFrom >= 0 && isSelfSigned(top)) return { certs, trustedFrom };
  if (trustedFrom < 0 && isSelfSigned(top)) {
    return {
      certs,
      trustedFrom,
      error: {
        reason: depth === 0 ? 'depth_zero_self_signed_cert' : 'self_signed_certificate_in_chain',
        depth,
      },
    };
  }
  const reason: VerifyReason =
    trustedFrom >= 0
      ? 'unable_to_get_issuer_certificate'
      : 'unable_to_get_local_issuer_certificate';
  return { certs, trustedFrom, error: { reason, depth } };
}
