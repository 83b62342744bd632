import { translateBracket } from './posix-regex.js';

// PCRE (pcre_table(5)) patterns as JavaScript RegExp source. JavaScript's
// syntax is close to Perl's; what differs and how:
// - flags: i (on by default), m, s (on by default) map to JavaScript flags;
//   x is done here (unescaped whitespace and #comments outside classes are
//   removed); A (anchored) uses the sticky flag from position 0; E and the
//   default `$`: PCRE's `$` also matches before a final newline, rewritten as
//   (?=\n?(?![\s\S])) unless E or m is on; U (ungreedy) and X are refused;
// - \A \z \Z become lookarounds, [[:class:]] becomes a range, (?P<name> is
//   (?<name>;
// - what JavaScript lacks is refused with a clear error: possessive
//   quantifiers, atomic groups (?>…), inline options (?i), \Q…\E, \G, \K,
//   recursion (?R) and conditionals (?(…).

export interface PcreFlags {
  extended: boolean;
  multiline: boolean;
  dollarEndOnly: boolean;
}

const UNSUPPORTED: Array<[RegExp, string]> = [
  [/^\(\?>/, 'atomic groups (?>...)'],
  [/^\(\?\(/, 'conditional groups (?(...)'],
  [/^\(\?[R0-9+&]/, 'recursion (?R)'],
  [/^\(\?[a-zA-Z^-]+[:)]/, 'inline options such as (?i)'],
  [/^\\[QEGK]/, '\\Q, \\E, \\G and \\K'],
  [/^[*+?}]\+/, 'possessive quantifiers'],
];

function refuse(rest: string): void {
  for (const [re, what] of UNSUPPORTED) {
    if (re.test(rest) && !/^\(\?P?<[A-Za-z_]/.test(rest))
      throw new Error(`${what}: not supported by JavaScript regular expressions`);
  }
}

export function pcreToJs(src: string, flags: PcreFlags): string {
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    refuse(src.slice(i, i + 4));
    if (c === '\\') {
      out += pcreEscape(src[i + 1]);
      i++;
    } else if (c === '[') {
      const bracket = translateBracket(src, i, false, false);
      out += bracket.out;
      i = bracket.end - 1;
    } else if (flags.extended && /\s/.test(c)) {
      continue;
    } else if (flags.extended && c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '$' && !flags.multiline) {
      out += flags.dollarEndOnly ? '(?![\\s\\S])' : '(?=\\n?(?![\\s\\S]))';
    } else if (c === '(' && src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else {
      out += c === '/' ? '\\/' : c;
    }
  }
  return out;
}

function pcreEscape(next: string | undefined): string {
  if (next === undefined) throw new Error('\\ at end of pattern');
  if (next === 'A') return '(?<![\\s\\S])';
  if (next === 'z') return '(?![\\s\\S])';
  if (next === 'Z') return '(?=\\n?(?![\\s\\S]))';
  if (next === 'h') return '[ \\t]';
  return '\\' + next;
}
