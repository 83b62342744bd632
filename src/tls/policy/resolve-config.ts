import { bitLength } from '../../crypto/bigint.js';
import { TlsConfigError } from '../error/config-error.js';
import { isSupportedGroup } from '../keys/key-exchange.js';
import { MIN_RECORD_SIZE_LIMIT } from '../record/size-limit.js';
import type { ClientConfig, CommonConfig, ServerConfig } from './config.js';
import type { TlsVersionName } from './defaults.js';
import {
  DEFAULT_DH_MIN_BITS,
  DEFAULT_GROUPS,
  DEFAULT_MAX_VERSION,
  DEFAULT_MIN_VERSION,
  DEFAULT_SESSION_CACHE_TIMEOUT,
  DEFAULT_SIGNATURE_SCHEMES,
  DEFAULT_TICKET_COUNT,
  DEFAULT_TLS12_SUITES,
  DEFAULT_TLS13_SUITES,
  LOWEST_DH_MIN_BITS,
} from './defaults.js';

type Filled =
  | 'minVersion'
  | 'maxVersion'
  | 'cipherSuites'
  | 'tls12CipherSuites'
  | 'groups'
  | 'signatureSchemes'
  | 'dhMinBits';

/** A client configuration checked and with every default filled in (the handshake states take only these). */
export type ResolvedClientConfig = ClientConfig & Required<Pick<ClientConfig, Filled>>;
/** A server configuration checked and with every default filled in. */
export type ResolvedServerConfig = ServerConfig &
  Required<Pick<ServerConfig, Filled | 'sessionTimeout' | 'ticketCount'>>;

const VERSION_ORDER: Record<TlsVersionName, number> = { 'TLSv1.2': 0x0303, 'TLSv1.3': 0x0304 };

function commonDefaults(config: CommonConfig): Required<Pick<CommonConfig, Filled>> {
  return {
    minVersion: config.minVersion ?? DEFAULT_MIN_VERSION,
    maxVersion: config.maxVersion ?? DEFAULT_MAX_VERSION,
    cipherSuites: config.cipherSuites ?? DEFAULT_TLS13_SUITES,
    tls12CipherSuites: config.tls12CipherSuites ?? DEFAULT_TLS12_SUITES,
    groups: config.groups ?? DEFAULT_GROUPS,
    signatureSchemes: config.signatureSchemes ?? DEFAULT_SIGNATURE_SCHEMES,
    dhMinBits: config.dhMinBits ?? DEFAULT_DH_MIN_BITS,
  };
}

function checkVersions(c: Required<Pick<CommonConfig, Filled>>): void {
  if (VERSION_ORDER[c.minVersion] > VERSION_ORDER[c.maxVersion]) {
    throw new TlsConfigError(
      'version_range_empty',
      `minVersion ${c.minVersion} is above maxVersion ${c.maxVersion}`,
    );
  }
}

/** RFC 8449 §4: a record_size_limit below 64 is illegal; the field is a uint16. */
function checkRecordSizeLimit(limit: number | undefined): void {
  if (limit === undefined) return;
  if (!Number.isSafeInteger(limit) || limit < MIN_RECORD_SIZE_LIMIT || limit > 0xffff) {
    throw new TlsConfigError(
      'bad_record_size_limit',
      `recordSizeLimit ${limit} is not an integer from ${MIN_RECORD_SIZE_LIMIT} to 65535`,
    );
  }
}

function checkDhMinBits(bits: number): void {
  if (!Number.isSafeInteger(bits) || bits < LOWEST_DH_MIN_BITS)
    throw new TlsConfigError(
      'dh_min_bits_too_low',
      `dhMinBits ${bits} is below ${LOWEST_DH_MIN_BITS}`,
    );
}

/**
 * Resolutions already made, by configuration object: a server hands the
 * same configuration to every connection, and a handshake without
 * public-key work (a TLS 1.2 resumption) should not pay for it again.
 * Configurations are not mutated once in use.
 */
const resolvedClients = new WeakMap<ClientConfig, ResolvedClientConfig>();
const resolvedServers = new WeakMap<ServerConfig, ResolvedServerConfig>();

/** The client's configuration, checked; a mistake throws a TlsConfigError before any byte is written. */
export function resolveClientConfig(config: ClientConfig): ResolvedClientConfig {
  let resolved = resolvedClients.get(config);
  if (resolved === undefined) {
    resolved = resolveClient(config);
    resolvedClients.set(config, resolved);
  }
  return resolved;
}

/** The server's configuration, checked; a mistake throws a TlsConfigError before any byte is written. */
export function resolveServerConfig(config: ServerConfig): ResolvedServerConfig {
  let resolved = resolvedServers.get(config);
  if (resolved === undefined) {
    resolved = resolveServer(config);
    resolvedServers.set(config, resolved);
  }
  return resolved;
}

function resolveClient(config: ClientConfig): ResolvedClientConfig {
  const filled = commonDefaults(config);
  checkVersions(filled);
  checkRecordSizeLimit(config.recordSizeLimit);
  checkDhMinBits(filled.dhMinBits);
  if (!filled.groups.some(isSupportedGroup))
    throw new TlsConfigError('no_supported_group', 'no supported key-exchange group configured');
  return { ...config, ...filled };
}

function resolveServer(config: ServerConfig): ResolvedServerConfig {
  const filled = commonDefaults(config);
  checkVersions(filled);
  checkRecordSizeLimit(config.recordSizeLimit);
  checkDhMinBits(filled.dhMinBits);
  if (config.certificates.length === 0 && config.askCaller?.certificates !== true)
    throw new TlsConfigError('no_certificate', 'server has no certificate');
  if (config.dhParams !== undefined && bitLength(config.dhParams.p) < filled.dhMinBits) {
    throw new TlsConfigError(
      'dh_group_too_small',
      `configured DH group of ${bitLength(config.dhParams.p)} bits is below the minimum of ${filled.dhMinBits}`,
    );
  }
  return {
    ...config,
    ...filled,
    sessionTimeout: config.sessionTimeout ?? DEFAULT_SESSION_CACHE_TIMEOUT,
    ticketCount: config.ticketCount ?? DEFAULT_TICKET_COUNT,
  };
}
