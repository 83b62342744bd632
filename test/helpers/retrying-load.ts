// A load generator that retries: N connections share a pool of numbered
// messages; a message counts as acknowledged only when its DATA got a 250,
// and one whose connection broke (or got any other reply) before that goes
// back to the pool and is sent again. Used by the MTA crash test, where the
// server is killed under it: a refused connection is retried after a pause.
import { connect, type Socket } from 'node:net';
import { ReplyReader } from './smtp-client.js';

export interface RetryingLoadOptions {
  port: number;
  connections: number;
  messages: number;
  /** The envelope recipient of every message. */
  recipient: string;
  /** The content of message n (CRLF lines, ending in CRLF, no dot-stuffing needed: no line starts with '.'). */
  content: (n: number) => string;
  /** Called after each acknowledgement with the running count. */
  onAcknowledged?: (count: number) => void;
  /** Ends the run early (a failed test): connections close, nothing is retried, the result says what was acknowledged. */
  signal?: AbortSignal;
}

export interface RetryingLoadResult {
  /** DATA ends written, first tries and retries. */
  attempts: number;
  /** Messages sent again after an attempt that got no 250. */
  retries: number;
  /** Connection attempts refused or broken. */
  connectionFailures: number;
  /** Message numbers that got a 250, each once. */
  acknowledged: Set<number>;
  /** Why attempts failed (error message → count), for the test's output. */
  failures: Map<string, number>;
}

const RECONNECT_PAUSE_MS = 100;
const IDLE_TIMEOUT_MS = 30_000;

class BrokenSession extends Error {}

async function openSession(port: number): Promise<{ socket: Socket; replies: ReplyReader }> {
  const socket = connect(port, '127.0.0.1');
  socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy(new Error('idle timeout')));
  socket.on('error', () => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
    socket.once('close', () => reject(new BrokenSession('closed before connect')));
  });
  const replies = new ReplyReader(socket);
  await expect(replies.next(), 220);
  await expect(replies.command('EHLO load.client.test'), 250);
  return { socket, replies };
}

async function expect(
  reply: Promise<{ code: number; lines: readonly string[] }>,
  code: number,
): Promise<void> {
  const r = await reply;
  if (r.code !== code)
    throw new BrokenSession(`expected ${code}, got ${r.code} ${r.lines.join(' ')}`);
}

export async function runRetryingLoad(o: RetryingLoadOptions): Promise<RetryingLoadResult> {
  const pending = Array.from({ length: o.messages }, (_, i) => i + 1).reverse();
  const inFlight = new Set<number>();
  const result: RetryingLoadResult = {
    attempts: 0,
    retries: 0,
    connectionFailures: 0,
    acknowledged: new Set(),
    failures: new Map(),
  };
  const failed = (e: unknown): void => {
    result.connectionFailures++;
    const reason = e instanceof Error ? e.message : String(e);
    result.failures.set(reason, (result.failures.get(reason) ?? 0) + 1);
  };
  const tried = new Set<number>();

  const sendOne = async (s: { socket: Socket; replies: ReplyReader }, n: number): Promise<void> => {
    await expect(s.replies.command('MAIL FROM:<load@example.org>'), 250);
    await expect(s.replies.command(`RCPT TO:<${o.recipient}>`), 250);
    await expect(s.replies.command('DATA'), 354);
    result.attempts++;
    if (tried.has(n)) result.retries++;
    tried.add(n);
    s.socket.write(`${o.content(n)}.\r\n`);
    await expect(s.replies.next(), 250);
  };

  const aborted = (): boolean => o.signal?.aborted === true;
  const worker = async (): Promise<void> => {
    while ((pending.length > 0 || inFlight.size > 0) && !aborted()) {
      if (pending.length === 0) {
        // Another connection holds the last messages; one of them may come back.
        await new Promise((r) => setTimeout(r, RECONNECT_PAUSE_MS));
        continue;
      }
      let session: { socket: Socket; replies: ReplyReader };
      try {
        session = await openSession(o.port);
      } catch (e) {
        failed(e);
        await new Promise((r) => setTimeout(r, RECONNECT_PAUSE_MS));
        continue;
      }
      while (!aborted()) {
        const n = pending.pop();
        if (n === undefined) break;
        inFlight.add(n);
        try {
          await sendOne(session, n);
          result.acknowledged.add(n);
          o.onAcknowledged?.(result.acknowledged.size);
        } catch (e) {
          pending.push(n);
          failed(e);
          break;
        } finally {
          inFlight.delete(n);
        }
      }
      session.socket.destroy();
    }
  };
  await Promise.all(Array.from({ length: o.connections }, () => worker()));
  return result;
}
