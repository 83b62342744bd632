import type { WarningSink } from './errors.js';
import { logicalLines } from './lines.js';
import type { SourceEntry } from './source-entries.js';

/**
 * aliases(5): `name: value, value, …`, continuation lines and comments as
 * in every table source. The name may be quoted ("a b": …) and is folded to
 * lower case; the values (addresses, /file, |command, :include:/file) are
 * kept as written, separated by ", " as postalias rewrites them. Postalias's
 * NIS entries (YP_LAST_MODIFIED, YP_MASTER_NAME) and the sendmail "@" entry
 * are not written: nothing in postern reads them.
 */
export function* aliasEntries(
  text: string,
  file: string,
  fold: boolean,
  warn: WarningSink,
): Generator<SourceEntry> {
  for (const { text: line, line: number } of logicalLines(text, { file, warn })) {
    const entry = splitAlias(line);
    if (entry === undefined) {
      warn(`${file}, line ${number}: need name:value pair`);
      continue;
    }
    yield {
      key: fold ? entry.name.toLowerCase() : entry.name,
      value: entry.values.join(', '),
      line: number,
    };
  }
}

function splitAlias(line: string): { name: string; values: string[] } | undefined {
  const m = /^("(?:[^"\\]|\\.)*"|[^\s:]+)\s*:\s*(.*)$/.exec(line);
  if (!m) return undefined;
  const rawName = m[1] as string;
  const name = rawName.startsWith('"') ? rawName.slice(1, -1).replace(/\\(.)/g, '$1') : rawName;
  const values = splitValues(m[2] as string);
  if (name === '' || values.length === 0) return undefined;
  return { name, values };
}

/**
 * Commas outside double quotes separate the values; as postalias rewrites
 * them, blanks outside quotes shrink to one space and empty values stay
 * ("a,,b" is "a, , b").
 */
function splitValues(text: string): string[] {
  const values: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && quoted) {
      current += c + (text[++i] ?? '');
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      values.push(current.trim());
      current = '';
    } else if (/\s/.test(c) && !quoted) {
      if (!current.endsWith(' ')) current += ' ';
    } else current += c;
  }
  values.push(current.trim());
  return values.length === 1 && values[0] === '' ? [] : values;
}
