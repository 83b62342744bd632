import Database from 'better-sqlite3';
import { SessionError } from '../errors.js';
import type { SessionStore } from '../store.js';
import { checkId, checkTtl } from '../store.js';
import {
  DEFAULT_SQLITE_BUSY_TIMEOUT_MS,
  DEFAULT_SQLITE_PURGE_INTERVAL_MS,
} from '../../policy/defaults.js';
import { equalBytes } from '../../wire/bytes.js';

export interface SqliteStoreOptions {
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
  /** How long a writer waits for another process's lock before failing (SQLite busy timeout). */
  busyTimeoutMs?: number;
  /** Expired entries are deleted on open and then this often; 0 leaves it to `purgeExpired`. */
  purgeIntervalMs?: number;
}

type Row = { value: Buffer };

function buf(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * The on-disk session cache that several processes of one host share
 * (`btree:`, `lmdb:` and `sdbm:` in a `*_session_cache_database`), in SQLite
 * through better-sqlite3. SQLite rather than a file format of our own: its
 * locking lets several processes write at once without corrupting the file,
 * and its journal survives a crash mid-write. WAL mode lets readers go on
 * while one process writes; the busy timeout makes a writer wait for another
 * instead of failing. better-sqlite3 is synchronous: each call holds the
 * event loop for one small indexed statement.
 */
export class SqliteSessionStore implements SessionStore {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly stmt: {
    get: Database.Statement<[Buffer, number], Row>;
    set: Database.Statement<[Buffer, Buffer, number]>;
    del: Database.Statement<[Buffer]>;
    purge: Database.Statement<[number]>;
    getKeys: Database.Statement<[], Row>;
    putKeys: Database.Statement<[Buffer]>;
  };

  private constructor(db: Database.Database, options: SqliteStoreOptions) {
    this.db = db;
    this.now = options.now ?? Date.now;
    this.stmt = {
      get: db.prepare<[Buffer, number], Row>(
        'SELECT value FROM sessions WHERE id = ? AND expires_at > ?',
      ),
      set: db.prepare<[Buffer, Buffer, number]>(
        'INSERT OR REPLACE INTO sessions (id, value, expires_at) VALUES (?, ?, ?)',
      ),
      del: db.prepare<[Buffer]>('DELETE FROM sessions WHERE id = ?'),
      purge: db.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?'),
      getKeys: db.prepare<[], Row>('SELECT value FROM ticket_keys WHERE slot = 0'),
      putKeys: db.prepare<[Buffer]>(
        'INSERT OR REPLACE INTO ticket_keys (slot, value) VALUES (0, ?)',
      ),
    };
    this.stmt.purge.run(this.now());
    const interval = options.purgeIntervalMs ?? DEFAULT_SQLITE_PURGE_INTERVAL_MS;
    if (interval > 0) {
      this.timer = setInterval(() => this.purgeOrWarn(), interval);
      // A cache must not keep a process alive.
      this.timer.unref();
    }
  }

  /** Opens (creating if needed) the database at `path`. */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteSessionStore {
    return guard(`cannot open session cache ${path}`, () => {
      const db = new Database(path, {
        timeout: options.busyTimeoutMs ?? DEFAULT_SQLITE_BUSY_TIMEOUT_MS,
      });
      try {
        db.pragma('journal_mode = WAL');
        // In WAL mode NORMAL never corrupts the file; a power loss may only forget the last sessions, which a cache can afford.
        db.pragma('synchronous = NORMAL');
        db.exec(`CREATE TABLE IF NOT EXISTS sessions (id BLOB PRIMARY KEY, value BLOB NOT NULL, expires_at INTEGER NOT NULL);
                 CREATE INDEX IF NOT EXISTS sessions_expires_at ON sessions (expires_at);
                 CREATE TABLE IF NOT EXISTS ticket_keys (slot INTEGER PRIMARY KEY CHECK (slot = 0), value BLOB NOT NULL);`);
        return new SqliteSessionStore(db, options);
      } catch (e) {
        db.close();
        throw e;
      }
    });
  }

  private purgeOrWarn(): void {
    try {
      this.stmt.purge.run(this.now());
    } catch (e) {
      // A failed periodic purge loses nothing: expired rows are never returned, and the next purge retries.
      process.emitWarning(
        `session cache purge failed: ${(e as Error).message}`,
        'SessionCacheWarning',
      );
    }
  }

  async get(id: Uint8Array): Promise<Uint8Array | undefined> {
    checkId(id);
    const row = guard('session cache read failed', () => this.stmt.get.get(buf(id), this.now()));
    return row === undefined ? undefined : new Uint8Array(row.value);
  }

  async set(id: Uint8Array, value: Uint8Array, ttlSeconds: number): Promise<void> {
    checkId(id);
    checkTtl(ttlSeconds);
    guard('session cache write failed', () =>
      this.stmt.set.run(buf(id), buf(value), this.now() + ttlSeconds * 1000),
    );
  }

  async delete(id: Uint8Array): Promise<void> {
    checkId(id);
    guard('session cache delete failed', () => this.stmt.del.run(buf(id)));
  }

  async purgeExpired(): Promise<number> {
    return guard('session cache purge failed', () => this.stmt.purge.run(this.now()).changes);
  }

  async getTicketKeys(): Promise<Uint8Array | undefined> {
    const row = guard('ticket key read failed', () => this.stmt.getKeys.get());
    return row === undefined ? undefined : new Uint8Array(row.value);
  }

  async swapTicketKeys(expected: Uint8Array | undefined, next: Uint8Array): Promise<boolean> {
    // IMMEDIATE takes the write lock before the read, so no other process can change the row between the compare and the set.
    const swap = this.db.transaction((): boolean => {
      const row = this.stmt.getKeys.get();
      if (!equalBytes(row === undefined ? undefined : new Uint8Array(row.value), expected))
        return false;
      this.stmt.putKeys.run(buf(next));
      return true;
    });
    return guard('ticket key write failed', () => swap.immediate());
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    guard('session cache close failed', () => this.db.close());
  }
}

/** Runs `fn`, turning SQLite's errors (busy past the timeout, disk full, not a database) into SessionError('store_failed'). */
function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (
      e instanceof Database.SqliteError ||
      (e instanceof TypeError && /database|directory/i.test(e.message))
    ) {
      throw new SessionError('store_failed', `${what}: ${e.message}`, { cause: e });
    }
    throw e;
  }
}
