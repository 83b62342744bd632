import { formatAddress, parseAddress, unmapIPv4 } from './ip-address.js';
import type { Table } from './table.js';

// The partial-key search orders of access(5) and postconf(5). A pattern
// table (regexp:, pcre:, cidr:) is queried with the whole string only
// (regexp_table(5) "TABLE SEARCH ORDER").

export interface Found {
  value: string;
  /** The key that matched (the whole string for a pattern table). */
  key: string;
}

export interface DomainSearchOptions {
  /**
   * parent_domain_matches_subdomains lists this feature (e.g.
   * smtpd_access_maps): `example.com` also matches sub.example.com;
   * otherwise only `.example.com` does.
   */
  parentMatchesSubdomains: boolean;
}

export interface AddressSearchOptions extends DomainSearchOptions {
  /** recipient_delimiter: each character separates the extension (Postfix 2.11 allows several). */
  recipientDelimiter: string;
}

function first(table: Table, keys: Iterable<string>): Found | undefined {
  for (const key of keys) {
    const value = table.lookup(key);
    if (value !== undefined) return { value, key };
  }
  return undefined;
}

/** sub.example.com, then example.com, com (parent style) or .example.com, .com (dot style); a numeric name gets no parents. */
export function domainKeys(domain: string, options: DomainSearchOptions): string[] {
  const name = domain.toLowerCase().replace(/\.$/, '');
  const keys = [name];
  if (parseAddress(name) !== undefined) return keys;
  const labels = name.split('.');
  for (let i = 1; i < labels.length; i++) {
    const parent = labels.slice(i).join('.');
    keys.push(options.parentMatchesSubdomains ? parent : '.' + parent);
  }
  return keys;
}

export function lookupDomain(
  table: Table,
  domain: string,
  options: DomainSearchOptions,
): Found | undefined {
  if (table.pattern) return first(table, [domain]);
  return first(table, domainKeys(domain, options));
}

/** The local part without its extension (user+foo → user), or undefined when there is none. */
function stripExtension(local: string, delimiters: string): string | undefined {
  if (delimiters === '') return undefined;
  for (let i = 0; i < local.length; i++) {
    if (delimiters.includes(local[i] as string) && i > 0) return local.slice(0, i);
  }
  return undefined;
}

/** access(5) EMAIL ADDRESS EXTENSION: user+foo@domain, user@domain, the domain search, user+foo@, user@. */
export function addressKeys(address: string, options: AddressSearchOptions): string[] {
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  const domain = at < 0 ? '' : address.slice(at + 1).toLowerCase();
  const bare = stripExtension(local, options.recipientDelimiter);
  const keys: string[] = [];
  if (domain !== '') {
    keys.push(`${local}@${domain}`);
    if (bare !== undefined) keys.push(`${bare}@${domain}`);
    keys.push(...domainKeys(domain, options));
  }
  keys.push(`${local}@`);
  if (bare !== undefined) keys.push(`${bare}@`);
  return keys;
}

export function lookupAddress(
  table: Table,
  address: string,
  options: AddressSearchOptions,
): Found | undefined {
  if (table.pattern) return first(table, [address]);
  return first(table, addressKeys(address, options));
}

/**
 * The default search order of Postfix's mail_addr_find() (smtpd_sender_login_maps;
 * not access(5)): user+ext@domain, user@domain, then the bare local part(s)
 * when the domain is this host's own, then @domain.
 */
export function mailAddrFindKeys(
  address: string,
  recipientDelimiter: string,
  localDomain: boolean,
): string[] {
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  const domain = at < 0 ? '' : address.slice(at + 1).toLowerCase();
  const bare = stripExtension(local, recipientDelimiter);
  if (domain === '') return [local];
  const keys = [`${local}@${domain}`];
  if (bare !== undefined) keys.push(`${bare}@${domain}`);
  if (localDomain) keys.push(local, ...(bare !== undefined ? [bare] : []));
  keys.push(`@${domain}`);
  return keys;
}

/**
 * access(5) HOST NAME/ADDRESS PATTERNS: 1.2.3.4, 1.2.3, 1.2, 1; IPv6 in
 * compressed form, truncating the last ":octetpair" each time (2001:db8::1,
 * 2001:db8:, 2001:db8, 2001). An IPv4-mapped address (::ffff:1.2.3.4) is
 * searched as the IPv4 address, as smtpd(8) reports such clients.
 */
export function clientAddressKeys(address: string): string[] {
  const bytes = parseAddress(address.replace(/^\[(.*)\]$/, '$1').replace(/^ipv6:/i, ''));
  if (bytes === undefined) return [address];
  const normal = formatAddress(unmapIPv4(bytes) ?? bytes);
  const delimiter = normal.includes(':') ? ':' : '.';
  const keys = [normal];
  for (
    let cut = normal.lastIndexOf(delimiter);
    cut > 0;
    cut = keys[keys.length - 1]!.lastIndexOf(delimiter)
  ) {
    keys.push(keys[keys.length - 1]!.slice(0, cut));
  }
  return keys;
}

export function lookupClientAddress(table: Table, address: string): Found | undefined {
  if (table.pattern) return first(table, [address]);
  return first(table, clientAddressKeys(address));
}
