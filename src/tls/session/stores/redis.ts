import { Redis } from 'ioredis';
import { SessionError } from '../errors.js';
import type { SessionStore } from '../store.js';
import { checkId, checkTtl } from '../store.js';
import { DEFAULT_REDIS_CONNECT_TIMEOUT_MS, DEFAULT_REDIS_PREFIX } from '../../policy/defaults.js';

export interface RedisStoreOptions {
  /** Prepended to every key, so several caches (smtpd, smtp) can share one Redis. */
  keyPrefix?: string;
  /** How long to wait for the first connection. */
  connectTimeoutMs?: number;
}

/** Where the Redis server is: a `redis://` URL, or a host and port from `redis:HOST:PORT`. */
export type RedisAddress = { url: string } | { host: string; port: number };

/** Sets KEYS[1] to ARGV[2] only if it still holds ARGV[1]; one script runs atomically in Redis. */
const SWAP_SCRIPT =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end return 0";

function buf(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function describe(address: RedisAddress): string {
  return 'url' in address
    ? address.url.replace(/\/\/[^@/]*@/, '//***@')
    : `${address.host}:${address.port}`;
}

/**
 * The session cache that hosts share, on Redis through ioredis (maintained,
 * typed, binary-safe Buffer replies, Lua scripting for the keyring's
 * compare-and-set). Sessions expire by Redis's own EX; the ticket keyring
 * lives in one key, created with SET NX and replaced by an atomic script,
 * so a fleet starting at once agrees on one keyring. Values, master secrets
 * included, cross the network as they are: keep Redis on a trusted network.
 */
export class RedisSessionStore implements SessionStore {
  private lastError: Error | undefined;

  private constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    private readonly where: string,
  ) {
    // Without a listener ioredis prints every reconnection failure; the last one is kept for the next error message.
    client.on('error', (e: Error) => {
      this.lastError = e;
    });
  }

  static async open(
    address: RedisAddress,
    options: RedisStoreOptions = {},
  ): Promise<RedisSessionStore> {
    const common = {
      lazyConnect: true,
      connectTimeout: options.connectTimeoutMs ?? DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
      // A handshake must not wait for a Redis that is down: fail the command, fall back to a full handshake.
      maxRetriesPerRequest: 1,
    };
    const client =
      'url' in address
        ? new Redis(address.url, common)
        : new Redis({ ...common, host: address.host, port: address.port });
    const store = new RedisSessionStore(
      client,
      options.keyPrefix ?? DEFAULT_REDIS_PREFIX,
      describe(address),
    );
    try {
      await client.connect();
    } catch (e) {
      client.disconnect();
      throw new SessionError(
        'store_failed',
        `cannot connect to Redis at ${store.where}: ${(e as Error).message}`,
        { cause: e },
      );
    }
    return store;
  }

  private key(id: Uint8Array): string {
    return `${this.prefix}session:${buf(id).toString('hex')}`;
  }

  private get keysKey(): string {
    return `${this.prefix}ticket-keys`;
  }

  private async guard<T>(what: string, op: Promise<T>): Promise<T> {
    try {
      return await op;
    } catch (e) {
      const detail =
        (e as Error).message +
        (this.lastError !== undefined ? ` (last connection error: ${this.lastError.message})` : '');
      throw new SessionError('store_failed', `Redis ${this.where}: ${what}: ${detail}`, {
        cause: e,
      });
    }
  }

  async get(id: Uint8Array): Promise<Uint8Array | undefined> {
    checkId(id);
    const value = await this.guard('GET', this.client.getBuffer(this.key(id)));
    return value === null ? undefined : new Uint8Array(value);
  }

  async set(id: Uint8Array, value: Uint8Array, ttlSeconds: number): Promise<void> {
    checkId(id);
    checkTtl(ttlSeconds);
    await this.guard('SET', this.client.set(this.key(id), buf(value), 'EX', ttlSeconds));
  }

  async delete(id: Uint8Array): Promise<void> {
    checkId(id);
    await this.guard('DEL', this.client.del(this.key(id)));
  }

  async getTicketKeys(): Promise<Uint8Array | undefined> {
    const value = await this.guard('GET', this.client.getBuffer(this.keysKey));
    return value === null ? undefined : new Uint8Array(value);
  }

  async swapTicketKeys(expected: Uint8Array | undefined, next: Uint8Array): Promise<boolean> {
    if (expected === undefined) {
      const reply = await this.guard('SET NX', this.client.set(this.keysKey, buf(next), 'NX'));
      return reply === 'OK';
    }
    const reply = await this.guard(
      'EVAL',
      this.client.eval(SWAP_SCRIPT, 1, this.keysKey, buf(expected), buf(next)),
    );
    return reply === 1;
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch (e) {
      // quit fails only when the connection is already gone; make sure no reconnection timer is left either way.
      this.client.disconnect();
      this.lastError = e as Error;
    }
  }
}
