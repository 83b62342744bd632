// One smtpd service of master.cf, built from its effective parameters (main.cf
// with the service's -o overrides): the session options, TLS, SASL, the
// restriction lists and the queue as the place accepted mail goes.
import type { Random } from '../../prng/index.js';
import type { SessionStore } from '../../tls/index.js';
import type { SaslBackend } from '../../smtp/sasl/backend.js';
import { DovecotSaslBackend, parseDovecotPath } from '../../smtp/sasl/dovecot-backend.js';
import { PosternSaslBackend } from '../../smtp/sasl/postern-backend.js';
import { parseSecurityOptions } from '../../smtp/sasl/security-options.js';
import { SmtpServer, type SmtpServerOptions } from '../../smtp/node/server.js';
import type { SmtpdOptions } from '../../smtp/server/options.js';
import type { BareNewlinePolicy } from '../../smtp/codec/data.js';
import type { ParameterSet } from '../config/index.js';
import type { MailQueue } from '../queue/index.js';
import type { Table } from '../tables/table.js';
import { serverTlsOptions, smtpdTlsLevel } from '../tls/server-tls-options.js';
import { SniChains } from '../tls/sni-chains.js';
import { QueueDelivery } from './queue-delivery.js';
import { RestrictionPolicy } from './restrictions.js';
import {
  accessMapsMatchParents,
  restrictionSettings,
  DEFAULT_REPLY_CODES,
  type RestrictionLists,
} from './settings.js';
import { parseNetworkList } from './networks.js';
import { classifyRecipient, parseDomainList, type DestinationConfig } from './destinations.js';
import { VirtualAliases } from '../cleanup/virtual-aliases.js';
import { readFileSync } from 'node:fs';
import { withLocalRecipientCheck } from './local-recipients.js';

export interface SmtpdServiceDeps {
  readonly params: ParameterSet;
  readonly queue: MailQueue;
  readonly random: Random;
  readonly openTable: (spec: string) => Table;
  readonly sessionStore?: SessionStore;
  readonly log: (line: string) => void;
  /** A message was queued. */
  readonly queued: (id: string) => void;
  /** sendmail -bs: never offer STARTTLS. */
  readonly neverOfferTls?: boolean;
}

const LISTS: readonly (keyof RestrictionLists)[] = [
  'smtpd_client_restrictions',
  'smtpd_helo_restrictions',
  'smtpd_sender_restrictions',
  'smtpd_relay_restrictions',
  'smtpd_recipient_restrictions',
  'smtpd_data_restrictions',
  'smtpd_end_of_data_restrictions',
];

export function destinationConfig(
  p: ParameterSet,
  openTable: (spec: string) => Table,
): DestinationConfig {
  const interfaces = p.list('inet_interfaces').filter((i) => /^[0-9.:a-f]+$/i.test(i));
  const options = {
    openTable,
    readFile: (path: string) => readFileSync(path, 'utf8'),
    parentDomainMatchesSubdomains: p.list('parent_domain_matches_subdomains'),
  };
  const list = (name: string) => parseDomainList(name, p.list(name).join(' '), options);
  return {
    mydestination: list('mydestination'),
    relayDomains: list('relay_domains'),
    virtualAliasDomains: list('virtual_alias_domains'),
    localAddresses: interfaces,
  };
}

/** virtual_alias_maps with the parameters of virtual(5); undefined when the parameter is empty. */
export function virtualAliases(
  p: ParameterSet,
  openTable: (spec: string) => Table,
  destinations: DestinationConfig,
): VirtualAliases | undefined {
  const tables = p.tables('virtual_alias_maps').map(openTable);
  if (tables.length === 0) return undefined;
  const myorigin = p.string('myorigin');
  return new VirtualAliases({
    tables,
    recipientDelimiter: p.string('recipient_delimiter'),
    propagateExtensions: p.list('propagate_unmatched_extensions').includes('virtual'),
    isLocalDomain: (domain) =>
      domain.toLowerCase() === myorigin.toLowerCase() ||
      classifyRecipient(`postmaster@${domain}`, destinations) === 'final',
    myorigin,
    recursionLimit: p.int('virtual_alias_recursion_limit'),
    expansionLimit: p.int('virtual_alias_expansion_limit'),
  });
}

