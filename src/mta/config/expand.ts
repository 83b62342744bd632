import { compareLevels } from './compatibility-level.js';
import { ConfigError, type ConfigLocation } from './config-error.js';
import { matchingBrace } from './list-value.js';

/** Where expansion gets parameter values from. */
export interface ValueSource {
  /** The unexpanded value, or undefined when the name has none; `stack` holds the names being expanded, this one last. */
  raw(name: string, stack: readonly string[]): string | undefined;
  /** Where the name was set, so an error in its value names that file and line. */
  locate?(name: string): ConfigLocation | undefined;
}

const NAME_CHAR = /[A-Za-z0-9_]/;
/** Postfix's mac_expand() gives up at 100 nested references ("unreasonable macro call nesting"). */
const MAX_NESTING = 100;
type Operator = '==' | '!=' | '<=' | '>=' | '<' | '>';

function syntaxError(text: string, reason: string): ConfigError {
  return new ConfigError({ reason: `${reason}: "${text}"` });
}

/**
 * Expands `$name`, `${name}`, `$(name)`, `${name?value}`, `${name:value}`,
 * `${name?{value}:{value}}` and `${{a} OP {b}?{value}:{value}}` the way
 * Postfix's mac_expand() does (postconf(5) "Parameter expansion"): values are
 * expanded recursively, `$$` is a literal dollar, an undefined name is empty,
 * and a parameter that reaches itself again is an expansion loop.
 */
export function expandValue(
  text: string,
  source: ValueSource,
  stack: readonly string[] = [],
): string {
  return new Expander(source).expand(text, stack);
}

class Expander {
  constructor(private readonly source: ValueSource) {}

  expand(text: string, stack: readonly string[]): string {
    let out = '';
    let i = 0;
    while (i < text.length) {
      const c = text[i] as string;
      if (c !== '$') {
        out += c;
        i++;
        continue;
      }
      const next = text[i + 1];
      if (next === '$') {
        out += '$';
        i += 2;
      } else if (next === '{' || next === '(') {
        const end = matchingBrace(text, i + 1, next, next === '{' ? '}' : ')');
        if (end < 0) throw syntaxError(text, 'truncated macro reference');
        out += this.reference(text.slice(i + 2, end), stack, text);
        i = end + 1;
      } else {
        let end = i + 1;
        while (end < text.length && NAME_CHAR.test(text[end] as string)) end++;
        if (end === i + 1) throw syntaxError(text, 'empty macro name');
        out += this.value(text.slice(i + 1, end), stack);
        i = end;
      }
    }
    return out;
  }

  private value(name: string, stack: readonly string[]): string {
    if (stack.includes(name)) {
      throw new ConfigError({
        reason: `parameter expansion loop: ${[...stack.slice(stack.indexOf(name)), name].join(' -> ')}`,
      });
    }
    if (stack.length >= MAX_NESTING)
      throw new ConfigError({ reason: `unreasonable macro call nesting: "${name}"` });
    const inner = [...stack, name];
    const raw = this.source.raw(name, inner);
    if (raw === undefined) return '';
    try {
      return this.expand(raw, inner);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const location = this.source.locate?.(name);
      const named = err.about(name, raw);
      throw location === undefined ? named : named.at(location);
    }
  }

  /** The inside of `${…}`: a name, a name with `?` or `:`, or a `{a} OP {b}` test. */
  private reference(inner: string, stack: readonly string[], text: string): string {
    if (inner.trimStart().startsWith('{')) return this.relational(inner, stack, text);
    const match = /^([A-Za-z0-9_]*)(.*)$/s.exec(inner) as RegExpExecArray;
    const name = match[1] as string;
    const rest = match[2] as string;
    if (name === '') throw syntaxError(text, 'empty macro name');
    if (rest === '') return this.value(name, stack);
    const operator = rest[0];
    if (operator !== '?' && operator !== ':')
      throw syntaxError(text, `unexpected input after "${name}"`);
    const defined = this.value(name, stack) !== '';
    const [whenSet, whenEmpty] =
      operator === '?'
        ? this.branches(rest.slice(1), text)
        : ['', this.single(rest.slice(1), text)];
    return this.expand(defined ? whenSet : whenEmpty, stack);
  }

  /** `text`, `{text}` or `{text}:{text}` after a `?` (Postfix 3.5 added the braced forms). */
  private branches(rest: string, text: string): [string, string] {
    const body = rest.trim();
    if (!body.startsWith('{')) return [rest, ''];
    const [first, after] = this.group(body, text);
    const tail = after.trim();
    if (tail === '') return [first, ''];
    if (!tail.startsWith(':')) throw syntaxError(text, 'unexpected input');
    return [first, this.single(tail.slice(1), text)];
  }

  /** `text` or `{text}` after a `:`. */
  private single(rest: string, text: string): string {
    const body = rest.trim();
    if (!body.startsWith('{')) return rest;
    const [value, after] = this.group(body, text);
    if (after.trim() !== '') throw syntaxError(text, 'unexpected input');
    return value;
  }

  /** A leading `{ … }`: its content and what follows. */
  private group(body: string, text: string): [string, string] {
    if (!body.startsWith('{')) throw syntaxError(text, '"{" expected');
    const end = matchingBrace(body, 0);
    if (end < 0) throw syntaxError(text, 'truncated macro reference');
    return [body.slice(1, end), body.slice(end + 1)];
  }

  /** `{a} OP {b} ? {then} : {else}` (Postfix 3.5; `==level` and friends from 3.6). */
  private relational(inner: string, stack: readonly string[], text: string): string {
    const [leftText, afterLeft] = this.group(inner.trimStart(), text);
    const opMatch = /^\s*(==|!=|<=|>=|<|>)(level)?\s*(?=\{)/.exec(afterLeft);
    if (!opMatch) throw syntaxError(text, '"==", "!=", "<", "<=", ">=" or ">" expected');
    const [rightText, afterRight] = this.group(afterLeft.slice(opMatch[0].length), text);
    const tail = afterRight.trim();
    if (!tail.startsWith('?')) throw syntaxError(text, '"?" expected');
    const [whenTrue, whenFalse] = this.branches(tail.slice(1), text).map((branch) =>
      branch.trim(),
    ) as [string, string];
    const left = this.expand(leftText, stack);
    const right = this.expand(rightText, stack);
    const holds = compare(opMatch[1] as Operator, left, right, opMatch[2] !== undefined);
    return this.expand(holds ? whenTrue : whenFalse, stack);
  }
}

// Numbers compare numerically, anything else as text (as Postfix 3.7's postconf does).
function ordering(left: string, right: string, asLevels: boolean): number {
  if (asLevels) return compareLevels(left, right);
  if (/^-?\d+$/.test(left) && /^-?\d+$/.test(right)) return Number(left) - Number(right);
  return left < right ? -1 : left > right ? 1 : 0;
}

function compare(operator: Operator, left: string, right: string, asLevels: boolean): boolean {
  if (!asLevels && operator === '==') return left === right;
  if (!asLevels && operator === '!=') return left !== right;
  const order = ordering(left, right, asLevels);
  switch (operator) {
    case '==':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}
