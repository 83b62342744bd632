// smtpd's restriction lists as a SessionPolicy: which lists run at which
// stage (smtpd_check.c smtpd_check_client … smtpd_check_eod), and how their
// outcomes become one verdict. With smtpd_delay_reject = yes (the default)
// the client, HELO and sender lists run at each RCPT TO, before the relay
// and recipient lists; with no, each runs at its own command.
import type {
  PolicyStage,
  PolicyVerdict,
  SessionFacts,
  SessionPolicy,
} from '../../smtp/server/policy.js';
import type { Table } from '../tables/table.js';
import { builtinRestrictions } from './builtins.js';
import type { ListContext, Restriction, Status } from './evaluation.js';
import { Evaluation, LookupRetry, ServerConfigurationError } from './evaluation.js';
import { REPLY_CLASS, SERVER_CONFIGURATION_ERROR } from './reply.js';
import type { RestrictionSettings } from './settings.js';

/** The command name smtpd logs for each stage. */
const COMMAND: Record<PolicyStage, string> = {
  connect: 'CONNECT',
  helo: 'HELO',
  mail: 'MAIL',
  rcpt: 'RCPT',
  data: 'DATA',
  'end-of-data': 'END-OF-MESSAGE',
};

type ListName = keyof RestrictionSettings['lists'];

// Where Postfix turns a pending defer_if_permit into a reply; before RCPT it waits for one.
const FINAL_STAGES = new Set<PolicyStage>(['rcpt', 'data', 'end-of-data']);

interface Step {
  readonly list: ListName;
  readonly ctx: (facts: SessionFacts) => ListContext | undefined;
}

const CLIENT: Step = {
  list: 'smtpd_client_restrictions',
  ctx: (f) => ({
    replyName: `${f.clientName}[${f.clientAddress}]`,
    replyClass: REPLY_CLASS.client,
    defaultAccess: 'check_client_access',
  }),
};
// Each list runs only when its subject exists (Postfix: smtpd_check_helo(state, 0) returns at once).
const HELO: Step = {
  list: 'smtpd_helo_restrictions',
  ctx: (f) =>
    f.helo === undefined
      ? undefined
      : { replyName: f.helo, replyClass: REPLY_CLASS.helo, defaultAccess: 'check_helo_access' },
};
const SENDER: Step = {
  list: 'smtpd_sender_restrictions',
  ctx: (f) =>
    f.sender === undefined
      ? undefined
      : {
          replyName: f.sender,
          replyClass: REPLY_CLASS.sender,
          defaultAccess: 'check_sender_access',
        },
};
const recipientStep = (list: ListName): Step => ({
  list,
  ctx: (f) =>
    f.recipient === undefined
      ? undefined
      : {
          replyName: f.recipient,
          replyClass: REPLY_CLASS.recipient,
          defaultAccess: 'check_recipient_access',
        },
});
const DATA: Step = {
  list: 'smtpd_data_restrictions',
  ctx: () => ({ replyName: 'DATA', replyClass: REPLY_CLASS.data }),
};
const EOD: Step = {
  list: 'smtpd_end_of_data_restrictions',
  ctx: () => ({ replyName: 'END-OF-MESSAGE', replyClass: REPLY_CLASS.eod }),
};

// Postfix smtpd_check_init(): "People screw up the relay restrictions too often."
const RELAY_REQUIRED = ['reject_unauth_destination', 'defer_unauth_destination', 'reject', 'defer'];

export class RestrictionConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestrictionConfigError';
  }
}

/** Postfix has_required(): a list (or a class it names) that can refuse by default; a `permit` before ends the search. */
function hasRequired(
  list: readonly string[],
  classes: ReadonlyMap<string, readonly string[]>,
  depth = 0,
): boolean {
  for (let i = 0; i < list.length; i++) {
    const name = (list[i] as string).toLowerCase();
    if (name === 'warn_if_reject' && i + 1 < list.length) {
      i++;
      continue;
    }
    if (name === 'permit') return false;
    if (RELAY_REQUIRED.includes(name)) return true;
    const klass = classes.get(list[i] as string);
    if (klass !== undefined && depth < 100 && hasRequired(klass, classes, depth + 1)) return true;
  }
  return false;
}

/** The open-relay guard: startup stops unless the relay or recipient list can refuse unauthorized relaying. */
export function checkRelayRestrictions(
  settings: Pick<RestrictionSettings, 'lists' | 'restrictionClasses'>,
): void {
  const { smtpd_relay_restrictions: relay, smtpd_recipient_restrictions: rcpt } = settings.lists;
  if (
    hasRequired(relay, settings.restrictionClasses) ||
    hasRequired(rcpt, settings.restrictionClasses)
  )
    return;
  throw new RestrictionConfigError(
    `in parameter smtpd_relay_restrictions or smtpd_recipient_restrictions, specify at least one working instance of: ${RELAY_REQUIRED.slice(0, -1).join(', ')} or ${RELAY_REQUIRED.at(-1) ?? ''}`,
  );
}

