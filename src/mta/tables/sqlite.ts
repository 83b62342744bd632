import Database from 'better-sqlite3';
import { TableError, openError } from './errors.js';
import { foldKey } from './fold.js';
import { readSource } from './lines.js';
import { readQueryFile } from './query-file.js';
import { checkTemplate, expandQuery, expandResult, keyParts, type KeyParts } from './sql-expand.js';
import type { LookupResult, Table } from './table.js';

// sqlite_table(5): a query file naming the database (dbpath), the query
// template (query, or the Postfix 2.1 select_field/table/where_field/
// additional_conditions), result_format, domain and expansion_limit. Each
// row's first column is one result; results are joined with commas.

/** One element of the `domain` list: a name (exact, case-insensitive) or a table, possibly negated with `!`. */
interface DomainPattern {
  negated: boolean;
  match: string | Table;
}

export interface SqliteSettings {
  dbpath: string;
  query: string;
  resultFormat: string;
  /** Only user@domain keys whose domain this list accepts are looked up (Postfix's match_list, first match wins). */
  domains: DomainPattern[];
  expansionLimit: number;
}

export function readSqliteSettings(
  path: string,
  openDomainTable: (spec: string) => Table,
): SqliteSettings {
  const p = readQueryFile(path);
  const dbpath = p.get('dbpath');
  if (dbpath === undefined || dbpath === '')
    throw new TableError('syntax', `${path}: missing dbpath`);
  const query = p.get('query') ?? legacyQuery(p, path);
  const resultFormat = p.get('result_format') ?? '%s';
  const bad =
    checkTemplate(query, /^[%sudSUD1-9]$/) ?? checkTemplate(resultFormat, /^[%sudSUD1-9]$/);
  if (bad !== undefined) throw new TableError('syntax', `${path}: ${bad}`);
  const limitText = p.get('expansion_limit') ?? '0';
  if (!/^\d+$/.test(limitText))
    throw new TableError('syntax', `${path}: bad expansion_limit value: "${limitText}"`);
  const domains = domainList(p.get('domain') ?? '', openDomainTable);
  return { dbpath, query, resultFormat, domains, expansionLimit: Number(limitText) };
}

/** SELECT [select_field] FROM [table] WHERE [where_field] = '%s' [additional_conditions] (before Postfix 2.2). */
function legacyQuery(p: Map<string, string>, path: string): string {
  const select = p.get('select_field');
  const table = p.get('table');
  const where = p.get('where_field');
  if (select === undefined || table === undefined || where === undefined) {
    throw new TableError(
      'syntax',
      `${path}: missing query (or select_field, table and where_field)`,
    );
  }
  return `SELECT ${select} FROM ${table} WHERE ${where} = '%s' ${p.get('additional_conditions') ?? ''}`.trim();
}

/** `domain = a.com, !b.com, /file, hash:/table`: a /file holds more elements, whitespace-separated. */
function domainList(text: string, openDomainTable: (spec: string) => Table): DomainPattern[] {
  const out: DomainPattern[] = [];
  for (const word of text.split(/[\s,]+/).filter((d) => d !== '')) {
    const negated = word.startsWith('!');
    const item = negated ? word.slice(1) : word;
    if (item.startsWith('/')) {
      for (const inner of domainList(readSource(item).replace(/#.*$/gm, ''), openDomainTable))
        out.push({ ...inner, negated: inner.negated !== negated });
    } else {
      out.push({
        negated,
        match: /^[a-z0-9]+:/i.test(item) ? openDomainTable(item) : item.toLowerCase(),
      });
    }
  }
  return out;
}

function domainAllowed(settings: SqliteSettings, parts: KeyParts): boolean {
  if (settings.domains.length === 0) return true;
  if (parts.local === undefined || parts.local === '' || parts.domain === undefined) return false;
  const domain = parts.domain.toLowerCase();
  for (const d of settings.domains) {
    const hit =
      typeof d.match === 'string' ? d.match === domain : d.match.lookup(domain) !== undefined;
    if (hit) return !d.negated;
  }
  return false;
}

export function openSqliteTable(
  spec: string,
  path: string,
  fold: boolean,
  openDomainTable: (spec: string) => Table,
): Table {
  const settings = readSqliteSettings(path, openDomainTable);
  let db: Database.Database;
  try {
    db = new Database(settings.dbpath, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw openError(settings.dbpath, err);
  }
  return {
    spec,
    lookup: (key) => sqliteLookup(db, settings, path, foldKey(key, fold)),
    close() {
      db.close();
      for (const d of settings.domains) if (typeof d.match !== 'string') d.match.close();
    },
  };
}

function sqliteLookup(
  db: Database.Database,
  settings: SqliteSettings,
  path: string,
  key: string,
): LookupResult {
  const parts = keyParts(key);
  if (!domainAllowed(settings, parts)) return undefined;
  const sql = expandQuery(settings.query, parts);
  if (sql === undefined) return undefined;
  let rows: unknown[][];
  try {
    rows = db.prepare(sql).raw().all() as unknown[][];
  } catch (err) {
    throw new TableError(
      'query',
      `dict_sqlite_lookup: ${path}: SQL prepare failed: ${(err as Error).message}`,
    );
  }
  const results: string[] = [];
  for (const row of rows) {
    const value = row[0];
    if (value === null || value === undefined) continue;
    const text = expandResult(settings.resultFormat, String(value), parts);
    if (text === undefined) continue;
    results.push(text);
    if (settings.expansionLimit > 0 && results.length > settings.expansionLimit) {
      throw new TableError(
        'query',
        `dict_sqlite_lookup: ${path}: Expansion limit exceeded for key '${key}'`,
      );
    }
  }
  return results.length === 0 ? undefined : results.join(',');
}
