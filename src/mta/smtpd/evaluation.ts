// One evaluation of restriction lists for one SMTP command (Postfix
// generic_checks()): restrictions run left to right until one says OK or
// rejects; warn_if_reject turns the next restriction's rejection into a
// logged warning; a restriction class or an access-table value nests a list.
import type { SessionFacts } from '../../smtp/server/policy.js';
import type { Table } from '../tables/table.js';
import type { Reply, ReplyClass } from './reply.js';
import { makeReply } from './reply.js';
import type { RestrictionSettings } from './settings.js';

export type Status =
  | { readonly kind: 'dunno' }
  | { readonly kind: 'ok' }
  | { readonly kind: 'reject'; readonly reply: Reply };

export const DUNNO: Status = { kind: 'dunno' };
export const OK: Status = { kind: 'ok' };

/** Which list is running: whose name and class the reply texts quote, and the table check a bare `type:name` means. */
export interface ListContext {
  readonly replyName: string;
  readonly replyClass: ReplyClass;
  /** check_client_access for smtpd_client_restrictions, …; none for DATA and END-OF-MESSAGE. */
  readonly defaultAccess?: string;
}

/** Postfix reject_server_error(): `451 4.3.5 Server configuration error` and a warning. */
export class ServerConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerConfigurationError';
  }
}

/** Postfix reject_dict_retry(): `451 4.3.0 <name>: Temporary lookup failure`. */
export class LookupRetry extends Error {
  constructor(
    readonly replyName: string,
    message: string,
  ) {
    super(message);
    this.name = 'LookupRetry';
  }
}

/** Postfix's error classes: only policy rejections can be turned into warnings. */
export type ErrorClass = 'policy' | 'protocol' | 'software' | 'data';

/** A restriction: reads its arguments through `next`, and returns a status. */
export type Restriction = (
  ev: Evaluation,
  ctx: ListContext,
  next: (name: string) => string,
) => Status;

// Postfix check_table_result(): "Don't get carried away with recursion."
const MAX_RECURSION = 100;

export class Evaluation {
  private warnIfReject = 0;
  private recursion = 0;
  /** Set by a DISCARD action: the rest is skipped and the mail is accepted and dropped. */
  discard: string | undefined;
  /** Set by a HOLD action: accepted into the hold queue unless something rejects. */
  hold: string | undefined;
  /** defer_if_permit: the reply that replaces a final "permit" of this command. */
  deferIfPermit: Reply | undefined;
  /** defer_if_reject: the reply that replaces the next 5xx rejection of this list. */
  private deferIfReject: Reply | undefined;

  constructor(
    readonly facts: SessionFacts,
    readonly settings: RestrictionSettings,
    readonly tables: ReadonlyMap<string, Table>,
    private readonly registry: ReadonlyMap<string, Restriction>,
    readonly command: string,
  ) {}

  get depth(): number {
    return this.recursion;
  }

  log(message: string): void {
    this.settings.log(message);
  }

  /** The table a check_*_access argument names (opened when the policy was built). */
  table(spec: string): Table {
    const table = this.tables.get(spec);
    if (table === undefined) throw new ServerConfigurationError(`unexpected dictionary: ${spec}`);
    return table;
  }

  /**
   * smtpd_check_reject(): a reply, or a logged warning under warn_if_reject.
   * After defer_if_reject, a 5xx becomes that deferral instead.
   */
  reject(errorClass: ErrorClass, code: number, dsn: string, text: string): Status {
    const reply = makeReply(code, dsn, text, (m) => this.log(`warning: ${m}`));
    const warnOnly =
      this.warnIfReject > 0 && (errorClass === 'policy' || errorClass === 'protocol');
    if (!warnOnly && this.deferIfReject !== undefined && reply.code >= 500) {
      const deferred = this.deferIfReject;
      this.deferIfReject = undefined;
      this.whatsup('reject', `${deferred.code} ${deferred.enhanced} ${deferred.text}`);
      return { kind: 'reject', reply: deferred };
    }
    this.whatsup(
      warnOnly ? 'reject_warning' : 'reject',
      `${reply.code} ${reply.enhanced} ${reply.text}`,
    );
    return warnOnly ? DUNNO : { kind: 'reject', reply };
  }

