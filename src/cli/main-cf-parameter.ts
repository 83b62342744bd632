import { join } from 'node:path';
import { TableError } from '../mta/tables/errors.js';
import { logicalLines, readSource } from '../mta/tables/lines.js';

/**
 * One parameter's value from DIR/main.cf (last definition wins), for the
 * table tools' `-c DIR` (default_database_type, alias_database) until the
 * configuration registry (src/mta/config) takes this over. A value using
 * $name expansion is refused rather than read wrong.
 */
export function mainCfParameter(configDirectory: string, name: string): string | undefined {
  const path = join(configDirectory, 'main.cf');
  let value: string | undefined;
  for (const { text, line } of logicalLines(readSource(path))) {
    const m = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(text);
    if (m?.[1] !== name) continue;
    value = (m[2] as string).trim();
    if (value.includes('$')) {
      throw new TableError(
        'syntax',
        `${path}, line ${line}: ${name} uses $name expansion, which this command does not do yet`,
      );
    }
  }
  return value;
}
