import type { DeliveryVerdict, ReceivedMessage } from '../server/events.js';

/**
 * Where accepted mail goes (the MTA's is the durable queue, src/mta/smtpd/queue-delivery.ts): the session
 * waits for the verdict before `250 Ok: queued as ID`, so a delivery must
 * have made the message durable when it resolves `ok`.
 */
export interface Delivery {
  deliver(message: ReceivedMessage): Promise<DeliveryVerdict>;
}

/** Keeps every message in memory and lets tests wait for them. */
export class MemoryDelivery implements Delivery {
  readonly messages: { message: ReceivedMessage; queueId: string; content: Uint8Array }[] = [];
  private waiters: (() => void)[] = [];
  private seq = 0;

  async deliver(message: ReceivedMessage): Promise<DeliveryVerdict> {
    const queueId = `MEM${(++this.seq).toString().padStart(6, '0')}`;
    this.messages.push({
      message,
      queueId,
      content: new Uint8Array(Buffer.concat(message.content)),
    });
    for (const w of this.waiters.splice(0)) w();
    return { ok: true, queueId };
  }

  /** Resolves once `count` messages have arrived. */
  async waitFor(count: number): Promise<void> {
    while (this.messages.length < count)
      await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}
