import { TableError } from './errors.js';
import { braceElements, splitBraced } from './braces.js';
import { foldKey } from './fold.js';
import type { Table } from './table.js';

/**
 * inline:{ key=value, { key = value with spaces }, … } (Postfix 3.0): the
 * table is in its name. Keys are folded like an indexed table's; the last
 * of duplicate keys wins.
 */
export function openInlineTable(spec: string, name: string, fold: boolean): Table {
  const need = `; need "${spec.slice(0, spec.indexOf(':'))}:{name=value...}"`;
  const outer = splitBraced(name.trim());
  const elements =
    outer !== undefined && outer.rest.trim() === '' ? braceElements(outer.inner) : undefined;
  if (elements === undefined) throw new TableError('syntax', `bad syntax: "${spec}"${need}`);
  if (elements.length === 0) throw new TableError('syntax', `empty table: "${spec}"${need}`);
  const entries = new Map<string, string>();
  for (const element of elements) {
    const pair = splitNameValue(element.text);
    if (pair === undefined)
      throw new TableError('syntax', `missing '=' after attribute name: "${spec}"${need}`);
    entries.set(foldKey(pair.name, fold), pair.value);
  }
  return {
    spec,
    entries: () => entries.entries(),
    lookup: (key) => entries.get(foldKey(key, fold)),
    close: () => entries.clear(),
  };
}

/** Postfix's split_nameval(): a name without blanks, optional blanks, `=`, the value (trimmed). */
function splitNameValue(text: string): { name: string; value: string } | undefined {
  const m = /^\s*([^\s=]*)\s*=\s*(.*?)\s*$/s.exec(text);
  return m ? { name: m[1] as string, value: m[2] as string } : undefined;
}

/** The rules of cidr:{ {rule}, {rule} } and regexp:/pcre: inline forms (Postfix 3.7), one text line each. */
export function inlineRules(spec: string, name: string): string {
  const outer = splitBraced(name.trim());
  const elements =
    outer !== undefined && outer.rest.trim() === '' ? braceElements(outer.inner) : undefined;
  if (elements === undefined)
    throw new TableError(
      'syntax',
      `bad syntax: "${spec}"; need "${spec.slice(0, spec.indexOf(':'))}:{{rule}...}"`,
    );
  return elements.map((e) => e.text).join('\n') + '\n';
}
