import { TableError } from './errors.js';
import { splitBraced } from './braces.js';
import type { Table } from './table.js';

/** static:value and static:{ value with spaces } (Postfix 3.0): every key gives the same value. */
export function openStaticTable(spec: string, name: string): Table {
  const value = staticValue(name);
  return { spec, lookup: () => value, close: () => undefined };
}

function staticValue(name: string): string {
  if (!name.startsWith('{')) return name;
  const part = splitBraced(name);
  if (part === undefined)
    throw new TableError('syntax', `bad static:name syntax: missing '}' in "${name}"`);
  if (part.rest.trim() !== '')
    throw new TableError('syntax', `bad static:name syntax: syntax error after '}' in "${name}"`);
  return part.inner;
}
