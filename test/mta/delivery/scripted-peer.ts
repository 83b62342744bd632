// A misbehaving SMTP server for the bad-peer tests: each connection runs a
// script that reads the client's lines and writes what the test wants.
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

export interface PeerLink {
  readonly socket: Socket;
  /** The next line the client sent (without CRLF); rejects when the client closed. */
  line(): Promise<string>;
  send(text: string): void;
}

export class ScriptedPeer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  connections = 0;
  /** Every line any client sent, in order. */
  readonly received: string[] = [];

  constructor(private readonly script: (link: PeerLink, connection: number) => Promise<void>) {}

  async start(): Promise<void> {
    this.server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    let buffer = '';
    let waiters: { resolve: (l: string) => void; reject: (e: Error) => void }[] = [];
    const lines: string[] = [];
    let closed = false;
    const drain = (): void => {
      while (lines.length > 0 && waiters.length > 0)
        waiters.shift()?.resolve(lines.shift() as string);
      if (closed) for (const w of waiters.splice(0)) w.reject(new Error('client closed'));
    };
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let at: number;
      while ((at = buffer.indexOf('\n')) >= 0) {
        const l = buffer.slice(0, at).replace(/\r$/, '');
        buffer = buffer.slice(at + 1);
        this.received.push(l);
        lines.push(l);
      }
      drain();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      closed = true;
      drain();
      waiters = [];
    });
    const link: PeerLink = {
      socket,
      line: () =>
        new Promise((resolve, reject) => {
          waiters.push({ resolve, reject });
          drain();
        }),
      send: (text) => {
        if (!socket.destroyed) socket.write(text.endsWith('\n') ? text : `${text}\r\n`);
      },
    };
    const n = ++this.connections;
    this.script(link, n).catch(() => socket.destroy());
  }
}

/** Answers EHLO with `keywords`, then MAIL/RCPT with 250 until DATA; returns after the 354. */
export async function upToData(link: PeerLink, keywords: string[] = []): Promise<void> {
  link.send('220 bad.example ESMTP');
  await link.line();
  link.send(
    ['250-bad.example', ...keywords.map((k) => `250-${k}`)].join('\r\n') + '\r\n250 8BITMIME',
  );
  for (;;) {
    const l = await link.line();
    if (/^DATA/i.test(l)) break;
    link.send('250 2.0.0 Ok');
  }
  link.send('354 go ahead');
}
