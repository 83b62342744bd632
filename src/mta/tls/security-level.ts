// smtp_tls_security_level values (postconf(5), Postfix tls_level.c) and their
// order: a per-site answer can raise or lower the global level only by the
// rules in client-policy.ts.

export type SmtpTlsLevel = 'none' | 'may' | 'encrypt' | 'fingerprint' | 'verify' | 'secure';

/** Levels Postfix knows that postern refuses with a clear error. */
export const UNSUPPORTED_LEVELS = ['dane', 'dane-only'] as const;

const ALL = ['none', 'may', 'encrypt', 'fingerprint', 'verify', 'secure'] as const;

export class TlsPolicyError extends Error {
  override readonly name = 'TlsPolicyError';
}

/** Parses a level name (any case); dane/dane-only are refused by name. */
export function parseSecurityLevel(value: string, where: string): SmtpTlsLevel {
  const v = value.trim().toLowerCase();
  if ((UNSUPPORTED_LEVELS as readonly string[]).includes(v)) {
    throw new TlsPolicyError(
      `${where}: TLS security level "${v}" is not supported by postern (DANE needs DNSSEC-validated TLSA lookups, which postern does not do)`,
    );
  }
  if (!(ALL as readonly string[]).includes(v))
    throw new TlsPolicyError(
      `${where}: unknown TLS security level "${value}" (known: ${ALL.join(', ')})`,
    );
  return v as SmtpTlsLevel;
}

/** Postfix's TLS_LEV_* order (fingerprint sits below verify, as in tls.h). */
export function levelRank(level: SmtpTlsLevel): number {
  return ALL.indexOf(level);
}

/** TLS is mandatory at this level: no plaintext fallback. */
export function tlsRequired(level: SmtpTlsLevel): boolean {
  return levelRank(level) >= levelRank('encrypt');
}
