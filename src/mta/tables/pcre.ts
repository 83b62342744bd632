import type { WarningSink } from './errors.js';
import { inlineRules } from './inline.js';
import { logicalLines, readSource } from './lines.js';
import { patternTable, type Compiler } from './pattern-rules.js';
import { pcreToJs } from './pcre-regex.js';
import type { Table } from './table.js';

/**
 * pcre_table(5) flags, each toggling a default: i (caseless, on), s
 * (dotall, on), m, x, A (anchored), E (dollar end only) off; U and X are
 * refused (see pcre-regex.ts for the syntax differences).
 */
export const compilePcre: Compiler = (pattern, flags) => {
  const state: Record<string, boolean> = {
    i: true,
    s: true,
    m: false,
    x: false,
    A: false,
    E: false,
  };
  for (const f of flags) {
    if (f === 'U' || f === 'X')
      return new Error(
        `regexp option "${f}" is not supported by postern (JavaScript regular expressions have no equivalent): skipping this rule`,
      );
    if (!(f in state)) return new Error(`unknown regexp option "${f}": skipping this rule`);
    state[f] = !state[f];
  }
  try {
    const source = pcreToJs(pattern, {
      extended: state.x === true,
      multiline: state.m === true,
      dollarEndOnly: state.E === true,
    });
    const jsFlags =
      (state.i ? 'i' : '') + (state.s ? 's' : '') + (state.m ? 'm' : '') + (state.A ? 'y' : '');
    return new RegExp(source, jsFlags);
  } catch (err) {
    // The engine's own syntax errors get Postfix's "error in regex" lead; postern's refusals are worded already.
    return err instanceof SyntaxError
      ? new Error(`error in regex: ${err.message}`)
      : (err as Error);
  }
};

/** pcre:/path or pcre:{ {rule}, … } (Postfix 3.7 inline form). */
export function openPcreTable(spec: string, name: string, warn: WarningSink): Table {
  const inline = name.startsWith('{');
  const text = inline ? inlineRules(spec, name) : readSource(name);
  return patternTable(
    spec,
    name,
    logicalLines(text, { file: name, warn }),
    compilePcre,
    { name: 'pcre', noClosing: 'ignoring' },
    warn,
  );
}
