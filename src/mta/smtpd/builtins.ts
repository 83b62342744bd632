// The restrictions postern knows, by name (postconf(5) "smtpd_*_restrictions"):
// the generic ones here, the others by group in their own files. A name
// Postfix knows but postern does not implement is refused as a configuration
// error that names it, never skipped.
import { accessRestrictions } from './access-checks.js';
import type { Restriction } from './evaluation.js';
import { DUNNO, OK, ServerConfigurationError } from './evaluation.js';
import { matchNetworks, parseAddress } from './networks.js';
import { relayRestrictions } from './relay-checks.js';
import { senderLoginRestrictions } from './sender-login.js';
import { syntaxRestrictions } from './syntax-checks.js';
import { tlsRestrictions } from './tls-checks.js';

/** permit_inet_interfaces: the client is this host (one of inet_interfaces). */
const permitInetInterfaces: Restriction = (ev) => {
  const client = parseAddress(ev.facts.clientAddress);
  const own = ev.settings.destinations.localAddresses.map(parseAddress);
  return client !== undefined &&
    own.some(
      (a) => a !== undefined && a.length === client.length && a.every((b, i) => b === client[i]),
    )
    ? OK
    : DUNNO;
};

/** reject_multi_recipient_bounce: a null sender with more than one recipient (at RCPT: a second one). */
const rejectMultiRecipientBounce: Restriction = (ev, ctx) => {
  const f = ev.facts;
  if (f.sender !== '' || f.recipients.length <= (f.stage === 'rcpt' ? 0 : 1)) return DUNNO;
  return ev.reject(
    'policy',
    ev.settings.codes.multiRecipientBounce,
    '5.5.3',
    `<${ctx.replyName}>: ${ctx.replyClass} rejected: Multi-recipient bounce`,
  );
};

// Restrictions Postfix has and postern does not (yet): a clear configuration error each.
const NOT_IMPLEMENTED = [
  'reject_unknown_client_hostname',
  'reject_unknown_client',
  'reject_unknown_reverse_client_hostname',
  'reject_unknown_helo_hostname',
  'reject_unknown_hostname',
  'reject_unknown_sender_domain',
  'reject_unknown_recipient_domain',
  'reject_unknown_address',
  'reject_rbl_client',
  'reject_rbl',
  'reject_rhsbl_client',
  'reject_rhsbl_helo',
  'reject_rhsbl_sender',
  'reject_rhsbl_recipient',
  'reject_rhsbl_reverse_client',
  'permit_dnswl_client',
  'permit_rhswl_client',
  'reject_maps_rbl',
  'check_policy_service',
  'check_client_ns_access',
  'check_client_mx_access',
  'check_client_a_access',
  'check_reverse_client_access',
  'check_helo_ns_access',
  'check_helo_mx_access',
  'check_helo_a_access',
  'check_sender_ns_access',
  'check_sender_mx_access',
  'check_sender_a_access',
  'check_recipient_ns_access',
  'check_recipient_mx_access',
  'check_recipient_a_access',
  'reject_unverified_sender',
  'reject_unverified_recipient',
  'reject_unlisted_sender',
  'reject_unlisted_recipient',
  'check_recipient_maps',
  'permit_mx_backup',
  'sleep',
  'check_etrn_access',
];

const notImplemented =
  (name: string): Restriction =>
  () => {
    throw new ServerConfigurationError(`restriction ${name} is not supported by postern`);
  };

function genericRestrictions(): [string, Restriction][] {
  return [
    ['permit', () => OK],
    [
      'reject',
      (ev, ctx) =>
        ev.reject(
          'policy',
          ev.settings.codes.reject,
          '5.7.1',
          `<${ctx.replyName}>: ${ctx.replyClass} rejected: Access denied`,
        ),
    ],
    [
      'defer',
      (ev, ctx) =>
        ev.reject(
          'policy',
          ev.settings.codes.defer,
          '4.3.2',
          `<${ctx.replyName}>: ${ctx.replyClass} rejected: Try again later`,
        ),
    ],
    [
      'defer_if_permit',
      (ev, ctx) =>
        ev.deferIf(
          'permit',
          450,
          '4.7.0',
          `<${ctx.replyName}>: ${ctx.replyClass} rejected: defer_if_permit requested`,
        ),
    ],
    [
      'defer_if_reject',
      (ev, ctx) =>
        ev.deferIf(
          'reject',
          450,
          '4.7.0',
          `<${ctx.replyName}>: ${ctx.replyClass} rejected: defer_if_reject requested`,
        ),
    ],
    [
      'permit_mynetworks',
      (ev) => (matchNetworks(ev.settings.mynetworks, ev.facts.clientAddress) ? OK : DUNNO),
    ],
    ['permit_sasl_authenticated', (ev) => (ev.facts.saslUser !== undefined ? OK : DUNNO)],
    ['permit_inet_interfaces', permitInetInterfaces],
    [
      'reject_unauth_pipelining',
      (ev, ctx) =>
        ev.facts.pipelined
          ? ev.reject(
              'protocol',
              503,
              '5.5.0',
              `<${ctx.replyName}>: ${ctx.replyClass} rejected: Improper use of SMTP command pipelining`,
            )
          : DUNNO,
    ],
    [
      'reject_plaintext_session',
      (ev) =>
        ev.facts.tls === undefined
          ? ev.reject(
              'policy',
              ev.settings.codes.plaintext,
              '4.7.1',
              'Session encryption is required',
            )
          : DUNNO,
    ],
    ['reject_multi_recipient_bounce', rejectMultiRecipientBounce],
  ];
}

export function builtinRestrictions(): ReadonlyMap<string, Restriction> {
  const r = new Map<string, Restriction>([
    ...genericRestrictions(),
    ...syntaxRestrictions(),
    ...relayRestrictions(),
    ...accessRestrictions(),
    ...tlsRestrictions(),
    ...senderLoginRestrictions(),
  ]);
  for (const name of NOT_IMPLEMENTED) r.set(name, notImplemented(name));
  return r;
}
