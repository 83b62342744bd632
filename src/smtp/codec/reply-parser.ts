import { ReplyError } from './reply.js';
import type { Reply } from './reply.js';

/**
 * Reads replies from a byte stream (RFC 5321 §4.2.1): lines of `NNN-text`
 * until `NNN text`, all with the same code; an enhanced code is split off
 * when every line starts with the same one. For the client side and tests.
 */
export class ReplyParser {
  private pending = '';
  private lines: string[] = [];
  private code = 0;

  /** Feeds bytes; returns every reply completed by them. */
  push(bytes: Uint8Array): Reply[] {
    this.pending += Buffer.from(bytes).toString('utf8');
    const out: Reply[] = [];
    let at: number;
    while ((at = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, at).replace(/\r$/, '');
      this.pending = this.pending.slice(at + 1);
      const done = this.line(line);
      if (done !== undefined) out.push(done);
    }
    return out;
  }

  private line(line: string): Reply | undefined {
    const m = /^([2-5]\d\d)([ -]?)(.*)$/.exec(line);
    if (m === null) throw new ReplyError(`not a reply line: ${JSON.stringify(line)}`);
    const code = Number(m[1]);
    if (this.lines.length > 0 && code !== this.code)
      throw new ReplyError(`reply code changed from ${this.code} to ${code}`);
    this.code = code;
    this.lines.push(m[3] ?? '');
    if (m[2] === '-') return undefined;
    const lines = this.lines;
    this.lines = [];
    return splitEnhanced(code, lines);
  }
}

function splitEnhanced(code: number, lines: string[]): Reply {
  const m = /^([245]\.\d{1,3}\.\d{1,3}) /.exec(lines[0] ?? '');
  const enhanced = m?.[1];
  if (enhanced === undefined || !lines.every((l) => l.startsWith(`${enhanced} `)))
    return { code, lines };
  return { code, enhanced, lines: lines.map((l) => l.slice(enhanced.length + 1)) };
}
