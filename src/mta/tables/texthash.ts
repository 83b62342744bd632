import type { WarningSink } from './errors.js';
import { foldKey } from './fold.js';
import { readSource } from './lines.js';
import { sourceEntries } from './source-entries.js';
import type { Table } from './table.js';

/**
 * texthash: (Postfix 2.8) — the postmap source file read into memory at
 * open time, with postmap's syntax; the first of duplicate keys wins, with
 * Postfix's warning.
 */
export function openTexthashTable(
  spec: string,
  path: string,
  fold: boolean,
  warn: WarningSink,
): Table {
  const entries = new Map<string, string>();
  for (const { key, value, line } of sourceEntries(
    readSource(path),
    path,
    fold,
    warn,
    ' -- ignoring this line',
  )) {
    if (entries.has(key)) warn(`${path}, line ${line}: duplicate entry: "${key}"`);
    else entries.set(key, value);
  }
  return {
    spec,
    entries: () => entries.entries(),
    lookup: (key) => entries.get(foldKey(key, fold)),
    close: () => entries.clear(),
  };
}
