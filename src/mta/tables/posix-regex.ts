// POSIX regular expressions (regexp_table(5), regcomp(3) as glibc has it)
// rewritten as JavaScript RegExp source. What differs and how:
// - bracket expressions: a backslash is literal inside them, `]` first is
//   literal, [:class:] names become JavaScript ranges; [=x=] and [.x.] are
//   refused (no JavaScript equivalent);
// - outside brackets, an escaped ordinary character is that character
//   (`\d` is "d" in POSIX, not a digit); glibc's \w \W \s \S \b \B keep their meaning,
//   \< and \> become \b (JavaScript has no start/end-of-word assertion), \`
//   and \' become start/end of input; with the i flag (REG_ICASE) glibc
//   never matches an escaped lower-case letter (`\d` matches neither "d" nor
//   "D") and matches an escaped upper-case one in both cases: reproduced, so a
//   table written with Perl habits (`/\d+/`) behaves here as under Postfix;
// - `.` matches a newline unless the m flag (REG_NEWLINE) is on, as in POSIX;
// - basic syntax (the x flag toggled off): \( \) \{ \} \| \+ \? are the
//   operators and the bare characters are literal;
// - POSIX picks the leftmost LONGEST match, JavaScript the leftmost match in
//   the order of the alternatives: `/(a|ab)(c|bcd)/` matches "abcd" in both,
//   but the groups ($1, $2) can differ. Nothing rewrites that.

/** POSIX character classes (the C locale), as JavaScript class contents. */
export const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: '0-9a-zA-Z',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f',
  word: '0-9A-Za-z_',
};

/** Rewrites a bracket expression starting at `start` (the `[`); returns the JS text and the index after `]`. */
export function translateBracket(
  src: string,
  start: number,
  backslashLiteral: boolean,
  excludeNewline: boolean,
): { out: string; end: number } {
  let i = start + 1;
  let out = '[';
  if (src[i] === '^') {
    out += '^';
    if (excludeNewline) out += '\\n';
    i++;
  }
  if (src[i] === ']') {
    out += '\\]';
    i++;
  }
  for (; i < src.length; i++) {
    const c = src[i] as string;
    if (c === ']') return { out: out + ']', end: i + 1 };
    if (c === '[' && (src[i + 1] === ':' || src[i + 1] === '=' || src[i + 1] === '.')) {
      const close = src.indexOf(src[i + 1] + ']', i + 2);
      if (close < 0) throw new Error('Unmatched [, [^, [:, [., or [=');
      const name = src.slice(i + 2, close);
      if (src[i + 1] !== ':')
        throw new Error(`[${src[i + 1]}${name}${src[i + 1]}] is not supported`);
      const cls = POSIX_CLASSES[name];
      if (cls === undefined) throw new Error('Invalid character class name');
      out += cls;
      i = close + 1;
      continue;
    }
    if (c === '\\') {
      if (backslashLiteral) out += '\\\\';
      else {
        out += c + (src[i + 1] ?? '');
        i++;
      }
      continue;
    }
    out += c === '[' ? '\\[' : c;
  }
  throw new Error('Unmatched [, [^, [:, [., or [=');
}

const JS_SPECIAL = /[\\^$.*+?()[\]{}|/]/;

function literal(c: string): string {
  return JS_SPECIAL.test(c) ? '\\' + c : c;
}

const GNU_ESCAPES: Record<string, string> = {
  w: '\\w',
  W: '\\W',
  s: '\\s',
  S: '\\S',
  b: '\\b',
  B: '\\B',
  '<': '\\b',
  '>': '\\b',
  '`': '(?<![\\s\\S])',
  "'": '(?![\\s\\S])',
};

/** A POSIX regex (extended or basic syntax) as JavaScript source. */
export function posixToJs(
  src: string,
  extended: boolean,
  newline: boolean,
  icase: boolean,
): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === '[') {
      const bracket = translateBracket(src, i, true, newline);
      out += bracket.out;
      i = bracket.end - 1;
    } else if (c === '\\') {
      const next = src[++i];
      if (next === undefined) throw new Error('Trailing backslash');
      out += escaped(
        next,
        extended,
        icase,
        () => depth++,
        () => depth--,
      );
    } else if (extended) {
      if (c === '(' && src[i + 1] === '?') throw new Error('Invalid preceding regular expression');
      if (c === '(') depth++;
      if (c === ')' && --depth < 0) throw new Error('Unmatched ) or \\)');
      out += c === '/' ? '\\/' : c;
    } else {
      out += basicOrdinary(c, i, src);
    }
  }
  if (depth > 0) throw new Error('Unmatched ( or \\(');
  return out;
}

function escaped(
  next: string,
  extended: boolean,
  icase: boolean,
  open: () => void,
  close: () => void,
): string {
  const gnu = GNU_ESCAPES[next];
  if (gnu !== undefined) return gnu;
  // glibc's REG_ICASE translates the subject but not an escaped pattern letter.
  if (icase && /[a-z]/.test(next)) return '(?!)';
  if (/[1-9]/.test(next)) return '\\' + next;
  if (!extended && '(){}|+?'.includes(next)) {
    if (next === '(') open();
    if (next === ')') close();
    return next;
  }
  return literal(next);
}

/** In basic syntax ( ) { } | + ? are ordinary; ^ anchors only first, $ only last, * first is literal. */
function basicOrdinary(c: string, i: number, src: string): string {
  if ('(){}|+?'.includes(c)) return '\\' + c;
  if (c === '^' && i !== 0) return '\\^';
  if (c === '$' && i !== src.length - 1) return '\\$';
  if (c === '*' && (i === 0 || (i === 1 && src[0] === '^'))) return '\\*';
  return c === '/' ? '\\/' : c;
}
