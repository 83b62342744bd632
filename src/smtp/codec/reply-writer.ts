import type { Reply } from './reply.js';

/** One annotated line of an encoded reply (for `dumpReplies`). */
export interface ReplySpan {
  offset: number;
  length: number;
  comment: string;
}

/**
 * Encodes replies for the wire: `250-first`, …, `250 last` (RFC 5321
 * §4.2.1), every line carrying the enhanced code when there is one
 * (RFC 2034 §4). With `annotate: true` each line records a span for the dump.
 */
export class ReplyWriter {
  private parts: string[] = [];
  private length = 0;
  readonly spans: ReplySpan[] | undefined;

  constructor(options: { annotate?: boolean } = {}) {
    this.spans = options.annotate === true ? [] : undefined;
  }

  write(r: Reply): void {
    const prefix = r.enhanced === undefined ? '' : `${r.enhanced} `;
    r.lines.forEach((text, i) => {
      const last = i === r.lines.length - 1;
      const line = `${r.code}${last ? ' ' : '-'}${prefix}${text}\r\n`;
      this.spans?.push({
        offset: this.length,
        length: line.length,
        comment: lineComment(r, i, last),
      });
      this.parts.push(line);
      this.length += Buffer.byteLength(line, 'utf8');
    });
  }

  /** The bytes written so far, as UTF-8 (RFC 6531 §3.7.4 allows UTF-8 text once SMTPUTF8 is used). */
  finish(): Uint8Array {
    const bytes = new Uint8Array(Buffer.from(this.parts.join(''), 'utf8'));
    this.parts = [];
    this.length = 0;
    return bytes;
  }
}

function lineComment(r: Reply, i: number, last: boolean): string {
  const kind = last ? (i === 0 ? 'single-line' : 'last line') : 'continued line';
  return `reply ${r.code}${r.enhanced === undefined ? '' : ` (${r.enhanced})`} ${kind} ${i + 1}/${r.lines.length}`;
}

/** Encodes one reply. */
export function encodeReply(r: Reply): Uint8Array {
  const w = new ReplyWriter();
  w.write(r);
  return w.finish();
}
