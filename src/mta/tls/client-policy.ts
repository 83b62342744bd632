// The effective TLS policy of one SMTP client connection, for (next hop, MX
// host), with Postfix's precedence (postconf(5), smtp_tls_policy.c):
// 1. smtp_tls_security_level, when set, is the global level; otherwise the
//    obsolete smtp_use_tls / smtp_enforce_tls / smtp_tls_enforce_peername give it.
// 2. smtp_tls_policy_maps, when configured, is looked up by next hop (then
//    its parent domains as `.domain`); a hit replaces the global level, and
//    smtp_tls_per_site is then never consulted.
// 3. Otherwise smtp_tls_per_site is looked up by next hop and by MX host name
//    (the name as the MX record gives it: no CNAME expansion, as the seed
//    says): NONE beats MAY, MUST beats NONE, and a per-site MAY never
//    weakens a stronger global level ("MAY still enforces").
// The seed's MUST_NOPEERMATCH (and enforce_tls with enforce_peername = no)
// keeps certificate verification but drops the name check, as the seed
// defines it (Postfix 2.3+ made it plain `encrypt`).
import type { Table } from '../tables/table.js';
import type { PolicyEntry } from './policy-entry.js';
import { parsePolicyEntry } from './policy-entry.js';
import type { ProtocolRange } from './protocols.js';
import { checkCipherGrade, parseProtocols } from './protocols.js';
import type { SmtpTlsLevel } from './security-level.js';
import { levelRank, parseSecurityLevel, TlsPolicyError } from './security-level.js';

export interface ClientTlsPolicyOptions {
  /** smtp_tls_security_level ('' = unset: the obsolete parameters decide). */
  readonly smtpTlsSecurityLevel?: string;
  /** smtp_use_tls (no) */
  readonly smtpUseTls?: boolean;
  /** smtp_enforce_tls (no) */
  readonly smtpEnforceTls?: boolean;
  /** smtp_tls_enforce_peername (yes) */
  readonly smtpTlsEnforcePeername?: boolean;
  /** smtp_tls_per_site */
  readonly smtpTlsPerSite?: readonly Table[];
  /** smtp_tls_policy_maps */
  readonly smtpTlsPolicyMaps?: readonly Table[];
  /** smtp_tls_verify_cert_match (hostname) */
  readonly smtpTlsVerifyCertMatch?: readonly string[];
  /** smtp_tls_secure_cert_match (nexthop, dot-nexthop) */
  readonly smtpTlsSecureCertMatch?: readonly string[];
  /** smtp_tls_fingerprint_cert_match */
  readonly smtpTlsFingerprintCertMatch?: readonly string[];
  /** smtp_tls_protocols (!SSLv2, !SSLv3): for opportunistic TLS */
  readonly smtpTlsProtocols?: string;
  /** smtp_tls_mandatory_protocols (!SSLv2, !SSLv3): for encrypt and above */
  readonly smtpTlsMandatoryProtocols?: string;
  /** smtp_tls_ciphers (medium) */
  readonly smtpTlsCiphers?: string;
  /** smtp_tls_mandatory_ciphers (medium) */
  readonly smtpTlsMandatoryCiphers?: string;
}

/** What a name in the server certificate must be, per match strategy. */
export type NameMatcher =
  | { readonly kind: 'exact'; readonly name: string }
  | { readonly kind: 'subdomain'; readonly parent: string };

export interface ClientTlsPolicy {
  readonly level: SmtpTlsLevel;
  /** verify/secure: acceptable certificate names; an empty list means the chain must verify but any name will do (MUST_NOPEERMATCH). */
  readonly names: readonly NameMatcher[];
  /** fingerprint: acceptable certificate or public-key fingerprints (upper-case hex with colons). */
  readonly fingerprints: readonly string[];
  readonly protocols: ProtocolRange;
  /** Which parameter decided the level (for logs). */
  readonly source: string;
  /** True when a policy table or per-site entry matched (smtp_tls_note_starttls_offer logs only without one). */
  readonly fromTable: boolean;
}

export type PolicyAnswer =
  | { readonly ok: true; readonly policy: ClientTlsPolicy }
  | { readonly ok: false; readonly reason: string };

