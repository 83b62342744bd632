// The session's typed options, each named after the Postfix parameter it
// implements (postconf(5)), so the main.cf wiring is a one-to-one mapping.
import type { BareNewlinePolicy } from '../codec/data.js';
import type { SaslContext } from '../sasl/backend.js';

/** Postfix smtpd_tls_security_level (smtpd_use_tls = yes is `may`, smtpd_enforce_tls = yes is `encrypt`). */
export type TlsSecurityLevel = 'none' | 'may' | 'encrypt';

export interface SmtpdOptions {
  /** myhostname: the name in the greeting, replies and Received headers. */
  myhostname: string;
  /** smtpd_banner, the greeting text after `220 ` (default `$myhostname ESMTP $mail_name`). */
  smtpdBanner?: string;
  /** mail_name (`postern`), in the banner and the Received header's `by` clause. */
  mailName?: string;
  /** message_size_limit in bytes (10240000); 0 means no limit. Announced in EHLO SIZE. */
  messageSizeLimit?: number;
  /** line_length_limit (2048): longer command lines get `500 5.5.2 Error: line too long`. */
  lineLengthLimit?: number;
  /** smtpd_recipient_limit (1000) per message. */
  smtpdRecipientLimit?: number;
  /** smtpd_forbid_bare_newline (Postfix 3.9 default `normalize`); `yes` is passed as `normalize`. */
  smtpdForbidBareNewline?: BareNewlinePolicy;
  /** smtpd_discard_ehlo_keywords: EHLO keywords not announced (case-insensitive; `silent-discard` is accepted and ignored). */
  smtpdDiscardEhloKeywords?: readonly string[];
  /** smtpd_tls_security_level; when set it wins over the two legacy booleans below (Postfix precedence). */
  smtpdTlsSecurityLevel?: TlsSecurityLevel;
  /** smtpd_use_tls (no): offer STARTTLS, the legacy spelling of level `may`. */
  smtpdUseTls?: boolean;
  /** smtpd_enforce_tls (no): require STARTTLS (implies smtpd_use_tls), the legacy spelling of level `encrypt`. */
  smtpdEnforceTls?: boolean;
  /** The adapter can start TLS (certificates loaded); without it STARTTLS is not offered even at `may`. */
  tlsAvailable?: boolean;
  /**
   * Asked at each STARTTLS before `220 Ready to start TLS`: why TLS cannot start
   * now (Postfix's "no entropy for TLS key generation"), or undefined. A reason
   * gets `454 4.7.0 TLS not available due to local problem`, as Postfix's smtpd.
   */
  tlsLocalProblem?: () => string | undefined;
  /** smtpd_tls_wrappermode (no): TLS from the first byte, no STARTTLS. */
  smtpdTlsWrappermode?: boolean;
  /** smtpd_tls_auth_only (no): AUTH only over TLS. */
  smtpdTlsAuthOnly?: boolean;
  /** smtpd_tls_ask_ccert (no): for the Received header's certificate clause. */
  smtpdTlsAskCcert?: boolean;
  /** smtpd_tls_received_header (no): the TLS clause in the Received header. */
  smtpdTlsReceivedHeader?: boolean;
  /** smtpd_sasl_auth_enable (no). */
  smtpdSaslAuthEnable?: boolean;
  /** smtpd_delay_reject (yes): client, helo and sender restrictions are evaluated at RCPT TO. */
  smtpdDelayReject?: boolean;
  /** smtpd_helo_required (no). */
  smtpdHeloRequired?: boolean;
  /** disable_vrfy_command (no): VRFY answers `252` (we cannot verify, but will try), or `502` when disabled. */
  disableVrfyCommand?: boolean;
  /** smtpd_error_sleep_time in ms (1s): the delay before each reply once errors pass the soft limit. */
  smtpdErrorSleepTime?: number;
  /** smtpd_soft_error_limit (10). */
  smtpdSoftErrorLimit?: number;
  /** smtpd_hard_error_limit (20): then `421 4.7.0 Error: too many errors` and disconnect. */
  smtpdHardErrorLimit?: number;
  /** smtpd_forbidden_commands (CONNECT GET POST, and lines starting with a non-letter, as Postfix's default regexp). */
  smtpdForbiddenCommands?: readonly string[];
  /** The SASL mechanisms to announce; the session never runs them itself (the owner drives the back end). */
  saslMechanisms?: (context: SaslContext) => readonly string[];
  /** smtpd_sasl_service (smtp). */
  smtpdSaslService?: string;
  /** Never offer STARTTLS whatever the level (sendmail -bs, DESIGN.md). */
  neverOfferTls?: boolean;
  /** The clock, injected (DESIGN.md). */
  now?: () => Date;
}

