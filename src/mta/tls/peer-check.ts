// The client's judgement of a finished handshake against its policy
// (Postfix tls_client.c / smtp_tls_policy): may and encrypt take any
// certificate; fingerprint compares the leaf's certificate and public-key
// digests; verify and secure need a chain to smtp_tls_CAfile/CApath and,
// unless MUST_NOPEERMATCH, a certificate name the match strategies allow.
// Also the loglevel-1 words: Verified, Trusted, Untrusted, Anonymous.
import type { Certificate, FingerprintDigest } from '../../x509/index.js';
import {
  certificateFingerprint,
  matchDnsName,
  matchHostname,
  publicKeyFingerprint,
} from '../../x509/index.js';
import type { ClientTlsPolicy, NameMatcher } from './client-policy.js';

export type TrustWord = 'Verified' | 'Trusted' | 'Untrusted' | 'Anonymous';

/** What the handshake produced, independent of the socket class. */
export interface HandshakeFacts {
  readonly peerCertificates: readonly Certificate[];
  /** The chain verified to our trust anchors (without a name check). */
  readonly chainVerified: boolean;
  /** Why it did not, in OpenSSL's words. */
  readonly chainError?: string;
}

export type PeerJudgement =
  | { readonly ok: true; readonly trust: TrustWord; readonly saslState: 'encrypted' | 'verified' }
  | { readonly ok: false; readonly trust: TrustWord; readonly reason: string };

export function judgePeer(
  facts: HandshakeFacts,
  policy: ClientTlsPolicy,
  digest: FingerprintDigest,
  peer: string,
): PeerJudgement {
  const leaf = facts.peerCertificates[0];
  if (leaf === undefined) {
    if (policy.level === 'may' || policy.level === 'encrypt')
      return { ok: true, trust: 'Anonymous', saslState: 'encrypted' };
    return {
      ok: false,
      trust: 'Anonymous',
      reason: `Server certificate not verified: host ${peer} presented no certificate`,
    };
  }
  const matched = facts.chainVerified && namesMatch(leaf, policy.names);
  const trust: TrustWord = !facts.chainVerified ? 'Untrusted' : matched ? 'Verified' : 'Trusted';
  switch (policy.level) {
    case 'fingerprint':
      return fingerprintMatches(leaf, policy.fingerprints, digest)
        ? { ok: true, trust: 'Verified', saslState: 'verified' }
        : {
            ok: false,
            trust,
            reason: `Server certificate not verified: no fingerprint of host ${peer} matches smtp_tls_fingerprint_cert_match (${digest} ${certificateFingerprint(leaf, digest)})`,
          };
    case 'verify':
    case 'secure':
      if (!facts.chainVerified)
        return {
          ok: false,
          trust,
          reason: `Server certificate not trusted: host ${peer}: ${facts.chainError ?? 'certificate verification failed'}`,
        };
      if (policy.names.length === 0) return { ok: true, trust: 'Trusted', saslState: 'encrypted' };
      if (!matched)
        return {
          ok: false,
          trust,
          reason: `Server certificate not verified: host ${peer} certificate names ${certificateNames(leaf).join(', ') || '(none)'} do not match ${policy.names.map(matcherText).join(', ')}`,
        };
      return { ok: true, trust, saslState: 'verified' };
    default:
      return {
        ok: true,
        trust: facts.chainVerified ? 'Trusted' : 'Untrusted',
        saslState: 'encrypted',
      };
  }
}

function namesMatch(leaf: Certificate, names: readonly NameMatcher[]): boolean {
  return names.some((m) =>
    m.kind === 'exact'
      ? matchHostname(leaf, m.name)
      : certificateNames(leaf).some((n) => subdomainOf(n, m.parent)),
  );
}

/** dot-nexthop: a name strictly below the next-hop domain, a wildcard included. */
function subdomainOf(presented: string, parent: string): boolean {
  const p = presented.toLowerCase();
  return p.endsWith(`.${parent}`) && (!p.includes('*') || matchDnsName(p, `x.${p.slice(2)}`));
}

function certificateNames(leaf: Certificate): string[] {
  return (leaf.ext.subjectAltName ?? []).flatMap((g) => (g.type === 'dns' ? [g.value] : []));
}

function matcherText(m: NameMatcher): string {
  return m.kind === 'exact' ? m.name : `*.${m.parent}`;
}

/** Postfix matches either the certificate or its public-key fingerprint (smtp_tls_fingerprint_digest). */
function fingerprintMatches(
  leaf: Certificate,
  wanted: readonly string[],
  digest: FingerprintDigest,
): boolean {
  const have = [certificateFingerprint(leaf, digest), publicKeyFingerprint(leaf, digest)].map((f) =>
    f.toUpperCase(),
  );
  return wanted.some((w) => have.includes(w.toUpperCase()));
}
