// Host-name and address syntax as Postfix's valid_hostname() and
// valid_hostaddr() judge it, for reject_invalid_helo_hostname and the
// reject_non_fqdn_* restrictions.
import { parseIpAddress } from '../../x509/index.js';

// Postfix VALID_LABEL_LEN and VALID_HOSTNAME_LEN.
const MAX_LABEL = 63;
const MAX_NAME = 255;

/** Letters, digits, `_` (Postfix: "grr..") and inner hyphens; not all-numeric. */
export function validHostname(name: string): boolean {
  if (name === '' || name.length > MAX_NAME) return false;
  const labels = name.split('.');
  if (
    labels.some(
      (l) =>
        l === '' ||
        l.length > MAX_LABEL ||
        !/^[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?$/.test(l),
    )
  )
    return false;
  return /[^0-9.]/.test(name);
}

export function validHostAddress(text: string): boolean {
  return (
    parseIpAddress(text.startsWith('IPv6:') || text.startsWith('ipv6:') ? text.slice(5) : text) !==
    undefined
  );
}

/** `[1.2.3.4]` or `[IPv6:…]` (RFC 5321 §4.1.3 address literal). */
export function validAddressLiteral(text: string): boolean {
  return (
    text.length > 2 &&
    text.startsWith('[') &&
    text.endsWith(']') &&
    validHostAddress(text.slice(1, -1))
  );
}

/** Postfix dup_if_truncate: one trailing dot goes, a double one stays (and fails). */
export function dropTrailingDot(name: string): string {
  return name.length > 1 && name.endsWith('.') && !name.endsWith('..') ? name.slice(0, -1) : name;
}

/** A name with a dot that passes validHostname (non-ASCII labels allowed for SMTPUTF8 sessions). */
export function fullyQualified(name: string, utf8: boolean): boolean {
  const test = dropTrailingDot(name);
  if (!test.includes('.')) return false;
  if (utf8 && /[^\x00-\x7f]/.test(test)) return validHostname(test.replace(/[^\x00-\x7f]/g, 'x'));
  return validHostname(test);
}
