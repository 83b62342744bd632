import { TlsAlert } from '../error/tls-alert.js';
import { findExtension } from '../codec/extensions.js';
import type { ClientHello } from '../codec/messages.js';
import { isSupportedGroup } from '../keys/key-exchange.js';
import { isKnownSignatureScheme } from '../keys/signing.js';
import type { Tls12Suite, Tls13Suite } from '../registry/suites.js';
import { suiteByCode } from '../registry/suites.js';
import { decodeUtf8 } from '../wire/text.js';

/**
 * What a ClientHello offered, read from the message as sent (after
 * `customizeClientHello`), never from the configuration: the server's
 * answers are checked against this.
 */
export interface ClientOffer {
  readonly hello: ClientHello;
  readonly extensionTypes: ReadonlySet<number>;
  readonly cipherSuites: readonly number[];
  readonly groups: readonly number[];
  /** The groups of the key_share entries. */
  readonly keyShareGroups: readonly number[];
  readonly schemes: readonly number[];
  readonly versions: readonly number[];
  readonly alpnProtocols: readonly string[];
  /** RFC 8449: the limit we advertised, if we did. */
  readonly recordSizeLimit: number | undefined;
  /** RFC 8446 §D.4: a non-empty legacy_session_id is middlebox-compatibility mode. */
  readonly middleboxCompat: boolean;
}

export function clientOffer(hello: ClientHello): ClientOffer {
  const ext = hello.extensions;
  return {
    hello,
    extensionTypes: new Set(ext.map((e) => e.type)),
    cipherSuites: hello.cipherSuites,
    groups: findExtension(ext, 'supported_groups')?.groups ?? [],
    keyShareGroups: findExtension(ext, 'key_share_client_hello')?.shares.map((s) => s.group) ?? [],
    schemes: findExtension(ext, 'signature_algorithms')?.schemes ?? [],
    versions: findExtension(ext, 'supported_versions_client_hello')?.versions ?? [],
    alpnProtocols:
      findExtension(ext, 'application_layer_protocol_negotiation')?.protocols.map(decodeUtf8) ?? [],
    recordSizeLimit: findExtension(ext, 'record_size_limit')?.limit,
    middleboxCompat: hello.legacySessionId.length > 0,
  };
}

const HOOK = 'offered through customizeClientHello, but postern does not implement it';

function offeredSuite(offer: ClientOffer, code: number, version: string): void {
  if (!offer.cipherSuites.includes(code))
    throw new TlsAlert(
      'illegal_parameter',
      `server chose cipher suite 0x${code.toString(16)} that was not offered`,
    );
  const suite = suiteByCode(code);
  if (suite === undefined)
    throw new TlsAlert(
      'handshake_failure',
      `server chose cipher suite 0x${code.toString(16)}, ${HOOK}`,
    );
  // RFC 8446 §4.1.3 / RFC 5246 §7.4.1.3: a suite of the other version was not offered for this one.
  if (suite.version !== version)
    throw new TlsAlert(
      'illegal_parameter',
      `server chose ${suite.name}, which is not a ${version} suite`,
    );
}

/** The TLS 1.3 suite the server chose: illegal_parameter if we did not offer it, handshake_failure if only the hook did and we cannot do it. */
export function offeredTls13Suite(offer: ClientOffer, code: number): Tls13Suite {
  offeredSuite(offer, code, 'TLSv1.3');
  return suiteByCode(code) as Tls13Suite;
}

/** The TLS 1.2 suite the server chose, with the same two failures. */
export function offeredTls12Suite(offer: ClientOffer, code: number): Tls12Suite {
  offeredSuite(offer, code, 'TLSv1.2');
  return suiteByCode(code) as Tls12Suite;
}

/** A group the server chose (HelloRetryRequest, TLS 1.2 ServerKeyExchange): same two failures. */
export function checkOfferedGroup(
  offer: ClientOffer,
  group: number,
  implemented: (group: number) => boolean = isSupportedGroup,
): void {
  if (!offer.groups.includes(group))
    throw new TlsAlert(
      'illegal_parameter',
      `server selected group 0x${group.toString(16)} that was not offered`,
    );
  if (!implemented(group))
    throw new TlsAlert(
      'handshake_failure',
      `server selected group 0x${group.toString(16)}, ${HOOK}`,
    );
}

/** A signature scheme the server signed with: same two failures (whether it fits the key is checked after). */
export function checkOfferedScheme(offer: ClientOffer, scheme: number): void {
  if (!offer.schemes.includes(scheme))
    throw new TlsAlert(
      'illegal_parameter',
      `server signed with scheme 0x${scheme.toString(16)} that was not offered`,
    );
  if (!isKnownSignatureScheme(scheme))
    throw new TlsAlert(
      'handshake_failure',
      `server signed with scheme 0x${scheme.toString(16)}, ${HOOK}`,
    );
}
