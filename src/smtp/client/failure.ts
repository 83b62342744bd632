// Why a client session ended before its work was done: one named reason
// each, with the RFC 3463 status it maps to and whether another MX host may
// do better (Postfix smtp(8): soft errors move on to the next MX host).
import type { Reply } from '../codec/reply.js';
import { replyText } from '../codec/reply.js';

export type ClientFailureReason =
  | 'greeting-rejected'
  | 'helo-rejected'
  | 'starttls-not-offered'
  | 'starttls-rejected'
  | 'tls-failed'
  | 'auth-no-mechanism'
  | 'auth-failed'
  | 'protocol-error'
  | 'timeout'
  | 'connection-lost'
  | 'rset-rejected';

export interface ClientFailure {
  readonly reason: ClientFailureReason;
  /** RFC 3463 status for the recipients this failure leaves undelivered. */
  readonly dsnStatus: string;
  /** The log and DSN text, in Postfix's words. */
  readonly text: string;
  /** A 5xx that makes the recipients bounce (not retried elsewhere). */
  readonly permanent: boolean;
  readonly reply?: Reply;
}

const STATUS: Record<ClientFailureReason, string> = {
  'greeting-rejected': '4.3.0',
  'helo-rejected': '4.3.0',
  // RFC 3207 and Postfix: TLS required but not offered / refused are 4.7.4 / 4.7.5.
  'starttls-not-offered': '4.7.4',
  'starttls-rejected': '4.7.5',
  'tls-failed': '4.7.5',
  'auth-no-mechanism': '4.7.0',
  'auth-failed': '4.7.0',
  'protocol-error': '4.5.0',
  timeout: '4.4.2',
  'connection-lost': '4.4.2',
  'rset-rejected': '4.5.0',
};

export function clientFailure(
  reason: ClientFailureReason,
  text: string,
  reply?: Reply,
): ClientFailure {
  const permanent = reply !== undefined && reply.code >= 500 && reason === 'helo-rejected';
  const dsnStatus = permanent ? (reply?.enhanced ?? '5.5.0') : STATUS[reason];
  return reply === undefined
    ? { reason, dsnStatus, text, permanent }
    : { reason, dsnStatus, text, permanent, reply };
}

/** NAME[ADDR] of a peer written NAME[ADDR]:PORT: Postfix's texts name the host, the relay= field adds the port. */
export function hostOf(peer: string): string {
  return peer.replace(/\]:\d+$/, ']');
}

/** `host NAME said: 550 5.1.1 … (in reply to RCPT TO command)`, as Postfix's DSN text. */
export function saidText(peer: string, r: Reply, command: string): string {
  return `host ${hostOf(peer)} said: ${replyText(r)} (in reply to ${command} command)`;
}
