/** A table of RFC names to code points, as the constant objects in this folder are. */
export type CodeTable = Readonly<Record<string, number>>;

const reverse = new WeakMap<CodeTable, Map<number, string>>();

/**
 * The RFC name of `code` in `table`, for dumps and logs; a code the table
 * does not know prints as hex (`0x1a1a`), `digits` wide.
 */
export function nameOf(table: CodeTable, code: number, digits = 4): string {
  let names = reverse.get(table);
  if (names === undefined) {
    names = new Map();
    for (const [name, value] of Object.entries(table))
      if (!names.has(value)) names.set(value, name);
    reverse.set(table, names);
  }
  return names.get(code) ?? `0x${code.toString(16).padStart(digits, '0')}`;
}

/** `name (0x....)`: the form the dumps print a code point in. */
export function describe(table: CodeTable, code: number, digits = 4): string {
  const hex = `0x${code.toString(16).padStart(digits, '0')}`;
  const name = nameOf(table, code, digits);
  return name === hex ? `unknown (${hex})` : `${name} (${hex})`;
}
