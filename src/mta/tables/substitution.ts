// $1, ${1}, $(1) and $$ in regexp:/pcre: results (regexp_table(5) TEXT
// SUBSTITUTION), checked when the table is loaded as Postfix does.

export type Piece = string | number;

/** The result text split into literal pieces and group numbers; an Error names what is wrong. */
export function parseSubstitution(text: string, groups: number): Piece[] | Error {
  const pieces: Piece[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '$') {
      literal += c;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      literal += '$';
      i++;
      continue;
    }
    const ref = reference(text, i + 1);
    if (ref instanceof Error) return ref;
    if (ref.index > groups) return new Error(`out of range replacement index "${ref.index}"`);
    if (literal) pieces.push(literal);
    literal = '';
    pieces.push(ref.index);
    i = ref.end - 1;
  }
  if (literal) pieces.push(literal);
  return pieces;
}

function reference(text: string, at: number): { index: number; end: number } | Error {
  const open = text[at];
  const close = open === '{' ? '}' : open === '(' ? ')' : undefined;
  if (close === undefined) {
    const m = /^\d+/.exec(text.slice(at));
    if (!m) return new Error('bad replacement syntax');
    return { index: Number(m[0]), end: at + m[0].length };
  }
  const end = text.indexOf(close, at + 1);
  if (end < 0) return new Error('bad replacement syntax');
  const name = text.slice(at + 1, end);
  if (!/^\d+$/.test(name)) return new Error(`bad replacement syntax`);
  return { index: Number(name), end: end + 1 };
}

export function substitute(pieces: readonly Piece[], match: RegExpExecArray): string {
  return pieces.map((p) => (typeof p === 'number' ? (match[p] ?? '') : p)).join('');
}

export function usesGroups(pieces: readonly Piece[]): boolean {
  return pieces.some((p) => typeof p === 'number');
}
