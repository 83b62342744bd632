// The syntax restrictions: reject_invalid_helo_hostname,
// reject_non_fqdn_helo_hostname, reject_non_fqdn_sender and
// reject_non_fqdn_recipient (Postfix reject_invalid_hostname(),
// reject_non_fqdn_hostname(), reject_non_fqdn_address()).
import type { Evaluation, Restriction, Status } from './evaluation.js';
import { DUNNO } from './evaluation.js';
import {
  dropTrailingDot,
  fullyQualified,
  validAddressLiteral,
  validHostAddress,
  validHostname,
} from './hostname.js';
import { REPLY_CLASS } from './reply.js';

/** reject_invalid_hostaddr() for a HELO `[address]`. */
function invalidHeloAddress(ev: Evaluation, helo: string): Status {
  if (validAddressLiteral(helo)) return DUNNO;
  return ev.reject(
    'policy',
    ev.settings.codes.invalidHostname,
    '5.5.2',
    `<${helo}>: ${REPLY_CLASS.helo} rejected: invalid ip address`,
  );
}

const rejectInvalidHelo: Restriction = (ev) => {
  const helo = ev.facts.helo;
  if (helo === undefined) return DUNNO;
  if (helo.startsWith('[')) return invalidHeloAddress(ev, helo);
  const name = dropTrailingDot(helo);
  if (validHostname(name) || validHostAddress(name)) return DUNNO;
  return ev.reject(
    'policy',
    ev.settings.codes.invalidHostname,
    '5.5.2',
    `<${helo}>: ${REPLY_CLASS.helo} rejected: Invalid name`,
  );
};

const rejectNonFqdnHelo: Restriction = (ev) => {
  const helo = ev.facts.helo;
  if (helo === undefined) return DUNNO;
  if (helo.startsWith('[')) return invalidHeloAddress(ev, helo);
  if (fullyQualified(helo, false)) return DUNNO;
  return ev.reject(
    'policy',
    ev.settings.codes.nonFqdn,
    '5.5.2',
    `<${helo}>: ${REPLY_CLASS.helo} rejected: need fully-qualified hostname`,
  );
};

/** reject_non_fqdn_address(): the domain part must be a dotted host name; address literals pass. */
function rejectNonFqdnAddress(
  ev: Evaluation,
  address: string,
  replyClass: typeof REPLY_CLASS.sender | typeof REPLY_CLASS.recipient,
): Status {
  const at = address.lastIndexOf('@');
  const domain = at < 0 ? '' : address.slice(at + 1);
  if (domain.startsWith('[') && domain.endsWith(']')) return DUNNO;
  if (domain !== '' && fullyQualified(domain, true)) return DUNNO;
  return ev.reject(
    'policy',
    ev.settings.codes.nonFqdn,
    '4.5.2',
    `<${address}>: ${replyClass} rejected: need fully-qualified address`,
  );
}

export function syntaxRestrictions(): [string, Restriction][] {
  return [
    ['reject_invalid_helo_hostname', rejectInvalidHelo],
    ['reject_invalid_hostname', rejectInvalidHelo],
    ['reject_non_fqdn_helo_hostname', rejectNonFqdnHelo],
    ['reject_non_fqdn_hostname', rejectNonFqdnHelo],
    [
      'reject_non_fqdn_sender',
      (ev) => {
        const s = ev.facts.sender;
        return s === undefined || s === ''
          ? DUNNO
          : rejectNonFqdnAddress(ev, s, REPLY_CLASS.sender);
      },
    ],
    [
      'reject_non_fqdn_recipient',
      (ev) => {
        const rcpt = ev.facts.recipient;
        return rcpt === undefined ? DUNNO : rejectNonFqdnAddress(ev, rcpt, REPLY_CLASS.recipient);
      },
    ],
  ];
}
