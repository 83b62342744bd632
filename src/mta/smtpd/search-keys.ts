// The keys an access(5) lookup tries, in order. These are smtpd's own small
// versions; the general ones (mail_addr_find, domain and network search
// orders) belong with the lookup tables.
import { parseIpAddress } from '../../x509/index.js';

/**
 * A domain then its parents (smtpd check_domain_access): with
 * parent_domain_matches_subdomains naming smtpd_access_maps, `a.b.c`, `b.c`,
 * `c`; without it `a.b.c`, `.b.c`, `.c`. A numeric name gets no parents.
 */
export function domainKeys(domain: string, parentStyle: boolean): string[] {
  const keys = [domain];
  if (domain === '' || parseIpAddress(domain) !== undefined) return keys;
  for (let dot = domain.indexOf('.', 1); dot >= 0; dot = domain.indexOf('.', dot + 1)) {
    keys.push(parentStyle ? domain.slice(dot + 1) : domain.slice(dot));
  }
  return keys.filter((k) => k !== '' && k !== '.');
}

/** An address then its parent networks by octet or by 16-bit group (check_addr_access: `1.2.3.4`, `1.2.3`, `1.2`, `1`). */
export function addressKeys(address: string): string[] {
  const delimiter = address.includes(':') ? ':' : '.';
  const keys: string[] = [];
  for (let key = address; key !== ''; ) {
    keys.push(key);
    const at = key.lastIndexOf(delimiter);
    if (at < 0) break;
    key = key.slice(0, at);
  }
  return keys;
}

/**
 * An e-mail address for check_sender_access / check_recipient_access
 * (access(5) "EMAIL ADDRESS PATTERNS"): user+ext@domain, user@domain, the
 * domain and its parents, user+ext@, user@.
 */
export function mailAddressKeys(address: string, delimiter: string, parentStyle: boolean): string[] {
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  const domain = at < 0 ? '' : address.slice(at + 1).toLowerCase();
  const bare = delimiter === '' ? local : stripExtension(local, delimiter);
  const keys = [`${local}@${domain}`];
  if (bare !== local) keys.push(`${bare}@${domain}`);
  if (domain !== '') keys.push(...domainKeys(domain, parentStyle));
  keys.push(`${local}@`);
  if (bare !== local) keys.push(`${bare}@`);
  return keys;
}

/** recipient_delimiter: the part from the first delimiter character on is the extension. */
function stripExtension(local: string, delimiters: string): string {
  let cut = -1;
  for (const ch of delimiters) {
    const i = local.indexOf(ch);
    if (i > 0 && (cut < 0 || i < cut)) cut = i;
  }
  return cut < 0 ? local : local.slice(0, cut);
}
