import { TlsAlert } from '../error/tls-alert.js';
import { CipherSuite } from '../registry/cipher-suite.js';
import type { TlsVersionName } from '../policy/config.js';
import type { ResolvedClientConfig, ResolvedServerConfig } from '../policy/resolve-config.js';
import { ProtocolVersion } from '../registry/constants.js';
import { findExtension } from '../codec/extensions.js';
import type { ClientHello } from '../codec/messages.js';

/** Which versions a configuration allows. */
export interface VersionRange {
  tls12: boolean;
  tls13: boolean;
}

const ORDER: Record<TlsVersionName, number> = {
  'TLSv1.2': ProtocolVersion.tls1_2,
  'TLSv1.3': ProtocolVersion.tls1_3,
};

/** resolveConfig() has checked that minVersion is not above maxVersion. */
export function versionRange(
  config: Pick<ResolvedClientConfig | ResolvedServerConfig, 'minVersion' | 'maxVersion'>,
): VersionRange {
  const min = ORDER[config.minVersion];
  const max = ORDER[config.maxVersion];
  return { tls12: min <= ProtocolVersion.tls1_2, tls13: max >= ProtocolVersion.tls1_3 };
}

/**
 * A server's range: a server whose certificates are all DSA cannot
 * authenticate in TLS 1.3 (RFC 8446 §4.2.3 has no DSA scheme), so it is a
 * TLS 1.2 server, downgrade sentinel included (none: it never speaks 1.3).
 */
export function serverVersionRange(config: ResolvedServerConfig): VersionRange {
  const range = versionRange(config);
  return {
    tls12: range.tls12,
    tls13: range.tls13 && config.certificates.some((c) => c.key.kind !== 'dsa'),
  };
}

/**
 * The server's version choice for a ClientHello: TLS 1.3 when both sides
 * allow it, else TLS 1.2 when the client offers it, else protocol_version.
 * RFC 8446 §4.2.1: with supported_versions present, legacy_version is
 * ignored for the choice; without it, legacy_version ≥ 0x0303 offers TLS
 * 1.2 (RFC 5246 §E.1: a higher legacy_version means the client also speaks
 * 1.2). RFC 8446 §4.1.2 and App. D.5 still bound legacy_version (see
 * checkLegacyVersion). RFC 7507 §3: TLS_FALLBACK_SCSV from a client whose
 * highest version is below ours is inappropriate_fallback — "unless it
 * responds with a fatal protocol_version alert", so a client below our
 * minimum hears protocol_version first (RFC 8446 App. D.2).
 */
export function selectServerVersion(range: VersionRange, ch: ClientHello): TlsVersionName {
  const sv = findExtension(ch.extensions, 'supported_versions_client_hello');
  const offered =
    sv !== undefined
      ? sv.versions
      : ch.legacyVersion >= ProtocolVersion.tls1_2
        ? [ProtocolVersion.tls1_2]
        : [ch.legacyVersion];
  const chosen = commonVersion(range, offered);
  if (chosen === undefined) {
    throw TlsAlert.because(
      'no_common_version',
      `no version in common (client offers ${offered.map((v) => `0x${v.toString(16)}`).join(', ')})`,
    );
  }
  checkLegacyVersion(chosen, ch.legacyVersion);
  const clientMax = Math.max(...offered.filter((v) => v <= ProtocolVersion.tls1_3));
  const ourMax = range.tls13 ? ProtocolVersion.tls1_3 : ProtocolVersion.tls1_2;
  if (ch.cipherSuites.includes(CipherSuite.TLS_FALLBACK_SCSV) && clientMax < ourMax) {
    throw TlsAlert.because(
      'inappropriate_fallback',
      'TLS_FALLBACK_SCSV from a client below our highest version',
    );
  }
  return chosen;
}

function commonVersion(
  range: VersionRange,
  offered: readonly number[],
): TlsVersionName | undefined {
  if (range.tls13 && offered.includes(ProtocolVersion.tls1_3)) return 'TLSv1.3';
  if (range.tls12 && offered.includes(ProtocolVersion.tls1_2)) return 'TLSv1.2';
  return undefined;
}

/**
 * RFC 8446 §4.1.2: a TLS 1.3 ClientHello sets legacy_version to 0x0303;
 * App. D.5: a legacy_version of 0x0300 or less is protocol_version in any
 * version (SSL 3.0 and below are never negotiated, not even through
 * supported_versions).
 */
function checkLegacyVersion(chosen: TlsVersionName, legacyVersion: number): void {
  const floor = chosen === 'TLSv1.3' ? ProtocolVersion.tls1_2 : 0x0301;
  if (legacyVersion < floor) {
    throw TlsAlert.because(
      'legacy_version_too_low',
      `ClientHello legacy_version 0x${legacyVersion.toString(16).padStart(4, '0')} for ${chosen}`,
    );
  }
}
