// postqueue / mailq / postsuper / postcat (Postfix's postqueue(1),
// postsuper(1), postcat(1)) over the queue under queue_directory.
import { createSystemRandom } from '../prng/index.js';
import { loadMainParameters } from '../mta/config/index.js';
import { MailQueue, QueueError } from '../mta/queue/index.js';
import { formatMailq } from '../mta/queue/listing.js';
import { formatPostcat } from '../mta/queue/postcat-format.js';
import {
  deleteMessages,
  flushMessages,
  holdMessages,
  listQueue,
  releaseMessages,
  requeueMessages,
} from '../mta/queue/queue-admin.js';
import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import { optionValue, parseArgs } from './args.js';

async function openQueueOf(dir: string | undefined): Promise<MailQueue> {
  const main = loadMainParameters(dir ?? process.env['MAIL_CONFIG'] ?? '/etc/postfix').main;
  return MailQueue.open(main.string('queue_directory'), { random: createSystemRandom() });
}

function warn(io: CommandIO, program: string): (line: string) => void {
  return (line) => void io.stderr.write(`${program}: ${line}\n`);
}

async function guarded(
  program: string,
  io: CommandIO,
  run: () => Promise<number>,
): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof QueueError) {
      io.stderr.write(`${program}: fatal: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

async function postqueue(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseArgs(args, { options: ['c', 'i'], flags: ['p', 'f'] });
  return guarded('postqueue', io, async () => {
    const queue = await openQueueOf(optionValue(parsed, 'c'));
    const one = optionValue(parsed, 'i');
    if (parsed.flags.has('p'))
      io.stdout.write(formatMailq(await listQueue(queue, warn(io, 'postqueue'))));
    else if (parsed.flags.has('f')) await flushMessages(queue);
    else if (one !== undefined) await flushMessages(queue, [one]);
    else throw new UsageError('give -p, -f or -i ID');
    return 0;
  });
}

async function mailq(args: string[], io: CommandIO): Promise<number> {
  return postqueue(['-p', ...args], io);
}

async function postsuper(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseArgs(args, { options: ['c'], repeatable: ['d', 'h', 'H', 'r'] });
  return guarded('postsuper', io, async () => {
    const queue = await openQueueOf(optionValue(parsed, 'c'));
    const ids = (flag: string): string[] =>
      (parsed.options.get(flag) ?? []).flatMap((v) => (v === '-' ? [] : [v]));
    const report = (n: number, verb: string): void => {
      if (n > 0) io.stderr.write(`postsuper: ${verb}: ${n} message${n === 1 ? '' : 's'}\n`);
    };
    if (!['d', 'h', 'H', 'r'].some((f) => parsed.options.has(f)))
      throw new UsageError('give -d, -h, -H or -r with a queue ID or ALL');
    if (parsed.options.has('d')) report(await deleteMessages(queue, ids('d')), 'Deleted');
    if (parsed.options.has('h')) report(await holdMessages(queue, ids('h')), 'Placed on hold');
    if (parsed.options.has('H'))
      report(await releaseMessages(queue, ids('H')), 'Released from hold');
    if (parsed.options.has('r')) report(await requeueMessages(queue, ids('r')), 'Requeued');
    return 0;
  });
}

async function postcat(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseArgs(args, { options: ['c', 'q'] });
  const id = optionValue(parsed, 'q');
  if (id === undefined)
    throw new UsageError('give -q QUEUE_ID (reading queue files by path is not supported)');
  return guarded('postcat', io, async () => {
    const queue = await openQueueOf(optionValue(parsed, 'c'));
    const where = await queue.locate(id);
    if (where === undefined) {
      io.stderr.write(`postcat: fatal: open queue file ${id}: No such file or directory\n`);
      return 1;
    }
    io.stdout.write(formatPostcat(where, await queue.read(where, id)));
    return 0;
  });
}

export const postqueueCommand: Command = {
  name: 'postqueue',
  summary: 'list (-p) or flush (-f, -i ID) the mail queue',
  usage: 'usage: postern postqueue [-c CONFIG_DIR] -p | -f | -i QUEUE_ID',
  run: postqueue,
};
export const mailqCommand: Command = {
  name: 'mailq',
  summary: 'list the mail queue (postqueue -p)',
  usage: 'usage: postern mailq [-c CONFIG_DIR]',
  run: mailq,
};
export const postsuperCommand: Command = {
  name: 'postsuper',
  summary: 'delete, hold, release or requeue queued mail',
  usage: 'usage: postern postsuper [-c CONFIG_DIR] [-d ID|ALL] [-h ID|ALL] [-H ID|ALL] [-r ID|ALL]',
  run: postsuper,
};
export const postcatCommand: Command = {
  name: 'postcat',
  summary: 'show a queue file',
  usage: 'usage: postern postcat [-c CONFIG_DIR] -q QUEUE_ID',
  run: postcat,
};
