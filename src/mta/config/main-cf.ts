import { readFileSync } from 'node:fs';
import { ConfigError, configWarning, type ConfigWarning } from './config-error.js';

/** One `name = value` of main.cf, with the line it starts on. */
export interface MainCfEntry {
  readonly name: string;
  readonly value: string;
  readonly line: number;
}

export interface MainCf {
  readonly file: string;
  /** Every definition in file order (a later one of the same name wins). */
  readonly entries: readonly MainCfEntry[];
  readonly warnings: readonly ConfigWarning[];
}

/** A logical line: the physical line it starts on and its text with continuations joined. */
export interface LogicalLine {
  readonly line: number;
  /** Index of the first and one past the last physical line it covers. */
  readonly first: number;
  readonly end: number;
  readonly text: string;
}

function isComment(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === '' || trimmed.startsWith('#');
}

/**
 * Postfix's readlline(): a line starting with white space continues the one
 * before; blank lines and lines whose first non-blank is `#` are comments
 * (a `#` later in a line is part of the value).
 */
export function logicalLines(text: string, file: string, warnings: ConfigWarning[]): LogicalLine[] {
  const physical = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const result: LogicalLine[] = [];
  let current: { line: number; first: number; end: number; text: string } | undefined;
  physical.forEach((line, index) => {
    if (isComment(line)) return;
    if (/^\s/.test(line)) {
      if (current === undefined) {
        warnings.push(
          configWarning(
            { file, line: index + 1 },
            `logical line must not start with whitespace: "${line}"`,
          ),
        );
        return;
      }
      current.text = current.text.trimEnd() + ' ' + line.trim();
      current.end = index + 1;
      return;
    }
    if (current !== undefined) result.push(current);
    current = { line: index + 1, first: index, end: index + 1, text: line };
  });
  if (current !== undefined) result.push(current);
  return result;
}

export function parseEntry(logical: LogicalLine, file: string): MainCfEntry {
  const eq = logical.text.indexOf('=');
  const location = { file, line: logical.line };
  if (eq < 0)
    throw new ConfigError({
      ...location,
      reason: `missing '=' after attribute name: "${logical.text.trim()}"`,
    });
  const name = logical.text.slice(0, eq).trim();
  if (name === '')
    throw new ConfigError({
      ...location,
      reason: `missing attribute name: "${logical.text.trim()}"`,
    });
  if (!/^[A-Za-z0-9_.-]+$/.test(name))
    throw new ConfigError({ ...location, reason: `bad parameter name: "${name}"` });
  return { name, value: logical.text.slice(eq + 1).trim(), line: logical.line };
}

export function parseMainCf(text: string, file: string): MainCf {
  const warnings: ConfigWarning[] = [];
  const entries = logicalLines(text, file, warnings).map((logical) => parseEntry(logical, file));
  const seen = new Map<string, MainCfEntry>();
  for (const entry of entries) {
    const earlier = seen.get(entry.name);
    if (earlier !== undefined) {
      warnings.push(
        configWarning(
          { file, line: entry.line },
          `overriding earlier entry: ${earlier.name}=${earlier.value}`,
          entry.name,
        ),
      );
    }
    seen.set(entry.name, entry);
  }
  return { file, entries, warnings };
}

export function readMainCf(file: string): MainCf {
  return parseMainCf(readFileSync(file, 'utf8'), file);
}
