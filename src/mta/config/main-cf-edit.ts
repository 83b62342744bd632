import { renameSync, writeFileSync, readFileSync, existsSync, statSync, unlinkSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { ConfigWarning } from './config-error.js';
import { logicalLines, parseEntry } from './main-cf.js';

export interface MainCfEdits {
  /** name → new value (`postconf -e`). */
  readonly set?: ReadonlyMap<string, string>;
  /** Names whose definitions are removed (`postconf -X`). */
  readonly remove?: ReadonlySet<string>;
}

function line(name: string, value: string): string {
  return value === '' ? `${name} =` : `${name} = ${value}`;
}

/**
 * main.cf with the edits applied as postconf -e / -X do: a setting's first
 * definition (continuation lines included) is replaced in place, later ones
 * of the same name dropped, a new name appended at the end; comments, blank
 * lines and the order of everything else stay as they were.
 */
export function editMainCfText(text: string, file: string, edits: MainCfEdits): string {
  const physical = text.split('\n');
  const trailingNewline = text.endsWith('\n');
  if (trailingNewline) physical.pop();
  const replacement = new Map<number, string[]>();
  const done = new Set<string>();
  for (const logical of logicalLines(physical.join('\n'), file, [] as ConfigWarning[])) {
    const { name } = parseEntry(logical, file);
    const value = edits.set?.get(name);
    if (value === undefined && !edits.remove?.has(name)) continue;
    const lines = value !== undefined && !done.has(name) ? [line(name, value)] : [];
    if (value !== undefined) done.add(name);
    replacement.set(logical.first, lines);
    for (let i = logical.first + 1; i < logical.end; i++)
      if (!/^\s*(#|$)/.test(physical[i] ?? '')) replacement.set(i, []);
  }
  const out = physical.flatMap((text, i) => replacement.get(i) ?? [text]);
  for (const [name, value] of edits.set ?? []) if (!done.has(name)) out.push(line(name, value));
  return out.length === 0 ? '' : out.join('\n') + '\n';
}

/** Edits main.cf on disk: the new text goes to a temporary file that is renamed over the old one. */
export function editMainCf(file: string, edits: MainCfEdits): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const updated = editMainCfText(text, file, edits);
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, updated, {
      encoding: 'utf8',
      mode: existsSync(file) ? statSync(file).mode & 0o7777 : 0o644,
    });
    renameSync(temporary, file);
  } catch (err) {
    if (existsSync(temporary)) unlinkSync(temporary);
    throw err;
  }
}
