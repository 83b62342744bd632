// Table values that list addresses: aliases(5) separates them with commas,
// virtual(5) with commas and/or white space; a "quoted local part" keeps
// what would separate.

/** The items of a value, trimmed, empty ones dropped; `whitespace` also separates when true. */
export function splitAddressList(value: string, whitespace: boolean): string[] {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  for (const c of value) {
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === ',' || (whitespace && /\s/.test(c)))) {
      items.push(current.trim());
      current = '';
    } else current += c;
  }
  items.push(current.trim());
  return items.filter((s) => s !== '');
}
