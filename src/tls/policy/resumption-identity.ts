import type { Certificate } from '../../x509/certificate.js';
import type { VerifyResult } from '../../x509/verify.js';
import type { ResolvedClientConfig, ResolvedServerConfig } from './resolve-config.js';
import { parsePeerCertificates } from './peer-verify.js';

/**
 * What a resumable session records about the peer, and what a later
 * connection asks of it (`ResumptionRequest.requireVerified`): the name or
 * policy the peer's chain was verified against, so that a session made
 * without a verified peer, or verified for another name, never stands in
 * for a connection that requires verification (RFC 8446 §4.6.1: resume only
 * where the original certificate was valid for the name; Postfix keys its
 * client sessions by security level for the same reason).
 */
export interface PeerIdentity {
  readonly peerCertificates: readonly Uint8Array[];
  readonly peerVerified: boolean;
  readonly verifiedName: string | undefined;
}

/** The policy name under which a server records a verified client certificate. */
export const CLIENT_CERTIFICATE_POLICY = 'client certificate';
/** The policy name of a server chain verified with the name check turned off. */
const NO_NAME_CHECK = '(no name check)';

/** Client side: the name the server's chain is (or was) verified against. */
export function serverIdentityName(
  config: ResolvedClientConfig,
  serverName: string | undefined,
): string {
  const name = config.verifyHostname ?? serverName;
  return name === undefined || name === '' ? NO_NAME_CHECK : name;
}

/** Client side: what a session must have verified to be offered. */
export function clientRequirement(
  config: ResolvedClientConfig,
  serverName: string | undefined,
): string | undefined {
  return config.rejectUnauthorized === false ? undefined : serverIdentityName(config, serverName);
}

/** Server side: a session without a verified client certificate does not satisfy a server that requires one. */
export function serverRequirement(config: ResolvedServerConfig): string | undefined {
  return config.clientAuth === 'required' && config.rejectUnauthorized !== false
    ? CLIENT_CERTIFICATE_POLICY
    : undefined;
}

/**
 * Parsed certificates by the DER bytes a session holds. A session's chain
 * keeps the same byte arrays from one resumption to the next (and a new
 * ticket carries them on), so a resumed handshake does not parse the chain
 * again: resumption stays free of certificate work.
 */
const parsed = new WeakMap<Uint8Array, Certificate>();

/** The certificates of a resumed session, parsed once per DER array. */
export function sessionCertificates(ders: readonly Uint8Array[]): Certificate[] {
  return ders.map((der) => {
    let cert = parsed.get(der);
    if (cert === undefined) {
      cert = parsePeerCertificates([der])[0] as Certificate;
      parsed.set(der, cert);
    }
    return cert;
  });
}

export function peerIdentity(
  chain: readonly Certificate[] | undefined,
  verification: VerifyResult | undefined,
  name: string,
): PeerIdentity {
  const peerCertificates = (chain ?? []).map((c) => {
    parsed.set(c.der, c);
    return c.der;
  });
  const peerVerified = peerCertificates.length > 0 && verification?.ok === true;
  return { peerCertificates, peerVerified, verifiedName: peerVerified ? name : undefined };
}
