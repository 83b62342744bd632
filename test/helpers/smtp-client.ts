import type { Duplex } from 'node:stream';
import type { Reply } from '../../src/smtp/codec/reply.js';
import { ReplyParser } from '../../src/smtp/codec/reply-parser.js';

/** Reads replies from a stream (plain or TLS), one `next()` at a time; a test's side of a dialogue. */
export class ReplyReader {
  private parser = new ReplyParser();
  private queue: Reply[] = [];
  private waiters: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  private ended = false;

  constructor(private stream: Duplex) {
    this.attach(stream);
  }

  /** Follows the conversation onto a new stream (after STARTTLS). */
  switchTo(stream: Duplex): void {
    this.stream.off('data', this.onData);
    this.stream.off('end', this.onEnd);
    this.stream = stream;
    this.attach(stream);
  }

  private attach(stream: Duplex): void {
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onEnd);
  }

  private readonly onData = (d: Buffer): void => {
    for (const r of this.parser.push(new Uint8Array(d))) this.queue.push(r);
    this.flush();
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    this.flush();
  };

  private flush(): void {
    while (this.waiters.length > 0 && this.queue.length > 0)
      this.waiters.shift()?.resolve(this.queue.shift() as Reply);
    if (this.ended)
      for (const w of this.waiters.splice(0))
        w.reject(new Error('connection closed while waiting for a reply'));
  }

  next(): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.flush();
    });
  }

  /** Sends a line and returns the next reply. */
  async command(line: string): Promise<Reply> {
    this.stream.write(`${line}\r\n`);
    return this.next();
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Resolves when the stream ends. */
  async waitClosed(): Promise<void> {
    while (!this.ended) await new Promise((r) => setTimeout(r, 10));
  }
}
