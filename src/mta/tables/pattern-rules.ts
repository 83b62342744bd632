import type { WarningSink } from './errors.js';
import type { LogicalLine } from './lines.js';
import { buildRules, evaluate, keyword, type ParsedLine } from './rules.js';
import { parseSubstitution, substitute, usesGroups } from './substitution.js';
import type { Table } from './table.js';

// The `/pattern/flags result` syntax shared by regexp: and pcre:
// (regexp_table(5), pcre_table(5)); each type supplies its compiler.

/** Compiles one pattern with its flag letters; an Error's message is Postfix's warning text. */
export type Compiler = (pattern: string, flags: string) => RegExp | Error;

interface Pattern {
  regex: RegExp;
  negated: boolean;
  rest: string;
}

/** Wording that differs between dict_regexp.c and dict_pcre.c. */
export interface PatternDialect {
  /** "regexp" or "pcre", as in "regexp map FILE, line N". */
  name: string;
  /** What a missing closing delimiter does: regexp says "skipping", pcre "ignoring". */
  noClosing: 'skipping' | 'ignoring';
}

/** `[!]/pattern/flags rest`: the delimiter is any non-alphanumeric, non-blank character. Errors are Postfix's text. */
function splitPattern(text: string, compile: Compiler, dialect: PatternDialect): Pattern | Error {
  const negated = text.startsWith('!');
  const body = negated ? text.slice(1).trimStart() : text;
  const delimiter = body[0];
  if (delimiter === undefined) return new Error('no regexp: skipping this rule');
  if (/[A-Za-z0-9\s]/.test(delimiter)) return new Error('ignoring unrecognized request');
  let end = 1;
  while (end < body.length && body[end] !== delimiter) end += body[end] === '\\' ? 2 : 1;
  if (end >= body.length)
    return new Error(`no closing regexp delimiter "${delimiter}": ${dialect.noClosing} this rule`);
  const flags = /^\S*/.exec(body.slice(end + 1))?.[0] ?? '';
  const regex = compile(body.slice(1, end), flags);
  if (regex instanceof Error) return regex;
  return { regex, negated, rest: body.slice(end + 1 + flags.length).trim() };
}

function matches(p: Pattern, key: string): RegExpExecArray | null | 'negated-match' {
  p.regex.lastIndex = 0;
  const m = p.regex.exec(key);
  if (p.negated) return m === null ? 'negated-match' : null;
  return m;
}

function parseLine(
  line: LogicalLine,
  compile: Compiler,
  dialect: PatternDialect,
  prefix: string,
  warn: WarningSink,
): ParsedLine {
  const where = `${prefix}, line ${line.line}`;
  const kw = keyword(line.text);
  if (kw?.word === 'endif') {
    if (kw.rest !== '') warn(`${where}: ignoring extra text after ENDIF`);
    return { kind: 'endif' };
  }
  const pattern = splitPattern(kw?.word === 'if' ? kw.rest : line.text, compile, dialect);
  if (pattern instanceof Error) {
    warn(`${where}: ${pattern.message}`);
    return undefined;
  }
  if (kw?.word === 'if') return ifLine(pattern, where, warn);
  if (pattern.rest === '') warn(`${where}: no replacement text: using empty string`);
  const groups = new RegExp(pattern.regex.source + '|').exec('')!.length - 1;
  const pieces = parseSubstitution(pattern.rest, groups);
  if (pieces instanceof Error) {
    if (pieces.detail !== undefined)
      warn(pieces.detailPlaced ? `${where}: ${pieces.detail}` : pieces.detail);
    warn(`${where}: ${pieces.message}: skipping this rule`);
    return undefined;
  }
  if (pattern.negated && usesGroups(pieces)) {
    warn(`${where}: $number found in negative match replacement text: skipping this rule`);
    return undefined;
  }
  return {
    kind: 'rule',
    apply(key) {
      const m = matches(pattern, key);
      if (m === null) return undefined;
      return m === 'negated-match' ? pieces.join('') : substitute(pieces, m);
    },
  };
}

function ifLine(pattern: Pattern, where: string, warn: WarningSink): ParsedLine {
  if (pattern.rest !== '') {
    warn(`${where}: ignoring extra text after IF statement: "${pattern.rest}"`);
    warn(`${where}: do not prepend whitespace to statements between IF and ENDIF`);
  }
  return { kind: 'if-open', test: (key) => matches(pattern, key) !== null };
}

/** A regexp:/pcre: table over the given logical lines (first match wins, whole string only). */
export function patternTable(
  spec: string,
  name: string,
  lines: LogicalLine[],
  compile: Compiler,
  dialect: PatternDialect,
  warn: WarningSink,
): Table {
  const prefix = `${dialect.name} map ${name}`;
  const messages = { endifWithoutIf: 'ignoring ENDIF without matching IF' };
  const rules = buildRules(
    lines,
    (line) => parseLine(line, compile, dialect, prefix, warn),
    prefix,
    messages,
    warn,
  );
  return { spec, pattern: true, lookup: (key) => evaluate(rules, key), close: () => undefined };
}