function bareNewline(value: string): BareNewlinePolicy {
  // smtpd_forbid_bare_newline = yes means normalize (postconf(5), Postfix 3.9).
  return value === 'yes' ? 'normalize' : (value as BareNewlinePolicy);
}

export function smtpdOptions(
  p: ParameterSet,
  tlsAvailable: boolean,
  neverOfferTls: boolean,
): SmtpdOptions {
  return {
    myhostname: p.string('myhostname'),
    smtpdBanner: p.string('smtpd_banner'),
    mailName: p.string('mail_name'),
    messageSizeLimit: p.size('message_size_limit'),
    lineLengthLimit: p.int('line_length_limit'),
    smtpdRecipientLimit: p.int('smtpd_recipient_limit'),
    smtpdForbidBareNewline: bareNewline(p.string('smtpd_forbid_bare_newline')),
    smtpdDiscardEhloKeywords: p.list('smtpd_discard_ehlo_keywords'),
    smtpdTlsSecurityLevel: smtpdTlsLevel(p),
    tlsAvailable,
    smtpdTlsWrappermode: p.bool('smtpd_tls_wrappermode'),
    smtpdTlsAuthOnly: p.bool('smtpd_tls_auth_only'),
    smtpdTlsAskCcert: p.bool('smtpd_tls_ask_ccert') || p.bool('smtpd_tls_req_ccert'),
    smtpdTlsReceivedHeader: p.bool('smtpd_tls_received_header'),
    smtpdSaslAuthEnable: p.bool('smtpd_sasl_auth_enable'),
    smtpdDelayReject: p.bool('smtpd_delay_reject'),
    smtpdHeloRequired: p.bool('smtpd_helo_required'),
    disableVrfyCommand: p.bool('disable_vrfy_command'),
    smtpdErrorSleepTime: p.time('smtpd_error_sleep_time') * 1000,
    smtpdSoftErrorLimit: p.int('smtpd_soft_error_limit'),
    smtpdHardErrorLimit: p.int('smtpd_hard_error_limit'),
    // The regexp: entry of Postfix's default is a table, not a command name; the session's own rule covers it.
    smtpdForbiddenCommands: p.list('smtpd_forbidden_commands').filter((c) => !c.includes(':')),
    smtpdSaslService: p.string('smtpd_sasl_service'),
    neverOfferTls,
  };
}

/** smtpd_sasl_type: `dovecot` or postern's own; Postfix's default `cyrus` is not available and says so. */
function saslBackend(d: SmtpdServiceDeps): SaslBackend | undefined {
  const p = d.params;
  if (!p.bool('smtpd_sasl_auth_enable')) return undefined;
  const security = {
    plain: parseSecurityOptions(p.list('smtpd_sasl_security_options').join(' ')),
    tls: parseSecurityOptions(
      p.list('smtpd_sasl_tls_security_options').join(' '),
      'smtpd_sasl_tls_security_options',
    ),
  };
  const type = p.string('smtpd_sasl_type');
  if (type === 'dovecot') {
    return new DovecotSaslBackend({
      endpoint: parseDovecotPath(p.string('smtpd_sasl_path'), p.string('queue_directory')),
      security,
      log: d.log,
    });
  }
  if (type === 'postern') {
    const tables = p.tables('smtpd_sasl_password_maps').map(d.openTable);
    const passwords = {
      lookup: (user: string) => tables.map((t) => t.lookup(user)).find((v) => v !== undefined),
    };
    return new PosternSaslBackend({
      passwords,
      security,
      cramMd5: false,
      random: d.random,
      now: Date.now,
      hostname: p.string('myhostname'),
      log: d.log,
    });
  }
  throw new Error(
    `smtpd_sasl_type = ${type}: postern supports the SASL types dovecot and postern only`,
  );
}

