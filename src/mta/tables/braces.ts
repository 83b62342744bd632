// Postfix 3.0 brace syntax (postconf(5) "{ text with whitespace }"), shared
// by inline:, static: and the inline forms of cidr:, regexp: and pcre:.

/** The text between a leading `{` and its matching `}`, and what follows it; undefined when unbalanced. */
export function splitBraced(text: string): { inner: string; rest: string } | undefined {
  if (!text.startsWith('{')) return undefined;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0)
      return { inner: text.slice(1, i).trim(), rest: text.slice(i + 1) };
  }
  return undefined;
}

/**
 * Splits `a=1, b=2 { c = x y }` into its elements: separators are commas
 * and whitespace, and a `{…}` element keeps its whitespace (without the
 * braces and the blanks just inside them). Undefined when a brace is unbalanced.
 */
export function braceElements(text: string): { text: string; braced: boolean }[] | undefined {
  const out: { text: string; braced: boolean }[] = [];
  let rest = text;
  for (;;) {
    rest = rest.replace(/^[\s,]+/, '');
    if (rest === '') return out;
    if (rest.startsWith('{')) {
      const part = splitBraced(rest);
      if (part === undefined) return undefined;
      out.push({ text: part.inner, braced: true });
      rest = part.rest;
    } else {
      const match = /^[^\s,{}]+/.exec(rest);
      if (match === null) return undefined;
      out.push({ text: match[0], braced: false });
      rest = rest.slice(match[0].length);
    }
  }
}
