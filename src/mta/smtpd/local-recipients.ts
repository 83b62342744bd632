// local_recipient_maps (postconf(5)): mail for a local domain whose user none
// of the tables lists is refused at RCPT TO with 550 5.1.1, so unknown users
// never become bounces (Postfix smtpd_check_rcpt_maps). An empty parameter
// accepts every local user. A recipient virtual_alias_maps rewrites is valid
// whatever its domain, and one in virtual_alias_domains must be there
// (smtpd_check.c check_rcpt_maps).
import type { PolicyVerdict, SessionFacts, SessionPolicy } from '../../smtp/server/policy.js';
import type { VirtualAliases } from '../cleanup/virtual-aliases.js';
import type { Table } from '../tables/table.js';
import { classifyRecipient, type DestinationConfig } from './destinations.js';

export interface LocalRecipientCheck {
  readonly tables: readonly Table[];
  readonly destinations: DestinationConfig;
  readonly recipientDelimiter: string;
  readonly virtualAliases?: VirtualAliases;
  /** unknown_virtual_alias_reject_code (550). */
  readonly unknownVirtualAliasCode?: number;
}

function known(tables: readonly Table[], address: string, delimiter: string): boolean {
  const at = address.lastIndexOf('@');
  const local = (at < 0 ? address : address.slice(0, at)).toLowerCase();
  const cut = [...local].findIndex((c) => delimiter.includes(c));
  const keys = [
    address.toLowerCase(),
    local,
    ...(delimiter !== '' && cut > 0 ? [local.slice(0, cut)] : []),
  ];
  return tables.some((t) => keys.some((k) => t.lookup(k) !== undefined));
}

/** Runs `inner` first; a permitted recipient in a local domain must then be a known user. */
export function withLocalRecipientCheck(
  inner: SessionPolicy,
  check: LocalRecipientCheck,
): SessionPolicy {
  return {
    async check(facts: SessionFacts): Promise<PolicyVerdict> {
      const verdict = await inner.check(facts);
      const rcpt = facts.recipient;
      if (verdict.action === 'reject' || facts.stage !== 'rcpt' || rcpt === undefined)
        return verdict;
      if (check.virtualAliases?.find(rcpt) !== undefined) return verdict;
      const where = classifyRecipient(rcpt, check.destinations);
      if (where === 'virtual-alias') {
        const code = check.unknownVirtualAliasCode ?? 550;
        return {
          action: 'reject',
          code,
          enhanced: code >= 500 ? '5.1.1' : '4.1.1',
          text: `<${rcpt}>: Recipient address rejected: User unknown in virtual alias table`,
        };
      }
      if (where !== 'final' || check.tables.length === 0) return verdict;
      if (
        rcpt.toLowerCase() === 'postmaster' ||
        known(check.tables, rcpt, check.recipientDelimiter)
      )
        return verdict;
      return {
        action: 'reject',
        code: 550,
        enhanced: '5.1.1',
        text: `<${rcpt}>: Recipient address rejected: User unknown in local recipient table`,
      };
    },
  };
}
