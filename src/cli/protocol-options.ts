import {
  CipherListError,
  parseCipherList,
  parseTls13Ciphersuites,
} from '../tls/policy/cipher-list.js';
import type { CommonConfig, TlsVersionName } from '../tls/policy/config.js';
import { LOWEST_DH_MIN_BITS } from '../tls/policy/defaults.js';
import type { CipherSuiteInfo } from '../tls/registry/suites.js';
import type { ParsedArgs } from './args.js';
import { optionValue } from './args.js';
import { UsageError } from './command.js';

/**
 * The protocol options s_client and s_server share, as OpenSSL spells them:
 * which versions, which suites of each, and the smallest DHE group.
 */
export const PROTOCOL_FLAGS = ['tls1_2', 'tls1_3', 'no_tls1_2', 'no_tls1_3'] as const;
export const PROTOCOL_OPTIONS = ['cipher', 'ciphersuites', 'dh_min_bits'] as const;

export type ProtocolConfig = Pick<
  CommonConfig,
  'minVersion' | 'maxVersion' | 'cipherSuites' | 'tls12CipherSuites' | 'dhMinBits'
>;

/** Oldest first: the engine takes a contiguous range. */
const VERSIONS: readonly TlsVersionName[] = ['TLSv1.2', 'TLSv1.3'];

/**
 * `-tls1_2` / `-tls1_3` allow that version alone, `-no_tls1_2` / `-no_tls1_3`
 * take one away; neither means both. An empty `-ciphersuites` leaves TLS 1.3
 * without suites, so it takes TLS 1.3 away too, as in OpenSSL.
 */
function versionRange(
  parsed: ParsedArgs,
  noTls13Suites: boolean,
): { minVersion: TlsVersionName; maxVersion: TlsVersionName } {
  const only12 = parsed.flags.has('tls1_2');
  const only13 = parsed.flags.has('tls1_3');
  if (only12 && only13)
    throw new UsageError('-tls1_2 and -tls1_3 exclude each other (give neither for both versions)');
  const allowed = VERSIONS.filter((v) => {
    if (v === 'TLSv1.2') return !only13 && !parsed.flags.has('no_tls1_2');
    return !only12 && !parsed.flags.has('no_tls1_3') && !noTls13Suites;
  });
  const minVersion = allowed[0];
  const maxVersion = allowed[allowed.length - 1];
  if (minVersion === undefined || maxVersion === undefined)
    throw new UsageError('no protocol version is left by these options');
  return { minVersion, maxVersion };
}

/** A cipher-list error is the user's: a usage error that names the word. */
function cipherList<T>(option: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof CipherListError) throw new UsageError(`-${option}: ${err.message}`);
    throw err;
  }
}

/** `-dh_min_bits N`: lowers (or raises) the smallest DHE prime accepted; never below 1024 bits. */
export function dhMinBitsOption(parsed: ParsedArgs): number | undefined {
  const text = optionValue(parsed, 'dh_min_bits');
  if (text === undefined) return undefined;
  const bits = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(bits) || bits < LOWEST_DH_MIN_BITS) {
    throw new UsageError(
      `-dh_min_bits needs a number of bits of at least ${LOWEST_DH_MIN_BITS}, not '${text}'`,
    );
  }
  return bits;
}

/** The versions, suites and DH minimum of the command line, in the engine's terms. */
export function protocolConfig(parsed: ParsedArgs): ProtocolConfig {
  const cipher = optionValue(parsed, 'cipher');
  const ciphersuites = optionValue(parsed, 'ciphersuites');
  const tls12 =
    cipher === undefined ? undefined : cipherList('cipher', () => parseCipherList(cipher).tls12);
  const tls13 =
    ciphersuites === undefined
      ? undefined
      : cipherList('ciphersuites', () => parseTls13Ciphersuites(ciphersuites));
  const dhMinBits = dhMinBitsOption(parsed);
  return {
    ...versionRange(parsed, tls13 !== undefined && tls13.length === 0),
    ...(tls12 !== undefined && { tls12CipherSuites: tls12 }),
    ...(tls13 !== undefined && tls13.length > 0 && { cipherSuites: tls13 }),
    ...(dhMinBits !== undefined && { dhMinBits }),
  };
}

const OPENSSL_VERSION_NAMES = { SSLv3: 'SSLv3', TLSv1: 'TLSv1.0', 'TLSv1.2': 'TLSv1.2' } as const;

/**
 * The version in OpenSSL's `New, TLSv1.2, Cipher is …` line: the first
 * version the suite exists in (SSL_CIPHER_get_version), not the negotiated
 * one, so `AES128-SHA` says SSLv3 and `ECDHE-RSA-AES128-SHA` TLSv1.0.
 */
export function cipherVersionText(cipher: CipherSuiteInfo): string {
  return cipher.version === 'TLSv1.3'
    ? 'TLSv1.3'
    : OPENSSL_VERSION_NAMES[cipher.openssl.minVersion];
}
