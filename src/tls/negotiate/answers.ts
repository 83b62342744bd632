import { TlsAlert } from '../error/tls-alert.js';
import type { Extension } from '../codec/extensions.js';
import { findExtension } from '../codec/extensions.js';
import type { ClientHello } from '../codec/messages.js';
import type { HandshakeIO } from '../engine/connection.js';
import type { ResolvedServerConfig } from '../policy/resolve-config.js';
import { ExtensionType, NameType } from '../registry/constants.js';
import type { LimitVersion } from '../record/size-limit.js';
import {
  recordSizeLimitExtension,
  sendContentLimit,
  serverRecordSizeLimit,
} from '../record/size-limit.js';
import { decodeUtf8, encodeUtf8 } from '../wire/text.js';

/**
 * The server's answers to the version-neutral parts of a ClientHello,
 * written once for TLS 1.3 and 1.2: SNI, ALPN, record_size_limit.
 */

/** RFC 6066 §3: the host_name the client asked for (the only NameType defined). */
export function serverName(ch: ClientHello): string | undefined {
  const sni = findExtension(ch.extensions, 'server_name');
  const host = sni?.serverNames?.find((n) => n.nameType === NameType.host_name);
  return host === undefined ? undefined : decodeUtf8(host.name);
}

/** RFC 7301: the protocols the client offers, in its order. */
export function offeredAlpn(ch: ClientHello): string[] {
  return (
    findExtension(ch.extensions, 'application_layer_protocol_negotiation')?.protocols.map(
      decodeUtf8,
    ) ?? []
  );
}

/** Our preference among the client's ALPN protocols; none when either side sends none. */
export function chooseAlpn(config: ResolvedServerConfig, ch: ClientHello): string | undefined {
  const ours = config.alpnProtocols;
  if (
    findExtension(ch.extensions, 'application_layer_protocol_negotiation') === undefined ||
    ours === undefined ||
    ours.length === 0
  )
    return undefined;
  const offered = offeredAlpn(ch);
  const pick = ours.find((p) => offered.includes(p));
  // RFC 7301 §3.2: no protocol in common is no_application_protocol.
  if (pick === undefined)
    throw TlsAlert.because(
      'no_common_application_protocol',
      `none of ${offered.join(', ')} is served`,
    );
  return pick;
}

/** RFC 7301 §3.1: the one protocol the server selected. */
export function alpnExtension(protocol: string): Extension {
  return {
    kind: 'application_layer_protocol_negotiation',
    type: ExtensionType.application_layer_protocol_negotiation,
    protocols: [encodeUtf8(protocol)],
  };
}

/** RFC 6066 §3: the server acknowledges a server_name it used with an empty extension. */
export function serverNameAck(): Extension {
  return { kind: 'server_name', type: ExtensionType.server_name, serverNames: null };
}

/**
 * RFC 8449 §4: the answer to a client's record_size_limit (none when it
 * sent none). From the message that carries it on, each side sends
 * protected records within the other's limit.
 */
export function answerRecordSizeLimit(
  io: HandshakeIO,
  config: ResolvedServerConfig,
  ch: ClientHello,
  version: LimitVersion,
): Extension | undefined {
  const clientLimit = findExtension(ch.extensions, 'record_size_limit');
  if (clientLimit === undefined) return undefined;
  const own = serverRecordSizeLimit(config.recordSizeLimit, version);
  io.setRecordSizeLimits({
    sendContent: sendContentLimit(clientLimit.limit, version),
    receive: own,
  });
  return recordSizeLimitExtension(own);
}

/** RFC 7301 §3.1: the server's ALPN answer holds exactly one protocol, one the client offered. */
export function acceptedAlpn(
  answer: readonly Extension[],
  offered: readonly string[],
): string | undefined {
  const alpn = findExtension(answer, 'application_layer_protocol_negotiation');
  if (alpn === undefined) return undefined;
  const only =
    alpn.protocols.length === 1 ? decodeUtf8(alpn.protocols[0] as Uint8Array) : undefined;
  if (only === undefined || !offered.includes(only))
    throw new TlsAlert(
      'illegal_parameter',
      'server selected an ALPN protocol that was not offered',
    );
  return only;
}
