// The EHLO reply (RFC 5321 §4.1.1.1): the host name, then one keyword a line,
// in Postfix's order, less smtpd_discard_ehlo_keywords.
import type { Reply } from '../codec/reply.js';
import { reply } from '../codec/reply.js';

export interface EhloOffer {
  myhostname: string;
  messageSizeLimit: number;
  vrfy: boolean;
  starttls: boolean;
  /** The SASL mechanisms to announce (none: no AUTH line). */
  auth: readonly string[];
  discard: readonly string[];
}

export function ehloKeywords(o: EhloOffer): string[] {
  const all: string[] = [
    'PIPELINING',
    // RFC 1870 §4: SIZE 0 or SIZE alone means no fixed limit.
    o.messageSizeLimit > 0 ? `SIZE ${o.messageSizeLimit}` : 'SIZE',
    ...(o.vrfy ? ['VRFY'] : []),
    ...(o.starttls ? ['STARTTLS'] : []),
    ...(o.auth.length > 0 ? [`AUTH ${o.auth.join(' ')}`] : []),
    'ENHANCEDSTATUSCODES',
    '8BITMIME',
    'DSN',
    'SMTPUTF8',
    'CHUNKING',
  ];
  return all.filter((k) => !o.discard.includes(k.split(' ')[0] as string));
}

export function ehloReply(o: EhloOffer): Reply {
  return reply(250, undefined, o.myhostname, ...ehloKeywords(o));
}
