// What the sans-IO SMTP server session asks its owner at each stage where
// Postfix evaluates restrictions (smtpd_client_restrictions … smtpd_data_restrictions,
// postconf(5)). The session pauses until the answer comes, so the answer may be
// computed asynchronously (table lookups, DNS, a policy server).
import type { Certificate } from '../../x509/index.js';

/** The stages of smtpd(8)'s restriction lists, in protocol order. */
export type PolicyStage = 'connect' | 'helo' | 'mail' | 'rcpt' | 'data' | 'end-of-data';

/** The TLS facts of a session, when it is encrypted. */
export interface SessionTlsFacts {
  readonly protocol: string;
  readonly cipher: string;
  /** The client's certificate chain, leaf first, when it sent one. */
  readonly peerCertificates: readonly Certificate[];
  /** True when the chain verified against smtpd_tls_CAfile / smtpd_tls_CApath. */
  readonly peerVerified: boolean;
}

/** Everything known about the session when a stage is checked. */
export interface SessionFacts {
  readonly stage: PolicyStage;
  readonly clientAddress: string;
  readonly clientPort: number;
  /** The client's verified host name, or 'unknown' as Postfix writes it. */
  readonly clientName: string;
  readonly helo?: string;
  readonly sender?: string;
  /** The recipient being checked (rcpt stage) or undefined. */
  readonly recipient?: string;
  /** Recipients accepted so far in this transaction. */
  readonly recipients: readonly string[];
  readonly tls?: SessionTlsFacts;
  readonly saslUser?: string;
  readonly saslMethod?: string;
  /** True when the client sent the command before the server's previous reply (reject_unauth_pipelining). */
  readonly pipelined: boolean;
}

/**
 * A restriction verdict. `reply` carries an SMTP reply for reject/defer:
 * code (4xx/5xx), RFC 3463 enhanced status code and text.
 */
export type PolicyVerdict =
  | { readonly action: 'permit' }
  | {
      readonly action: 'reject';
      readonly code: number;
      readonly enhanced: string;
      readonly text: string;
    }
  | { readonly action: 'discard'; readonly text?: string }
  | { readonly action: 'hold'; readonly text?: string };

export interface SessionPolicy {
  check(facts: SessionFacts): PolicyVerdict | Promise<PolicyVerdict>;
}
