// The relay restrictions: reject_unauth_destination, defer_unauth_destination
// and permit_auth_destination (Postfix permit_auth_destination(),
// reject_unauth_destination()).
import { classifyRecipient } from './destinations.js';
import type { Evaluation, Restriction } from './evaluation.js';
import { DUNNO, LookupRetry, OK } from './evaluation.js';

/** Postfix's "authorized destination": a local, virtual alias or relay_domains domain. */
function authorized(where: ReturnType<typeof classifyRecipient>): boolean {
  return where === 'final' || where === 'virtual-alias' || where === 'relay';
}

function unauthDestination(defer: boolean): Restriction {
  return (ev) => {
    const rcpt = ev.facts.recipient;
    if (rcpt === undefined) return DUNNO;
    const where = destination(ev, rcpt);
    if (authorized(where)) return DUNNO;
    const code = defer ? ev.settings.codes.relay - 100 : ev.settings.codes.relay;
    return ev.reject('policy', code, defer ? '4.7.1' : '5.7.1', `<${rcpt}>: Relay access denied`);
  };
}

export function destination(ev: Evaluation, rcpt: string): ReturnType<typeof classifyRecipient> {
  try {
    return classifyRecipient(rcpt, ev.settings.destinations);
  } catch (err) {
    throw new LookupRetry(
      rcpt,
      `mydestination/relay_domains lookup: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

const permitAuthDestination: Restriction = (ev) => {
  const rcpt = ev.facts.recipient;
  if (rcpt === undefined) return DUNNO;
  const where = destination(ev, rcpt);
  return authorized(where) ? OK : DUNNO;
};

export function relayRestrictions(): [string, Restriction][] {
  return [
    ['reject_unauth_destination', unauthDestination(false)],
    ['defer_unauth_destination', unauthDestination(true)],
    ['permit_auth_destination', permitAuthDestination],
  ];
}
