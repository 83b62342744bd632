// The restrictions postern knows, by name (postconf(5) "smtpd_*_restrictions").
// A name Postfix knows but postern does not implement is refused as a
// configuration error that names it, never skipped.
import { certificateFingerprint, publicKeyFingerprint } from '../../x509/index.js';
import { checkClientAccess, checkDomainAccess, checkMailAccess } from './access.js';
import { classifyRecipient } from './destinations.js';
import type { Evaluation, ListContext, Restriction, Status } from './evaluation.js';
import { DUNNO, LookupRetry, OK, ServerConfigurationError } from './evaluation.js';
import { fullyQualified, validAddressLiteral, validHostAddress, validHostname } from './hostname.js';
import { matchNetworks } from './networks.js';
import { REPLY_CLASS } from './reply.js';

const namaddr = (ev: Evaluation): string => `${ev.facts.clientName}[${ev.facts.clientAddress}]`;

function tableArgument(command: string, next: (name: string) => string): string {
  const arg = next(command);
  if (!arg.includes(':')) throw new ServerConfigurationError(`restriction ${command}: bad argument "${arg}": need maptype:mapname`);
  return arg;
}

function accessCheck(command: string, check: (ev: Evaluation, spec: string) => Status): Restriction {
  return (ev, _ctx, next) => check(ev, tableArgument(command, next));
}

const clientCtx = (ev: Evaluation): ListContext => ({ replyName: namaddr(ev), replyClass: REPLY_CLASS.client, defaultAccess: 'check_client_access' });
const heloCtx = (helo: string): ListContext => ({ replyName: helo, replyClass: REPLY_CLASS.helo, defaultAccess: 'check_helo_access' });
const senderCtx = (sender: string): ListContext => ({ replyName: sender, replyClass: REPLY_CLASS.sender, defaultAccess: 'check_sender_access' });
const recipientCtx = (rcpt: string): ListContext => ({ replyName: rcpt, replyClass: REPLY_CLASS.recipient, defaultAccess: 'check_recipient_access' });

/** reject_invalid_hostaddr() for a HELO `[address]`. */
function invalidHeloAddress(ev: Evaluation, helo: string): Status {
  if (validAddressLiteral(helo)) return DUNNO;
  return ev.reject('policy', ev.settings.codes.invalidHostname, '5.5.2', `<${helo}>: ${REPLY_CLASS.helo} rejected: invalid ip address`);
}

const rejectInvalidHelo: Restriction = (ev) => {
  const helo = ev.facts.helo;
  if (helo === undefined) return DUNNO;
  if (helo.startsWith('[')) return invalidHeloAddress(ev, helo);
  const name = helo.length > 1 && helo.endsWith('.') && !helo.endsWith('..') ? helo.slice(0, -1) : helo;
  if (validHostname(name) || validHostAddress(name)) return DUNNO;
  return ev.reject('policy', ev.settings.codes.invalidHostname, '5.5.2', `<${helo}>: ${REPLY_CLASS.helo} rejected: Invalid name`);
};

const rejectNonFqdnHelo: Restriction = (ev) => {
  const helo = ev.facts.helo;
  if (helo === undefined) return DUNNO;
  if (helo.startsWith('[')) return invalidHeloAddress(ev, helo);
  if (fullyQualified(helo, false)) return DUNNO;
  return ev.reject('policy', ev.settings.codes.nonFqdn, '5.5.2', `<${helo}>: ${REPLY_CLASS.helo} rejected: need fully-qualified hostname`);
};

/** reject_non_fqdn_address(): the domain part must be a dotted host name; address literals pass. */
function rejectNonFqdnAddress(ev: Evaluation, address: string, replyClass: typeof REPLY_CLASS.sender | typeof REPLY_CLASS.recipient): Status {
  const at = address.lastIndexOf('@');
  const domain = at < 0 ? '' : address.slice(at + 1);
  if (domain.startsWith('[') && domain.endsWith(']')) return DUNNO;
  if (domain !== '' && fullyQualified(domain, true)) return DUNNO;
  return ev.reject('policy', ev.settings.codes.nonFqdn, '4.5.2', `<${address}>: ${replyClass} rejected: need fully-qualified address`);
}

function unauthDestination(defer: boolean): Restriction {
  return (ev) => {
    const rcpt = ev.facts.recipient;
    if (rcpt === undefined) return DUNNO;
    const where = destination(ev, rcpt);
    if (where === 'final' || where === 'relay') return DUNNO;
    const code = defer ? ev.settings.codes.relay - 100 : ev.settings.codes.relay;
    return ev.reject('policy', code, defer ? '4.7.1' : '5.7.1', `<${rcpt}>: Relay access denied`);
  };
}

function destination(ev: Evaluation, rcpt: string): ReturnType<typeof classifyRecipient> {
  try {
    return classifyRecipient(rcpt, ev.settings.destinations);
  } catch (err) {
    throw new LookupRetry(rcpt, `mydestination/relay_domains lookup: ${err instanceof Error ? err.message : String(err)}`);
  }
}

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
    for (const print of [publicKeyFingerprint(leaf, digest), certificateFingerprint(leaf, digest)]) {
      let found: string | undefined;
      try {
        found = table.lookup(print);
      } catch (err) {
        ev.log(`warning: relay_clientcerts: lookup error for fingerprint '${print}': ${err instanceof Error ? err.message : String(err)}`);
        throw new LookupRetry(namaddr(ev), 'relay_clientcerts lookup error');
      }
      if (found !== undefined) return OK;
    }
    return DUNNO;
  };
}

