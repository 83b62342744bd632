import { isAbsolute, resolve } from 'node:path';
import { openCidrTable } from './cidr.js';
import { databasePath, isDatabaseType, openDatabaseTable } from './database.js';
import { TableError, stderrWarnings, type WarningSink } from './errors.js';
import { openInlineTable } from './inline.js';
import { openPcreTable } from './pcre.js';
import { openRegexpTable } from './regexp.js';
import { ReopeningTable } from './reopen.js';
import { openSqliteTable, readSqliteSettings } from './sqlite.js';
import { openStaticTable } from './static.js';
import type { Table } from './table.js';
import { openTexthashTable } from './texthash.js';

export interface OpenOptions {
  /** Relative file names are taken from here (default: the current directory). */
  baseDirectory?: string;
  /** Fold keys to lower case (default true; postmap -f turns it off). */
  fold?: boolean;
  /** Where parse warnings go (default: stderr). */
  warn?: WarningSink;
  /** How often a lookup checks whether the table's files changed (ms, default 1000; 0 = every lookup). */
  checkIntervalMs?: number;
}

export const SUPPORTED_TYPES = [
  'btree',
  'cidr',
  'hash',
  'inline',
  'lmdb',
  'pcre',
  'regexp',
  'sqlite',
  'static',
  'texthash',
] as const;

/** Postfix types (postconf -m on a full build, lookup_table_overview(5)) that postern does not implement. */
const POSTFIX_ONLY_TYPES = new Set([
  'cdb',
  'dbm',
  'environ',
  'fail',
  'internal',
  'ldap',
  'memcache',
  'mongodb',
  'mysql',
  'netinfo',
  'nis',
  'nisplus',
  'pgsql',
  'pipemap',
  'proxy',
  'randmap',
  'sdbm',
  'socketmap',
  'tcp',
  'unionmap',
  'unix',
]);

/** Splits `type:name`; Postfix's error for a spec without a type or name. */
export function splitSpec(spec: string): { type: string; name: string } {
  const colon = spec.indexOf(':');
  if (colon <= 0 || colon === spec.length - 1) {
    throw new TableError(
      'syntax',
      `open dictionary: expecting "type:name" form instead of "${spec}"`,
    );
  }
  return { type: spec.slice(0, colon), name: spec.slice(colon + 1) };
}

/** Opens a lookup table from its `type:name` configuration form. */
export function openTable(spec: string, options: OpenOptions = {}): Table {
  const { type, name } = splitSpec(spec);
  const fold = options.fold ?? true;
  const warn = options.warn ?? stderrWarnings;
  const base = options.baseDirectory;
  const file = (n: string) => (base === undefined || isAbsolute(n) ? n : resolve(base, n));
  const watched = (files: string[], load: () => Table) =>
    new ReopeningTable(spec, files, load, options.checkIntervalMs);
  if (isDatabaseType(type))
    return watched([databasePath(type, file(name))], () =>
      openDatabaseTable(spec, type, file(name), fold, warn),
    );
  switch (type) {
    case 'texthash':
      return watched([file(name)], () => openTexthashTable(spec, file(name), fold, warn));
    case 'inline':
      return openInlineTable(spec, name, fold);
    case 'static':
      return openStaticTable(spec, name);
    case 'cidr':
      return name.startsWith('{')
        ? openCidrTable(spec, name, warn)
        : watched([file(name)], () => openCidrTable(spec, file(name), warn));
    case 'regexp':
      return name.startsWith('{')
        ? openRegexpTable(spec, name, warn)
        : watched([file(name)], () => openRegexpTable(spec, file(name), warn));
    case 'pcre':
      return name.startsWith('{')
        ? openPcreTable(spec, name, warn)
        : watched([file(name)], () => openPcreTable(spec, file(name), warn));
    case 'sqlite':
      return openSqlite(spec, file(name), fold, options);
  }
  if (POSTFIX_ONLY_TYPES.has(type)) {
    throw new TableError(
      'unsupported-type',
      `unsupported dictionary type: ${type}: postern does not support the ${type}: table type (it supports ${SUPPORTED_TYPES.join(', ')})`,
    );
  }
  throw new TableError(
    'unknown-type',
    `unsupported dictionary type: ${type}: not a lookup table type (supported: ${SUPPORTED_TYPES.join(', ')})`,
  );
}

/** sqlite: watches the query file and the database it names. */
function openSqlite(spec: string, path: string, fold: boolean, options: OpenOptions): Table {
  const open = (s: string) => openTable(s, options);
  const dbpath = readSqliteSettings(path, open).dbpath;
  return new ReopeningTable(
    spec,
    [path, dbpath],
    () => openSqliteTable(spec, path, fold, open),
    options.checkIntervalMs,
  );
}
