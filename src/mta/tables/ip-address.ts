import { isIPv4, isIPv6 } from 'node:net';

/** An IP address as bytes: 4 for IPv4, 16 for IPv6. */
export type AddressBytes = Uint8Array;

/**
 * inet_pton(3) rules, as Postfix converts cidr: keys and patterns: dotted
 * quad without leading zeros, or IPv6 text (with an IPv4 tail allowed), no
 * zone index. Undefined for anything else.
 */
export function parseAddress(text: string): AddressBytes | undefined {
  if (isIPv4(text)) return Uint8Array.from(text.split('.').map(Number));
  if (text.includes('%') || !isIPv6(text)) return undefined;
  return parseIPv6(text);
}

function parseIPv6(text: string): AddressBytes {
  let body = text;
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (v4) {
    tail.push(...(v4[1] as string).split('.').map(Number));
    body = body.slice(0, -(v4[1] as string).length) + '0:0';
  }
  const [head = '', rest] = body.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  if (tail.length === 4) bytes.set(tail, 12);
  return bytes;
}

/** The RFC 5952 text form (lower case, longest zero run as `::`), with glibc's dotted tail for ::a.b.c.d and ::ffff:a.b.c.d. */
export function formatAddress(bytes: AddressBytes): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const words = Array.from(
    { length: 8 },
    (_, i) => ((bytes[2 * i] as number) << 8) | (bytes[2 * i + 1] as number),
  );
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  // inet_ntop(3) as glibc writes it: an IPv4-compatible or -mapped address ends in dotted quad.
  if (best.start === 0 && (best.length === 6 || (best.length === 5 && words[5] === 0xffff))) {
    return (best.length === 6 ? '::' : '::ffff:') + Array.from(bytes.slice(12)).join('.');
  }
  const hex = words.map((w) => w.toString(16));
  if (best.start < 0) return hex.join(':');
  const left = hex.slice(0, best.start).join(':');
  const right = hex.slice(best.start + best.length).join(':');
  return `${left}::${right}`;
}

/** The IPv4 address inside ::ffff:a.b.c.d (RFC 4291 §2.5.5.2), or undefined. */
export function unmapIPv4(bytes: AddressBytes): AddressBytes | undefined {
  if (bytes.length !== 16) return undefined;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return undefined;
  if (bytes[10] !== 0xff || bytes[11] !== 0xff) return undefined;
  return bytes.slice(12);
}

/** True when the first `prefix` bits of a and b are equal (a and b of the same family). */
export function samePrefix(a: AddressBytes, b: AddressBytes, prefix: number): boolean {
  const full = prefix >> 3;
  for (let i = 0; i < full; i++) if (a[i] !== b[i]) return false;
  const bits = prefix & 7;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (((a[full] as number) ^ (b[full] as number)) & mask) === 0;
}

/** The address with every bit after `prefix` cleared. */
export function networkOf(bytes: AddressBytes, prefix: number): AddressBytes {
  const out = bytes.slice();
  for (let bit = prefix; bit < out.length * 8; bit++)
    out[bit >> 3] = (out[bit >> 3] as number) & ~(0x80 >> (bit & 7));
  return out;
}
