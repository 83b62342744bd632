// The administrator's operations on the queue (postsuper(1), postqueue(1)):
// each a sequence of durable moves or removals, safe to run while the queue
// manager works because every step is a rename of a whole file.
import { stat } from 'node:fs/promises';
import { QueueError, type MailQueue } from './mail-queue.js';
import { isQueueId } from './queue-id.js';
import { QUEUE_NAMES, type QueueName } from './queue-names.js';
import { QueueFileError } from './record.js';
import type { ListedMessage } from './listing.js';

/** The queues mailq lists, in showq's order, then hold (Postfix 2.x lists hold too, marked `!`). */
const LISTED: readonly QueueName[] = ['incoming', 'active', 'deferred', 'hold'];

export async function listQueue(
  queue: MailQueue,
  log: (line: string) => void,
): Promise<ListedMessage[]> {
  const out: ListedMessage[] = [];
  for (const name of LISTED) {
    for (const id of await queue.list(name)) {
      try {
        const [message, info] = await Promise.all([
          queue.read(name, id),
          stat(queue.path(name, id)),
        ]);
        out.push({ queue: name, message, size: info.size });
      } catch (e) {
        // A message delivered or moved while we listed it is simply gone.
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        if (e instanceof QueueFileError) {
          log(`warning: ${name}/${id}: ${e.message}`);
          continue;
        }
        throw e;
      }
    }
  }
  return out;
}

/** IDs named on the command line, or every ID in `queues` for ALL. */
async function resolveIds(
  queue: MailQueue,
  ids: readonly string[],
  queues: readonly QueueName[],
): Promise<{ id: string; in: QueueName }[]> {
  const out: { id: string; in: QueueName }[] = [];
  if (ids.includes('ALL')) {
    for (const q of queues) for (const id of await queue.list(q)) out.push({ id, in: q });
    return out;
  }
  const invalid = ids.find((id) => !isQueueId(id));
  // Checked before any action, so a typo never leaves a half-done command.
  if (invalid !== undefined) throw new QueueError(`invalid mail queue id: ${invalid}`);
  for (const id of ids) {
    const where = await queue.locate(id);
    if (where !== undefined && queues.includes(where)) out.push({ id, in: where });
  }
  return out;
}

/** postsuper -d: delete messages; returns how many. */
export async function deleteMessages(
  queue: MailQueue,
  ids: readonly string[],
  from: readonly QueueName[] = QUEUE_NAMES,
): Promise<number> {
  let n = 0;
  for (const m of await resolveIds(queue, ids, from)) {
    await queue.remove(m.in, m.id);
    n++;
  }
  return n;
}

/** postsuper -h: put messages on hold (the queue manager leaves them alone). */
export async function holdMessages(queue: MailQueue, ids: readonly string[]): Promise<number> {
  return moveAll(queue, await resolveIds(queue, ids, ['incoming', 'deferred']), 'hold');
}

/** postsuper -H: release held messages; they are scheduled at once. */
export async function releaseMessages(queue: MailQueue, ids: readonly string[]): Promise<number> {
  return moveAll(queue, await resolveIds(queue, ids, ['hold']), 'incoming');
}

/** postsuper -r: requeue (scheduled again from incoming/; Postfix re-runs cleanup). */
export async function requeueMessages(queue: MailQueue, ids: readonly string[]): Promise<number> {
  return moveAll(queue, await resolveIds(queue, ids, ['deferred', 'hold', 'incoming']), 'incoming');
}

/** postqueue -f (every deferred message) and -i ID (one): due now, picked up from incoming/. */
export async function flushMessages(
  queue: MailQueue,
  ids: readonly string[] = ['ALL'],
): Promise<number> {
  return moveAll(queue, await resolveIds(queue, ids, ['deferred']), 'incoming');
}

async function moveAll(
  queue: MailQueue,
  items: readonly { id: string; in: QueueName }[],
  to: QueueName,
): Promise<number> {
  let n = 0;
  for (const m of items) {
    if (m.in === to) continue;
    try {
      await queue.move(m.id, m.in, to);
      n++;
    } catch (e) {
      // The queue manager took it meanwhile (moved into active/, or delivered it).
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return n;
}
