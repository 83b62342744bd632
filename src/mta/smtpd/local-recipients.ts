// local_recipient_maps (postconf(5)): mail for a local domain whose user none
// of the tables lists is refused at RCPT TO with 550 5.1.1, so unknown users
// never become bounces (Postfix smtpd_check_rcpt_maps). An empty parameter
// accepts every local user.
import type { PolicyVerdict, SessionFacts, SessionPolicy } from '../../smtp/server/policy.js';
import type { Table } from '../tables/table.js';
import { classifyRecipient, type DestinationConfig } from './destinations.js';

export interface LocalRecipientCheck {
  readonly tables: readonly Table[];
  readonly destinations: DestinationConfig;
  readonly recipientDelimiter: string;
}

function known(tables: readonly Table[], address: string, delimiter: string): boolean {
  const at = address.lastIndexOf('@');
  const local = (at < 0 ? address : address.slice(0, at)).toLowerCase();
  const cut = [...local].findIndex((c) => delimiter.includes(c));
  const keys = [address.toLowerCase(), local, ...(delimiter !== '' && cut > 0 ? [local.slice(0, cut)] : [])];
  return tables.some((t) => keys.some((k) => t.lookup(k) !== undefined));
}

/** Runs `inner` first; a permitted recipient in a local domain must then be a known user. */
export function withLocalRecipientCheck(inner: SessionPolicy, check: LocalRecipientCheck): SessionPolicy {
  return {
    async check(facts: SessionFacts): Promise<PolicyVerdict> {
      const verdict = await inner.check(facts);
      if (verdict.action === 'reject' || facts.stage !== 'rcpt' || facts.recipient === undefined || check.tables.length === 0) return verdict;
      if (classifyRecipient(facts.recipient, check.destinations) !== 'final') return verdict;
      if (facts.recipient.toLowerCase() === 'postmaster' || known(check.tables, facts.recipient, check.recipientDelimiter)) return verdict;
      return { action: 'reject', code: 550, enhanced: '5.1.1', text: `<${facts.recipient}>: Recipient address rejected: User unknown in local recipient table` };
    },
  };
}
