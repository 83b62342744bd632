import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { spawn } from 'node:child_process';

/** What the test EGD daemon does with a read. */
export interface EgdServerBehaviour {
  /** Bytes it can hand out in all (non-blocking reads get at most this many). */
  available: number;
  /** After announcing a count, send only this many bytes and hang up (a short, broken answer). */
  truncateAfter?: number;
  /** Announce this count whatever was asked (a daemon that breaks the protocol). */
  announce?: number;
}

/**
 * A real EGD-protocol daemon for the tests, on a Unix socket: it parses each
 * request (0x00 level, 0x01 N, 0x02 N, 0x03 bits N data, 0x04 pid), records
 * its exact bytes, and answers from a counter pattern (byte k of its output
 * is k & 0xff) so the tests can check that bytes arrived verbatim.
 */
export class EgdServer {
  readonly requests: number[][] = [];
  readonly written: number[][] = [];
  private served = 0;
  private constructor(
    private readonly server: Server,
    readonly path: string,
    readonly behaviour: EgdServerBehaviour,
  ) {}

  static start(path: string, behaviour: EgdServerBehaviour): Promise<EgdServer> {
    return new Promise((resolve, reject) => {
      let egd: EgdServer | undefined;
      const server = createServer((socket) => (egd as EgdServer).serve(socket));
      egd = new EgdServer(server, path, behaviour);
      server.once('error', reject);
      server.listen(path, () => resolve(egd as EgdServer));
    });
  }

  /** Bytes handed out so far. */
  get bytesServed(): number {
    return this.served;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private take(n: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((this.served + i) & 0xff);
    this.served += n;
    return out;
  }

  private serve(socket: Socket): void {
    let buf: number[] = [];
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      buf = buf.concat([...chunk]);
      for (let used = this.answer(buf, socket); used > 0; used = this.answer(buf, socket))
        buf = buf.slice(used);
    });
  }

  /** Answers the first complete request in `buf`; returns the bytes it used (0: incomplete). */
  private answer(buf: number[], socket: Socket): number {
    const cmd = buf[0];
    if (cmd === undefined) return 0;
    const need =
      cmd === 0x01 || cmd === 0x02
        ? 2
        : cmd === 0x03
          ? buf.length >= 4
            ? 4 + (buf[3] as number)
            : Infinity
          : 1;
    if (buf.length < need) return 0;
    const req = buf.slice(0, need);
    this.requests.push(req);
    if (cmd === 0x00) {
      const level = Buffer.alloc(4);
      level.writeUInt32BE(this.behaviour.available * 8);
      socket.write(level);
    } else if (cmd === 0x01) this.readReply(req[1] as number, socket);
    else if (cmd === 0x02) socket.write(Uint8Array.from(this.take(req[1] as number)));
    else if (cmd === 0x03) this.written.push(req.slice(4));
    else if (cmd === 0x04)
      socket.write(Buffer.from(`\x05${String(process.pid).padStart(5, '0').slice(-5)}`, 'latin1'));
    else socket.destroy();
    return need;
  }

  private readReply(asked: number, socket: Socket): void {
    const left = Math.max(0, this.behaviour.available - this.served);
    const count = this.behaviour.announce ?? Math.min(asked, left);
    if (this.behaviour.truncateAfter !== undefined) {
      socket.end(
        Uint8Array.from([count, ...this.take(Math.min(count, this.behaviour.truncateAfter))]),
      );
      return;
    }
    socket.write(Uint8Array.from([count, ...this.take(count)]));
  }
}

/**
 * Leaves a Unix socket file that nobody listens on (a dead EGD): a child
 * process binds it and is killed, so connecting gets ECONNREFUSED.
 */
export async function deadSocket(path: string): Promise<void> {
  const code = `const s = require('node:net').createServer().listen(${JSON.stringify(path)}, () => { process.stdout.write('up'); });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (c) => reject(new Error(`socket binder exited ${c}`)));
  });
  child.removeAllListeners('exit');
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}
