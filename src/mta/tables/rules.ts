import type { WarningSink } from './errors.js';
import type { LogicalLine } from './lines.js';

// The rule structure shared by cidr:, regexp: and pcre: tables: rules tried
// in order (first match wins) and `if PATTERN` … `endif` blocks that can nest
// (cidr_table(5), regexp_table(5)).

export type Rule =
  | { kind: 'rule'; apply(key: string): string | undefined }
  | { kind: 'if'; test(key: string): boolean; body: Rule[] };

/** What one logical line is, once the table type has parsed it; undefined = skipped (already warned). */
export type ParsedLine =
  Rule | { kind: 'if-open'; test(key: string): boolean } | { kind: 'endif' } | undefined;

/** `if` / `endif` keywords (case-insensitive, as Postfix reads them). */
export function keyword(text: string): { word: 'if' | 'endif'; rest: string } | undefined {
  const m = /^(if|endif)(?![A-Za-z0-9])\s*(.*)$/i.exec(text);
  if (!m) return undefined;
  return { word: (m[1] as string).toLowerCase() as 'if' | 'endif', rest: m[2] as string };
}

/** Builds the nested rule list; `prefix` is e.g. "regexp map FILE" for the warnings, whose wording differs by type. */
export function buildRules(
  lines: LogicalLine[],
  parse: (line: LogicalLine) => ParsedLine,
  prefix: string,
  messages: { endifWithoutIf: string },
  warn: WarningSink,
): Rule[] {
  const top: Rule[] = [];
  const stack: Array<{ body: Rule[]; line: number }> = [];
  for (const line of lines) {
    const parsed = parse(line);
    const body = stack[stack.length - 1]?.body ?? top;
    if (parsed === undefined) continue;
    if (parsed.kind === 'endif') {
      if (stack.length === 0) warn(`${prefix}, line ${line.line}: ${messages.endifWithoutIf}`);
      else stack.pop();
    } else if (parsed.kind === 'if-open') {
      const block: Rule = { kind: 'if', test: parsed.test, body: [] };
      body.push(block);
      stack.push({ body: block.body, line: line.line });
    } else {
      body.push(parsed);
    }
  }
  for (const open of stack.reverse())
    warn(`${prefix}, line ${open.line}: IF has no matching ENDIF`);
  return top;
}

export function evaluate(rules: readonly Rule[], key: string): string | undefined {
  for (const rule of rules) {
    if (rule.kind === 'rule') {
      const value = rule.apply(key);
      if (value !== undefined) return value;
    } else if (rule.test(key)) {
      const value = evaluate(rule.body, key);
      if (value !== undefined) return value;
    }
  }
  return undefined;
}
