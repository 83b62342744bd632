// What the client is asked to send in one transaction, and what it reports
// per recipient (the same shape as src/mta/delivery's RecipientOutcome).

export type NotifyKeyword = 'SUCCESS' | 'FAILURE' | 'DELAY';

export interface OutgoingRecipient {
  /** The caller's index (the queue file's recipient number). */
  readonly index: number;
  readonly address: string;
  /** RFC 3461 §4.1: absent = server default, empty = NEVER. */
  readonly notify?: readonly NotifyKeyword[];
  /** RFC 3461 §4.2, as `addr-type;xtext`. */
  readonly orcpt?: string;
}

export interface OutgoingMessage {
  readonly sender: string;
  readonly recipients: readonly OutgoingRecipient[];
  /** The message, header and body, lines ending in CRLF. */
  readonly content: Uint8Array;
  readonly ret?: 'FULL' | 'HDRS';
  /** RFC 3461 §4.4, xtext as received. */
  readonly envid?: string;
  /** The message was received with SMTPUTF8 (RFC 6531 §3.4), or the envelope is not ASCII. */
  readonly smtputf8?: boolean;
}

export type ClientOutcomeStatus = 'sent' | 'deferred' | 'bounced';

export interface ClientRecipientOutcome {
  readonly index: number;
  readonly status: ClientOutcomeStatus;
  readonly dsnStatus: string;
  readonly diagnostic: string;
}
