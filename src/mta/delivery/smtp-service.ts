// The smtp(8) delivery agents of master.cf: each `unix … smtp` line (smtp,
// relay, or any other name) is a transport of that name, configured from
// main.cf's smtp_* parameters with the line's -o overrides applied (as
// Postfix's master passes -o to the daemon it runs).
import type { Configuration, MasterService, ParameterSet } from '../config/index.js';
import { ConfigError } from '../config/index.js';
import type { Table } from '../tables/table.js';
import { cappedSessionStore } from '../tls/capped-session-store.js';
import { openSessionStore } from '../tls/session-cache-spec.js';
import type { SessionStore } from '../../tls/index.js';
import type { FingerprintDigest } from '../../x509/index.js';
import { MxResolver } from './mx-lookup.js';
import { portOf } from './nexthop.js';
import type { SmtpTransportOptions } from './smtp-options.js';
import { SmtpTransport } from './smtp-transport.js';

export interface SmtpServiceDeps {
  readonly openTable: (spec: string) => Table;
  /** The `smtp` program's log, from the service's parameters (its -o syslog_name, if any). */
  readonly log: (params: ParameterSet) => (line: string) => void;
}

/** The master.cf lines that run the SMTP client. */
export function smtpServices(config: Configuration): MasterService[] {
  return config.services.filter((s) => s.type === 'unix' && s.command === 'smtp');
}

/** One SmtpTransport per `smtp` line of master.cf, named after the service. */
export async function createSmtpTransports(
  config: Configuration,
  deps: SmtpServiceDeps,
): Promise<SmtpTransport[]> {
  const transports: SmtpTransport[] = [];
  for (const service of smtpServices(config)) {
    const p = config.forService(service);
    const sessions = await sessionCache(p);
    transports.push(new SmtpTransport(smtpTransportOptions(service.name, p, deps, sessions)));
  }
  return transports;
}

/** smtp_tls_session_cache_database (empty: none) capped by smtp_tls_session_cache_timeout (0: caching off). */
async function sessionCache(p: ParameterSet): Promise<SessionStore | undefined> {
  const spec = p.tables('smtp_tls_session_cache_database')[0];
  const timeout = p.time('smtp_tls_session_cache_timeout');
  if (spec === undefined || timeout === 0) return undefined;
  return cappedSessionStore(await openSessionStore(spec), timeout);
}

const ms = (p: ParameterSet, name: string): number => p.time(name) * 1000;
const optional = (value: string): string | undefined =>
  value.trim() === '' ? undefined : value.trim();

export function smtpTransportOptions(
  name: string,
  p: ParameterSet,
  deps: SmtpServiceDeps,
  sessions: SessionStore | undefined,
): SmtpTransportOptions {
  const tables = (param: string): Table[] => p.tables(param).map(deps.openTable);
  const caFile = optional(p.string('smtp_tls_CAfile'));
  const caPath = optional(p.string('smtp_tls_CApath'));
  const client = clientCertificate(p);
  return {
    name,
    smtpHeloName: p.string('smtp_helo_name'),
    resolver: resolverOf(p),
    smtpMxAddressLimit: p.int('smtp_mx_address_limit'),
    smtpMxSessionLimit: p.int('smtp_mx_session_limit'),
    smtpConnectTimeout: connectTimeout(p),
    timeouts: {
      smtpHeloTimeout: ms(p, 'smtp_helo_timeout'),
      smtpMailTimeout: ms(p, 'smtp_mail_timeout'),
      smtpRcptTimeout: ms(p, 'smtp_rcpt_timeout'),
      smtpDataInitTimeout: ms(p, 'smtp_data_init_timeout'),
      smtpDataDoneTimeout: ms(p, 'smtp_data_done_timeout'),
      smtpRsetTimeout: ms(p, 'smtp_rset_timeout'),
      smtpQuitTimeout: ms(p, 'smtp_quit_timeout'),
      smtpStarttlsTimeout: ms(p, 'smtp_starttls_timeout'),
    },
    smtpTlsWrappermode: p.bool('smtp_tls_wrappermode'),
    ...(caFile === undefined ? {} : { smtpTlsCAfile: caFile }),
    ...(caPath === undefined ? {} : { smtpTlsCApath: caPath }),
    smtpTlsScertVerifydepth: p.int('smtp_tls_scert_verifydepth'),
    ...(client === undefined ? {} : { smtpTlsCertFile: client.cert, smtpTlsKeyFile: client.key }),
    smtpTlsCipherlist: p.string('smtp_tls_cipherlist'),
    smtpTlsFingerprintDigest: fingerprintDigest(p),
    smtpTlsNoteStarttlsOffer: p.bool('smtp_tls_note_starttls_offer'),
    smtpTlsLoglevel: p.int('smtp_tls_loglevel'),
    ...(sessions === undefined ? {} : { smtpTlsSessionCache: sessions }),
    smtpSaslAuthEnable: p.bool('smtp_sasl_auth_enable'),
    smtpSaslPasswordMaps: tables('smtp_sasl_password_maps'),
    smtpSaslSecurityOptions: p.expanded('smtp_sasl_security_options'),
    smtpSaslTlsSecurityOptions: p.expanded('smtp_sasl_tls_security_options'),
    smtpSaslTlsVerifiedSecurityOptions: p.expanded('smtp_sasl_tls_verified_security_options'),
    smtpConnectionCacheOnDemand: p.bool('smtp_connection_cache_on_demand'),
    smtpConnectionCacheTimeLimit: ms(p, 'smtp_connection_cache_time_limit'),
    defaultPort: tcpPort(p),
    smtpTlsSecurityLevel: p.expanded('smtp_tls_security_level'),
    smtpUseTls: p.bool('smtp_use_tls'),
    smtpEnforceTls: p.bool('smtp_enforce_tls'),
    smtpTlsEnforcePeername: p.bool('smtp_tls_enforce_peername'),
    smtpTlsPerSite: tables('smtp_tls_per_site'),
    smtpTlsPolicyMaps: tables('smtp_tls_policy_maps'),
    smtpTlsVerifyCertMatch: p.list('smtp_tls_verify_cert_match'),
    smtpTlsSecureCertMatch: p.list('smtp_tls_secure_cert_match'),
    smtpTlsFingerprintCertMatch: p.list('smtp_tls_fingerprint_cert_match'),
    smtpTlsProtocols: p.expanded('smtp_tls_protocols'),
    smtpTlsMandatoryProtocols: p.expanded('smtp_tls_mandatory_protocols'),
    smtpTlsCiphers: p.expanded('smtp_tls_ciphers'),
    smtpTlsMandatoryCiphers: p.expanded('smtp_tls_mandatory_ciphers'),
    log: deps.log(p),
  };
}