function policy(d: SmtpdServiceDeps, destinations: DestinationConfig): RestrictionPolicy {
  const p = d.params;
  const lists = Object.fromEntries(
    LISTS.map((name) => [name, p.list(name)]),
  ) as unknown as RestrictionLists;
  const clientcerts = p.tables('relay_clientcerts');
  const settings = restrictionSettings({
    lists,
    mynetworks: parseNetworkList(p.list('mynetworks')),
    destinations,
    ...(clientcerts.length > 0 ? { relayClientcerts: d.openTable(clientcerts[0]!) } : {}),
    fingerprintDigest: p.string('smtpd_tls_fingerprint_digest') as 'md5' | 'sha1' | 'sha256',
    accessMapsMatchParents: accessMapsMatchParents(p.list('parent_domain_matches_subdomains')),
    delayReject: p.bool('smtpd_delay_reject'),
    saslAuthEnable: p.bool('smtpd_sasl_auth_enable'),
    codes: {
      ...DEFAULT_REPLY_CODES,
      accessMapReject: p.int('access_map_reject_code'),
      accessMapDefer: p.int('access_map_defer_code'),
      relay: p.int('relay_domains_reject_code'),
    },
    recipientDelimiter: p.string('recipient_delimiter'),
    log: d.log,
  });
  return new RestrictionPolicy(settings, d.openTable);
}

/** tls_server_sni_maps, opened with the service's other tables. */
function sniChains(p: ParameterSet, d: SmtpdServiceDeps): Pick<SmtpServerOptions, 'sniChains'> {
  const tables = p.tables('tls_server_sni_maps').map(d.openTable);
  if (tables.length === 0) return {};
  const chains = new SniChains(tables, d.log);
  return { sniChains: (name, who) => chains.select(name, who) };
}

/** Builds the server; the caller listens on the service's address. */
export async function createSmtpdService(d: SmtpdServiceDeps): Promise<SmtpServer> {
  return new SmtpServer(await smtpdServerOptions(d));
}

/** The session options, TLS, SASL, policy and queue delivery of one smtpd (also sendmail -bs's, with no socket). */
export async function smtpdServerOptions(d: SmtpdServiceDeps): Promise<SmtpServerOptions> {
  const p = d.params;
  const tls =
    d.neverOfferTls === true
      ? undefined
      : serverTlsOptions({
          params: p,
          random: d.random,
          log: d.log,
          ...(d.sessionStore !== undefined ? { sessionStore: d.sessionStore } : {}),
        });
  const destinations = destinationConfig(p, d.openTable);
  const localMaps = p.tables('local_recipient_maps').map(d.openTable);
  const aliases = virtualAliases(p, d.openTable, destinations);
  const sasl = saslBackend(d);
  // The Dovecot back end learns its mechanisms from the auth server's handshake; a dead server is logged and retried per AUTH.
  if (sasl instanceof DovecotSaslBackend && !(await sasl.open()))
    d.log(
      `warning: SASL: cannot connect to the Dovecot auth server at ${p.string('smtpd_sasl_path')}: AUTH is offered once it answers`,
    );
  return {
    smtpd: smtpdOptions(p, tls !== undefined, d.neverOfferTls === true),
    ...(tls !== undefined ? { tls, ...sniChains(p, d) } : {}),
    delivery: new QueueDelivery({
      queue: d.queue,
      myhostname: p.string('myhostname'),
      mailName: p.string('mail_name'),
      tlsReceivedHeader: p.bool('smtpd_tls_received_header'),
      askCcert: p.bool('smtpd_tls_ask_ccert'),
      queued: d.queued,
      log: d.log,
      ...(aliases !== undefined ? { virtualAliases: aliases } : {}),
    }),
    logger: { log: (level, text) => d.log(level === 'info' ? text : `${level}: ${text}`) },
    policy: withLocalRecipientCheck(policy(d, destinations), {
      tables: localMaps,
      destinations,
      recipientDelimiter: p.string('recipient_delimiter'),
      unknownVirtualAliasCode: p.int('unknown_virtual_alias_reject_code'),
      ...(aliases !== undefined ? { virtualAliases: aliases } : {}),
    }),
    ...(sasl !== undefined ? { sasl } : {}),
    smtpdTimeout: p.time('smtpd_timeout') * 1000,
    smtpdStarttlsTimeout: p.time('smtpd_starttls_timeout') * 1000,
    smtpdTlsLoglevel: p.int('smtpd_tls_loglevel'),
  };
}