/** The connection's far end, as the adapter knows it. */
export interface ClientEndpoint {
  address: string;
  port: number;
  /** The verified host name, or `unknown` as Postfix writes it. */
  name: string;
}

export interface ResolvedOptions extends Required<
  Omit<
    SmtpdOptions,
    'saslMechanisms' | 'smtpdBanner' | 'smtpdUseTls' | 'smtpdEnforceTls' | 'tlsLocalProblem'
  >
> {
  smtpdBanner: string;
  saslMechanisms: ((context: SaslContext) => readonly string[]) | undefined;
  tlsLocalProblem: () => string | undefined;
}

export function resolveOptions(o: SmtpdOptions): ResolvedOptions {
  const mailName = o.mailName ?? 'postern';
  return {
    myhostname: o.myhostname,
    mailName,
    smtpdBanner: o.smtpdBanner ?? `${o.myhostname} ESMTP ${mailName}`,
    messageSizeLimit: o.messageSizeLimit ?? 10_240_000,
    lineLengthLimit: o.lineLengthLimit ?? 2048,
    smtpdRecipientLimit: o.smtpdRecipientLimit ?? 1000,
    smtpdForbidBareNewline: o.smtpdForbidBareNewline ?? 'normalize',
    smtpdDiscardEhloKeywords: (o.smtpdDiscardEhloKeywords ?? []).map((k) => k.toUpperCase()),
    smtpdTlsSecurityLevel: securityLevel(o),
    tlsAvailable: o.tlsAvailable ?? false,
    tlsLocalProblem: o.tlsLocalProblem ?? (() => undefined),
    smtpdTlsWrappermode: o.smtpdTlsWrappermode ?? false,
    smtpdTlsAuthOnly: o.smtpdTlsAuthOnly ?? false,
    smtpdTlsAskCcert: o.smtpdTlsAskCcert ?? false,
    smtpdTlsReceivedHeader: o.smtpdTlsReceivedHeader ?? false,
    smtpdSaslAuthEnable: o.smtpdSaslAuthEnable ?? false,
    smtpdDelayReject: o.smtpdDelayReject ?? true,
    smtpdHeloRequired: o.smtpdHeloRequired ?? false,
    disableVrfyCommand: o.disableVrfyCommand ?? false,
    smtpdErrorSleepTime: o.smtpdErrorSleepTime ?? 1000,
    smtpdSoftErrorLimit: o.smtpdSoftErrorLimit ?? 10,
    smtpdHardErrorLimit: o.smtpdHardErrorLimit ?? 20,
    smtpdForbiddenCommands: (o.smtpdForbiddenCommands ?? ['CONNECT', 'GET', 'POST']).map((c) =>
      c.toUpperCase(),
    ),
    saslMechanisms: o.saslMechanisms,
    smtpdSaslService: o.smtpdSaslService ?? 'smtp',
    neverOfferTls: o.neverOfferTls ?? false,
    now: o.now ?? (() => new Date()),
  };
}

/** Postfix: smtpd_tls_security_level when given, else smtpd_enforce_tls → encrypt, smtpd_use_tls → may, else none. */
function securityLevel(o: SmtpdOptions): TlsSecurityLevel {
  if (o.smtpdTlsSecurityLevel !== undefined) return o.smtpdTlsSecurityLevel;
  if (o.smtpdEnforceTls === true) return 'encrypt';
  return o.smtpdUseTls === true ? 'may' : 'none';
}
