// What the queue manager does at start, before any delivery (Postfix's qmgr
// moves active/ back to incoming/ at startup; postsuper -s repairs): messages
// left in any state by a crash are found and resumed.
//  - a temporary file in incoming/ was never renamed, so never acknowledged: removed;
//  - a file in incoming/ or active/ without its end record was never
//    acknowledged either: removed;
//  - a file that does not parse goes to corrupt/, with a log line;
//  - active/ is moved back to incoming/, so every message is scheduled again.
import { QueueFileError } from './record.js';
import { isComplete, decodeQueueFile } from './queue-file.js';
import type { MailQueue } from './mail-queue.js';
import type { QueueName } from './queue-names.js';

export interface RecoveryReport {
  readonly removedUnfinished: number;
  readonly removedIncomplete: number;
  readonly corrupt: number;
  readonly requeued: number;
}

export type QueueLog = (line: string) => void;

type Verdict = 'ok' | 'incomplete' | 'corrupt';

async function examine(
  queue: MailQueue,
  name: QueueName,
  id: string,
  log: QueueLog,
): Promise<Verdict> {
  const bytes = await queue.readBytes(name, id);
  if (!isComplete(bytes)) return 'incomplete';
  try {
    decodeQueueFile(id, bytes);
    return 'ok';
  } catch (e) {
    if (!(e instanceof QueueFileError)) throw e;
    log(`warning: ${id}: corrupt queue file in ${name}: ${e.message}: moved to corrupt`);
    return 'corrupt';
  }
}

export async function recoverQueue(queue: MailQueue, log: QueueLog): Promise<RecoveryReport> {
  let removedUnfinished = 0;
  let removedIncomplete = 0;
  let corrupt = 0;
  let requeued = 0;
  for (const name of await queue.listUnfinished()) {
    await queue.removeUnfinished(name);
    removedUnfinished++;
  }
  for (const name of ['incoming', 'active'] as const) {
    for (const id of await queue.list(name)) {
      const verdict = await examine(queue, name, id, log);
      if (verdict === 'incomplete') {
        log(`warning: ${id}: removed from ${name}: the message was never completely received`);
        await queue.remove(name, id);
        removedIncomplete++;
      } else if (verdict === 'corrupt') {
        await queue.move(id, name, 'corrupt');
        corrupt++;
      } else if (name === 'active') {
        await queue.move(id, 'active', 'incoming');
        requeued++;
      }
    }
  }
  if (removedUnfinished + removedIncomplete + corrupt + requeued > 0) {
    log(
      `queue recovery: ${requeued} requeued from active, ${removedUnfinished + removedIncomplete} unfinished removed, ${corrupt} corrupt`,
    );
  }
  return { removedUnfinished, removedIncomplete, corrupt, requeued };
}