/**
 * The client certificate: smtp_tls_cert_file (RSA), else smtp_tls_eccert_file,
 * else smtp_tls_dcert_file, each with its key file. The TLS engine takes one
 * client certificate, so when several are set the first of that order is
 * presented (OpenSSL would pick by the server's signature algorithms).
 */
function clientCertificate(p: ParameterSet): { cert: string; key: string } | undefined {
  for (const [certParam, keyParam] of [
    ['smtp_tls_cert_file', 'smtp_tls_key_file'],
    ['smtp_tls_eccert_file', 'smtp_tls_eckey_file'],
    ['smtp_tls_dcert_file', 'smtp_tls_dkey_file'],
  ] as const) {
    const cert = optional(p.string(certParam));
    if (cert !== undefined) return { cert, key: optional(p.string(keyParam)) ?? cert };
  }
  return undefined;
}

/** smtp_dns_servers (postern's; empty: the system's resolvers) and inet_protocols. */
function resolverOf(p: ParameterSet): MxResolver {
  const servers = p.list('smtp_dns_servers');
  const protocols = p.list('inet_protocols');
  const families: (4 | 6)[] = protocols.includes('all')
    ? [4, 6]
    : [
        ...(protocols.includes('ipv4') ? [4 as const] : []),
        ...(protocols.includes('ipv6') ? [6 as const] : []),
      ];
  return new MxResolver({ ...(servers.length > 0 ? { servers } : {}), families });
}

/** smtp_connect_timeout 0 means the system's limit: Linux gives up a SYN after about 127 s. */
function connectTimeout(p: ParameterSet): number {
  const value = ms(p, 'smtp_connect_timeout');
  return value === 0 ? 127_000 : value;
}

function tcpPort(p: ParameterSet): number {
  const text = p.string('smtp_tcp_port');
  const port = portOf(text);
  if (port === undefined)
    throw new ConfigError({
      parameter: 'smtp_tcp_port',
      value: text,
      expected: 'a port number or smtp, submission, submissions',
    });
  return port;
}

const DIGESTS: readonly FingerprintDigest[] = ['md5', 'sha1', 'sha256'];

function fingerprintDigest(p: ParameterSet): FingerprintDigest {
  const value = p.expanded('smtp_tls_fingerprint_digest').toLowerCase();
  const digest = DIGESTS.find((d) => d === value);
  if (digest === undefined)
    throw new ConfigError({
      parameter: 'smtp_tls_fingerprint_digest',
      value,
      expected: 'md5, sha1 or sha256 (the digests postern computes)',
    });
  return digest;
}
