import type { Certificate } from './certificate.js';
import type { BuiltChain } from './chain.js';
import { buildChain, isSelfSigned } from './chain.js';
import { matchHostname } from './hostname.js';
import type { Purpose } from './purpose.js';
import { caGrade, checkPurpose } from './purpose.js';
import { VerifiedSignatures } from './signature-cache.js';
import type { TrustStore } from './trust-store.js';
import type { VerifyReason } from './verify-reason.js';

export interface VerifyOptions {
  trustStore: TrustStore;
  /** More certificates that may serve as intermediates (`-untrusted`), beyond those the peer sent. */
  untrusted?: readonly Certificate[];
  /** The clock, injected (DESIGN.md). */
  now: Date;
  purpose?: Purpose;
  /** OpenSSL's verify_depth (intermediates between leaf and anchor); `*_verifydepth` defaults to 5. */
  maxDepth?: number;
  /** Check the leaf against this name (RFC 6125). */
  hostname?: string;
}

export type VerifyResult =
  | { ok: true; chain: Certificate[] }
  | {
      ok: false;
      reason: VerifyReason;
      depth: number;
      certificate: Certificate;
      chain: Certificate[];
    };

export const DEFAULT_VERIFY_DEPTH = 5;

/** Signatures in chains already checked: peers and their issuers repeat from one connection to the next. */
const verifiedSignatures = new VerifiedSignatures(1024);

function fail(chain: readonly Certificate[], reason: VerifyReason, depth: number): VerifyResult {
  return { ok: false, reason, depth, certificate: chain[depth] as Certificate, chain: [...chain] };
}

/**
 * Verifies `presented` (leaf first, then whatever chain the peer sent) the
 * way OpenSSL's X509_verify_cert does, reporting the first failure in its
 * order: path building, then extensions, purpose and path length from the
 * leaf up, then the host name, then signatures and validity dates from the
 * anchor down (RFC 5280 §6.1.3).
 */
export function verifyChain(
  presented: readonly Certificate[],
  options: VerifyOptions,
): VerifyResult {
  const leaf = presented[0];
  if (leaf === undefined) throw new RangeError('verifyChain needs at least the leaf certificate');
  const untrusted = [...presented.slice(1), ...(options.untrusted ?? [])];
  const built = buildChain(
    leaf,
    options.trustStore,
    untrusted,
    options.now,
    options.maxDepth ?? DEFAULT_VERIFY_DEPTH,
  );
  if (built.error) return fail(built.certs, built.error.reason, built.error.depth);
  const chain = built.certs;
  const extensionFailure = checkExtensions(built, options.purpose);
  if (extensionFailure) return extensionFailure;
  if (options.hostname !== undefined && !matchHostname(leaf, options.hostname))
    return fail(chain, 'hostname_mismatch', 0);
  return checkSignaturesAndDates(chain, options.now) ?? { ok: true, chain };
}

/** OpenSSL's check_chain_extensions (RFC 5280 §6.1.4 (k)–(n), §4.2.1.9 pathLenConstraint). */
function checkExtensions(
  built: BuiltChain,
  purpose: Purpose | undefined,
): VerifyResult | undefined {
  const chain = built.certs;
  let pathLength = 0;
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i] as Certificate;
    const selfSigned = isSelfSigned(cert);
    if (cert.ext.unhandledCritical.length > 0)
      return fail(chain, 'unhandled_critical_extension', i);
    if (i > 0) {
      const grade = caGrade(cert, selfSigned);
      // Intermediates need basicConstraints cA; the anchor may be a v1 root or keyCertSign-only, as OpenSSL allows.
      if (grade === 0 || (i + 1 < chain.length && grade !== 1)) return fail(chain, 'invalid_ca', i);
    }
    if (purpose !== undefined && !checkPurpose(cert, purpose, i > 0, selfSigned))
      return fail(chain, 'invalid_purpose', i);
    const pathLen = cert.ext.basicConstraints?.pathLen;
    if (i > 1 && pathLen !== undefined && pathLength > pathLen)
      return fail(chain, 'path_length_exceeded', i);
    // RFC 5280 §6.1.4 (l): self-issued intermediates do not count.
    if (i > 0 && !cert.selfIssued) pathLength++;
  }
  return undefined;
}

/**
 * OpenSSL's internal_verify: from the anchor down, each signature by the
 * certificate above (the anchor's own is not checked: it is trusted as
 * configured), then each validity period. Valid from notBefore inclusive to
 * notAfter exclusive, as X509_cmp_time compares.
 */
function checkSignaturesAndDates(
  chain: readonly Certificate[],
  now: Date,
): VerifyResult | undefined {
  for (let i = chain.length - 1; i >= 0; i--) {
    const cert = chain[i] as Certificate;
    const issuer = chain[i + 1];
    if (issuer !== undefined) {
      if (issuer.publicKey.key.kind === 'unsupported')
        return fail(chain, 'unable_to_decode_issuer_public_key', i);
      if (!verifiedSignatures.verify(cert, issuer.publicKey))
        return fail(chain, 'certificate_signature_failure', i);
    }
    if (now.getTime() < cert.notBefore.getTime())
      return fail(chain, 'certificate_not_yet_valid', i);
    if (now.getTime() >= cert.notAfter.getTime()) return fail(chain, 'certificate_expired', i);
  }
  return undefined;
}
