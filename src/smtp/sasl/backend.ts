// The server side of SASL (RFC 4422) as smtpd sees it: a back end that knows
// which mechanisms it offers and runs one exchange per AUTH command
// (smtpd_sasl_type: `dovecot` or the built-in `postern`).

/** What the session knows about the connection, for the back end's decisions and logs. */
export interface SaslContext {
  readonly clientAddress: string;
  /** True once the session is under TLS (smtpd_sasl_tls_security_options apply). */
  readonly secured: boolean;
  /** The service name, for back ends that distinguish them (dovecot's `service=smtp`). */
  readonly service: string;
}

/** The outcome of one step of an exchange. */
export type SaslStep =
  | { readonly kind: 'challenge'; readonly challenge: Uint8Array }
  | { readonly kind: 'success'; readonly user: string }
  | { readonly kind: 'failure'; readonly reason: string; readonly temporary: boolean };

export interface SaslExchange {
  /** Feeds the client's decoded response (RFC 4954 §4: base64 already removed). */
  respond(response: Uint8Array): Promise<SaslStep>;
  /** The client cancelled with `*` (RFC 4954 §4) or the session ended. */
  abort(): void;
}

export interface SaslBackend {
  /** Mechanism names offered after filtering by the security options, e.g. ['PLAIN', 'LOGIN']. */
  mechanisms(context: SaslContext): readonly string[];
  /**
   * Starts one exchange. `initialResponse` is the decoded initial response of
   * `AUTH MECH ir` (RFC 4954 §4; `=` means an empty one), undefined when absent.
   */
  start(
    mechanism: string,
    initialResponse: Uint8Array | undefined,
    context: SaslContext,
  ): Promise<{ exchange: SaslExchange; first: SaslStep }>;
  close(): void;
}
