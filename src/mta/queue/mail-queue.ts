// The on-disk queue: files under queue_directory in incoming/, active/,
// deferred/ (hashed), hold/ and corrupt/. The only way in is `enqueue`, which
// resolves once the file and its directory entry are on disk: the SMTP server
// sends `250 2.0.0 Ok: queued as ID` only then. Every move between queues is a
// rename followed by fsyncs of both directories before it resolves.
import { mkdir, open, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { Random } from '../../prng/index.js';
import { DirectorySync } from './directory-sync.js';
import { decodeQueueFile, encodeQueueFile } from './queue-file.js';
import { isQueueId, newQueueId } from './queue-id.js';
import { HASHED_QUEUES, QUEUE_NAMES, hashDirectory, type QueueName } from './queue-names.js';
import type { NewMessage, QueuedMessage } from './message.js';

/** Where a file is being written before it is renamed into incoming/ (Postfix's cleanup writes in place; a name apart lets readers ignore it). */
const TEMP_PREFIX = '.tmp-';
const FILE_MODE = 0o600;

export interface MailQueueOptions {
  readonly random: Random;
  /** Microseconds since the epoch; injected so tests control IDs. */
  readonly nowMicros?: () => bigint;
}

export class QueueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueError';
  }
}

/** True when the pid in a temporary file's name (.tmp-PID-ID) is a live process; names without one are old and their writer gone. */
function writerAlive(tempName: string): boolean {
  const m = /^\.tmp-(\d+)-/.exec(tempName);
  if (m === null) return false;
  try {
    process.kill(Number(m[1]), 0);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    // EPERM: a live process of another user holds that pid.
    if (code === 'EPERM') return true;
    throw e;
  }
}

export class MailQueue {
  private readonly syncs = new Map<string, DirectorySync>();
  private readonly nowMicros: () => bigint;

  private constructor(
    readonly directory: string,
    private readonly random: Random,
    nowMicros: (() => bigint) | undefined,
  ) {
    this.nowMicros =
      nowMicros ?? (() => BigInt(Math.floor((performance.timeOrigin + performance.now()) * 1000)));
  }

  /** Opens (creating if needed) the queue under `directory`. */
  static async open(directory: string, options: MailQueueOptions): Promise<MailQueue> {
    const queue = new MailQueue(directory, options.random, options.nowMicros);
    await mkdir(directory, { recursive: true, mode: 0o700 });
    for (const name of QUEUE_NAMES)
      await mkdir(join(directory, name), { recursive: true, mode: 0o700 });
    await queue.sync(directory);
    return queue;
  }

  /**
   * Writes a new message into incoming/ and resolves with its ID once it is
   * durable. `message` may be a function of the ID, for content that names it
   * (the Received header's `id` clause).
   */
  async enqueue(message: NewMessage | ((id: string) => NewMessage)): Promise<string> {
    const incoming = join(this.directory, 'incoming');
    for (let attempt = 0; attempt < 8; attempt++) {
      const id = newQueueId(this.nowMicros(), this.random);
      // The writer's pid in the name lets recovery in another process (a restarted
      // queue manager) tell a write in progress from one a crash left behind.
      const temp = join(incoming, `${TEMP_PREFIX}${process.pid}-${id}`);
      const written = await this.writeNew(
        temp,
        encodeQueueFile(typeof message === 'function' ? message(id) : message),
      );
      if (!written) continue;
      if (await this.exists('incoming', id)) {
        await rm(temp, { force: true });
        continue;
      }
      await rename(temp, join(incoming, id));
      await this.sync(incoming);
      return id;
    }
    throw new QueueError('could not find an unused queue ID in 8 attempts');
  }

