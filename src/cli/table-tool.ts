import { statSync } from 'node:fs';
import {
  addToDatabase,
  buildDatabase,
  databasePath,
  deleteFromDatabase,
  isDatabaseType,
  type DuplicatePolicy,
} from '../mta/tables/database.js';
import { TableError, type WarningSink } from '../mta/tables/errors.js';
import { readSource } from '../mta/tables/lines.js';
import { openTable, splitSpec } from '../mta/tables/open.js';
import type { SourceEntry } from '../mta/tables/source-entries.js';
import type { Table } from '../mta/tables/table.js';
import type { CommandIO } from './command.js';
import { UsageError } from './command.js';
import { getopt } from './getopt.js';
import { mainCfParameter } from './main-cf-parameter.js';

// What postmap(1) and postalias(1) share: the options, the query, dump,
// delete and build modes, and Postfix's `PROGRAM: fatal: …` /
// `PROGRAM: warning: …` messages. They differ in the source syntax and
// in the dump format ("key<TAB>value" or "key:<TAB>value").

export interface ToolSyntax {
  program: 'postmap' | 'postalias';
  /** The entries of a source text (with the warnings for bad lines). */
  entries(text: string, file: string, fold: boolean, warn: WarningSink): Iterable<SourceEntry>;
  /** How -s and -q - print an entry. */
  format(key: string, value: string): string;
  /** postmap -F (Postfix 3.4): values are file lists, stored as their base64 contents. */
  fileValues?: boolean;
}

/** default_database_type (postconf(5)): hash. */
export const DEFAULT_DATABASE_TYPE = 'hash';

interface Settings {
  fold: boolean;
  /** -F: build from file lists, decode base64 when printing. */
  files: boolean;
  duplicates: DuplicatePolicy;
  warn: WarningSink;
}

/** [type:]file with default_database_type for a bare file name. */
export function withType(operand: string, defaultType: string): string {
  return /^[A-Za-z0-9_]+:/.test(operand) ? operand : `${defaultType}:${operand}`;
}

async function readStdin(io: CommandIO): Promise<string> {
  let text = '';
  for await (const chunk of io.stdin)
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text;
}

function stdinKeys(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '');
}

export async function runTableTool(
  syntax: ToolSyntax,
  args: string[],
  io: CommandIO,
): Promise<number> {
  const warn: WarningSink = (m) => io.stderr.write(`${syntax.program}: warning: ${m}\n`);
  try {
    return await dispatch(syntax, args, io, warn);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if (!(err instanceof TableError)) throw err;
    io.stderr.write(`${syntax.program}: fatal: ${err.message}\n`);
    return 1;
  }
}

async function dispatch(
  syntax: ToolSyntax,
  args: string[],
  io: CommandIO,
  warn: WarningSink,
): Promise<number> {
  const { options, operands } = getopt(
    args,
    syntax.fileValues === true ? 'fFiNnrswc:q:d:' : 'fiNnrswc:q:d:',
  );
  const configDirectory = options.get('c')?.[0];
  const defaultType =
    (configDirectory && mainCfParameter(configDirectory, 'default_database_type')) ||
    DEFAULT_DATABASE_TYPE;
  const settings: Settings = {
    fold: !options.has('f'),
    files: options.has('F'),
    duplicates: options.has('r') ? 'replace' : options.has('w') ? 'ignore' : 'warn',
    warn,
  };
  if (operands.length === 0) throw new UsageError('give at least one [type:]file');
  const specs = operands.map((o) => withType(o, defaultType));
  const modes = ['q', 'd', 's'].filter((m) => options.has(m));
  if (modes.length > 1) throw new UsageError('-q, -d and -s exclude each other');
  const query = options.get('q')?.[0];
  if (query !== undefined)
    return query === '-'
      ? queryStdin(syntax, specs, await readStdin(io), io, settings)
      : queryOne(specs, query, io, settings);
  const del = options.get('d')?.[0];
  if (del !== undefined)
    return deleteKeys(specs, del === '-' ? stdinKeys(await readStdin(io)) : [del], settings);
  if (options.has('s')) return dump(syntax, specs, io, settings);
  const incremental = options.has('i') ? await readStdin(io) : undefined;
  for (const spec of specs) build(syntax, spec, incremental, settings);
  return 0;
}

function withTables<T>(specs: string[], settings: Settings, use: (tables: Table[]) => T): T {
  const tables: Table[] = [];
  try {
    for (const spec of specs)
      tables.push(
        openTable(spec, { fold: settings.fold, warn: settings.warn, checkIntervalMs: 0 }),
      );
    return use(tables);
  } finally {
    for (const t of tables) t.close();
  }
}

