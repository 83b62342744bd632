import { ConfigError } from './config-error.js';

/** The protocol names Postfix accepts in *_tls_protocols (postconf(5) smtpd_tls_protocols). */
export const TLS_PROTOCOL_NAMES = [
  'SSLv2',
  'SSLv3',
  'TLSv1',
  'TLSv1.1',
  'TLSv1.2',
  'TLSv1.3',
] as const;
export type TlsProtocolName = (typeof TLS_PROTOCOL_NAMES)[number];

/**
 * A protocol list in either syntax: the exclusion form `!SSLv2, !SSLv3`
 * (Postfix 2.3) with plain names to include, or the range form `>=TLSv1.2`,
 * `<=TLSv1.3` (Postfix 3.6). An empty list means "no restriction".
 */
export interface TlsProtocolList {
  readonly include: readonly TlsProtocolName[];
  readonly exclude: readonly TlsProtocolName[];
  readonly min?: TlsProtocolName;
  readonly max?: TlsProtocolName;
}

export const TLS_PROTOCOLS_EXPECTED = `a TLS protocol list: names out of ${TLS_PROTOCOL_NAMES.join(' ')}, each optionally prefixed by !, >= or <=`;

function protocolName(word: string, value: string): TlsProtocolName {
  const found = TLS_PROTOCOL_NAMES.find((name) => name.toLowerCase() === word.toLowerCase());
  if (found === undefined)
    throw new ConfigError({
      value,
      expected: TLS_PROTOCOLS_EXPECTED,
      reason: `unknown protocol "${word}"`,
    });
  return found;
}

// Postfix separates these words with commas, white space or colons (tls_protocol_mask()).
export function parseTlsProtocols(value: string): TlsProtocolList {
  const include: TlsProtocolName[] = [];
  const exclude: TlsProtocolName[] = [];
  let min: TlsProtocolName | undefined;
  let max: TlsProtocolName | undefined;
  for (const word of value.split(/[\s,:]+/).filter((w) => w !== '')) {
    if (word.startsWith('>=')) min = protocolName(word.slice(2), value);
    else if (word.startsWith('<=')) max = protocolName(word.slice(2), value);
    else if (word.startsWith('!')) exclude.push(protocolName(word.slice(1), value));
    else include.push(protocolName(word, value));
  }
  return { include, exclude, ...(min !== undefined && { min }), ...(max !== undefined && { max }) };
}
