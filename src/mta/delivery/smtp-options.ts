// The smtp(8) delivery agent's typed options, named after the Postfix
// parameters (the integrator maps the ParameterSet onto them one to one).
import type { SessionStore } from '../../tls/index.js';
import type { Table } from '../tables/table.js';
import type { ClientTlsPolicyOptions } from '../tls/client-policy.js';
import type { FingerprintDigest } from '../../x509/index.js';
import type { ClientTimeouts } from '../../smtp/client/options.js';
import type { MxResolver } from './mx-lookup.js';

export interface SmtpTransportOptions extends ClientTlsPolicyOptions {
  /** The master.cf service name (smtp, relay). */
  readonly name?: string;
  /** smtp_helo_name ($myhostname) */
  readonly smtpHeloName: string;
  readonly resolver: MxResolver;
  /** smtp_mx_address_limit (5; 0 = no limit) */
  readonly smtpMxAddressLimit?: number;
  /** smtp_mx_session_limit (2; 0 = no limit) */
  readonly smtpMxSessionLimit?: number;
  /** smtp_connect_timeout, ms (30 s) */
  readonly smtpConnectTimeout?: number;
  /** smtp_starttls_timeout and the reply timeouts, ms. */
  readonly timeouts?: Partial<ClientTimeouts>;
  /** smtp_tls_wrappermode (no) */
  readonly smtpTlsWrappermode?: boolean;
  /** smtp_tls_CAfile / smtp_tls_CApath */
  readonly smtpTlsCAfile?: string;
  readonly smtpTlsCApath?: string;
  /** smtp_tls_scert_verifydepth (9) */
  readonly smtpTlsScertVerifydepth?: number;
  /** smtp_tls_cert_file / smtp_tls_key_file (the key defaults to the cert file) */
  readonly smtpTlsCertFile?: string;
  readonly smtpTlsKeyFile?: string;
  /** smtp_tls_cipherlist (the seed's OpenSSL cipher string, TLS 1.2 suites); a bad string stops the transport's construction. */
  readonly smtpTlsCipherlist?: string;
  /** smtp_tls_fingerprint_digest (sha256, Postfix 3.6+) */
  readonly smtpTlsFingerprintDigest?: FingerprintDigest;
  /** smtp_tls_note_starttls_offer (no) */
  readonly smtpTlsNoteStarttlsOffer?: boolean;
  /** smtp_tls_loglevel (0); 1 logs the `… TLS connection established` line. */
  readonly smtpTlsLoglevel?: number;
  /** smtp_tls_session_cache_database, opened (absent: no client session cache). */
  readonly smtpTlsSessionCache?: SessionStore;
  /** smtp_sasl_auth_enable (no) */
  readonly smtpSaslAuthEnable?: boolean;
  readonly smtpSaslPasswordMaps?: readonly Table[];
  /** smtp_sasl_security_options (noplaintext, noanonymous) */
  readonly smtpSaslSecurityOptions?: string;
  /** smtp_sasl_tls_security_options ($smtp_sasl_security_options) */
  readonly smtpSaslTlsSecurityOptions?: string;
  /** smtp_sasl_tls_verified_security_options ($smtp_sasl_tls_security_options) */
  readonly smtpSaslTlsVerifiedSecurityOptions?: string;
  /** smtp_connection_cache_on_demand (yes): keep a connection open for the next message to the same next hop. */
  readonly smtpConnectionCacheOnDemand?: boolean;
  /** smtp_connection_cache_time_limit, ms (2 s): how long an idle cached connection stays open. */
  readonly smtpConnectionCacheTimeLimit?: number;
  /** Port when the next hop names none (the smtp service, 25). */
  readonly defaultPort?: number;
  readonly log: (line: string) => void;
}
