// The mailq / postqueue -p listing, in Postfix's layout (showq(8)):
//
//   -Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------
//   4Ab3C…*         412 Wed Dec  2 18:35:19  alice@example.org
//                                            bob@example.com
//
//   -- 1 Kbytes in 1 Request.
//
// `*` marks a message in the active queue, `!` one on hold; a deferred
// message shows the reason of its last attempt in parentheses.
import type { QueuedMessage } from './message.js';
import type { QueueName } from './queue-names.js';

export interface ListedMessage {
  readonly queue: QueueName;
  readonly message: QueuedMessage;
  /** The file's size in bytes. */
  readonly size: number;
}

const HEADER = '-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------';
/** showq's columns: ID (10) and mark, size (8), asctime's first 20 characters, then the address. */
const INDENT = ' '.repeat(42);

/** asctime(3) without the year and newline: `Wed Dec  2 18:35:19 ` (20 characters, showq's %20.20s). */
function arrival(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${days[d.getDay()]} ${months[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} `;
}

function mark(queue: QueueName): string {
  return queue === 'active' ? '*' : queue === 'hold' ? '!' : ' ';
}

function entry(item: ListedMessage): string {
  const m = item.message;
  const lines = [
    `${m.id.padEnd(10)}${mark(item.queue)} ${String(item.size).padStart(8)} ${arrival(m.arrivalTime)} ${m.sender === '' ? 'MAILER-DAEMON' : m.sender}`,
  ];
  const reason = item.queue === 'deferred' ? m.deferrals.at(-1)?.reason : undefined;
  // showq prints the reason right-aligned in 78 columns.
  if (reason !== undefined) lines.push(`(${reason})`.padStart(78));
  for (const p of m.pending) lines.push(INDENT + p.recipient.address);
  return lines.join('\n');
}

export function formatMailq(items: readonly ListedMessage[]): string {
  if (items.length === 0) return 'Mail queue is empty\n';
  const kbytes = Math.floor(items.reduce((n, i) => n + i.size, 0) / 1024);
  return `${HEADER}\n${items.map(entry).join('\n\n')}\n\n-- ${kbytes} Kbytes in ${items.length} Request${items.length === 1 ? '' : 's'}.\n`;
}
