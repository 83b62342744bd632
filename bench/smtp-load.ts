// An SMTP load generator for any server on loopback: N concurrent
// connections, each sending M messages of a given size, plaintext or with
// STARTTLS on every connection. Its TLS client is node:tls (a benchmark,
// not the data path). Also runnable alone:
//   node dist/bench/smtp-load.js --port 25 [--connections 20] [--messages 10] [--size 4096] [--starttls]
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';

export interface LoadOptions {
  host?: string;
  port: number;
  connections: number;
  messagesPerConnection: number;
  /** Bytes of message content, headers included. */
  messageSize: number;
  starttls: boolean;
  /** Resume TLS sessions: each connection offers the last session any connection of this holder got. */
  resume?: SessionHolder;
  /** The highest TLS version the client offers ('TLSv1.2' for session-ID resumption). */
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** The envelope sender (load@example.org). */
  sender?: string;
}

/** The TLS session the next connection offers (node:tls `session` events), shared by a run's connections. */
export interface SessionHolder {
  session?: Buffer;
  resumed: number;
  full: number;
}

export interface LoadResult {
  messages: number;
  seconds: number;
  perSecond: number;
}

/** A message of exactly `size` bytes of content (CRLF lines of 78 characters). */
export function makeMessage(size: number): string {
  const head = 'From: load@example.org\r\nTo: sink@example.com\r\nSubject: load test\r\n\r\n';
  const line = `${'x'.repeat(76)}\r\n`;
  let body = '';
  while (head.length + body.length + line.length <= size) body += line;
  return head + body + 'y'.repeat(Math.max(0, size - head.length - body.length - 2)) + '\r\n';
}

/** One client connection that sends a command and waits for its complete reply. */
class Conversation {
  private buffer = '';
  private waiter: ((reply: string) => void) | undefined;
  private failure: ((e: Error) => void) | undefined;

  constructor(private stream: Socket | TLSSocket) {
    this.listen(stream);
  }

  private listen(stream: Socket | TLSSocket): void {
    stream.setEncoding('latin1');
    stream.on('data', (d: string) => {
      this.buffer += d;
      this.check();
    });
    stream.on('error', (e: Error) => this.failure?.(e));
  }

  private check(): void {
    const m = /(?:^|\n)(\d{3}) [^\n]*\n/.exec(this.buffer);
    if (m === null || this.waiter === undefined) return;
    const reply = this.buffer.slice(0, m.index + m[0].length);
    this.buffer = this.buffer.slice(m.index + m[0].length);
    const w = this.waiter;
    this.waiter = undefined;
    w(reply);
  }

  read(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failure = reject;
      this.check();
    });
  }

  async send(text: string, expect: number): Promise<void> {
    this.stream.write(text);
    const reply = await this.read();
    const code = Number(/(\d{3}) [^\n]*\n$/.exec(reply)?.[1]);
    if (code !== expect)
      throw new Error(
        `expected ${expect} after ${JSON.stringify(text.slice(0, 40))}, got ${JSON.stringify(reply)}`,
      );
  }

  async startTls(host: string, o: LoadOptions): Promise<void> {
    const plain = this.stream as Socket;
    plain.removeAllListeners('data');
    const holder = o.resume;
    const secure = tlsConnect({
      socket: plain,
      rejectUnauthorized: false,
      servername: host === '127.0.0.1' ? 'localhost' : host,
      ...(o.maxVersion !== undefined ? { maxVersion: o.maxVersion } : {}),
      ...(holder?.session !== undefined ? { session: holder.session } : {}),
    });
    if (holder !== undefined) secure.on('session', (s: Buffer) => (holder.session = s));
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    if (holder !== undefined) {
      if (secure.isSessionReused()) holder.resumed++;
      else holder.full++;
    }
    this.stream = secure;
    this.listen(secure);
  }

  close(): void {
    this.stream.end();
  }
}

async function oneConnection(o: LoadOptions, message: string): Promise<void> {
  const host = o.host ?? '127.0.0.1';
  const socket = netConnect({ host, port: o.port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.setNoDelay(true);
  const c = new Conversation(socket);
  const greeting = await c.read();
  if (!greeting.startsWith('220')) throw new Error(`greeting: ${greeting}`);
  await c.send('EHLO load.example\r\n', 250);
  if (o.starttls) {
    await c.send('STARTTLS\r\n', 220);
    await c.startTls(host, o);
    await c.send('EHLO load.example\r\n', 250);
  }
  for (let i = 0; i < o.messagesPerConnection; i++) {
    await c.send(`MAIL FROM:<${o.sender ?? 'load@example.org'}>\r\n`, 250);
    await c.send('RCPT TO:<sink@example.com>\r\n', 250);
    await c.send('DATA\r\n', 354);
    await c.send(`${message}.\r\n`, 250);
  }
  await c.send('QUIT\r\n', 221);
  c.close();
}

/** Runs the load once; resolves when every connection has sent its messages and quit. */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const message = makeMessage(o.messageSize);
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: o.connections }, () => oneConnection(o, message)));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const messages = o.connections * o.messagesPerConnection;
  return { messages, seconds, perSecond: messages / seconds };
}

function argValue(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(argValue('port'));
  if (!Number.isInteger(port) || port <= 0) {
    console.error(
      'usage: node dist/bench/smtp-load.js --port N [--host H] [--connections 20] [--messages 10] [--size 4096] [--starttls]',
    );
    process.exit(2);
  }
  const result = await runLoad({
    host: argValue('host', '127.0.0.1') as string,
    port,
    connections: Number(argValue('connections', '20')),
    messagesPerConnection: Number(argValue('messages', '10')),
    messageSize: Number(argValue('size', '4096')),
    starttls: process.argv.includes('--starttls'),
  });
  console.log(
    `${result.messages} messages in ${result.seconds.toFixed(2)} s: ${result.perSecond.toFixed(0)} messages/s`,
  );
}
