import type { Certificate } from './certificate.js';
import { attributeValues } from './name.js';
import { OID } from './oid.js';
import { bytesEqual } from './public-key.js';

/** IPv4 dotted quad or IPv6 literal (RFC 4291 §2.2) as bytes, or undefined when `host` is not an address. */
export function parseIpAddress(host: string): Uint8Array | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    return parts.every((p) => p <= 255) ? Uint8Array.from(parts) : undefined;
  }
  if (!host.includes(':') || !/^[0-9a-fA-F:.]+$/.test(host)) return undefined;
  let tail: number[] = [];
  let text = host;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const embedded = parseIpAddress(text.slice(lastColon + 1));
    if (embedded === undefined || embedded.length !== 4) return undefined;
    tail = Array.from(embedded);
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0] ?? '');
  const rest = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (head === undefined || rest === undefined) return undefined;
  const fill = 8 - head.length - rest.length;
  if ((halves.length === 1 && fill !== 0) || (halves.length === 2 && fill < 1)) return undefined;
  const words = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...rest];
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return Uint8Array.from(bytes);
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/**
 * RFC 6125 §6.4: a presented DNS identifier against the reference host name.
 * Case-insensitive (§6.4.1), A-labels compared as they are (§6.4.2), and a
 * wildcard only as the complete left-most label matching exactly one label
 * (§6.4.3), never in a pattern of fewer than three labels (`*.com`).
 */
export function matchDnsName(pattern: string, host: string): boolean {
  const p = normalise(pattern);
  const h = normalise(host);
  if (p === '' || h === '') return false;
  if (!p.includes('*')) return p === h;
  const pLabels = p.split('.');
  const hLabels = h.split('.');
  if (pLabels[0] !== '*' || pLabels.slice(1).some((l) => l.includes('*') || l === '')) return false;
  if (pLabels.length < 3 || pLabels.length !== hLabels.length || hLabels[0] === '') return false;
  return pLabels.slice(1).every((l, i) => l === hLabels[i + 1]);
}

/**
 * Does `cert` identify `host`? An IP literal matches only iPAddress entries of
 * subjectAltName. A name matches the dNSName entries, and the subject's
 * CommonName only when there is no dNSName at all (RFC 6125 §6.4.4).
 */
export function matchHostname(cert: Certificate, host: string): boolean {
  const san = cert.ext.subjectAltName ?? [];
  const ip = parseIpAddress(host.replace(/^\[(.*)\]$/, '$1'));
  if (ip !== undefined) return san.some((g) => g.type === 'ip' && bytesEqual(g.value, ip));
  const dns = san.flatMap((g) => (g.type === 'dns' ? [g.value] : []));
  const presented = dns.length > 0 ? dns : attributeValues(cert.subject, OID.commonName);
  return presented.some((p) => matchDnsName(p, host));
}