type Legacy = { level: SmtpTlsLevel; nameCheck: boolean };

/** The one entry point: the policy for `nexthop` (domain or `[host]:port`) and the MX host it resolved to. */
export function clientTlsPolicy(
  nexthop: string,
  mxHost: string,
  o: ClientTlsPolicyOptions,
): PolicyAnswer {
  try {
    return { ok: true, policy: decide(nexthop, mxHost, o) };
  } catch (err) {
    if (err instanceof TlsPolicyError) return { ok: false, reason: err.message };
    throw err;
  }
}

function decide(nexthop: string, mxHost: string, o: ClientTlsPolicyOptions): ClientTlsPolicy {
  const dest = nexthop.toLowerCase();
  const host = mxHost.toLowerCase().replace(/\.$/, '');
  const domain = nexthopDomain(dest);
  const global = globalLevel(o);
  const maps = o.smtpTlsPolicyMaps ?? [];
  if (maps.length > 0) {
    const hit = lookupPolicyMaps(maps, dest, domain);
    if (hit !== undefined)
      return fromEntry(hit.entry, `smtp_tls_policy_maps (${hit.key})`, true, host, domain, o);
    return fromLegacy(global, 'global', false, host, domain, o);
  }
  const site = perSite(o.smtpTlsPerSite ?? [], dest, host);
  if (site === undefined) return fromLegacy(global, 'global', false, host, domain, o);
  // A per-site MAY is a wildcard that a stronger global level overrides.
  if (site.level === 'may' && levelRank(global.level) > levelRank('may'))
    return fromLegacy(global, 'global over smtp_tls_per_site MAY', true, host, domain, o);
  return fromLegacy(site, 'smtp_tls_per_site', true, host, domain, o);
}

function globalLevel(o: ClientTlsPolicyOptions): Legacy {
  const level = (o.smtpTlsSecurityLevel ?? '').trim();
  if (level !== '')
    return { level: parseSecurityLevel(level, 'smtp_tls_security_level'), nameCheck: true };
  if (o.smtpEnforceTls === true)
    return { level: 'verify', nameCheck: o.smtpTlsEnforcePeername !== false };
  return { level: o.smtpUseTls === true ? 'may' : 'none', nameCheck: true };
}

/** `[mail.example.com]:587` → mail.example.com; `example.com:26` → example.com. */
export function nexthopDomain(nexthop: string): string {
  const bracket = /^\[([^\]]*)\](?::\d+)?$/.exec(nexthop);
  if (bracket) return bracket[1] as string;
  return nexthop.replace(/:\d+$/, '');
}

function lookupPolicyMaps(
  maps: readonly Table[],
  dest: string,
  domain: string,
): { key: string; entry: PolicyEntry } | undefined {
  const keys = [dest];
  // postconf(5): `.example.com` entries match subdomains of a domain next hop.
  if (!dest.startsWith('[')) {
    const labels = domain.split('.');
    for (let i = 1; i < labels.length; i++) keys.push(`.${labels.slice(i).join('.')}`);
  }
  for (const key of keys) {
    for (const t of maps) {
      const v = t.lookup(key);
      if (v !== undefined) return { key, entry: parsePolicyEntry(v, `${t.spec}: ${key}`) };
    }
  }
  return undefined;
}

const SITE_RANK: Record<string, number> = { NONE: 0, MAY: 1, MUST_NOPEERMATCH: 2, MUST: 3 };

/** Postfix tls_site_lookup: next hop first, then the MX host when it differs. */
function perSite(tables: readonly Table[], dest: string, host: string): Legacy | undefined {
  let found: string | undefined;
  const keys = host === nexthopDomain(dest) && !dest.startsWith('[') ? [dest] : [dest, host];
  for (const key of keys) {
    for (const t of tables) {
      const raw = t.lookup(key);
      if (raw === undefined) continue;
      const word = raw.trim().toUpperCase();
      if (SITE_RANK[word] === undefined)
        throw new TlsPolicyError(
          `${t.spec}: unknown TLS policy '${raw.trim()}' for ${key} (known: NONE, MAY, MUST, MUST_NOPEERMATCH)`,
        );
      found = combineSite(found, word);
      break;
    }
  }
  if (found === undefined) return undefined;
  return SITE_LEVELS[found];
}

