import { statSync } from 'node:fs';
import { TableError } from './errors.js';
import type { LookupResult, Table } from './table.js';

/**
 * A Postfix daemon notices a changed table between requests (dict_changed():
 * "table … has changed -- restarting") and exits, and the master starts a
 * fresh process; postern's services are long-lived, so a table remembers the
 * identity of its files (device, inode, modification time, size) and
 * reopens itself when one of them changes. `postmap` renames a new database
 * over the old one, so a rebuild always changes the inode. If the reopen
 * fails (a syntax error being edited in), the lookup throws and the next one
 * tries again; the old content is not served silently.
 *
 * The check costs one stat(2) per file; it is done on a lookup at most once
 * per `checkIntervalMs` (1000 ms by default, 0 checks on every lookup).
 */
export class ReopeningTable implements Table {
  private current: Table;
  private identity: string;
  private checkedAt: number;

  constructor(
    readonly spec: string,
    private readonly files: readonly string[],
    private readonly load: () => Table,
    private readonly checkIntervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {
    this.identity = fileIdentity(files);
    this.current = load();
    this.checkedAt = now();
  }

  get pattern(): boolean {
    return this.current.pattern === true;
  }

  entries(): Iterable<[string, string]> {
    this.reopenIfChanged();
    const list = this.current.entries;
    if (list === undefined)
      throw new TableError('read-only', `table ${this.spec}: sequence operation is not supported`);
    return list.call(this.current);
  }

  lookup(key: string): LookupResult {
    this.reopenIfChanged();
    return this.current.lookup(key);
  }

  /** Reopens the table now if one of its files changed; true when it did. */
  reopenIfChanged(): boolean {
    const time = this.now();
    if (time - this.checkedAt < this.checkIntervalMs) return false;
    this.checkedAt = time;
    const identity = fileIdentity(this.files);
    if (identity === this.identity) return false;
    const next = this.load();
    this.current.close();
    this.current = next;
    this.identity = identity;
    return true;
  }

  close(): void {
    this.current.close();
  }
}

/** dev:inode:mtime:size of each file ("absent" for a missing one). */
export function fileIdentity(files: readonly string[]): string {
  return files
    .map((file) => {
      const st = statSync(file, { throwIfNoEntry: false, bigint: true });
      return st === undefined ? 'absent' : `${st.dev}:${st.ino}:${st.mtimeNs}:${st.size}`;
    })
    .join('|');
}