/** The first table's value; a failed query is Postfix's warning (the cause) then fatal ("query error"). */
function lookupFirst(tables: Table[], key: string, warn: WarningSink): string | undefined {
  for (const t of tables) {
    let value: string | undefined;
    try {
      value = t.lookup(key);
    } catch (err) {
      if (!(err instanceof TableError) || err.reason !== 'query') throw err;
      warn(err.message);
      throw new TableError('query', `table ${t.spec}: query error`);
    }
    if (value !== undefined) return value;
  }
  return undefined;
}

/** -q KEY: the value of the first table that has the key; exit 1 when none has it. */
function queryOne(specs: string[], key: string, io: CommandIO, settings: Settings): number {
  return withTables(specs, settings, (tables) => {
    const value = lookupFirst(tables, key, settings.warn);
    if (value === undefined) return 1;
    io.stdout.write(shown(value, settings) + '\n');
    return 0;
  });
}

/** -q -: one key a line on stdin, each found one printed as "key<TAB>value". */
function queryStdin(
  syntax: ToolSyntax,
  specs: string[],
  text: string,
  io: CommandIO,
  settings: Settings,
): number {
  return withTables(specs, settings, (tables) => {
    let found = false;
    for (const key of stdinKeys(text)) {
      const value = lookupFirst(tables, key, settings.warn);
      if (value === undefined) continue;
      found = true;
      io.stdout.write(syntax.format(key, shown(value, settings)) + '\n');
    }
    return found ? 0 : 1;
  });
}

function dump(syntax: ToolSyntax, specs: string[], io: CommandIO, settings: Settings): number {
  return withTables(specs, settings, (tables) => {
    for (const table of tables) {
      if (table.entries === undefined)
        throw new TableError(
          'read-only',
          `table ${table.spec}: sequence operation is not supported`,
        );
      for (const [key, value] of table.entries())
        io.stdout.write(syntax.format(key, shown(value, settings)) + '\n');
    }
    return 0;
  });
}

/** -d KEY: deletes from each database; exit 0 when at least one key was found. */
function deleteKeys(specs: string[], keys: string[], settings: Settings): number {
  let found = 0;
  for (const spec of specs) {
    const { type, name } = splitSpec(spec);
    if (!isDatabaseType(type))
      throw new TableError('read-only', `${spec} map requires O_RDONLY access mode`);
    found += deleteFromDatabase(
      type,
      name,
      keys.map((k) => (settings.fold ? k.toLowerCase() : k)),
    );
  }
  return found > 0 ? 0 : 1;
}

/** Builds TYPE:FILE into FILE.db / FILE.lmdb; -i adds the stdin entries to the existing database instead. */
function build(
  syntax: ToolSyntax,
  spec: string,
  incremental: string | undefined,
  settings: Settings,
): void {
  const { type, name } = splitSpec(spec);
  openTypeCheck(spec);
  if (!isDatabaseType(type))
    throw new TableError(
      'read-only',
      `unsupported dictionary type: ${type} does not support bulk-mode creation.`,
    );
  const text = incremental ?? readSource(name);
  const path = databasePath(type, name);
  const pairs = entryPairs(
    syntax.entries(text, incremental === undefined ? name : 'stdin', settings.fold, settings.warn),
    settings.files,
  );
  const options = { duplicates: settings.duplicates, warn: settings.warn };
  if (incremental !== undefined && statSync(path, { throwIfNoEntry: false }) !== undefined)
    addToDatabase(type, name, pairs, options);
  else buildDatabase(type, name, pairs, options);
}

/** An unknown or unsupported type is reported before anything is read. */
function openTypeCheck(spec: string): void {
  const { type } = splitSpec(spec);
  if (isDatabaseType(type)) return;
  openTable(spec, { checkIntervalMs: 0, warn: () => undefined }).close();
}

function* entryPairs(entries: Iterable<SourceEntry>, files: boolean): Generator<[string, string]> {
  for (const e of entries) yield [e.key, files ? fileContents(e.value) : e.value];
}

/** postmap(1) -F: the files of the value (commas and/or white space between names), joined with a newline, base64-encoded. */
function fileContents(value: string): string {
  const names = value.split(/[\s,]+/).filter((n) => n !== '');
  return Buffer.from(names.map((n) => readSource(n)).join('\n'), 'utf8').toString('base64');
}

/** -F when querying or listing: the stored base64 decoded back to the file contents. */
function shown(value: string, settings: Settings): string {
  return settings.files ? Buffer.from(value, 'base64').toString('utf8') : value;
}
