import { closeSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { syncPathSync } from '../../prng/index.js';
import { TableError, systemMessage, type WarningSink } from './errors.js';
import { foldKey } from './fold.js';
import type { LookupResult, Table } from './table.js';

// hash:, btree: and lmdb: are one format here: an SQLite database (a real
// embedded database with transactions and safe concurrent readers) written by
// `postern postmap`. The file names are Postfix's (FILE.db for hash: and
// btree:, FILE.lmdb for lmdb:), so a main.cf and the administrator's habits
// (`postmap /etc/postfix/transport`) carry over; a Berkeley DB or LMDB file
// that Postfix wrote is recognised and refused with the command to rebuild it.

export type DatabaseType = 'hash' | 'btree' | 'lmdb';

/** Marks a file as written by postern postmap (the postern_meta table). */
const FORMAT = 'postern-table-1';
const SQLITE_MAGIC = 'SQLite format 3\0';

export function isDatabaseType(type: string): type is DatabaseType {
  return type === 'hash' || type === 'btree' || type === 'lmdb';
}

/** FILE.db for hash: and btree:, FILE.lmdb for lmdb: (as Postfix names them). */
export function databasePath(type: DatabaseType, source: string): string {
  return source + (type === 'lmdb' ? '.lmdb' : '.db');
}

function foreign(type: DatabaseType, source: string, path: string): TableError {
  return new TableError(
    'foreign-database',
    `${path} is not a postern database (perhaps a Berkeley DB or LMDB file made by Postfix's postmap); rebuild it with: postern postmap ${type}:${source}`,
  );
}

/** Opens FILE.db read-only after checking that it is an SQLite file postern wrote. */
function openExisting(type: DatabaseType, source: string, readonly: boolean): Database.Database {
  const path = databasePath(type, source);
  checkMagic(type, source, path);
  const db = new Database(path, { readonly, fileMustExist: true });
  try {
    const row = db.prepare("SELECT value FROM postern_meta WHERE name = 'format'").get() as
      { value: string } | undefined;
    if (row?.value !== FORMAT) throw foreign(type, source, path);
  } catch (err) {
    db.close();
    if (err instanceof TableError) throw err;
    throw foreign(type, source, path);
  }
  return db;
}

function checkMagic(type: DatabaseType, source: string, path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new TableError('open', `open database ${path}: ${systemMessage(err)}`);
  }
  try {
    const head = Buffer.alloc(16);
    const n = readSync(fd, head, 0, 16, 0);
    if (n < 16 || head.toString('latin1') !== SQLITE_MAGIC) throw foreign(type, source, path);
  } finally {
    closeSync(fd);
  }
}

/**
 * Postfix's dict_db warning: the source was edited (more than 100 s ago, so
 * not while postmap is still running) after the database was built.
 */
function warnIfStale(
  type: DatabaseType,
  source: string,
  warn: WarningSink,
  now = Date.now(),
): void {
  const db = statSync(databasePath(type, source), { throwIfNoEntry: false });
  const src = statSync(source, { throwIfNoEntry: false });
  if (db === undefined || src === undefined) return;
  if (src.mtimeMs > db.mtimeMs && src.mtimeMs < now - 100_000) {
    warn(`database ${databasePath(type, source)} is older than source file ${source}`);
  }
}

/** A hash:/btree:/lmdb: table: one indexed SELECT per lookup. */
export function openDatabaseTable(
  spec: string,
  type: DatabaseType,
  source: string,
  fold: boolean,
  warn: WarningSink,
): Table {
  const db = openExisting(type, source, true);
  warnIfStale(type, source, warn);
  const select = db.prepare('SELECT value FROM postern_entries WHERE key = ?').pluck();
  const all = db.prepare('SELECT key, value FROM postern_entries ORDER BY key').raw();
  return {
    spec,
    entries: () => all.all() as Array<[string, string]>,
    lookup(key: string): LookupResult {
      return select.get(foldKey(key, fold)) as string | undefined;
    },
    close() {
      db.close();
    },
  };
}

/** What to do with a key seen twice (postmap: warn and keep the first; -w: keep the first silently; -r: replace). */
export type DuplicatePolicy = 'warn' | 'ignore' | 'replace';

export interface BuildOptions {
  duplicates: DuplicatePolicy;
  warn: WarningSink;
}

function createSchema(db: Database.Database, type: DatabaseType): void {
  db.exec(`CREATE TABLE postern_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE postern_entries (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;`);
  const meta = db.prepare('INSERT INTO postern_meta (name, value) VALUES (?, ?)');
  meta.run('format', FORMAT);
  meta.run('type', type);
}

/** Inserts entries in one transaction, applying the duplicate policy. */
function insertAll(
  db: Database.Database,
  path: string,
  entries: Iterable<[string, string]>,
  options: BuildOptions,
): void {
  const insert = db.prepare(
    options.duplicates === 'replace'
      ? 'INSERT OR REPLACE INTO postern_entries (key, value) VALUES (?, ?)'
      : 'INSERT OR IGNORE INTO postern_entries (key, value) VALUES (?, ?)',
  );
  db.transaction(() => {
    for (const [key, value] of entries) {
      const changes = insert.run(key, value).changes;
      if (changes === 0 && options.duplicates === 'warn')
        options.warn(`${path}: duplicate entry: "${key}"`);
    }
  })();
}

/**
 * Writes a complete new database next to FILE.db, fsyncs it and renames it
 * over the old one: a reader holding the old file keeps a consistent view,
 * the next open (or reopen on identity change) sees the new one.
 */
let tempCounter = 0;

export function buildDatabase(
  type: DatabaseType,
  source: string,
  entries: Iterable<[string, string]>,
  options: BuildOptions,
): void {
  const path = databasePath(type, source);
  const temp = `${path}.${process.pid}.${++tempCounter}.tmp`;
  try {
    const db = new Database(temp);
    try {
      db.pragma('journal_mode = DELETE');
      createSchema(db, type);
      insertAll(db, path, entries, options);
    } finally {
      db.close();
    }
    syncPathSync(temp);
    renameSync(temp, path);
    syncPathSync(dirname(path));
  } catch (err) {
    rmSync(temp, { force: true });
    if (err instanceof TableError) throw err;
    throw new TableError('open', `open database ${path}: ${(err as Error).message}`);
  }
}

/** postmap -i: adds entries to an existing database (in one SQLite transaction; readers see before or after). */
export function addToDatabase(
  type: DatabaseType,
  source: string,
  entries: Iterable<[string, string]>,
  options: BuildOptions,
): void {
  const db = openExisting(type, source, false);
  try {
    insertAll(db, databasePath(type, source), entries, options);
  } finally {
    db.close();
  }
}

/** postmap -d: deletes keys; returns how many were present. */
export function deleteFromDatabase(
  type: DatabaseType,
  source: string,
  keys: Iterable<string>,
): number {
  const db = openExisting(type, source, false);
  try {
    const del = db.prepare('DELETE FROM postern_entries WHERE key = ?');
    let found = 0;
    db.transaction(() => {
      for (const key of keys) found += del.run(key).changes;
    })();
    return found;
  } finally {
    db.close();
  }
}
