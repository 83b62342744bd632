// The TLS client-certificate restrictions: permit_tls_clientcerts,
// permit_tls_all_clientcerts (relay_clientcerts) and check_ccert_access, with
// fingerprints in smtpd_tls_fingerprint_digest.
import { certificateFingerprint, publicKeyFingerprint } from '../../x509/index.js';
import { lookupAccess, tableArgument } from './access.js';
import type { ListContext, Restriction } from './evaluation.js';
import { DUNNO, LookupRetry, OK, ServerConfigurationError } from './evaluation.js';
import { REPLY_CLASS } from './reply.js';

/**
 * permit_tls_clientcerts: the public-key fingerprint, then the certificate
 * fingerprint, looked up in relay_clientcerts. As Postfix 3.x (smtpd_check.c
 * permit_tls_clientcerts()), a listed fingerprint is trusted whether or not
 * the chain verified: the fingerprint is the trust. permit_tls_all_clientcerts
 * needs a verified chain.
 */
function tlsClientcerts(all: boolean): Restriction {
  return (ev) => {
    const tls = ev.facts.tls;
    const leaf = tls?.peerCertificates[0];
    if (tls === undefined || leaf === undefined) return DUNNO;
    if (all) return tls.peerVerified ? OK : DUNNO;
    const table = ev.settings.relayClientcerts;
    if (table === undefined) return DUNNO;
    const digest = ev.settings.fingerprintDigest;
    for (const print of [
      publicKeyFingerprint(leaf, digest),
      certificateFingerprint(leaf, digest),
    ]) {
      let found: string | undefined;
      try {
        found = table.lookup(print);
      } catch (err) {
        ev.log(
          `warning: relay_clientcerts: lookup error for fingerprint '${print}': ${err instanceof Error ? err.message : String(err)}`,
        );
        throw new LookupRetry(
          `${ev.facts.clientName}[${ev.facts.clientAddress}]`,
          'relay_clientcerts lookup error',
        );
      }
      if (found !== undefined) return OK;
    }
    return DUNNO;
  };
}

// RFC 5280 §4.1.2.6 subject attribute id-at-commonName.
const COMMON_NAME = '2.5.4.3';

/**
 * check_ccert_access: the client certificate's fingerprint, then its public
 * key's (Postfix's default search order), as access(5) keys; the reply names
 * the certificate's CN. As for permit_tls_clientcerts, the chain need not verify.
 */
const checkCcertAccess: Restriction = (ev, _ctx, next) => {
  const spec = tableArgument('check_ccert_access', next);
  if (spec.includes('{'))
    throw new ServerConfigurationError(
      `check_ccert_access ${spec}: search_order is not supported by postern`,
    );
  const leaf = ev.facts.tls?.peerCertificates[0];
  if (leaf === undefined) return DUNNO;
  const cn = leaf.subject.rdns.flat().find((a) => a.type === COMMON_NAME)?.text ?? '';
  const ctx: ListContext = {
    replyName: cn,
    replyClass: REPLY_CLASS.ccert,
    defaultAccess: 'check_ccert_access',
  };
  const digest = ev.settings.fingerprintDigest;
  for (const print of [certificateFingerprint(leaf, digest), publicKeyFingerprint(leaf, digest)]) {
    const status = lookupAccess(ev, spec, [print], ctx).status;
    if (status.kind !== 'dunno') return status;
  }
  return DUNNO;
};

export function tlsRestrictions(): [string, Restriction][] {
  return [
    ['permit_tls_clientcerts', tlsClientcerts(false)],
    ['permit_tls_all_clientcerts', tlsClientcerts(true)],
    ['check_ccert_access', checkCcertAccess],
  ];
}
