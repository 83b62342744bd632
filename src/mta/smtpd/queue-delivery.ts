// smtpd's delivery into the durable queue: the session's `250 2.0.0 Ok:
// queued as ID` waits for this promise, which resolves only once the queue
// file and its directory entry are on disk (mail-queue.ts). The Received
// header (RFC 5321 §4.4) is prepended here, as Postfix's cleanup(8) does with
// the one smtpd(8) sends it, because it names the queue ID.
import type { Delivery } from '../../smtp/node/delivery.js';
import type { DeliveryVerdict, ReceivedMessage } from '../../smtp/server/events.js';
import { formatReceived } from '../../smtp/server/received.js';
import type { DsnNotify, MailQueue, NewMessage, QueuedRecipient } from '../queue/index.js';
import type { VirtualAliases } from '../cleanup/virtual-aliases.js';

export interface QueueDeliveryOptions {
  readonly queue: MailQueue;
  /** myhostname, mail_name, smtpd_tls_received_header, smtpd_tls_ask_ccert: the Received header's inputs. */
  readonly myhostname: string;
  readonly mailName: string;
  readonly tlsReceivedHeader: boolean;
  readonly askCcert: boolean;
  /** Called after each message is queued (wakes the queue manager). */
  readonly queued: (id: string) => void;
  readonly log: (line: string) => void;
  /** virtual_alias_maps: the recipients are rewritten before the message is queued, as cleanup(8) does. */
  readonly virtualAliases?: VirtualAliases;
}

function recipientOf(r: ReceivedMessage['recipients'][number]): QueuedRecipient {
  const notify = r.params.notify;
  return {
    address: r.address,
    ...(r.params.orcpt !== undefined
      ? { orcpt: `${r.params.orcpt.addrType};${r.params.orcpt.address}` }
      : {}),
    ...(notify !== undefined
      ? { notify: notify.includes('NEVER') ? [] : (notify as readonly DsnNotify[]) }
      : {}),
  };
}

export class QueueDelivery implements Delivery {
  constructor(private readonly o: QueueDeliveryOptions) {}

  async deliver(m: ReceivedMessage): Promise<DeliveryVerdict> {
    let recipients: QueuedRecipient[];
    try {
      recipients = this.rewrite(m.recipients.map(recipientOf));
    } catch (e) {
      // A table that fails or an expansion past its limits defers the message: the client retries (cleanup(8)).
      this.o.log(`warning: ${(e as Error).message} -- message not accepted, try again later`);
      return {
        ok: false,
        code: 451,
        enhanced: '4.3.0',
        text: 'Error: temporary virtual alias lookup failure',
      };
    }
    try {
      const id = await this.o.queue.enqueue((queueId) => this.toQueue(m, queueId, recipients));
      // access(5) DISCARD and HOLD: accepted as usual, then dropped or parked, as cleanup(8) does.
      if (m.discard !== undefined) {
        await this.o.queue.remove('incoming', id);
        this.o.log(`${id}: discard: ${m.discard}`);
        return { ok: true, queueId: id };
      }
      if (m.hold !== undefined) {
        await this.o.queue.move(id, 'incoming', 'hold');
        this.o.log(`${id}: hold: ${m.hold}`);
        return { ok: true, queueId: id };
      }
      this.o.log(
        `${id}: from=<${m.sender}>, size=${m.size}, nrcpt=${recipients.length} (queue active)`,
      );
      this.o.queued(id);
      return { ok: true, queueId: id };
    } catch (e) {
      // The client keeps the message and retries later: nothing was acknowledged.
      this.o.log(`warning: cannot write the queue file: ${(e as Error).message}`);
      return { ok: false, code: 451, enhanced: '4.3.0', text: 'Error: queue file write error' };
    }
  }

  /**
   * Each recipient becomes what virtual_alias_maps says it stands for; a
   * rewritten one keeps the address the client gave as its DSN original
   * recipient (ORCPT, RFC 3461 §4.2) unless the client sent one. Duplicates
   * are dropped, the first kept.
   */
  private rewrite(given: QueuedRecipient[]): QueuedRecipient[] {
    const aliases = this.o.virtualAliases;
    if (aliases === undefined) return given;
    const out = new Map<string, QueuedRecipient>();
    for (const r of given) {
      for (const address of aliases.expand(r.address)) {
        const key = address.toLowerCase();
        if (out.has(key)) continue;
        out.set(
          key,
          address === r.address ? r : { ...r, address, orcpt: r.orcpt ?? `rfc822;${r.address}` },
        );
      }
    }
    return [...out.values()];
  }

  private toQueue(m: ReceivedMessage, queueId: string, recipients: QueuedRecipient[]): NewMessage {
    const received = formatReceived(m, {
      myhostname: this.o.myhostname,
      mailName: this.o.mailName,
      queueId,
      tlsReceivedHeader: this.o.tlsReceivedHeader,
      askCcert: this.o.askCcert,
    });
    const content = Buffer.concat([Buffer.from(received, 'utf8'), ...m.content]);
    return {
      arrivalTime: m.receivedAt.getTime(),
      sender: m.sender,
      ...(m.mailParams.ret !== undefined ? { ret: m.mailParams.ret } : {}),
      ...(m.mailParams.envid !== undefined ? { envid: m.mailParams.envid } : {}),
      client: {
        name: m.client.name,
        address: m.client.address,
        ...(m.helo !== undefined ? { helo: m.helo } : {}),
        protocol: m.protocol,
        ...(m.tls !== undefined
          ? {
              tls: {
                protocol: m.tls.protocol,
                cipher: m.tls.cipher,
                peerVerified: m.tls.peerVerified,
              },
            }
          : {}),
        ...(m.saslUser !== undefined ? { saslUser: m.saslUser } : {}),
      },
      recipients,
      content: new Uint8Array(content.buffer, content.byteOffset, content.byteLength),
    };
  }
}
