// The queue manager (Postfix qmgr(8)): takes messages from incoming/ into
// active/, hands their recipients to delivery agents grouped by transport and
// next hop (default_destination_recipient_limit recipients a request, at most
// default_destination_concurrency_limit requests at once per destination),
// records each final result in the queue file before acting on the next,
// defers the rest with back-off, sends DSNs, and expires old mail.
import type { MailQueue, QueuedMessage, QueueName } from '../queue/index.js';
import {
  encodeDeferral,
  encodeResult,
  encodeWarned,
  recoverQueue,
  QueueFileError,
} from '../queue/index.js';
import type { RecipientOutcome, Transport } from '../delivery/transport.js';
import { nextAttemptTime } from './backoff.js';
import { DestinationLimiter } from './destination-limiter.js';
import type { DsnKind, DsnRecipient } from './dsn-message.js';
import { wantsNotice } from './dsn-message.js';

/** Where a recipient goes (Postfix trivial-rewrite(8)'s answer). */
export interface Route {
  readonly transport: string;
  readonly nexthop: string;
}

export interface QueueManagerOptions {
  readonly queue: MailQueue;
  readonly route: (address: string) => Route;
  readonly transports: ReadonlyMap<string, Transport>;
  /** minimal_backoff_time, maximal_backoff_time, maximal_queue_lifetime, bounce_queue_lifetime, delay_warning_time (0 = off), queue_run_delay: seconds */
  readonly minimalBackoffTime: number;
  readonly maximalBackoffTime: number;
  readonly maximalQueueLifetime: number;
  readonly bounceQueueLifetime: number;
  readonly delayWarningTime: number;
  readonly queueRunDelay: number;
  /** default_destination_concurrency_limit */
  readonly destinationConcurrencyLimit: number;
  /** default_destination_recipient_limit */
  readonly destinationRecipientLimit: number;
  /** Sends one notice (builds and enqueues the DSN). */
  readonly notify: (
    kind: DsnKind,
    message: QueuedMessage,
    recipients: readonly DsnRecipient[],
  ) => Promise<void>;
  readonly log: (line: string) => void;
  readonly now?: () => number;
  /** How often incoming/ is scanned when no one wakes the manager (ms). */
  readonly incomingPollMs?: number;
}

interface Deferred {
  readonly index: number;
  readonly outcome: RecipientOutcome;
}

export class QueueManager {
  private readonly limiter: DestinationLimiter;
  private readonly busy = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private scanning: Promise<void> | undefined;
  private rescan = false;
  private readonly now: () => number;

  constructor(private readonly o: QueueManagerOptions) {
    this.limiter = new DestinationLimiter(o.destinationConcurrencyLimit);
    this.now = o.now ?? Date.now;
  }

  /** Recovers the queue, then processes incoming/ and deferred/ until stopped. */
  async start(): Promise<void> {
    await recoverQueue(this.o.queue, this.o.log);
    this.timers.push(setInterval(() => this.wake(), this.o.incomingPollMs ?? 1000));
    this.timers.push(setInterval(() => void this.runDeferred(false), this.o.queueRunDelay * 1000));
    for (const t of this.timers) t.unref();
    await this.runDeferred(false);
    this.wake();
  }

  /** Waits for deliveries in flight; no new ones start. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.scanning;
    await Promise.all([...this.inFlight]);
  }

  /** A new message is in incoming/ (the in-process smtpd calls this after each enqueue). */
  wake(): void {
    if (this.stopped) return;
    if (this.scanning !== undefined) {
      this.rescan = true;
      return;
    }
    this.scanning = this.scanIncoming().finally(() => {
      this.scanning = undefined;
      if (this.rescan) {
        this.rescan = false;
        this.wake();
      }
    });
  }

  /** Resolves when nothing is scanning or being delivered (tests, postqueue -f waits). */
  async idle(): Promise<void> {
    while (this.scanning !== undefined || this.inFlight.size > 0) {
      await this.scanning;
      await Promise.all([...this.inFlight]);
    }
  }

  /** postqueue -f: every deferred message is due now. */
  async flush(): Promise<void> {
    await this.runDeferred(true);
  }

  private async scanIncoming(): Promise<void> {
    for (const id of await this.o.queue.list('incoming')) {
      if (this.stopped) return;
      if (!this.busy.has(id)) this.launch(id, 'incoming');
    }
  }

