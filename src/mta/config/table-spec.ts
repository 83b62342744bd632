import { ConfigError } from './config-error.js';
import { splitList } from './list-value.js';

export const TABLES_EXPECTED =
  'lookup tables written type:name (for example hash:/etc/postfix/access or inline:{ key=value })';

/** A lookup table reference as written: `hash:/etc/aliases`, `inline:{ a=b }`, `proxy:unix:passwd.byname`. */
export interface TableSpec {
  readonly type: string;
  readonly name: string;
}

export function parseTableSpec(word: string): TableSpec {
  const match = /^([a-z][a-z0-9_]*):(.+)$/s.exec(word);
  if (!match) throw new ConfigError({ value: word, expected: TABLES_EXPECTED });
  return { type: match[1] as string, name: match[2] as string };
}

/** The table specs of a lookup-table-list value, each checked to be `type:name`. */
export function parseTableList(value: string): string[] {
  const words = splitList(value);
  for (const word of words) {
    try {
      parseTableSpec(word);
    } catch (err) {
      if (err instanceof ConfigError)
        throw new ConfigError({
          value,
          expected: TABLES_EXPECTED,
          reason: `"${word}" is not type:name`,
        });
      throw err;
    }
  }
  return words;
}
