// Sends a DSN: builds the RFC 3464 report and queues it from the null sender
// (RFC 5321 §4.5.5: notifications use the null reverse-path, so they are never
// bounced back) to the original sender.
import type { MailQueue, QueuedMessage } from '../queue/index.js';
import { buildDsnMessage, type DsnKind, type DsnRecipient } from './dsn-message.js';

export interface NotifierOptions {
  readonly queue: MailQueue;
  /** myhostname */
  readonly reportingMta: string;
  /** bounce_size_limit */
  readonly bounceSizeLimit: number;
  readonly now?: () => number;
  readonly log: (line: string) => void;
  /** Called after each notice is queued (wakes the queue manager). */
  readonly queued?: () => void;
}

export function createNotifier(
  o: NotifierOptions,
): (kind: DsnKind, message: QueuedMessage, recipients: readonly DsnRecipient[]) => Promise<void> {
  let sequence = 0;
  return async (kind, message, recipients) => {
    const now = new Date((o.now ?? Date.now)());
    const content = buildDsnMessage({
      kind,
      message,
      recipients,
      reportingMta: o.reportingMta,
      now,
      boundary: `${message.id}.${now.getTime()}.${++sequence}/${o.reportingMta}`,
      sizeLimit: o.bounceSizeLimit,
    });
    const id = await o.queue.enqueue({
      arrivalTime: now.getTime(),
      sender: '',
      recipients: [{ address: message.sender }],
      content,
    });
    o.log(
      `${message.id}: sender ${kind === 'failure' ? 'non-delivery' : kind === 'delay' ? 'delay' : 'delivery status'} notification: ${id}`,
    );
    o.queued?.();
  };
}
