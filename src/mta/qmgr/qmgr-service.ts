// The queue manager and the local delivery agent, built from main.cf.
import type { Random } from '../../prng/index.js';
import type { ParameterSet } from '../config/index.js';
import { LocalTransport } from '../delivery/local-transport.js';
import type { Transport } from '../delivery/transport.js';
import { MailQueue } from '../queue/index.js';
import type { Table } from '../tables/table.js';
import { destinationConfig } from '../smtpd/smtpd-service.js';
import { matchDomainList } from '../smtpd/destinations.js';
import { createNotifier } from './notifier.js';
import { QueueManager } from './queue-manager.js';
import { createRouter } from './route.js';

export interface QmgrServiceDeps {
  readonly params: ParameterSet;
  readonly random: Random;
  readonly openTable: (spec: string) => Table;
  readonly log: (line: string) => void;
  /** Delivery agents beyond local (smtp, when the SMTP client is there). */
  readonly transports?: readonly Transport[];
}

export interface QmgrService {
  readonly queue: MailQueue;
  readonly manager: QueueManager;
}

/** The Maildir root for users without system accounts: virtual_mailbox_base, else $data_directory/mail. */
export function mailRoot(p: ParameterSet): string {
  const base = p.string('virtual_mailbox_base');
  return base !== '' ? base : `${p.string('data_directory')}/mail`;
}

export async function openQueue(p: ParameterSet, random: Random): Promise<MailQueue> {
  return MailQueue.open(p.string('queue_directory'), { random });
}

export async function createQmgrService(d: QmgrServiceDeps): Promise<QmgrService> {
  const p = d.params;
  const queue = await openQueue(p, d.random);
  const destinations = destinationConfig(p, d.openTable);
  const tables = (name: string): Table[] => p.tables(name).map(d.openTable);
  const localMaps = tables('local_recipient_maps');
  let manager: QueueManager | undefined;
  const local = new LocalTransport({
    aliasMaps: tables('alias_maps'),
    recipientDelimiter: p.string('recipient_delimiter'),
    mailRoot: mailRoot(p),
    homeMailbox: p.string('home_mailbox') === '' ? 'Maildir/' : p.string('home_mailbox'),
    isLocalDomain: (domain) => matchDomainList(destinations.mydestination, domain),
    ...(localMaps.length > 0 ? { localRecipientMaps: localMaps } : {}),
    resubmit: async (message, recipients) => {
      await queue.enqueue({
        arrivalTime: Date.now(),
        sender: message.sender,
        recipients: recipients.map((address) => ({ address })),
        content: message.content,
      });
      manager?.wake();
    },
    log: d.log,
  });
  const transports = new Map<string, Transport>([
    [local.name, local],
    ...(d.transports ?? []).map((t) => [t.name, t] as [string, Transport]),
  ]);
  manager = new QueueManager({
    queue,
    route: createRouter({
      destinations,
      localTransport: p.string('local_transport'),
      defaultTransport: p.string('default_transport'),
      relayhost: p.string('relayhost').trim(),
      transportMaps: tables('transport_maps'),
    }),
    transports,
    minimalBackoffTime: p.time('minimal_backoff_time'),
    maximalBackoffTime: p.time('maximal_backoff_time'),
    maximalQueueLifetime: p.time('maximal_queue_lifetime'),
    bounceQueueLifetime: p.time('bounce_queue_lifetime'),
    delayWarningTime: p.time('delay_warning_time'),
    queueRunDelay: p.time('queue_run_delay'),
    destinationConcurrencyLimit: p.int('default_destination_concurrency_limit'),
    destinationRecipientLimit: p.int('default_destination_recipient_limit'),
    notify: createNotifier({
      queue,
      reportingMta: p.string('myhostname'),
      bounceSizeLimit: p.int('bounce_size_limit'),
      log: d.log,
      queued: () => manager?.wake(),
    }),
    log: d.log,
  });
  return { queue, manager };
}
