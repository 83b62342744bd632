// The smtpd_sender_login_maps restrictions: who may send as whom once SASL
// is on (Postfix smtpd_check.c reject_auth_sender_login_mismatch(),
// reject_unauth_sender_login_mismatch()). The table maps a sender address to
// the login names that own it, separated by commas or white space.
import { classifyRecipient } from './destinations.js';
import type { Evaluation, Restriction, Status } from './evaluation.js';
import { DUNNO, LookupRetry } from './evaluation.js';
import { mailAddrFindKeys } from '../tables/search.js';

/** The owners of `sender`, or undefined when the table does not list it. */
function owners(ev: Evaluation, sender: string): string[] | undefined {
  const table = ev.settings.senderLoginMaps;
  if (table === undefined) return undefined;
  const local = classifyRecipient(sender, ev.settings.destinations) === 'final';
  for (const key of mailAddrFindKeys(sender, ev.settings.recipientDelimiter, local)) {
    let value: string | undefined;
    try {
      value = table.lookup(key);
    } catch (err) {
      throw new LookupRetry(
        sender,
        `smtpd_sender_login_maps: lookup error for "${key}": ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (value !== undefined) return value.split(/[\s,]+/).filter((w) => w !== '');
  }
  return undefined;
}

function notOwned(ev: Evaluation, sender: string, user: string, allowUnknown: boolean): Status {
  if (ev.settings.senderLoginMaps === undefined) return DUNNO;
  const list = owners(ev, sender);
  if (list === undefined && allowUnknown) return DUNNO;
  const lower = user.toLowerCase();
  if (list?.some((o) => o.toLowerCase() === lower)) return DUNNO;
  return ev.reject(
    'policy',
    553,
    '5.7.1',
    `<${sender}>: Sender address rejected: not owned by user ${user}`,
  );
}

function notLoggedIn(ev: Evaluation, sender: string): Status {
  if (ev.settings.senderLoginMaps === undefined || ev.facts.saslUser !== undefined) return DUNNO;
  return owners(ev, sender) !== undefined
    ? ev.reject('policy', 553, '5.7.1', `<${sender}>: Sender address rejected: not logged in`)
    : DUNNO;
}

/** Only with smtpd_sasl_auth_enable = yes, as Postfix ("restriction ignored: no SASL support"), and for a non-null sender. */
function withSender(name: string, check: (ev: Evaluation, sender: string) => Status): Restriction {
  return (ev) => {
    if (!ev.settings.saslAuthEnable) {
      ev.log(`warning: restriction \`${name}' ignored: no SASL support`);
      return DUNNO;
    }
    const sender = ev.facts.sender;
    return sender === undefined || sender === '' ? DUNNO : check(ev, sender);
  };
}

export function senderLoginRestrictions(): [string, Restriction][] {
  const authenticated = (ev: Evaluation, sender: string, allowUnknown: boolean): Status => {
    const user = ev.facts.saslUser;
    return user === undefined ? DUNNO : notOwned(ev, sender, user, allowUnknown);
  };
  return [
    [
      'reject_authenticated_sender_login_mismatch',
      withSender('reject_authenticated_sender_login_mismatch', (ev, s) =>
        authenticated(ev, s, false),
      ),
    ],
    [
      'reject_unauthenticated_sender_login_mismatch',
      withSender('reject_unauthenticated_sender_login_mismatch', notLoggedIn),
    ],
    // Postfix defines this one as the class "authenticated + unauthenticated".
    [
      'reject_sender_login_mismatch',
      withSender('reject_sender_login_mismatch', (ev, s) =>
        ev.facts.saslUser !== undefined ? authenticated(ev, s, false) : notLoggedIn(ev, s),
      ),
    ],
    [
      'reject_known_sender_login_mismatch',
      withSender('reject_known_sender_login_mismatch', (ev, s) =>
        ev.facts.saslUser !== undefined ? authenticated(ev, s, true) : notLoggedIn(ev, s),
      ),
    ],
  ];
}
