// MAIL FROM and RCPT TO lines with the ESMTP parameters the server offered:
// SIZE (RFC 1870 §6), BODY (RFC 6152 §2), SMTPUTF8 (RFC 6531 §3.4),
// RET/ENVID and NOTIFY/ORCPT (RFC 3461 §4), only when announced.
import type { EhloInfo } from './ehlo-keywords.js';
import { offers } from './ehlo-keywords.js';
import type { OutgoingMessage, OutgoingRecipient } from './message.js';

export function mailFromLine(m: OutgoingMessage, ehlo: EhloInfo, eightBit: boolean): string {
  const params: string[] = [];
  if (ehlo.size !== undefined) params.push(`SIZE=${m.content.length}`);
  if (eightBit && offers(ehlo, '8BITMIME')) params.push('BODY=8BITMIME');
  if (m.smtputf8 === true && offers(ehlo, 'SMTPUTF8')) params.push('SMTPUTF8');
  if (offers(ehlo, 'DSN')) {
    if (m.ret !== undefined) params.push(`RET=${m.ret}`);
    if (m.envid !== undefined) params.push(`ENVID=${m.envid}`);
  }
  return `MAIL FROM:<${m.sender}>${params.map((p) => ` ${p}`).join('')}`;
}

export function rcptToLine(r: OutgoingRecipient, ehlo: EhloInfo): string {
  const params: string[] = [];
  if (offers(ehlo, 'DSN')) {
    if (r.notify !== undefined)
      params.push(`NOTIFY=${r.notify.length === 0 ? 'NEVER' : r.notify.join(',')}`);
    if (r.orcpt !== undefined) params.push(`ORCPT=${r.orcpt}`);
  }
  return `RCPT TO:<${r.address}>${params.map((p) => ` ${p}`).join('')}`;
}

/** An envelope address or parameter must not smuggle a line end into the command (RFC 5321 §4.1.2). */
export function safeCommandText(line: string): boolean {
  return !/[\r\n\0]/.test(line);
}
