// What the client session asks its adapter to do or tells it.
import type { ClientTlsState } from '../sasl/security-options.js';
import type { EhloInfo } from './ehlo-keywords.js';
import type { ClientFailure } from './failure.js';
import type { ClientRecipientOutcome } from './message.js';

export interface ReadyInfo {
  readonly ehlo: EhloInfo;
  readonly tls: ClientTlsState;
  /** The server announced STARTTLS (smtp_tls_note_starttls_offer). */
  readonly offeredStartTls: boolean;
  /** The SASL mechanism used, when the session authenticated. */
  readonly authenticatedWith?: string;
}

export type ClientEvent =
  /** Arm (or re-arm) the reply timer: `phase` names what we wait for. */
  | { readonly type: 'wait'; readonly phase: string; readonly timeoutMs: number }
  /** No reply is awaited: stop the timer. */
  | { readonly type: 'idle' }
  /** 220 to STARTTLS: start the TLS handshake on the socket now, then call tlsEstablished(). */
  | { readonly type: 'starttls' }
  /** The session can take a message (after EHLO, STARTTLS, AUTH; and after each transaction). */
  | { readonly type: 'ready'; readonly info: ReadyInfo }
  /** One transaction's results, one per recipient. */
  | { readonly type: 'result'; readonly outcomes: readonly ClientRecipientOutcome[] }
  /** The session cannot go on; close the socket. */
  | { readonly type: 'failure'; readonly failure: ClientFailure }
  /** QUIT was answered (or the server closed after it): close the socket. */
  | { readonly type: 'closed' };
