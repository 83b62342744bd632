// access(5) tables in restrictions (check_client_access, check_helo_access,
// check_sender_access, check_recipient_access): the search order per kind of
// key, and what a found value means (Postfix check_table_result()).
import type { Table } from '../tables/table.js';
import type { Evaluation, ListContext, Status } from './evaluation.js';
import { DUNNO, OK, ServerConfigurationError } from './evaluation.js';
import { fixDsn, splitDsn } from './reply.js';
import { addressKeys, clientAddressKeys, domainKeys } from '../tables/search.js';

// Postfix: a failed lookup is answered as if the table had held this value.
const LOOKUP_ERROR_VALUE = '451 4.3.5 Server configuration error';

// Actions of access(5) that postern does not carry out: refusing them names them, never ignores them.
const UNSUPPORTED_ACTIONS = new Set(['FILTER', 'REDIRECT', 'BCC', 'PREPEND', 'HANGUP']);

function rejectText(ctx: ListContext, text: string, fallback: string): string {
  return `<${ctx.replyName}>: ${ctx.replyClass} rejected: ${text !== '' ? text : fallback}`;
}

function actionText(ctx: ListContext, text: string, fallback: string): string {
  return `<${ctx.replyName}>: ${ctx.replyClass} ${text !== '' ? text : fallback}`;
}

/** The `type:name` argument of a check_*_access restriction. */
export function tableArgument(command: string, next: (name: string) => string): string {
  const arg = next(command);
  if (!arg.includes(':'))
    throw new ServerConfigurationError(
      `restriction ${command}: bad argument "${arg}": need maptype:mapname`,
    );
  return arg;
}

/** What a found access-table value means (access(5) "ACCEPT ACTIONS", "REJECT ACTIONS", "OTHER ACTIONS"). */
export function tableResult(
  ev: Evaluation,
  table: string,
  value: string,
  ctx: ListContext,
): Status {
  const m = /^(\S*)\s*(.*)$/s.exec(value.trim()) as RegExpExecArray;
  const command = m[1] as string;
  const text = m[2] as string;
  const upper = command.toUpperCase();
  const codes = ev.settings.codes;
  if (upper === 'DUNNO') return DUNNO;
  if (upper === 'OK' || upper === 'RELAY' || /^\d+$/.test(value.trim())) return OK;
  if (upper === 'REJECT' || upper === 'DEFER') {
    const reject = upper === 'REJECT';
    const split = splitDsn(reject ? '5.7.1' : '4.7.1', text);
    return ev.reject(
      'policy',
      reject ? codes.accessMapReject : codes.accessMapDefer,
      fixDsn(split.dsn, ctx.replyClass),
      rejectText(ctx, split.text, 'Access denied'),
    );
  }
  if (/^[45]\d\d$/.test(command) && text !== '') {
    const split = splitDsn(`${command[0]}.7.1`, text);
    return ev.reject(
      'policy',
      Number(command),
      fixDsn(split.dsn, ctx.replyClass),
      rejectText(ctx, split.text, 'Access denied'),
    );
  }
  if (upper === 'DEFER_IF_PERMIT' || upper === 'DEFER_IF_REJECT') {
    const split = splitDsn('4.7.1', text);
    if (
      upper === 'DEFER_IF_PERMIT' &&
      !ev.settings.delayReject &&
      !['rcpt', 'data', 'end-of-data'].includes(ev.facts.stage)
    ) {
      throw new ServerConfigurationError(
        `access table ${table}: DEFER_IF_PERMIT before RCPT with smtpd_delay_reject = no is not supported by postern`,
      );
    }
    return ev.deferIf(
      upper === 'DEFER_IF_PERMIT' ? 'permit' : 'reject',
      codes.accessMapDefer,
      fixDsn(split.dsn, ctx.replyClass),
      rejectText(ctx, split.text, 'Service unavailable'),
    );
  }
  if (upper === 'HOLD') {
    ev.hold ??= actionText(ctx, text, 'triggers HOLD action');
    ev.whatsup('hold', ev.hold);
    return DUNNO;
  }
  if (upper === 'DISCARD') {
    ev.discard = actionText(ctx, text, 'triggers DISCARD action');
    ev.whatsup('discard', ev.discard);
    return OK;
  }
  if (upper === 'INFO' || upper === 'WARN') {
    ev.whatsup(upper.toLowerCase(), text);
    return DUNNO;
  }
  if (UNSUPPORTED_ACTIONS.has(upper))
    throw new ServerConfigurationError(
      `access table ${table}: action ${upper} is not supported by postern`,
    );
  if (value.includes(':')) {
    throw new ServerConfigurationError(
      `access table ${table} has entry with lookup table: ${value}; define a restriction class and specify its name instead`,
    );
  }
  const nested = value.split(/[\s,]+/).filter((w) => w !== '');
  if (nested.length === 0) {
    ev.log(`warning: access table ${table} entry has empty value`);
    return OK;
  }
  return ev.run(nested, ctx);
}

/** regexp: and pcre: tables see the whole key only (Postfix DICT_FLAG_FIXED partial keys). */
function keysFor(table: Table, keys: string[]): string[] {
  return /^(regexp|pcre):/i.test(table.spec) ? keys.slice(0, 1) : keys;
}

export interface AccessOutcome {
  readonly status: Status;
  readonly found: boolean;
}

/** Tries the keys in order; the first hit's value decides. */
export function lookupAccess(
  ev: Evaluation,
  spec: string,
  keys: string[],
  ctx: ListContext,
): AccessOutcome {
  const table = ev.table(spec);
  for (const key of keysFor(table, keys)) {
    let value: string | undefined;
    try {
      value = table.lookup(key);
    } catch (err) {
      ev.log(
        `warning: ${spec}: lookup error for "${key}": ${err instanceof Error ? err.message : String(err)}`,
      );
      return { status: tableResult(ev, spec, LOOKUP_ERROR_VALUE, ctx), found: true };
    }
    if (value !== undefined) return { status: tableResult(ev, spec, value, ctx), found: true };
  }
  return { status: DUNNO, found: false };
}

export function checkDomainAccess(
  ev: Evaluation,
  spec: string,
  domain: string,
  ctx: ListContext,
): AccessOutcome {
  return lookupAccess(
    ev,
    spec,
    domainKeys(domain, { parentMatchesSubdomains: ev.settings.accessMapsMatchParents }),
    ctx,
  );
}

/** check_client_access: the client's name and parent domains, then its address and parent networks. */
export function checkClientAccess(ev: Evaluation, spec: string, ctx: ListContext): Status {
  const byName = checkDomainAccess(ev, spec, ev.facts.clientName, ctx);
  if (byName.status.kind !== 'dunno' || byName.found) return byName.status;
  return lookupAccess(ev, spec, clientAddressKeys(ev.facts.clientAddress), ctx).status;
}

/** check_sender_access / check_recipient_access: the address search order, `<>` for the null sender. */
export function checkMailAccess(
  ev: Evaluation,
  spec: string,
  address: string,
  ctx: ListContext,
): Status {
  if (address === '') return lookupAccess(ev, spec, [ev.settings.nullAccessLookupKey], ctx).status;
  return lookupAccess(
    ev,
    spec,
    addressKeys(address, {
      recipientDelimiter: ev.settings.recipientDelimiter,
      parentMatchesSubdomains: ev.settings.accessMapsMatchParents,
    }),
    ctx,
  ).status;
}