  /** Postfix defer_if(): remember the first reason to defer (defer_if_permit / defer_if_reject); warn_if_reject makes it a warning. */
  deferIf(which: 'permit' | 'reject', code: number, dsn: string, text: string): Status {
    const reply = makeReply(code, dsn, text, (m) => this.log(`warning: ${m}`));
    if (this.warnIfReject > 0) {
      this.whatsup('reject_warning', `${reply.code} ${reply.enhanced} ${reply.text}`);
      return DUNNO;
    }
    if (which === 'permit') this.deferIfPermit ??= reply;
    else this.deferIfReject ??= reply;
    return DUNNO;
  }

  /** SMTPD_CHECK_RESET(): each list starts without defer_if_reject; defer_if_permit carries on to the end of the command. */
  startList(): void {
    this.deferIfReject = undefined;
    this.warnIfReject = 0;
    this.recursion = 0;
  }

  /** Postfix log_whatsup(): `reject: RCPT from name[addr]: 554 5.7.1 …; from=<…> to=<…> helo=<…>`. */
  whatsup(what: string, text: string): void {
    const f = this.facts;
    const parts = [`from=<${f.sender ?? ''}>`];
    if (f.recipient !== undefined) parts.push(`to=<${f.recipient}>`);
    if (f.helo !== undefined) parts.push(`helo=<${f.helo}>`);
    this.log(
      `${what}: ${this.command} from ${f.clientName}[${f.clientAddress}]: ${text}; ${parts.join(' ')}`,
    );
  }

  /** Runs one restriction list. */
  run(list: readonly string[], ctx: ListContext): Status {
    if (this.recursion >= MAX_RECURSION)
      throw new ServerConfigurationError(`restriction list nesting deeper than ${MAX_RECURSION}`);
    this.recursion++;
    try {
      return this.loop(list, ctx);
    } finally {
      this.recursion--;
      if (this.warnIfReject >= this.recursion) this.warnIfReject = 0;
    }
  }

  private loop(list: readonly string[], ctx: ListContext): Status {
    let status: Status = DUNNO;
    for (let i = 0; i < list.length && this.discard === undefined; i++) {
      const name = list[i] as string;
      if (name.toLowerCase() === 'warn_if_reject') {
        if (this.warnIfReject === 0) this.warnIfReject = this.recursion;
        continue;
      }
      const next = (of: string): string => {
        const arg = list[i + 1];
        i++;
        if (arg === undefined)
          throw new ServerConfigurationError(`restriction ${of} needs an argument`);
        return arg;
      };
      status = this.one(name, ctx, next);
      if (this.warnIfReject >= this.recursion) this.warnIfReject = 0;
      if (status.kind !== 'dunno') break;
      // Postfix: both deferrals pending, nothing further can change the answer.
      if (this.deferIfPermit !== undefined && this.deferIfReject !== undefined) break;
    }
    return status;
  }

  private one(name: string, ctx: ListContext, next: (name: string) => string): Status {
    // A bare type:name is short for the list's own access check (Postfix generic_checks()).
    if (name.includes(':')) {
      if (ctx.defaultAccess === undefined) {
        throw new ServerConfigurationError(
          `specify one of (check_client_access, check_helo_access, check_sender_access, check_recipient_access) before ${ctx.replyClass} restriction "${name}"`,
        );
      }
      const access = this.registry.get(ctx.defaultAccess) as Restriction;
      return access(this, ctx, () => name);
    }
    const restriction = this.registry.get(name.toLowerCase());
    if (restriction !== undefined) return restriction(this, ctx, next);
    const klass = this.settings.restrictionClasses.get(name);
    if (klass !== undefined) return this.run(klass, ctx);
    throw new ServerConfigurationError(`unknown smtpd restriction: "${name}"`);
  }
}