  private async runDeferred(all: boolean): Promise<void> {
    if (this.stopped) return;
    const now = this.now();
    for (const id of await this.o.queue.list('deferred')) {
      if (this.busy.has(id)) continue;
      if (!all && (await this.o.queue.nextAttempt('deferred', id)) > now) continue;
      this.launch(id, 'deferred');
    }
  }

  private launch(id: string, from: QueueName): void {
    this.busy.add(id);
    const run = this.process(id, from)
      .catch((e: unknown) =>
        this.o.log(`warning: ${id}: delivery run failed: ${(e as Error).message}`),
      )
      .finally(() => {
        this.busy.delete(id);
        this.inFlight.delete(run);
      });
    this.inFlight.add(run);
  }

  private async process(id: string, from: QueueName): Promise<void> {
    await this.o.queue.move(id, from, 'active');
    let message: QueuedMessage;
    try {
      message = await this.o.queue.read('active', id);
    } catch (e) {
      if (!(e instanceof QueueFileError)) throw e;
      this.o.log(`warning: ${id}: corrupt queue file: ${e.message}: moved to corrupt`);
      await this.o.queue.move(id, 'active', 'corrupt');
      return;
    }
    const deferred = await this.deliverPending(message);
    await this.finish(await this.o.queue.read('active', id), deferred);
  }

  /** Runs every request of a message; final results are recorded as they come. */
  private async deliverPending(message: QueuedMessage): Promise<Deferred[]> {
    const deferred: Deferred[] = [];
    const requests = this.group(message);
    await Promise.all(
      requests.map(async ({ route, recipients }) => {
        const outcomes = await this.attempt(message, route, recipients);
        const log = this.o.transports.get(route.transport)?.log ?? this.o.log;
        for (const outcome of outcomes) {
          this.logOutcome(message, outcome, log);
          if (outcome.status === 'deferred') deferred.push({ index: outcome.index, outcome });
          else await this.record(message, outcome);
        }
      }),
    );
    return deferred;
  }

  private group(
    message: QueuedMessage,
  ): { route: Route; recipients: QueuedMessage['pending'][number][] }[] {
    const byDestination = new Map<
      string,
      { route: Route; recipients: QueuedMessage['pending'][number][] }
    >();
    const out: { route: Route; recipients: QueuedMessage['pending'][number][] }[] = [];
    for (const p of message.pending) {
      const route = this.o.route(p.recipient.address);
      const key = `${route.transport}:${route.nexthop}`;
      let current = byDestination.get(key);
      if (current === undefined || current.recipients.length >= this.o.destinationRecipientLimit) {
        current = { route, recipients: [] };
        byDestination.set(key, current);
        out.push(current);
      }
      current.recipients.push(p);
    }
    return out;
  }

  private async attempt(
    message: QueuedMessage,
    route: Route,
    recipients: QueuedMessage['pending'][number][],
  ): Promise<RecipientOutcome[]> {
    const transport = this.o.transports.get(route.transport);
    if (transport === undefined) {
      // A transport postern does not run (smtp before the SMTP client exists, or a master.cf name it lacks): the mail waits, and the log says why.
      const diagnostic = `mail transport unavailable: postern has no "${route.transport}" delivery agent`;
      return recipients.map((r) => ({
        index: r.index,
        status: 'deferred',
        dsnStatus: '4.3.0',
        diagnostic,
      }));
    }
    const release = await this.limiter.acquire(`${route.transport}:${route.nexthop}`);
    try {
      return await transport.deliver({ message, recipients, nexthop: route.nexthop });
    } catch (e) {
      const diagnostic = `delivery agent ${route.transport} failed: ${(e as Error).message}`;
      return recipients.map((r) => ({
        index: r.index,
        status: 'deferred',
        dsnStatus: '4.3.0',
        diagnostic,
      }));
    } finally {
      release();
    }
  }

  private async record(message: QueuedMessage, outcome: RecipientOutcome): Promise<void> {
    const status = outcome.status === 'sent' ? 'sent' : 'bounced';
    await this.o.queue.append(
      'active',
      message.id,
      encodeResult({
        index: outcome.index,
        status,
        dsnStatus: outcome.dsnStatus,
        diagnostic: outcome.diagnostic,
        time: this.now(),
      }),
    );
  }

