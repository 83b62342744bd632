import type { SessionStore } from '../store.js';
import { checkId, checkTtl } from '../store.js';
import { DEFAULT_MAX_ENTRIES } from '../../policy/defaults.js';
import { equalBytes } from '../../wire/bytes.js';

export interface MemoryStoreOptions {
  /** At most this many sessions; the least recently used goes first. */
  maxEntries?: number;
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
}

interface Entry {
  value: Uint8Array;
  expiresAt: number;
}

function keyOf(id: Uint8Array): string {
  return Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('latin1');
}

/**
 * The cache of one process: the default for the library and `s_server`.
 * A Map keeps insertion order, so moving an entry to the end on every hit
 * makes the first entry the least recently used.
 */
export class MemorySessionStore implements SessionStore {
  private readonly entries = new Map<string, Entry>();
  private ticketKeys: Uint8Array | undefined;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: MemoryStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isSafeInteger(this.maxEntries) || this.maxEntries < 1)
      throw new RangeError(`maxEntries must be a positive integer, got ${this.maxEntries}`);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  async get(id: Uint8Array): Promise<Uint8Array | undefined> {
    checkId(id);
    const key = keyOf(id);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return Uint8Array.from(entry.value);
  }

  async set(id: Uint8Array, value: Uint8Array, ttlSeconds: number): Promise<void> {
    checkId(id);
    checkTtl(ttlSeconds);
    const key = keyOf(id);
    this.entries.delete(key);
    this.entries.set(key, {
      value: Uint8Array.from(value),
      expiresAt: this.now() + ttlSeconds * 1000,
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  async delete(id: Uint8Array): Promise<void> {
    checkId(id);
    this.entries.delete(keyOf(id));
  }

  async purgeExpired(): Promise<number> {
    const now = this.now();
    let n = 0;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) {
        this.entries.delete(key);
        n++;
      }
    }
    return n;
  }

  async getTicketKeys(): Promise<Uint8Array | undefined> {
    return this.ticketKeys === undefined ? undefined : Uint8Array.from(this.ticketKeys);
  }

  async swapTicketKeys(expected: Uint8Array | undefined, next: Uint8Array): Promise<boolean> {
    if (!equalBytes(this.ticketKeys, expected)) return false;
    this.ticketKeys = Uint8Array.from(next);
    return true;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
