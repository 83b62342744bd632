import { ConfigError } from './config-error.js';

// Postfix splits list values on commas and white space (CHARS_COMMA_SP in
// mail_params.h); a `{ … }` group is one word even when it holds separators.
const SEPARATORS = new Set([',', ' ', '\t', '\r', '\n']);

/** Where the brace opened at `start` closes, or -1. */
export function matchingBrace(text: string, start: number, open = '{', close = '}'): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0) return i;
  }
  return -1;
}

/** The words of a list value, `{ … }` groups kept whole with their braces. */
export function splitList(value: string): string[] {
  const words: string[] = [];
  let word = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '{') {
      const end = matchingBrace(value, i);
      if (end < 0)
        throw new ConfigError({
          value,
          expected: `a list with balanced braces ("{" at offset ${i} is never closed)`,
        });
      word += value.slice(i, end + 1);
      i = end;
    } else if (SEPARATORS.has(c)) {
      if (word !== '') words.push(word);
      word = '';
    } else {
      word += c;
    }
  }
  if (word !== '') words.push(word);
  return words;
}

/** A `{ text }` word without its braces and the white space inside them (Postfix 3.0 grouping). */
export function unbrace(word: string): string {
  return word.startsWith('{') && word.endsWith('}') ? word.slice(1, -1).trim() : word;
}
