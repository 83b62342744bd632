// One smtp_tls_policy_maps value (postconf(5) "TLS policy table"): a level,
// then attributes such as `match=nexthop:dot-nexthop`, `protocols=!SSLv2`,
// `ciphers=high`. Attributes postern does not implement are refused by name.
import type { SmtpTlsLevel } from './security-level.js';
import { parseSecurityLevel, TlsPolicyError } from './security-level.js';

export interface PolicyEntry {
  readonly level: SmtpTlsLevel;
  /** `match=`: names/strategies for verify and secure, fingerprints for fingerprint (`:`/`|` separated for names, `|` for fingerprints). */
  readonly match?: readonly string[];
  readonly protocols?: string;
  readonly ciphers?: string;
}

export function parsePolicyEntry(value: string, where: string): PolicyEntry {
  const [levelWord, ...attributes] = value.trim().split(/\s+/);
  if (levelWord === undefined || levelWord === '')
    throw new TlsPolicyError(`${where}: empty TLS policy`);
  const level = parseSecurityLevel(levelWord, where);
  let entry: PolicyEntry = { level };
  for (const a of attributes) {
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq).toLowerCase();
    const v = eq < 0 ? '' : a.slice(eq + 1);
    if (name === 'match') entry = { ...entry, match: splitMatch(level, v) };
    else if (name === 'protocols') entry = { ...entry, protocols: v };
    else if (name === 'ciphers') entry = { ...entry, ciphers: v };
    else
      throw new TlsPolicyError(
        `${where}: TLS policy attribute "${name}" is not supported by postern`,
      );
  }
  return entry;
}

/** Fingerprints contain `:`, so they are separated by `|` only; names by `:` or `|` (postconf(5)). */
function splitMatch(level: SmtpTlsLevel, v: string): string[] {
  const parts = level === 'fingerprint' ? v.split('|') : v.split(/[:|]/);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}
