/**
 * Re-encodings of a valid DER object where exactly one length is wrong or
 * not DER (X.690 §8.1.3, §10.1), every enclosing length kept consistent with
 * the bytes: what an attacker does to get one value from many byte strings.
 * Its own small TLV reader (not src/x509's) so the tests do not check the
 * parser against itself.
 */

interface Tlv {
  /** Identifier octets. */
  tag: Uint8Array;
  /** Primitive content, or undefined when `children` holds it. */
  content?: Uint8Array;
  children?: Tlv[];
  /** For an OCTET STRING / BIT STRING that wraps DER: the prefix (BIT STRING's unused-bits byte) before the wrapped TLV. */
  wrapPrefix?: Uint8Array;
}

export type LengthMutation = 'shorter' | 'longer' | 'long-form' | 'indefinite';
export const LENGTH_MUTATIONS: readonly LengthMutation[] = [
  'shorter',
  'longer',
  'long-form',
  'indefinite',
];

/** One TLV at `at`, or undefined where the bytes are not well-formed definite-length DER. */
function readTlv(der: Uint8Array, at: number): { tlv: Tlv; end: number } | undefined {
  let i = at + 1;
  if (((der[at] ?? 0) & 0x1f) === 0x1f)
    while (i < der.length && ((der[i++] as number) & 0x80) !== 0);
  const tag = der.subarray(at, i);
  let len = der[i++];
  if (len === undefined || len === 0x80) return undefined;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + (der[i++] ?? 0);
  }
  const end = i + len;
  if (end > der.length) return undefined;
  const body = der.subarray(i, end);
  if (((der[at] as number) & 0x20) !== 0) {
    const children = readAll(body);
    return children === undefined ? undefined : { tlv: { tag, children }, end };
  }
  return { tlv: wrapped(tag, body) ?? { tag, content: body }, end };
}

function readAll(body: Uint8Array): Tlv[] | undefined {
  const out: Tlv[] = [];
  for (let at = 0; at < body.length;) {
    const r = readTlv(body, at);
    if (r === undefined) return undefined;
    out.push(r.tlv);
    at = r.end;
  }
  return out;
}

/** An OCTET STRING or octet-aligned BIT STRING whose content is exactly one constructed TLV (keys, signatures). */
function wrapped(tag: Uint8Array, body: Uint8Array): Tlv | undefined {
  const prefix = tag[0] === 0x03 && body[0] === 0 ? 1 : tag[0] === 0x04 ? 0 : -1;
  if (prefix < 0 || ((body[prefix] ?? 0) & 0x20) === 0) return undefined;
  const inner = body.subarray(prefix);
  const r = readTlv(inner, 0);
  if (r === undefined || r.end !== inner.length) return undefined;
  return { tag, children: [r.tlv], wrapPrefix: body.subarray(0, prefix) };
}

function lengthBytes(len: number, longForm = false): number[] {
  if (len < 0x80 && !longForm) return [len];
  const out: number[] = [];
  for (let v = len; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  if (out.length === 0) out.push(0);
  // Long form where the short one fits, or one byte more than needed (a leading zero).
  if (longForm) return len < 0x80 ? [0x81, len] : [0x80 | (out.length + 1), 0, ...out];
  return [0x80 | out.length, ...out];
}

interface Target {
  index: number;
  mutation: LengthMutation;
}

function encode(tlv: Tlv, target: Target, counter: { n: number }): number[] {
  const me = counter.n++;
  let body: number[];
  if (tlv.children !== undefined) {
    body = [...(tlv.wrapPrefix ?? []), ...tlv.children.flatMap((c) => encode(c, target, counter))];
  } else {
    body = [...(tlv.content as Uint8Array)];
  }
  const tag = [...tlv.tag];
  if (me !== target.index) return [...tag, ...lengthBytes(body.length), ...body];
  switch (target.mutation) {
    case 'shorter':
      return [...tag, ...lengthBytes(body.length - 1), ...body];
    case 'longer':
      return [...tag, ...lengthBytes(body.length + 1), ...body];
    case 'long-form':
      return [...tag, ...lengthBytes(body.length, true), ...body];
    case 'indefinite': {
      // X.690 §8.1.3.6: constructed form with end-of-contents; a primitive value gets it too (also invalid BER).
      const constructed = [tag[0] === undefined ? 0 : tag[0] | 0x20, ...tag.slice(1)];
      return [...constructed, 0x80, ...body, 0, 0];
    }
  }
}

export interface Mutant {
  /** Pre-order index of the node whose length was changed (0 = outermost). */
  node: number;
  mutation: LengthMutation;
  der: Uint8Array;
}

/** Every single-length mutation of `der` (a shorter length only where the content is not empty). */
export function lengthMutants(der: Uint8Array): Mutant[] {
  const r = readTlv(der, 0);
  if (r === undefined || r.end !== der.length)
    throw new Error('der-mutations: input is not one valid DER object');
  const nodes = flatten(r.tlv);
  const out: Mutant[] = [];
  nodes.forEach((t, node) => {
    for (const mutation of LENGTH_MUTATIONS) {
      if (mutation === 'shorter' && isEmpty(t)) continue;
      out.push({
        node,
        mutation,
        der: Uint8Array.from(encode(r.tlv, { index: node, mutation }, { n: 0 })),
      });
    }
  });
  return out;
}

function flatten(t: Tlv): Tlv[] {
  return [t, ...(t.children ?? []).flatMap(flatten)];
}

function isEmpty(t: Tlv): boolean {
  return t.children !== undefined
    ? t.children.length === 0 && (t.wrapPrefix?.length ?? 0) === 0
    : (t.content?.length ?? 0) === 0;
}
