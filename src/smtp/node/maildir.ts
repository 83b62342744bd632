// A Maildir writer (the maildir(5) convention: write in tmp/, fsync, rename
// into new/), the default delivery until the queue exists (issue 12).
import { mkdir, open, rename } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { DeliveryVerdict, ReceivedMessage } from '../server/events.js';
import type { ReceivedOptions } from '../server/received.js';
import { formatReceived } from '../server/received.js';
import type { Delivery } from './delivery.js';

export interface MaildirOptions extends Omit<ReceivedOptions, 'queueId'> {
  /** The Maildir (its tmp/, new/ and cur/ are made when missing). */
  directory: string;
}

let sequence = 0;

/** A queue-ID-like name unique in this process and time: hex seconds, microsecond part, a counter. */
function newQueueId(now: Date): string {
  const secs = Math.floor(now.getTime() / 1000).toString(16).toUpperCase();
  const micro = ((now.getTime() % 1000) * 1000 + (process.hrtime()[1] % 1000)).toString(16).toUpperCase().padStart(5, '0');
  return `${secs}${micro}${(++sequence).toString(16).toUpperCase()}`;
}

export class MaildirDelivery implements Delivery {
  private ready: Promise<void> | undefined;

  constructor(private readonly options: MaildirOptions) {}

  async deliver(message: ReceivedMessage): Promise<DeliveryVerdict> {
    this.ready ??= this.makeDirs();
    await this.ready;
    const queueId = newQueueId(new Date());
    const name = `${Math.floor(Date.now() / 1000)}.P${process.pid}Q${queueId}.${hostname().replace(/[/:]/g, '_')}`;
    const tmp = join(this.options.directory, 'tmp', name);
    await this.write(tmp, this.fileContent(message, queueId));
    await rename(tmp, join(this.options.directory, 'new', name));
    await syncDirectory(join(this.options.directory, 'new'));
    return { ok: true, queueId };
  }

  /** Return-Path and Received first (RFC 5321 §4.4), then the message; the file has LF line ends, as local(8) writes Maildir files. */
  private fileContent(m: ReceivedMessage, queueId: string): Buffer[] {
    const head = `Return-Path: <${m.sender}>\r\n${formatReceived(m, { ...this.options, queueId })}`;
    // One buffer, so a CRLF split between two network chunks is still seen.
    return [crlfToLf(Buffer.concat([Buffer.from(head, 'utf8'), ...m.content]))];
  }

  private async write(path: string, parts: Buffer[]): Promise<void> {
    const fh = await open(path, 'wx', 0o600);
    try {
      for (const p of parts) await fh.write(p);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  private async makeDirs(): Promise<void> {
    for (const sub of ['tmp', 'new', 'cur']) await mkdir(join(this.options.directory, sub), { recursive: true, mode: 0o700 });
  }
}

/** CRLF to LF; a bare CR stays. */
function crlfToLf(b: Buffer): Buffer {
  if (!b.includes(0x0d)) return b;
  const out = Buffer.allocUnsafe(b.length);
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i] as number;
    if (c === 0x0d && b[i + 1] === 0x0a) continue;
    out[n++] = c;
  }
  return out.subarray(0, n);
}

async function syncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