/** NONE overrides MAY; MAY overrides nothing found; the MUSTs override anything weaker. */
function combineSite(current: string | undefined, next: string): string {
  if (current === undefined) return next;
  if (next === 'NONE') return (SITE_RANK[current] as number) <= SITE_RANK.MAY! ? 'NONE' : current;
  if (next === 'MAY') return current;
  return (SITE_RANK[next] as number) > (SITE_RANK[current] as number) ? next : current;
}

const SITE_LEVELS: Record<string, Legacy> = {
  NONE: { level: 'none', nameCheck: true },
  MAY: { level: 'may', nameCheck: true },
  MUST_NOPEERMATCH: { level: 'verify', nameCheck: false },
  MUST: { level: 'verify', nameCheck: true },
};

function fromLegacy(
  l: Legacy,
  source: string,
  fromTable: boolean,
  host: string,
  domain: string,
  o: ClientTlsPolicyOptions,
): ClientTlsPolicy {
  const entry: PolicyEntry = { level: l.level };
  const policy = fromEntry(entry, source, fromTable, host, domain, o);
  return l.nameCheck ? policy : { ...policy, names: [] };
}

function fromEntry(
  e: PolicyEntry,
  source: string,
  fromTable: boolean,
  host: string,
  domain: string,
  o: ClientTlsPolicyOptions,
): ClientTlsPolicy {
  const mandatory = levelRank(e.level) >= levelRank('encrypt');
  const protocolsParam = mandatory ? 'smtp_tls_mandatory_protocols' : 'smtp_tls_protocols';
  const protocols = parseProtocols(
    e.protocols ??
      (mandatory ? o.smtpTlsMandatoryProtocols : o.smtpTlsProtocols) ??
      '!SSLv2, !SSLv3',
    protocolsParam,
  );
  checkCipherGrade(
    e.ciphers ?? (mandatory ? o.smtpTlsMandatoryCiphers : o.smtpTlsCiphers) ?? 'medium',
    mandatory ? 'smtp_tls_mandatory_ciphers' : 'smtp_tls_ciphers',
  );
  const base = {
    level: e.level,
    protocols,
    source,
    fromTable,
    names: [] as NameMatcher[],
    fingerprints: [] as string[],
  };
  if (e.level === 'fingerprint') {
    const fingerprints = (e.match ?? o.smtpTlsFingerprintCertMatch ?? []).map((f) =>
      f.toUpperCase(),
    );
    if (fingerprints.length === 0)
      throw new TlsPolicyError(
        'fingerprint security level without any fingerprint (smtp_tls_fingerprint_cert_match or match=)',
      );
    return { ...base, fingerprints };
  }
  if (e.level === 'verify' || e.level === 'secure') {
    const strategies =
      e.match ??
      (e.level === 'verify'
        ? (o.smtpTlsVerifyCertMatch ?? ['hostname'])
        : (o.smtpTlsSecureCertMatch ?? ['nexthop', 'dot-nexthop']));
    return { ...base, names: strategies.map((s) => nameMatcher(s, e.level, host, domain)) };
  }
  return base;
}

/** postconf(5) smtp_tls_verify_cert_match / smtp_tls_secure_cert_match; `hostname` is not allowed at `secure` (DNS is not secure). */
function nameMatcher(
  strategy: string,
  level: SmtpTlsLevel,
  host: string,
  domain: string,
): NameMatcher {
  const s = strategy.toLowerCase();
  if (s === 'hostname') {
    if (level === 'secure')
      throw new TlsPolicyError(
        'the "hostname" match strategy is not allowed at the secure level (the MX host name comes from insecure DNS)',
      );
    return { kind: 'exact', name: host };
  }
  if (s === 'nexthop') return { kind: 'exact', name: domain };
  if (s === 'dot-nexthop') return { kind: 'subdomain', parent: domain };
  // Any other word is a literal name; `.example.com` matches its subdomains.
  return s.startsWith('.') ? { kind: 'subdomain', parent: s.slice(1) } : { kind: 'exact', name: s };
}
