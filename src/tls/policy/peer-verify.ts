import type { Certificate } from '../../x509/certificate.js';
import { CertificateCache } from '../../x509/certificate-cache.js';
import { X509Error } from '../../x509/errors.js';
import { TrustStore } from '../../x509/trust-store.js';
import type { VerifyReason } from '../../x509/verify-reason.js';
import { verifyReasonText } from '../../x509/verify-reason.js';
import type { VerifyResult } from '../../x509/verify.js';
import { DEFAULT_VERIFY_DEPTH, verifyChain } from '../../x509/verify.js';
import type { AlertDescriptionName } from '../registry/alert.js';
import { TlsAlert } from '../error/tls-alert.js';
import type { CommonConfig, PeerVerifyContext } from './config.js';

/** A server sees the same peers again and again; their chains are parsed once. */
const peerCertificates = new CertificateCache(256);

/** Parses the DER certificates a peer sent; one that does not parse is bad_certificate (RFC 8446 §6.2). */
export function parsePeerCertificates(ders: readonly Uint8Array[]): Certificate[] {
  return ders.map((der, i) => {
    try {
      return peerCertificates.parse(der);
    } catch (err) {
      if (err instanceof X509Error)
        throw new TlsAlert('bad_certificate', `peer certificate ${i}: ${err.message}`);
      throw err;
    }
  });
}

/**
 * The alert for a refused chain, as OpenSSL's ssl_verify_alarm_type picks
 * it: unknown issuers are unknown_ca, dates certificate_expired /
 * bad_certificate, signatures decrypt_error, purposes unsupported_certificate.
 */
export function alertForVerifyReason(reason: VerifyReason): AlertDescriptionName {
  switch (reason) {
    case 'unable_to_get_issuer_certificate':
    case 'unable_to_get_local_issuer_certificate':
    case 'depth_zero_self_signed_cert':
    case 'self_signed_certificate_in_chain':
    case 'certificate_chain_too_long':
    case 'invalid_ca':
    case 'path_length_exceeded':
      return 'unknown_ca';
    case 'certificate_expired':
      return 'certificate_expired';
    case 'certificate_signature_failure':
    case 'unable_to_decode_issuer_public_key':
      return 'decrypt_error';
    case 'invalid_purpose':
      return 'unsupported_certificate';
    case 'certificate_not_yet_valid':
    case 'unhandled_critical_extension':
    case 'hostname_mismatch':
      return 'bad_certificate';
  }
}

const EMPTY_STORE = new TrustStore();

/**
 * Verifies a peer chain with the configured hook or, by default, against the
 * trust store; throws the mapped alert when verification fails and the
 * configuration rejects unauthorized peers.
 */
export function verifyPeer(
  config: CommonConfig,
  chain: readonly Certificate[],
  context: PeerVerifyContext,
): VerifyResult {
  const result = config.verifyPeer
    ? config.verifyPeer(chain, context)
    : verifyChain(chain, {
        trustStore: config.trustStore ?? EMPTY_STORE,
        now: context.now,
        purpose: context.purpose,
        maxDepth: config.verifyDepth ?? DEFAULT_VERIFY_DEPTH,
        ...(context.hostname !== undefined && context.hostname !== ''
          ? { hostname: context.hostname }
          : {}),
      });
  if (!result.ok && config.rejectUnauthorized !== false) {
    throw new TlsAlert(
      alertForVerifyReason(result.reason),
      `certificate verify failed at depth ${result.depth}: ${verifyReasonText(result.reason)}`,
    );
  }
  return result;
}