/**
 * Postfix carries a defer_if_permit from the client, HELO or sender list of
 * an earlier command to RCPT; postern's policy sees one command at a time, so
 * with smtpd_delay_reject = no it refuses that configuration by name.
 */
function checkDeferIfPermit(settings: Pick<RestrictionSettings, 'lists' | 'delayReject'>): void {
  if (settings.delayReject) return;
  for (const list of [
    'smtpd_client_restrictions',
    'smtpd_helo_restrictions',
    'smtpd_sender_restrictions',
  ] as const) {
    if (settings.lists[list].some((n) => n.toLowerCase() === 'defer_if_permit')) {
      throw new RestrictionConfigError(
        `${list}: defer_if_permit with smtpd_delay_reject = no is not supported by postern (set smtpd_delay_reject = yes)`,
      );
    }
  }
}

/** Every `type:name` word in the lists and classes: the tables to open before the first session. */
export function tableSpecs(
  settings: Pick<RestrictionSettings, 'lists' | 'restrictionClasses'>,
): string[] {
  const words = [...Object.values(settings.lists), ...settings.restrictionClasses.values()].flat();
  return [...new Set(words.filter((w) => w.includes(':')))];
}

export class RestrictionPolicy implements SessionPolicy {
  private readonly tables = new Map<string, Table>();
  private readonly registry: ReadonlyMap<string, Restriction> = builtinRestrictions();

  /**
   * Checks the relay guard (RestrictionConfigError) and opens every table the
   * lists name; a table that cannot be opened stops startup (the opener's error).
   */
  constructor(
    private readonly settings: RestrictionSettings,
    openTable: (spec: string) => Table,
  ) {
    checkRelayRestrictions(settings);
    checkDeferIfPermit(settings);
    for (const spec of tableSpecs(settings)) this.tables.set(spec, openTable(spec));
  }

  close(): void {
    for (const table of this.tables.values()) table.close();
    this.tables.clear();
  }

  check(facts: SessionFacts): PolicyVerdict {
    // Postfix smtpd_check_rcpt(): mail to the bare address postmaster is never refused.
    if (facts.stage === 'rcpt' && facts.recipient?.toLowerCase() === 'postmaster')
      return { action: 'permit' };
    const ev = new Evaluation(
      facts,
      this.settings,
      this.tables,
      this.registry,
      COMMAND[facts.stage],
    );
    for (const step of this.steps(facts.stage)) {
      ev.startList();
      const status = this.runStep(ev, step);
      if (status.kind === 'reject') return { action: 'reject', ...status.reply };
      if (ev.discard !== undefined) return { action: 'discard', text: ev.discard };
    }
    // Postfix smtpd_check_rcpt/_data/_eod: a pending defer_if_permit turns the permit into its deferral.
    if (ev.deferIfPermit !== undefined && FINAL_STAGES.has(facts.stage)) {
      ev.whatsup(
        'reject',
        `${ev.deferIfPermit.code} ${ev.deferIfPermit.enhanced} ${ev.deferIfPermit.text}`,
      );
      return { action: 'reject', ...ev.deferIfPermit };
    }
    return ev.hold !== undefined ? { action: 'hold', text: ev.hold } : { action: 'permit' };
  }

  private steps(stage: PolicyStage): Step[] {
    const delay = this.settings.delayReject;
    switch (stage) {
      case 'connect':
        return delay ? [] : [CLIENT];
      case 'helo':
        return delay ? [] : [HELO];
      case 'mail':
        return delay ? [] : [SENDER];
      case 'rcpt': {
        const relay = recipientStep('smtpd_relay_restrictions');
        const rcpt = recipientStep('smtpd_recipient_restrictions');
        const pair = this.settings.relayBeforeRecipientChecks ? [relay, rcpt] : [rcpt, relay];
        return delay ? [CLIENT, HELO, SENDER, ...pair] : pair;
      }
      case 'data':
        return [DATA];
      case 'end-of-data':
        return [EOD];
    }
  }

  /** One list; a configuration or lookup error becomes Postfix's 451 for this command. */
  private runStep(ev: Evaluation, step: Step): Status {
    const ctx = step.ctx(ev.facts);
    const list = this.settings.lists[step.list];
    if (ctx === undefined || list.length === 0) return { kind: 'dunno' };
    try {
      return ev.run(list, ctx);
    } catch (err) {
      if (err instanceof ServerConfigurationError) {
        this.settings.log(`warning: ${step.list}: ${err.message}`);
        ev.whatsup('reject', `451 4.3.5 ${SERVER_CONFIGURATION_ERROR.text}`);
        return { kind: 'reject', reply: SERVER_CONFIGURATION_ERROR };
      }
      if (err instanceof LookupRetry) {
        this.settings.log(`warning: ${err.message}`);
        const reply = {
          code: 451,
          enhanced: '4.3.0',
          text: `<${err.replyName}>: Temporary lookup failure`,
        };
        ev.whatsup('reject', `451 4.3.0 ${reply.text}`);
        return { kind: 'reject', reply };
      }
      throw err;
    }
  }
}