  /** Creates `path` exclusively and writes and fsyncs `chunks`; false if it already existed. */
  private async writeNew(path: string, chunks: readonly Uint8Array[]): Promise<boolean> {
    let handle;
    try {
      handle = await open(path, 'wx', FILE_MODE);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
    try {
      await handle.writev(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
      await handle.sync();
    } catch (e) {
      await handle.close();
      await rm(path, { force: true });
      throw e;
    }
    await handle.close();
    return true;
  }

  /** The path of message `id` in `queue`. */
  path(queue: QueueName, id: string): string {
    if (!isQueueId(id)) throw new QueueError(`not a queue ID: ${JSON.stringify(id)}`);
    return HASHED_QUEUES.has(queue)
      ? join(this.directory, queue, hashDirectory(id), id)
      : join(this.directory, queue, id);
  }

  private dirOf(queue: QueueName, id: string): string {
    return HASHED_QUEUES.has(queue)
      ? join(this.directory, queue, hashDirectory(id))
      : join(this.directory, queue);
  }

  async exists(queue: QueueName, id: string): Promise<boolean> {
    try {
      await (await open(this.path(queue, id), 'r')).close();
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }

  /** The IDs in a queue, oldest first; temporary files of unfinished writes are not listed. */
  async list(queue: QueueName): Promise<string[]> {
    const root = join(this.directory, queue);
    const names = HASHED_QUEUES.has(queue) ? await this.listHashed(root) : await readdir(root);
    return names.filter(isQueueId).sort();
  }

  private async listHashed(root: string): Promise<string[]> {
    const out: string[] = [];
    for (const sub of await readdir(root, { withFileTypes: true })) {
      if (sub.isDirectory()) out.push(...(await readdir(join(root, sub.name))));
    }
    return out;
  }

  /** Temporary files left in incoming/ by writes that never finished: their writer process is gone. */
  async listUnfinished(): Promise<string[]> {
    return (await readdir(join(this.directory, 'incoming'))).filter(
      (n) => n.startsWith(TEMP_PREFIX) && !writerAlive(n),
    );
  }

  async removeUnfinished(name: string): Promise<void> {
    if (!name.startsWith(TEMP_PREFIX) || name.includes('/'))
      throw new QueueError(`not a temporary queue file: ${name}`);
    await rm(join(this.directory, 'incoming', name), { force: true });
  }

  async readBytes(queue: QueueName, id: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(this.path(queue, id)));
  }

  async read(queue: QueueName, id: string): Promise<QueuedMessage> {
    return decodeQueueFile(id, await this.readBytes(queue, id));
  }

  /** Moves a message between queues, durably. */
  async move(id: string, from: QueueName, to: QueueName): Promise<void> {
    const target = this.dirOf(to, id);
    if (HASHED_QUEUES.has(to)) await mkdir(target, { recursive: true, mode: 0o700 });
    await rename(this.path(from, id), this.path(to, id));
    await Promise.all([this.sync(target), this.sync(this.dirOf(from, id))]);
  }

  /** Appends one record to a message's file and fsyncs it (the queue manager's results). */
  async append(queue: QueueName, id: string, record: Uint8Array): Promise<void> {
    const handle = await open(this.path(queue, id), 'a');
    try {
      await handle.write(record);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /**
   * When a deferred message is next due: like Postfix, the file's modification
   * time holds it, so the schedule survives restarts without another record.
   */
  async setNextAttempt(queue: QueueName, id: string, time: number): Promise<void> {
    const seconds = time / 1000;
    await utimes(this.path(queue, id), seconds, seconds);
  }

  async nextAttempt(queue: QueueName, id: string): Promise<number> {
    return (await stat(this.path(queue, id))).mtimeMs;
  }

  /** Removes a message, durably. */
  async remove(queue: QueueName, id: string): Promise<void> {
    await rm(this.path(queue, id));
    await this.sync(this.dirOf(queue, id));
  }

  /** Finds which queue holds `id`. */
  async locate(id: string): Promise<QueueName | undefined> {
    for (const name of QUEUE_NAMES) if (await this.exists(name, id)) return name;
    return undefined;
  }

  /** Total directory fsyncs made so far (the group commit's effect is visible here). */
  directorySyncs(): number {
    let n = 0;
    for (const s of this.syncs.values()) n += s.syncs;
    return n;
  }

  private sync(directory: string): Promise<void> {
    let s = this.syncs.get(directory);
    if (s === undefined) {
      s = new DirectorySync(directory);
      this.syncs.set(directory, s);
    }
    return s.request();
  }
}
