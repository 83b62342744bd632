import type { WarningSink } from './errors.js';
import { inlineRules } from './inline.js';
import { logicalLines, readSource } from './lines.js';
import { patternTable, type Compiler } from './pattern-rules.js';
import { posixToJs } from './posix-regex.js';
import type { Table } from './table.js';

/**
 * regexp_table(5) flags, each toggling a default: i (case-insensitive, on),
 * x (extended syntax, on; off = basic syntax), m (REG_NEWLINE, off).
 * Differences from POSIX matching are listed in posix-regex.ts.
 */
export const compilePosix: Compiler = (pattern, flags) => {
  const state = { i: true, x: true, m: false };
  for (const f of flags) {
    if (f !== 'i' && f !== 'x' && f !== 'm')
      return new Error(`unknown regexp option "${f}": skipping this rule`);
    state[f] = !state[f];
  }
  try {
    const jsFlags = (state.i ? 'i' : '') + (state.m ? 'm' : 's');
    return new RegExp(posixToJs(pattern, state.x, state.m, state.i), jsFlags);
  } catch (err) {
    return err as Error;
  }
};

/** regexp:/path or regexp:{ {rule}, … } (Postfix 3.7 inline form). */
export function openRegexpTable(spec: string, name: string, warn: WarningSink): Table {
  const inline = name.startsWith('{');
  const text = inline ? inlineRules(spec, name) : readSource(name);
  return patternTable(
    spec,
    name,
    logicalLines(text, { file: name, warn }),
    compilePosix,
    { name: 'regexp', noClosing: 'skipping' },
    warn,
  );
}
