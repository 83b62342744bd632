import { TableError } from './errors.js';
import { logicalLines, readSource } from './lines.js';

/**
 * A table's parameter file (sqlite_table(5): "the same format as the
 * Postfix main.cf file"): `name = value` logical lines, comments, later
 * definitions win. `$name` expansion is not done here (query files do not
 * use it; the `%` expansions belong to the query).
 */
export function readQueryFile(path: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const { text, line } of logicalLines(readSource(path))) {
    const m = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(text);
    if (!m)
      throw new TableError(
        'syntax',
        `${path}, line ${line}: missing '=' after attribute name: "${text}"`,
      );
    params.set(m[1] as string, (m[2] as string).trim());
  }
  return params;
}
