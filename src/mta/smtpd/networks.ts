// mynetworks (postconf(5)): CIDR networks, IPv4 and IPv6, with `!` to
// exclude, and the list Postfix computes from mynetworks_style when
// mynetworks is not set. An IPv4-mapped IPv6 client (::ffff:a.b.c.d) is
// matched as the IPv4 address it carries, as smtpd does.
import { parseIpAddress } from '../../x509/index.js';

export interface Network {
  /** 4 or 16 bytes, the host bits cleared. */
  readonly bytes: Uint8Array;
  readonly prefix: number;
  /** A `!` entry: a match ends the search with "no" (Postfix match_list). */
  readonly negated: boolean;
}

export class NetworkSyntaxError extends Error {
  constructor(
    readonly parameter: string,
    readonly entry: string,
    reason: string,
  ) {
    super(`${parameter}: bad entry '${entry}': ${reason}`);
    this.name = 'NetworkSyntaxError';
  }
}

const MAPPED_PREFIX = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);

/** A client or interface address as bytes; an IPv4-mapped IPv6 address becomes its IPv4 address. */
export function parseAddress(text: string): Uint8Array | undefined {
  const bytes = parseIpAddress(
    text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text,
  );
  if (bytes === undefined) return undefined;
  if (bytes.length === 16 && MAPPED_PREFIX.every((b, i) => bytes[i] === b)) return bytes.slice(12);
  return bytes;
}

function maskTo(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    out[i] = (bytes[i] as number) & ((0xff << (8 - bits)) & 0xff);
  }
  return out;
}

/** `192.0.2.0/24`, `[2001:db8::]/32`, `[::1]/128`, `192.0.2.1`, optionally after `!`. */
export function parseNetwork(entry: string, parameter = 'mynetworks'): Network {
  const negated = entry.startsWith('!');
  const body = negated ? entry.slice(1) : entry;
  const m = /^(\[[^\]]+\]|[^/]+)(?:\/(\d{1,3}))?$/.exec(body);
  const text = m?.[1];
  const bytes =
    text === undefined
      ? undefined
      : parseIpAddress(text.startsWith('[') ? text.slice(1, -1) : text);
  if (m === null || bytes === undefined) {
    throw new NetworkSyntaxError(
      parameter,
      entry,
      'not an address or network/prefix (host names and lookup tables in this list are not supported by postern)',
    );
  }
  const max = bytes.length * 8;
  const prefix = m[2] === undefined ? max : Number(m[2]);
  if (prefix > max)
    throw new NetworkSyntaxError(parameter, entry, `prefix longer than ${max} bits`);
  // Postfix refuses a network whose host bits are set ("non-null host address bits").
  const masked = maskTo(bytes, prefix);
  if (masked.some((b, i) => b !== bytes[i]))
    throw new NetworkSyntaxError(
      parameter,
      entry,
      `non-null host address bits, write ${formatNetwork({ bytes: masked, prefix, negated: false })}`,
    );
  return { bytes: masked, prefix, negated };
}

export function formatNetwork(n: Network): string {
  const addr = n.bytes.length === 4 ? Array.from(n.bytes).join('.') : formatIpv6(n.bytes);
  return `${n.negated ? '!' : ''}${n.bytes.length === 16 ? `[${addr}]` : addr}/${n.prefix}`;
}

function formatIpv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  // RFC 5952 §4.2.3: the longest run of two or more zero groups becomes "::".
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

/** Splits a list on commas and white space, as Postfix does for mynetworks. */
export function parseNetworkList(
  value: string | readonly string[],
  parameter = 'mynetworks',
): Network[] {
  const words =
    typeof value === 'string' ? value.split(/[\s,]+/) : value.flatMap((v) => v.split(/[\s,]+/));
  return words.filter((w) => w !== '').map((w) => parseNetwork(w, parameter));
}

export function networkContains(n: Network, address: Uint8Array): boolean {
  if (n.bytes.length !== address.length) return false;
  const masked = maskTo(address, n.prefix);
  return masked.every((b, i) => b === n.bytes[i]);
}

/** First match wins; a negated match means "not in the list". */
export function matchNetworks(list: readonly Network[], address: string): boolean {
  const bytes = parseAddress(address);
  if (bytes === undefined) return false;
  for (const n of list) if (networkContains(n, bytes)) return !n.negated;
  return false;
}

export type MynetworksStyle = 'host' | 'subnet' | 'class';

export interface InterfaceAddress {
  readonly address: string;
  /** The interface's netmask as a prefix length. */
  readonly prefix: number;
}

/** RFC 791-era class of an IPv4 address: A /8, B /16, C /24; D and E keep the interface's own mask, as Postfix does. */
function classPrefix(bytes: Uint8Array, own: number): number {
  const first = bytes[0] as number;
  if (first < 128) return 8;
  if (first < 192) return 16;
  if (first < 224) return 24;
  return own;
}

/**
 * mynetworks computed from mynetworks_style (postconf(5)): `host` trusts the
 * interface addresses only, `subnet` their subnets, `class` their class A/B/C
 * networks (IPv6 interfaces get their subnet, as Postfix).
 */
export function mynetworksFromStyle(
  style: MynetworksStyle,
  interfaces: readonly InterfaceAddress[],
): Network[] {
  return interfaces.map((i) => {
    const bytes = parseAddress(i.address);
    if (bytes === undefined)
      throw new NetworkSyntaxError('inet_interfaces', i.address, 'not an address');
    const own = Math.min(i.prefix, bytes.length * 8);
    const prefix =
      style === 'host'
        ? bytes.length * 8
        : style === 'class' && bytes.length === 4
          ? classPrefix(bytes, own)
          : own;
    return { bytes: maskTo(bytes, prefix), prefix, negated: false };
  });
}
