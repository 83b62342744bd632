// The defaults Postfix computes from the host (mail_params.c): the host name,
// the domain, and the trusted networks of this host's interfaces.
import { hostname, networkInterfaces } from 'node:os';
import type { DefaultContext } from './parameter.js';

/** Postfix's DEF_MYDOMAIN, used when the host name gives no domain. */
const LOCALDOMAIN = 'localdomain';

/** The system host name, with .$mydomain (or .localdomain) appended when it has no dot. */
export function defaultMyhostname(context: DefaultContext): string {
  const name = hostname();
  if (name.includes('.')) return name;
  return `${name}.${context.isSet('mydomain') ? context.expanded('mydomain') : LOCALDOMAIN}`;
}

/** $myhostname without its first label, when what is left still has a dot; else localdomain. */
export function defaultMydomain(context: DefaultContext): string {
  const name = context.expanded('myhostname');
  const dot = name.indexOf('.');
  if (dot < 0 || !name.slice(dot + 1).includes('.')) return LOCALDOMAIN;
  return name.slice(dot + 1);
}

function ipv4Network(address: string, prefix: number): string {
  const value = address.split('.').reduce((acc, octet) => (acc << 8) | Number(octet), 0) >>> 0;
  const masked = prefix === 0 ? 0 : (value & (0xffffffff << (32 - prefix))) >>> 0;
  return [24, 16, 8, 0].map((shift) => (masked >>> shift) & 0xff).join('.');
}

function ipv6Groups(address: string): number[] {
  const [head, tail] = address.split('::') as [string, string | undefined];
  const parse = (part: string | undefined): number[] =>
    part ? part.split(':').map((g) => parseInt(g, 16)) : [];
  const left = parse(head);
  const right = parse(tail);
  return tail === undefined
    ? left
    : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** RFC 5952 text: the longest run of zero groups (two or more) becomes `::`. */
function ipv6Text(groups: number[]): string {
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`;
}

function ipv6Network(address: string, prefix: number): string {
  const groups = ipv6Groups(address.replace(/%.*$/, '')).map((group, i) => {
    const bits = Math.max(0, Math.min(16, prefix - i * 16));
    return bits === 0 ? 0 : group & ((0xffff << (16 - bits)) & 0xffff);
  });
  return ipv6Text(groups);
}

/** IPv4 classful prefix (Postfix's mynetworks_style = class). */
function classPrefix(address: string): number {
  const first = Number(address.split('.')[0]);
  return first < 128 ? 8 : first < 192 ? 16 : 24;
}

function networkOf(family: string, address: string, netmaskPrefix: number, style: string): string {
  if (family === 'IPv4') {
    const prefix = style === 'host' ? 32 : style === 'class' ? classPrefix(address) : netmaskPrefix;
    return `${ipv4Network(address, prefix)}/${prefix}`;
  }
  const prefix = style === 'host' ? 128 : netmaskPrefix;
  return `[${ipv6Network(address, prefix)}]/${prefix}`;
}

/** The networks of this host's interface addresses, IPv4 first, by $mynetworks_style. */
export function defaultMynetworks(context: DefaultContext): string {
  const style = context.expanded('mynetworks_style');
  const protocols = context.expanded('inet_protocols');
  const wanted = (family: string): boolean =>
    protocols.includes('all') || protocols.includes(family === 'IPv4' ? 'ipv4' : 'ipv6');
  const networks: string[] = [];
  for (const family of ['IPv4', 'IPv6']) {
    if (!wanted(family)) continue;
    for (const info of Object.values(networkInterfaces()).flat()) {
      if (info === undefined || info.family !== family || info.cidr === null) continue;
      const prefix = Number(info.cidr.split('/')[1]);
      const network = networkOf(family, info.address, prefix, style);
      if (!networks.includes(network)) networks.push(network);
    }
  }
  return networks.join(' ');
}
