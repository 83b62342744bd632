// The client session's typed options, named after the Postfix smtp(8)
// parameters they implement (postconf(5)).
import type { ClientCredentials } from '../sasl/mechanism.js';
import type { ClientSecurityPolicy, ClientTlsState } from '../sasl/security-options.js';

/** What the session does about STARTTLS (the MTA's TLS policy decides it). */
export type ClientTlsMode = 'none' | 'may' | 'required';

export interface ClientTimeouts {
  /** smtp_helo_timeout (300 s): the greeting, EHLO/HELO and AUTH replies. */
  readonly smtpHeloTimeout: number;
  /** smtp_mail_timeout (300 s) */
  readonly smtpMailTimeout: number;
  /** smtp_rcpt_timeout (300 s) */
  readonly smtpRcptTimeout: number;
  /** smtp_data_init_timeout (120 s): the reply to DATA. */
  readonly smtpDataInitTimeout: number;
  /** smtp_data_done_timeout (600 s): the reply to the final dot or BDAT LAST. */
  readonly smtpDataDoneTimeout: number;
  /** smtp_rset_timeout (20 s) */
  readonly smtpRsetTimeout: number;
  /** smtp_quit_timeout (300 s) */
  readonly smtpQuitTimeout: number;
  /** smtp_starttls_timeout (300 s): the STARTTLS reply (the adapter also bounds the handshake). */
  readonly smtpStarttlsTimeout: number;
}

/** Postfix's defaults, in milliseconds. */
export const DEFAULT_CLIENT_TIMEOUTS: ClientTimeouts = {
  smtpHeloTimeout: 300_000,
  smtpMailTimeout: 300_000,
  smtpRcptTimeout: 300_000,
  smtpDataInitTimeout: 120_000,
  smtpDataDoneTimeout: 600_000,
  smtpRsetTimeout: 20_000,
  smtpQuitTimeout: 300_000,
  smtpStarttlsTimeout: 300_000,
};

export interface ClientSasl {
  readonly credentials: ClientCredentials;
  /** smtp_sasl_security_options, smtp_sasl_tls_security_options, smtp_sasl_tls_verified_security_options. */
  readonly policy: ClientSecurityPolicy;
}

export interface ClientSessionOptions {
  /** smtp_helo_name ($myhostname). */
  readonly smtpHeloName: string;
  /** `name[address]:port` of the server, for reply texts (Postfix's wording). */
  readonly peer: string;
  readonly tls: ClientTlsMode;
  /** smtp_tls_wrappermode: TLS was already up before the greeting, in this state. */
  readonly wrapped?: ClientTlsState;
  /** smtp_sasl_auth_enable with the credentials found in smtp_sasl_password_maps. */
  readonly sasl?: ClientSasl;
  /** smtp_never_send_ehlo (no). */
  readonly smtpNeverSendEhlo?: boolean;
  /** BDAT when the server offers CHUNKING (true); false sends DATA anyway (Postfix: smtp_discard_ehlo_keywords = chunking). */
  readonly smtpUseChunking?: boolean;
  readonly timeouts?: Partial<ClientTimeouts>;
  /** Bytes one reply may take (garbage without line ends must not grow memory without bound). */
  readonly maxReplyBytes?: number;
}
