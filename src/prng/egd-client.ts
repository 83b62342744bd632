import { createConnection } from 'node:net';
import type { Socket } from 'node:net';
import { EntropySourceError } from './entropy-source-error.js';
import type { Decoded } from './egd-protocol.js';
import {
  EGD_MAX_REQUEST,
  EgdProtocolError,
  decodeBlockingRead,
  decodeEntropyLevel,
  decodeNonBlockingRead,
  decodePid,
  encodeEntropyLevel,
  encodeGetPid,
  encodeRead,
  encodeWriteEntropy,
} from './egd-protocol.js';

interface Pending {
  decode(buf: Uint8Array): Decoded<unknown>;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * One connection to an EGD-compatible daemon on a Unix socket. Requests are
 * answered in order; each waits at most `timeoutMs` (Postfix bounds every
 * EGD read and write the same way, TLS_MGR_TIMEOUT).
 */
export class EgdClient {
  private buffer = new Uint8Array(0);
  private queue: Pending[] = [];
  private closedReason: string | undefined;

  private constructor(
    private readonly socket: Socket,
    readonly path: string,
    private readonly timeoutMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err.message));
    socket.on('close', () =>
      this.fail(
        this.buffer.length > 0
          ? `connection closed inside a reply (${this.buffer.length} bytes of it received)`
          : 'connection closed',
      ),
    );
  }

  static connect(path: string, timeoutMs = 10_000): Promise<EgdClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ path });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new EntropySourceError(`egd:${path}`, `cannot connect within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new EntropySourceError(`egd:${path}`, `cannot connect: ${err.message}`));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new EgdClient(socket, path, timeoutMs));
      });
    });
  }

  entropyLevel(): Promise<number> {
    return this.request(encodeEntropyLevel(), decodeEntropyLevel);
  }

  /** Command 0x01: up to `n` (<= 255) bytes, fewer or none when the daemon is short. */
  readNonBlocking(n: number): Promise<Uint8Array> {
    return this.request(encodeRead(n, false), (buf) => decodeNonBlockingRead(buf, n));
  }

  /** Command 0x02: exactly `n` (<= 255) bytes, waiting for the daemon to gather them. */
  readBlocking(n: number): Promise<Uint8Array> {
    return this.request(encodeRead(n, true), (buf) => decodeBlockingRead(buf, n));
  }

  /** Command 0x03 has no reply: resolves once the request is written. */
  writeEntropy(bits: number, data: Uint8Array): Promise<void> {
    const req = encodeWriteEntropy(bits, data);
    this.ensureOpen();
    return new Promise((resolve, reject) =>
      this.socket.write(req, (err) => (err ? reject(this.error(err.message)) : resolve())),
    );
  }

  pid(): Promise<string> {
    return this.request(encodeGetPid(), decodePid);
  }

  close(): void {
    this.closedReason ??= 'closed by the client';
    this.socket.destroy();
  }

  private request<T>(bytes: Uint8Array, decode: (buf: Uint8Array) => Decoded<T>): Promise<T> {
    this.ensureOpen();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(`no complete reply within ${this.timeoutMs} ms`),
        this.timeoutMs,
      );
      this.queue.push({ decode, resolve: resolve as (v: unknown) => void, reject, timer });
      this.socket.write(bytes);
    });
  }

  private onData(chunk: Buffer): void {
    const merged = new Uint8Array(this.buffer.length + chunk.length);
    merged.set(this.buffer);
    merged.set(chunk, this.buffer.length);
    this.buffer = merged;
    for (let head = this.queue[0]; head !== undefined; head = this.queue[0]) {
      let decoded: Decoded<unknown>;
      try {
        decoded = head.decode(this.buffer);
      } catch (err) {
        this.fail((err as EgdProtocolError).message);
        return;
      }
      if (decoded === undefined) return;
      this.queue.shift();
      clearTimeout(head.timer);
      this.buffer = this.buffer.slice(decoded.used);
      head.resolve(decoded.value);
    }
    if (this.buffer.length > 0)
      this.fail(`${this.buffer.length} bytes arrived that answer no request`);
  }

  private ensureOpen(): void {
    if (this.closedReason !== undefined) throw this.error(this.closedReason);
  }

  private error(reason: string): EntropySourceError {
    return new EntropySourceError(`egd:${this.path}`, reason);
  }

  private fail(reason: string): void {
    this.closedReason ??= reason;
    for (const p of this.queue.splice(0)) {
      clearTimeout(p.timer);
      p.reject(this.error(reason));
    }
    this.socket.destroy();
  }
}

/**
 * Gathers `n` bytes from an EGD daemon with non-blocking reads of at most 255
 * bytes each (tls_random_source = egd:...). A daemon that runs dry stops the
 * loop and what it gave is returned; one that has nothing at all is an error,
 * as in Postfix ("EGD server reports zero bytes available").
 */
export async function readEgd(path: string, n: number, timeoutMs = 10_000): Promise<Uint8Array> {
  const client = await EgdClient.connect(path, timeoutMs);
  const parts: Uint8Array[] = [];
  let got = 0;
  try {
    while (got < n) {
      const ask = Math.min(EGD_MAX_REQUEST, n - got);
      const part = await client.readNonBlocking(ask);
      parts.push(part);
      got += part.length;
      if (part.length < ask) break;
    }
  } finally {
    client.close();
  }
  if (got === 0)
    throw new EntropySourceError(`egd:${path}`, 'the daemon reports zero bytes available');
  const out = new Uint8Array(got);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
