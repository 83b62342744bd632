// SASL security options as Postfix applies them to a mechanism list
// (smtpd_sasl_security_options, smtpd_sasl_tls_security_options,
// smtp_sasl_security_options, smtp_sasl_tls_security_options,
// smtp_sasl_tls_verified_security_options; postconf(5)). The negative options
// drop a mechanism that has the property; the positive ones keep only the
// mechanisms that have it (Postfix xsasl_dovecot_server_mech_filter).

/** What a mechanism is exposed to or provides, with Dovecot's MECH line names. */
export type MechanismProperty =
  | 'plaintext'
  | 'anonymous'
  | 'dictionary'
  | 'active'
  | 'mutual-auth'
  | 'forward-secrecy'
  | 'private';

export type SecurityOption =
  'noanonymous' | 'noplaintext' | 'noactive' | 'nodictionary' | 'mutual_auth' | 'forward_secrecy';

export interface SecurityOptions {
  readonly options: ReadonlySet<SecurityOption>;
}

const EXCLUDES: Partial<Record<SecurityOption, MechanismProperty>> = {
  noanonymous: 'anonymous',
  noplaintext: 'plaintext',
  noactive: 'active',
  nodictionary: 'dictionary',
};

const REQUIRES: Partial<Record<SecurityOption, MechanismProperty>> = {
  mutual_auth: 'mutual-auth',
  forward_secrecy: 'forward-secrecy',
};

const NAMES: readonly SecurityOption[] = [
  'noanonymous',
  'noplaintext',
  'noactive',
  'nodictionary',
  'mutual_auth',
  'forward_secrecy',
];

export class SecurityOptionError extends Error {
  constructor(
    readonly parameter: string,
    readonly value: string,
  ) {
    super(`${parameter}: unknown SASL security option '${value}' (known: ${NAMES.join(', ')})`);
    this.name = 'SecurityOptionError';
  }
}

/** Parses `noanonymous, noplaintext` (commas and/or white space, any case, as Postfix's name_mask). */
export function parseSecurityOptions(
  value: string,
  parameter = 'smtpd_sasl_security_options',
): SecurityOptions {
  const options = new Set<SecurityOption>();
  for (const word of value.split(/[\s,]+/).filter((w) => w !== '')) {
    const name = word.toLowerCase();
    if (!(NAMES as readonly string[]).includes(name))
      throw new SecurityOptionError(parameter, word);
    options.add(name as SecurityOption);
  }
  return { options };
}

/** True when a mechanism with these properties passes the options. */
export function mechanismAllowed(
  properties: ReadonlySet<MechanismProperty>,
  options: SecurityOptions,
): boolean {
  if (properties.has('private')) return false;
  for (const option of options.options) {
    const excluded = EXCLUDES[option];
    if (excluded !== undefined && properties.has(excluded)) return false;
    const required = REQUIRES[option];
    if (required !== undefined && !properties.has(required)) return false;
  }
  return true;
}

export interface MechanismDescription {
  readonly name: string;
  readonly properties: ReadonlySet<MechanismProperty>;
}

/** The mechanisms of `list` that pass `options`, in the list's order. */
export function filterMechanisms<M extends MechanismDescription>(
  list: readonly M[],
  options: SecurityOptions,
): M[] {
  return list.filter((m) => mechanismAllowed(m.properties, options));
}

/** The server's options for a session: smtpd_sasl_tls_security_options under TLS, else smtpd_sasl_security_options. */
export interface ServerSecurityPolicy {
  readonly plain: SecurityOptions;
  readonly tls: SecurityOptions;
}

export function serverOptionsFor(policy: ServerSecurityPolicy, secured: boolean): SecurityOptions {
  return secured ? policy.tls : policy.plain;
}

/**
 * The client's options for a connection (smtp(8)): smtp_sasl_tls_verified_security_options
 * when the server certificate was verified, smtp_sasl_tls_security_options under
 * other TLS, else smtp_sasl_security_options.
 */
export interface ClientSecurityPolicy {
  readonly plain: SecurityOptions;
  readonly tls: SecurityOptions;
  readonly tlsVerified: SecurityOptions;
}

export type ClientTlsState = 'none' | 'encrypted' | 'verified';

export function clientOptionsFor(
  policy: ClientSecurityPolicy,
  state: ClientTlsState,
): SecurityOptions {
  if (state === 'verified') return policy.tlsVerified;
  return state === 'encrypted' ? policy.tls : policy.plain;
}

/** Postfix defaults: smtpd_sasl_security_options = noanonymous, smtp_sasl_security_options = noplaintext, noanonymous. */
export const SMTPD_DEFAULT_SECURITY_OPTIONS = 'noanonymous';
export const SMTP_DEFAULT_SECURITY_OPTIONS = 'noplaintext, noanonymous';

/**
 * The client side's choice (smtp_sasl_mechanism_filter applies before this):
 * the server's offered names that we implement and that pass `options`, in our
 * preference order.
 */
export function selectClientMechanisms(
  offered: readonly string[],
  ours: readonly MechanismDescription[],
  options: SecurityOptions,
): string[] {
  const upper = new Set(offered.map((n) => n.toUpperCase()));
  return filterMechanisms(ours, options)
    .filter((m) => upper.has(m.name))
    .map((m) => m.name);
}
