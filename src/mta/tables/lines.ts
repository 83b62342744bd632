import { readFileSync } from 'node:fs';
import { openError, type WarningSink } from './errors.js';

/** One logical line of a Postfix table source, with the number of its first physical line. */
export interface LogicalLine {
  text: string;
  line: number;
}

/** Where readllines() reports a first line that starts with whitespace. */
export interface LineWarnings {
  file: string;
  warn: WarningSink;
}

/**
 * Postfix's readllines(): a line starting with whitespace continues the
 * previous logical line (joined as is, without the newline); blank lines and
 * lines whose first non-blank character is `#` are skipped, and do not end
 * a logical line. Trailing whitespace is removed. A continuation with
 * nothing to continue is skipped with Postfix's warning.
 */
export function logicalLines(text: string, warnings?: LineWarnings): LogicalLine[] {
  const out: LogicalLine[] = [];
  const physical = text.split('\n');
  for (let i = 0; i < physical.length; i++) {
    const raw = (physical[i] as string).replace(/\r$/, '');
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const last = out[out.length - 1];
    if (!/^[ \t]/.test(raw)) out.push({ text: raw.trimEnd(), line: i + 1 });
    else if (last !== undefined) last.text += raw.trimEnd();
    else
      warnings?.warn(
        `${warnings.file}: logical line must not start with whitespace: "${raw.slice(0, 30)}${raw.length > 30 ? '...' : ''}"`,
      );
  }
  return out;
}

/** Reads a table source file, with Postfix's `open FILE: …` error. */
export function readSource(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw openError(path, err);
  }
}

/** `key whitespace value` (postmap(1) input); undefined when there is no value. */
export function splitKeyValue(text: string): { key: string; value: string } | undefined {
  const match = /^(\S+)\s+(.*)$/.exec(text);
  if (!match) return undefined;
  return { key: match[1] as string, value: (match[2] as string).trim() };
}
