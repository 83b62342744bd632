// One connection to Dovecot's auth service (auth-client socket): the
// handshake first, then replies routed to their requests by id. When the
// connection fails, every waiting request is answered "lost" at once.
import type { Socket } from 'node:net';
import type { AuthReply } from './dovecot-protocol.js';
import {
  DovecotProtocolError,
  encodeHandshake,
  HandshakeReader,
  LineSplitter,
  parseAuthReply,
} from './dovecot-protocol.js';
import type { MechanismDescription } from './security-options.js';

export type Pending = (reply: AuthReply | undefined) => void;

/** One connection to the auth service: its handshake, then replies routed by id. */
export class DovecotConnection {
  readonly ready: Promise<readonly MechanismDescription[]>;
  private readonly pending = new Map<number, Pending>();
  private readonly lines = new LineSplitter();
  private readonly handshake = new HandshakeReader();
  private handshakeDone = false;
  closed = false;

  constructor(
    private readonly socket: Socket,
    pid: number,
    timeoutMs: number,
    private readonly log: (message: string) => void,
  ) {
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(new Error(`no handshake within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.onHandshake = (result) => {
        clearTimeout(timer);
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.data(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed')));
    socket.write(encodeHandshake(pid));
  }

  private onHandshake: (result: readonly MechanismDescription[] | Error) => void = () => undefined;

  send(line: string, id: number, reply: Pending): void {
    if (this.closed) {
      reply(undefined);
      return;
    }
    this.pending.set(id, reply);
    this.socket.write(line);
  }

  forget(id: number): void {
    this.pending.delete(id);
  }

  close(): void {
    this.fail(undefined);
  }

  private data(chunk: string): void {
    try {
      for (const line of this.lines.push(chunk)) this.line(line);
    } catch (err) {
      if (!(err instanceof DovecotProtocolError)) throw err;
      this.fail(err);
    }
  }

  private line(line: string): void {
    if (!this.handshakeDone) {
      const state = this.handshake.line(line);
      if (state.kind === 'done') {
        this.handshakeDone = true;
        this.onHandshake(state.mechanisms);
      }
      return;
    }
    const reply = parseAuthReply(line);
    if (reply === undefined) return;
    const waiter = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    waiter?.(reply);
  }

  private fail(err: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;
    if (err !== undefined) this.log(`SASL: Dovecot auth connection: ${err.message}`);
    this.onHandshake(err ?? new Error('closed'));
    for (const waiter of this.pending.values()) waiter(undefined);
    this.pending.clear();
    this.socket.destroy();
  }
}
