import { readFileSync } from 'node:fs';
import { openError } from './errors.js';

/** One logical line of a Postfix table source, with the number of its first physical line. */
export interface LogicalLine {
  text: string;
  line: number;
}

/**
 * Postfix's readllines(): a line starting with whitespace continues the
 * previous logical line (joined as is, without the newline); blank lines and
 * lines whose first non-blank character is `#` are skipped, and do not end
 * a logical line. Trailing whitespace is removed.
 */
export function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const physical = text.split('\n');
  for (let i = 0; i < physical.length; i++) {
    const raw = (physical[i] as string).replace(/\r$/, '');
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const last = out[out.length - 1];
    if (/^[ \t]/.test(raw) && last !== undefined) last.text += raw.trimEnd();
    else out.push({ text: raw.trim(), line: i + 1 });
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
