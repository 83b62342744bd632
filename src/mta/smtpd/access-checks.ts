// The access(5) table restrictions by what they look up: check_client_access,
// check_helo_access, check_sender_access, check_recipient_access and
// check_sasl_access.
import {
  checkClientAccess,
  checkDomainAccess,
  checkMailAccess,
  lookupAccess,
  tableArgument,
} from './access.js';
import type { Evaluation, ListContext, Restriction, Status } from './evaluation.js';
import { DUNNO } from './evaluation.js';
import { REPLY_CLASS } from './reply.js';
import { destination } from './relay-checks.js';

function accessCheck(
  command: string,
  check: (ev: Evaluation, spec: string) => Status,
): Restriction {
  return (ev, _ctx, next) => check(ev, tableArgument(command, next));
}

const clientCtx = (ev: Evaluation): ListContext => ({
  replyName: `${ev.facts.clientName}[${ev.facts.clientAddress}]`,
  replyClass: REPLY_CLASS.client,
  defaultAccess: 'check_client_access',
});
const heloCtx = (helo: string): ListContext => ({
  replyName: helo,
  replyClass: REPLY_CLASS.helo,
  defaultAccess: 'check_helo_access',
});
const senderCtx = (sender: string): ListContext => ({
  replyName: sender,
  replyClass: REPLY_CLASS.sender,
  defaultAccess: 'check_sender_access',
});
const recipientCtx = (rcpt: string): ListContext => ({
  replyName: rcpt,
  replyClass: REPLY_CLASS.recipient,
  defaultAccess: 'check_recipient_access',
});

const checkHelo = (ev: Evaluation, spec: string): Status => {
  const helo = ev.facts.helo;
  return helo === undefined ? DUNNO : checkDomainAccess(ev, spec, helo, heloCtx(helo)).status;
};

const checkSender = (ev: Evaluation, spec: string): Status => {
  const s = ev.facts.sender;
  return s === undefined ? DUNNO : checkMailAccess(ev, spec, s, senderCtx(s));
};

const checkRecipient = (ev: Evaluation, spec: string): Status => {
  const rcpt = ev.facts.recipient;
  if (rcpt === undefined) return DUNNO;
  const status = checkMailAccess(ev, spec, rcpt, recipientCtx(rcpt));
  // Postfix SUSPICIOUS(): an OK for a source-routed recipient counts for nothing.
  return status.kind === 'ok' && destination(ev, rcpt) === 'routed' ? DUNNO : status;
};

/** check_sasl_access: the SASL login name as the key, for authenticated sessions only. */
const checkSasl = (ev: Evaluation, spec: string): Status => {
  const user = ev.facts.saslUser;
  if (user === undefined || user === '') return DUNNO;
  const ctx: ListContext = {
    replyName: user.replace(/[^\x20-\x7e]/g, '_'),
    replyClass: REPLY_CLASS.saslUser,
    defaultAccess: 'check_sasl_access',
  };
  return lookupAccess(ev, spec, [user], ctx).status;
};

export function accessRestrictions(): [string, Restriction][] {
  return [
    [
      'check_client_access',
      accessCheck('check_client_access', (ev, spec) => checkClientAccess(ev, spec, clientCtx(ev))),
    ],
    ['check_helo_access', accessCheck('check_helo_access', checkHelo)],
    ['check_sender_access', accessCheck('check_sender_access', checkSender)],
    ['check_recipient_access', accessCheck('check_recipient_access', checkRecipient)],
    ['check_sasl_access', accessCheck('check_sasl_access', checkSasl)],
  ];
}
