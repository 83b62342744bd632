// One mail transaction (RFC 5321 §3.3): from MAIL to the end of data or RSET.
import type { MailParams } from '../codec/command.js';
import type { Recipient, ReceivedMessage } from './events.js';
import type { PolicyVerdict } from './policy.js';

type MessageFacts = Omit<
  ReceivedMessage,
  'sender' | 'mailParams' | 'recipients' | 'content' | 'size' | 'discard' | 'hold'
>;

export class Transaction {
  readonly recipients: Recipient[] = [];
  /** RCPT commands seen, accepted or not (554 "no valid recipients" vs 503 "need RCPT"). */
  rcptAttempts = 0;
  /** BDAT was used: DATA is refused (RFC 3030 §3). */
  chunked = false;
  /** The sender-stage verdict, cached for every RCPT under smtpd_delay_reject. */
  mailVerdict: PolicyVerdict | undefined;
  discard: string | undefined;
  hold: string | undefined;
  private content: Uint8Array[] = [];
  private bytes = 0;

  constructor(
    readonly sender: string,
    readonly params: MailParams,
    /** message_size_limit: past it bytes are counted, not kept (0: no limit). */
    private readonly limit = 0,
  ) {}

  get size(): number {
    return this.bytes;
  }

  add(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.bytes += bytes.length;
    if (this.limit > 0 && this.bytes > this.limit) {
      this.content = [];
      return;
    }
    // The reader's output is a view of a buffer it will not reuse; keep it as is.
    this.content.push(bytes);
  }

  /** A DISCARD or HOLD result from any stage applies to the whole message (Postfix). */
  note(v: PolicyVerdict): void {
    if (v.action === 'discard') this.discard ??= v.text ?? 'discard';
    if (v.action === 'hold') this.hold ??= v.text ?? 'hold';
  }

  message(facts: MessageFacts): ReceivedMessage {
    return {
      ...facts,
      sender: this.sender,
      mailParams: this.params,
      recipients: [...this.recipients],
      content: this.content,
      size: this.bytes,
      discard: this.discard,
      hold: this.hold,
    };
  }
}
