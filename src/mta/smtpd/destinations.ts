// Where a recipient goes, for reject_unauth_destination: final delivery
// (mydestination, or an address literal naming this host) or relay
// (relay_domains). A domain list holds names, `.name` for subdomains, `!`
// exclusions and lookup tables, first match wins (Postfix match_list);
// parent_domain_matches_subdomains decides whether `name` also matches its
// subdomains.
import type { Table } from '../tables/table.js';
import { domainKeys } from '../tables/search.js';
import { dropTrailingDot } from './hostname.js';
import { parseAddress } from './networks.js';

export type DomainListEntry = string | Table;

export interface DomainList {
  readonly parameter: string;
  readonly entries: readonly DomainListEntry[];
  /** True when parent_domain_matches_subdomains names this parameter. */
  readonly parentMatches: boolean;
}

function patternMatches(pattern: string, domain: string, parentMatches: boolean): boolean {
  const p = pattern.toLowerCase();
  if (p.startsWith('.')) return domain.endsWith(p);
  return domain === p || (parentMatches && domain.endsWith(`.${p}`));
}

/** Throws what the table throws (a lookup error is the caller's temporary failure). */
export function matchDomainList(list: DomainList, domainIn: string): boolean {
  const domain = dropTrailingDot(domainIn).toLowerCase();
  for (const entry of list.entries) {
    if (typeof entry !== 'string') {
      if (
        domainKeys(domain, { parentMatchesSubdomains: list.parentMatches }).some(
          (k) => entry.lookup(k) !== undefined,
        )
      )
        return true;
      continue;
    }
    const negated = entry.startsWith('!');
    if (patternMatches(negated ? entry.slice(1) : entry, domain, list.parentMatches))
      return !negated;
  }
  return false;
}

export interface DestinationConfig {
  readonly mydestination: DomainList;
  readonly relayDomains: DomainList;
  /** This host's addresses (inet_interfaces, proxy_interfaces): `user@[addr]` for one of them is final. */
  readonly localAddresses: readonly string[];
  /** virtual_alias_domains: every address there must be in virtual_alias_maps (Postfix's virtual alias class). */
  readonly virtualAliasDomains?: DomainList;
}

export type Destination = 'final' | 'virtual-alias' | 'relay' | 'other' | 'routed';

function sameAddress(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function literalIsLocal(literal: string, local: readonly string[]): boolean {
  const text = literal.slice(1, -1).replace(/^ipv6:/i, '');
  const bytes = parseAddress(text);
  return (
    bytes !== undefined &&
    local.some((l) => {
      const mine = parseAddress(l);
      return mine !== undefined && sameAddress(mine, bytes);
    })
  );
}

/**
 * The class of `address` (a bare local part is taken as ours, as
 * trivial-rewrite appends $myorigin). A local part with `@`, `!` or `%` is
 * source-routed and never authorized (allow_untrusted_routing = no; the
 * percent hack and bang paths would turn it into mail for somewhere else).
 */
export function classifyRecipient(address: string, config: DestinationConfig): Destination {
  const at = address.lastIndexOf('@');
  if (at < 0) return 'final';
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (/[@!%]/.test(local)) return 'routed';
  if (domain.startsWith('[') && domain.endsWith(']'))
    return literalIsLocal(domain, config.localAddresses) ? 'final' : 'other';
  if (matchDomainList(config.mydestination, domain)) return 'final';
  // trivial-rewrite's class order: local, then virtual alias, then relay.
  if (
    config.virtualAliasDomains !== undefined &&
    matchDomainList(config.virtualAliasDomains, domain)
  )
    return 'virtual-alias';
  if (matchDomainList(config.relayDomains, domain)) return 'relay';
  return 'other';
}

export interface DomainListOptions {
  /** parent_domain_matches_subdomains, as parameter names. */
  readonly parentDomainMatchesSubdomains: readonly string[];
  readonly openTable: (spec: string) => Table;
  /** Reads a `/file/name` entry (Postfix replaces it by the file's patterns). */
  readonly readFile: (path: string) => string;
}

function listWords(text: string): string[] {
  return text.split(/[\s,]+/).filter((w) => w !== '');
}

/**
 * A mydestination / relay_domains value as Postfix reads it: names and
 * patterns separated by commas or white space, `type:name` tables, and
 * `/file/name` entries whose contents (minus # comments) stand in their place.
 */
export function parseDomainList(
  parameter: string,
  value: string,
  options: DomainListOptions,
): DomainList {
  const entries: DomainListEntry[] = [];
  for (const word of listWords(value)) {
    if (word.startsWith('/')) {
      const text = options.readFile(word).replace(/#.*$/gm, '');
      entries.push(...listWords(text).map((w) => (w.includes(':') ? options.openTable(w) : w)));
    } else {
      entries.push(word.includes(':') ? options.openTable(word) : word);
    }
  }
  return {
    parameter,
    entries,
    parentMatches: options.parentDomainMatchesSubdomains.includes(parameter),
  };
}