  /** One line per recipient and attempt, as Postfix's delivery agents write it (`relay=none` when no server answered). */
  private logOutcome(
    message: QueuedMessage,
    outcome: RecipientOutcome,
    log: (line: string) => void,
  ): void {
    const r = message.recipients[outcome.index];
    const delay = ((this.now() - message.arrivalTime) / 1000).toFixed(2);
    const relay = outcome.relay === undefined ? '' : `relay=${outcome.relay}, `;
    log(
      `${message.id}: to=<${r?.address ?? '?'}>, ${relay}delay=${delay}, dsn=${outcome.dsnStatus}, status=${outcome.status} (${outcome.diagnostic})`,
    );
  }

  /** After an attempt: notices, then removal when nothing is pending, else expiry or deferral. */
  private async finish(message: QueuedMessage, deferred: Deferred[]): Promise<void> {
    const expired = deferred.length > 0 && this.isExpired(message);
    if (expired) {
      for (const d of deferred) {
        const expiredOutcome: RecipientOutcome = {
          ...d.outcome,
          status: 'bounced',
          diagnostic: `message delivery time expired: ${d.outcome.diagnostic}`,
        };
        await this.record(message, expiredOutcome);
        this.logOutcome(message, expiredOutcome, this.o.log);
      }
    }
    const final = await this.o.queue.read('active', message.id);
    await this.sendNotices(final);
    if (final.pending.length === 0) {
      await this.o.queue.remove('active', message.id);
      this.o.log(`${message.id}: removed`);
      return;
    }
    await this.deferMessage(final, deferred);
  }

  private isExpired(message: QueuedMessage): boolean {
    const lifetime =
      message.sender === '' ? this.o.bounceQueueLifetime : this.o.maximalQueueLifetime;
    return this.now() - message.arrivalTime >= lifetime * 1000;
  }

  private async deferMessage(message: QueuedMessage, deferred: Deferred[]): Promise<void> {
    const reason = deferred[0]?.outcome.diagnostic ?? 'deferred';
    await this.o.queue.append('active', message.id, encodeDeferral({ time: this.now(), reason }));
    if (this.delayWarningDue(message)) {
      const recipients = deferred
        .filter((d) => wantsNotice(message.recipients[d.index]?.notify, 'delay'))
        .map((d) => this.dsnRecipient(message, d.index, d.outcome.dsnStatus, d.outcome.diagnostic));
      if (recipients.length > 0 && message.sender !== '')
        await this.o.notify('delay', message, recipients);
      await this.o.queue.append('active', message.id, encodeWarned());
    }
    await this.o.queue.move(message.id, 'active', 'deferred');
    await this.o.queue.setNextAttempt(
      'deferred',
      message.id,
      nextAttemptTime(message.arrivalTime, this.now(), this.o),
    );
  }

  private delayWarningDue(message: QueuedMessage): boolean {
    return (
      this.o.delayWarningTime > 0 &&
      !message.warned &&
      this.now() - message.arrivalTime >= this.o.delayWarningTime * 1000
    );
  }

  /**
   * Failure and success notices for results recorded in this run. A result
   * is noticed once: results carry their time, and this run's are those
   * newer than the last deferral record.
   */
  private async sendNotices(message: QueuedMessage): Promise<void> {
    if (message.sender === '') return;
    const since = message.deferrals.at(-1)?.time ?? -Infinity;
    const fresh = message.results.filter((r) => r.time > since && r.status !== 'expanded');
    for (const kind of ['failure', 'success'] as const) {
      const status = kind === 'failure' ? 'bounced' : 'sent';
      const recipients = fresh
        .filter(
          (r) => r.status === status && wantsNotice(message.recipients[r.index]?.notify, kind),
        )
        .map((r) => this.dsnRecipient(message, r.index, r.dsnStatus, r.diagnostic));
      if (recipients.length > 0) await this.o.notify(kind, message, recipients);
    }
  }

  private dsnRecipient(
    message: QueuedMessage,
    index: number,
    dsnStatus: string,
    diagnostic: string,
  ): DsnRecipient {
    const r = message.recipients[index];
    return {
      address: r?.address ?? '',
      ...(r?.orcpt !== undefined ? { orcpt: r.orcpt } : {}),
      dsnStatus,
      diagnostic,
    };
  }
}
