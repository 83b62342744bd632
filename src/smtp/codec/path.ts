// RFC 5321 §4.1.2 paths: `<>`, `<local@domain>`, `<@relay,@relay:local@domain>`
// (the source route is parsed and ignored, §4.1.1.3 / Appendix C), with
// quoted local parts; RFC 6531 §3.3 UTF-8 in both parts.

export type PathResult =
  { ok: true; address: string; rest: string; unicode: boolean } | { ok: false; why: string };

const ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10ffff}]+$/u;
const DOMAIN_LABEL =
  /^[A-Za-z0-9\u0080-\u{10ffff}]([A-Za-z0-9\-\u0080-\u{10ffff}]*[A-Za-z0-9\u0080-\u{10ffff}])?$/u;

/**
 * Parses the path at the start of `text` (after `FROM:` / `TO:`). Postfix
 * (smtpd_strict_rfc821_envelopes = no) also takes an address without angle
 * brackets; `allowBare` says whether a domainless mailbox (RCPT TO:<postmaster>) may pass.
 */
export function parsePath(text: string, allowBare: boolean): PathResult {
  const s = text.trimStart();
  if (!s.startsWith('<')) return parseUnbracketed(s, allowBare);
  const end = closingBracket(s);
  if (end < 0) return { ok: false, why: 'no closing >' };
  const inner = s.slice(1, end);
  const rest = s.slice(end + 1);
  if (inner === '') return { ok: true, address: '', rest, unicode: false };
  const mailbox = stripSourceRoute(inner);
  if (mailbox === undefined) return { ok: false, why: 'bad source route' };
  const checked = checkMailbox(mailbox, allowBare);
  return checked === undefined
    ? { ok: true, address: mailbox, rest, unicode: /[^\x00-\x7f]/.test(mailbox) }
    : { ok: false, why: checked };
}

function parseUnbracketed(s: string, allowBare: boolean): PathResult {
  const at = s.search(/\s/);
  const mailbox = at < 0 ? s : s.slice(0, at);
  if (mailbox === '') return { ok: false, why: 'empty address' };
  const checked = checkMailbox(mailbox, allowBare);
  return checked === undefined
    ? {
        ok: true,
        address: mailbox,
        rest: at < 0 ? '' : s.slice(at),
        unicode: /[^\x00-\x7f]/.test(mailbox),
      }
    : { ok: false, why: checked };
}

/** The index of the `>` closing the path, skipping quoted strings (`"a>b"@x`). */
function closingBracket(s: string): number {
  let quoted = false;
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (c === '>' && !quoted) return i;
  }
  return -1;
}

/** `@a,@b:user@d` → `user@d` (RFC 5321 §4.1.2 A-d-l, ignored as Appendix C allows). */
function stripSourceRoute(inner: string): string | undefined {
  if (!inner.startsWith('@')) return inner;
  const colon = inner.indexOf(':');
  if (colon < 0) return undefined;
  const route = inner.slice(0, colon).split(',');
  if (!route.every((r) => r.startsWith('@') && checkDomain(r.slice(1)))) return undefined;
  return inner.slice(colon + 1);
}

function checkMailbox(mailbox: string, allowBare: boolean): string | undefined {
  const at = lastAtOutsideQuotes(mailbox);
  if (at < 0) return allowBare && checkLocalPart(mailbox) ? undefined : 'no domain';
  const local = mailbox.slice(0, at);
  const domain = mailbox.slice(at + 1);
  if (!checkLocalPart(local)) return 'bad local part';
  if (!checkDomain(domain)) return 'bad domain';
  return undefined;
}

function lastAtOutsideQuotes(s: string): number {
  let quoted = false;
  let found = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (c === '@' && !quoted) found = i;
  }
  return found;
}

/** Dot-string or Quoted-string (RFC 5321 §4.1.2). */
function checkLocalPart(local: string): boolean {
  if (local.length === 0 || local.length > 64 * 4) return false;
  if (local.startsWith('"'))
    return /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e\u0080-\u{10ffff}]|\\[\x20-\x7e])*"$/u.test(local);
  return local.split('.').every((atom) => ATOM.test(atom));
}

/** Domain or address literal (`[192.0.2.1]`, `[IPv6:…]`). */
export function checkDomain(domain: string): boolean {
  if (domain.length === 0 || domain.length > 255) return false;
  if (domain.startsWith('['))
    return /^\[(?:[0-9.]+|IPv6:[0-9A-Fa-f:.]+|[A-Za-z0-9-]*[A-Za-z0-9]:[\x21-\x5a\x5e-\x7e]+)\]$/.test(
      domain,
    );
  return domain.split('.').every((label) => DOMAIN_LABEL.test(label));
}
