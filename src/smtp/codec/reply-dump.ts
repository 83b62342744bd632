import type { Reply } from './reply.js';
import { ReplyWriter } from './reply-writer.js';

/**
 * Prints replies as they go on the wire, one line each, with the offset and
 * what the line is (in the spirit of src/tls/wire/dump.ts), for
 * smtpd's verbose logs and test failures.
 */
export function dumpReplies(replies: readonly Reply[]): string {
  const w = new ReplyWriter({ annotate: true });
  for (const r of replies) w.write(r);
  const text = Buffer.from(w.finish()).toString('utf8');
  return (w.spans ?? [])
    .map((s) => {
      const line = text.slice(s.offset, s.offset + s.length).replace(/\r\n$/, '');
      return `${s.offset.toString(16).padStart(4, '0')}  ${line.padEnd(60)}  ${s.comment}`;
    })
    .join('\n');
}
