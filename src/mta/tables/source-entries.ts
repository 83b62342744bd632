import type { WarningSink } from './errors.js';
import { foldKey } from './fold.js';
import { logicalLines, splitKeyValue } from './lines.js';

export interface SourceEntry {
  key: string;
  value: string;
  line: number;
}

/**
 * The entries of a postmap(1) source file: `key whitespace value` logical
 * lines; a line without a value is warned about (with Postfix's wording) and
 * skipped. Keys are folded unless `fold` is false (postmap -f).
 */
export function* sourceEntries(
  text: string,
  file: string,
  fold: boolean,
  warn: WarningSink,
  ignoringSuffix = '',
): Generator<SourceEntry> {
  for (const { text: line, line: number } of logicalLines(text, { file, warn })) {
    const entry = splitKeyValue(line);
    if (entry === undefined) {
      warn(`${file}, line ${number}: expected format: key whitespace value${ignoringSuffix}`);
      continue;
    }
    yield { key: foldKey(entry.key, fold), value: entry.value, line: number };
  }
}
