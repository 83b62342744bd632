// The `%` expansions of Postfix's SQL query and result_format templates
// (sqlite_table(5); db_common.c in Postfix). A template that cannot be
// expanded for a key ("suppressed") gives undefined: the lookup finds nothing.

export interface KeyParts {
  key: string;
  local: string | undefined;
  domain: string | undefined;
}

export function keyParts(key: string): KeyParts {
  const at = key.lastIndexOf('@');
  if (at < 0) return { key, local: undefined, domain: undefined };
  return { key, local: key.slice(0, at), domain: key.slice(at + 1) };
}

/** Checks a template's escapes when the table is opened (Postfix refuses unknown ones at startup). */
export function checkTemplate(template: string, allowed: RegExp): string | undefined {
  const escapes = template.match(/%./g) ?? [];
  const bad = escapes.find((e) => !allowed.test(e[1] as string));
  if (template.endsWith('%') && !template.endsWith('%%')) return 'trailing %';
  return bad === undefined ? undefined : `unknown '%' escape "${bad}"`;
}

/** The n-th most significant label of the key's domain (%1 = the TLD). */
function domainLabel(parts: KeyParts, n: number): string | undefined {
  if (parts.domain === undefined) return undefined;
  const labels = parts.domain.split('.').reverse();
  return labels[n - 1];
}

/** Expands the key-side escapes %s %u %d %S %U %D %1-%9; `quote` is applied to each substituted text. */
function keyEscape(c: string, parts: KeyParts, quote: (s: string) => string): string | undefined {
  const lower = c.toLowerCase();
  if (lower === 's') return quote(parts.key);
  if (lower === 'u') {
    if (parts.local === undefined) return quote(parts.key);
    return parts.local === '' ? undefined : quote(parts.local);
  }
  if (lower === 'd') return parts.domain === undefined ? undefined : quote(parts.domain);
  const label = domainLabel(parts, Number(c));
  return label === undefined || label === '' ? undefined : quote(label);
}

/** SQLite's %q quoting: single quotes doubled. */
export const sqlQuote = (s: string): string => s.replaceAll("'", "''");

export function expandQuery(template: string, parts: KeyParts): string | undefined {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i] as string;
    if (c !== '%') {
      out += c;
      continue;
    }
    const e = template[++i] as string;
    if (e === '%') {
      out += '%';
      continue;
    }
    const text = keyEscape(e, parts, sqlQuote);
    if (text === undefined) return undefined;
    out += text;
  }
  return out;
}

/** result_format: lower-case escapes use the value, upper-case and digits the key. */
export function expandResult(template: string, value: string, key: KeyParts): string | undefined {
  const v = keyParts(value);
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i] as string;
    if (c !== '%') {
      out += c;
      continue;
    }
    const e = template[++i] as string;
    let text: string | undefined;
    if (e === '%') text = '%';
    else if (e === 's') text = value === '' ? undefined : value;
    else if (e === 'u') text = v.local === undefined ? value : v.local === '' ? undefined : v.local;
    else if (e === 'd') text = v.domain;
    else text = keyEscape(e, key, (s) => s);
    if (text === undefined) return undefined;
    out += text;
  }
  return out;
}