// Restrictions Postfix has and postern does not (yet): a clear configuration error each.
const NOT_IMPLEMENTED = [
  'reject_unknown_client_hostname', 'reject_unknown_client', 'reject_unknown_reverse_client_hostname', 'reject_unknown_helo_hostname',
  'reject_unknown_hostname', 'reject_unknown_sender_domain', 'reject_unknown_recipient_domain', 'reject_unknown_address',
  'reject_rbl_client', 'reject_rbl', 'reject_rhsbl_client', 'reject_rhsbl_helo', 'reject_rhsbl_sender', 'reject_rhsbl_recipient',
  'reject_rhsbl_reverse_client', 'permit_dnswl_client', 'permit_rhswl_client', 'reject_maps_rbl', 'check_policy_service',
  'check_client_ns_access', 'check_client_mx_access', 'check_client_a_access', 'check_reverse_client_access', 'check_helo_ns_access',
  'check_helo_mx_access', 'check_helo_a_access', 'check_sender_ns_access', 'check_sender_mx_access', 'check_sender_a_access',
  'check_recipient_ns_access', 'check_recipient_mx_access', 'check_recipient_a_access', 'check_ccert_access', 'check_sasl_access',
  'reject_unverified_sender', 'reject_unverified_recipient', 'reject_unlisted_sender', 'reject_unlisted_recipient', 'check_recipient_maps',
  'reject_sender_login_mismatch', 'reject_authenticated_sender_login_mismatch', 'reject_known_sender_login_mismatch',
  'reject_unauthenticated_sender_login_mismatch', 'permit_mx_backup', 'permit_inet_interfaces', 'reject_multi_recipient_bounce',
  'reject_plaintext_session', 'defer_if_permit', 'defer_if_reject', 'sleep', 'check_etrn_access',
];

const notImplemented = (name: string): Restriction => () => {
  throw new ServerConfigurationError(`restriction ${name} is not supported by postern`);
};

export function builtinRestrictions(): ReadonlyMap<string, Restriction> {
  const r = new Map<string, Restriction>();
  r.set('permit', () => OK);
  r.set('reject', (ev, ctx) => ev.reject('policy', ev.settings.codes.reject, '5.7.1', `<${ctx.replyName}>: ${ctx.replyClass} rejected: Access denied`));
  r.set('defer', (ev, ctx) => ev.reject('policy', ev.settings.codes.defer, '4.3.2', `<${ctx.replyName}>: ${ctx.replyClass} rejected: Try again later`));
  r.set('permit_mynetworks', (ev) => (matchNetworks(ev.settings.mynetworks, ev.facts.clientAddress) ? OK : DUNNO));
  r.set('permit_sasl_authenticated', (ev) => (ev.facts.saslUser !== undefined ? OK : DUNNO));
  r.set('permit_tls_clientcerts', tlsClientcerts(false));
  r.set('permit_tls_all_clientcerts', tlsClientcerts(true));
  r.set('reject_unauth_pipelining', (ev, ctx) =>
    ev.facts.pipelined ? ev.reject('protocol', 503, '5.5.0', `<${ctx.replyName}>: ${ctx.replyClass} rejected: Improper use of SMTP command pipelining`) : DUNNO,
  );
  r.set('reject_unauth_destination', unauthDestination(false));
  r.set('defer_unauth_destination', unauthDestination(true));
  r.set('permit_auth_destination', (ev) => {
    const rcpt = ev.facts.recipient;
    if (rcpt === undefined) return DUNNO;
    const where = destination(ev, rcpt);
    return where === 'final' || where === 'relay' ? OK : DUNNO;
  });
  r.set('reject_invalid_helo_hostname', rejectInvalidHelo);
  r.set('reject_invalid_hostname', rejectInvalidHelo);
  r.set('reject_non_fqdn_helo_hostname', rejectNonFqdnHelo);
  r.set('reject_non_fqdn_hostname', rejectNonFqdnHelo);
  r.set('reject_non_fqdn_sender', (ev) => {
    const s = ev.facts.sender;
    return s === undefined || s === '' ? DUNNO : rejectNonFqdnAddress(ev, s, REPLY_CLASS.sender);
  });
  r.set('reject_non_fqdn_recipient', (ev) => {
    const rcpt = ev.facts.recipient;
    return rcpt === undefined ? DUNNO : rejectNonFqdnAddress(ev, rcpt, REPLY_CLASS.recipient);
  });
  r.set('check_client_access', accessCheck('check_client_access', (ev, spec) => checkClientAccess(ev, spec, clientCtx(ev))));
  r.set('check_helo_access', accessCheck('check_helo_access', (ev, spec) => {
    const helo = ev.facts.helo;
    return helo === undefined ? DUNNO : checkDomainAccess(ev, spec, helo, heloCtx(helo)).status;
  }));
  r.set('check_sender_access', accessCheck('check_sender_access', (ev, spec) => {
    const s = ev.facts.sender;
    return s === undefined ? DUNNO : checkMailAccess(ev, spec, s, senderCtx(s));
  }));
  r.set('check_recipient_access', accessCheck('check_recipient_access', (ev, spec) => {
    const rcpt = ev.facts.recipient;
    if (rcpt === undefined) return DUNNO;
    const status = checkMailAccess(ev, spec, rcpt, recipientCtx(rcpt));
    // Postfix SUSPICIOUS(): an OK for a source-routed recipient counts for nothing.
    return status.kind === 'ok' && destination(ev, rcpt) === 'routed' ? DUNNO : status;
  }));
  for (const name of NOT_IMPLEMENTED) r.set(name, notImplemented(name));
  return r;
}
