// One mail transaction's bookkeeping: which recipients the server took at
// RCPT, and each recipient's final outcome once it is known (RFC 5321 §3.3).
import { replyText, type Reply } from '../codec/reply.js';
import { saidText } from './failure.js';
import type { ClientRecipientOutcome, OutgoingMessage, OutgoingRecipient } from './message.js';

export class Transaction {
  readonly accepted: OutgoingRecipient[] = [];
  private readonly outcomes = new Map<number, ClientRecipientOutcome>();
  mailFailed = false;
  bodySent = false;

  constructor(
    readonly message: OutgoingMessage,
    private readonly peer: string,
  ) {}

  /** A non-2xx reply to RCPT, or to MAIL / DATA / the dot for everyone still open. */
  rejectOne(r: OutgoingRecipient, reply: Reply, command: string): void {
    this.set(r.index, reply, command);
  }

  rejectOpen(reply: Reply, command: string): void {
    for (const r of this.message.recipients)
      if (!this.outcomes.has(r.index)) this.set(r.index, reply, command);
  }

  /** The final 250 after the content: the accepted recipients are delivered. */
  delivered(reply: Reply, command: string): void {
    for (const r of this.accepted) this.set(r.index, reply, command);
  }

  /** Everyone without a final outcome gets this one (lost connection, timeout, local refusal). */
  settleOpen(status: 'deferred' | 'bounced', dsnStatus: string, diagnostic: string): void {
    for (const r of this.message.recipients) {
      if (!this.outcomes.has(r.index))
        this.outcomes.set(r.index, { index: r.index, status, dsnStatus, diagnostic });
    }
  }

  results(): ClientRecipientOutcome[] {
    return this.message.recipients.map((r) => this.outcomes.get(r.index) as ClientRecipientOutcome);
  }

  private set(index: number, reply: Reply, command: string): void {
    const status = reply.code < 300 ? 'sent' : reply.code < 500 ? 'deferred' : 'bounced';
    const dsnStatus =
      reply.enhanced ?? (status === 'sent' ? '2.0.0' : status === 'deferred' ? '4.0.0' : '5.0.0');
    // Postfix: a delivery says the server's reply (`250 2.0.0 Ok: queued as X`), a refusal `host … said: … (in reply to …)`.
    const diagnostic = status === 'sent' ? replyText(reply) : saidText(this.peer, reply, command);
    this.outcomes.set(index, { index, status, dsnStatus, diagnostic });
  }
}
