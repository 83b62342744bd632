// One error class for every table failure, with a named reason, so the
// callers (postmap, smtpd restrictions) map each reason to one message or
// one SMTP reply in one place.

export type TableErrorReason =
  | 'open' // the file or database cannot be opened (ENOENT, EACCES…)
  | 'syntax' // the table's text, query file or inline spec is malformed
  | 'unknown-type' // not a Postfix table type
  | 'unsupported-type' // a Postfix type postern does not implement
  | 'foreign-database' // a database file that postern did not write
  | 'query' // a lookup failed (SQL error, expansion_limit exceeded)
  | 'read-only'; // an update on a table type that cannot be written

export class TableError extends Error {
  constructor(
    readonly reason: TableErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'TableError';
  }
}

/** `open FILE: No such file or directory`, Postfix's wording for a failed open(2). */
export function openError(path: string, err: unknown): TableError {
  return new TableError('open', `open ${path}: ${systemMessage(err)}`);
}

/** The C library's strerror text for a Node system error (ENOENT → "No such file or directory"). */
export function systemMessage(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const texts: Record<string, string> = {
    ENOENT: 'No such file or directory',
    EACCES: 'Permission denied',
    EISDIR: 'Is a directory',
    ENOTDIR: 'Not a directory',
    EPERM: 'Operation not permitted',
  };
  if (code !== undefined && texts[code] !== undefined) return texts[code];
  return err instanceof Error ? err.message : String(err);
}

/** Where a table's warnings go (Postfix logs them and goes on). */
export type WarningSink = (message: string) => void;

export const stderrWarnings: WarningSink = (message) => {
  process.stderr.write(`postern: warning: ${message}\n`);
};
