// $1, ${1}, $(1) and $$ in regexp:/pcre: results (regexp_table(5) TEXT
// SUBSTITUTION), checked when the table is loaded as Postfix does.

export type Piece = string | number;

/**
 * A bad result text. `detail` is the extra warning Postfix prints first:
 * mac_parse()'s own (without file and line) or, when `detailPlaced`, the
 * table's (with them).
 */
export class SubstitutionError extends Error {
  constructor(
    message: string,
    readonly detail?: string,
    readonly detailPlaced = false,
  ) {
    super(message);
  }
}

/** The result text split into literal pieces and group numbers; an Error names what is wrong. */
export function parseSubstitution(text: string, groups: number): Piece[] | SubstitutionError {
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
    const ref = reference(text, i + 1, text);
    if (ref instanceof Error) return ref;
    if (ref.index > groups)
      return new SubstitutionError(`out of range replacement index "${ref.index}"`);
    if (literal) pieces.push(literal);
    literal = '';
    pieces.push(ref.index);
    i = ref.end - 1;
  }
  if (literal) pieces.push(literal);
  return pieces;
}

function reference(
  text: string,
  at: number,
  whole: string,
): { index: number; end: number } | SubstitutionError {
  const open = text[at];
  const close = open === '{' ? '}' : open === '(' ? ')' : undefined;
  if (close === undefined) {
    const m = /^[A-Za-z0-9_]+/.exec(text.slice(at));
    if (!m) return new SubstitutionError('bad replacement syntax', `empty macro name: "${whole}"`);
    return numbered(m[0], at + m[0].length);
  }
  const end = text.indexOf(close, at + 1);
  if (end < 0)
    return new SubstitutionError('bad replacement syntax', `truncated macro reference: "${whole}"`);
  return numbered(text.slice(at + 1, end), end + 1);
}

function numbered(name: string, end: number): { index: number; end: number } | SubstitutionError {
  if (!/^\d+$/.test(name))
    return new SubstitutionError(
      'bad replacement syntax',
      `non-numeric replacement index "${name}"`,
      true,
    );
  return { index: Number(name), end };
}

export function substitute(pieces: readonly Piece[], match: RegExpExecArray): string {
  return pieces.map((p) => (typeof p === 'number' ? (match[p] ?? '') : p)).join('');
}

export function usesGroups(pieces: readonly Piece[]): boolean {
  return pieces.some((p) => typeof p === 'number');
}
