// The server's EHLO reply (RFC 5321 §4.1.1.1): the first line is the greeting,
// each further line one keyword with its parameters.
import type { Reply } from '../codec/reply.js';

export interface EhloInfo {
  /** Upper-case keyword → its parameters as sent. */
  readonly keywords: ReadonlyMap<string, readonly string[]>;
  /** RFC 1870 SIZE: the fixed limit, 0 when announced without one, undefined when not announced. */
  readonly size: number | undefined;
  /** RFC 4954 AUTH mechanisms (upper case), also from the old `AUTH=` form. */
  readonly auth: readonly string[];
  /** True when the session fell back to HELO (no extensions at all). */
  readonly helo: boolean;
}

export function parseEhloReply(r: Reply): EhloInfo {
  const keywords = new Map<string, string[]>();
  for (const line of r.lines.slice(1)) {
    // The pre-RFC 2554 form `AUTH=PLAIN LOGIN` is still sent by some servers.
    const words = line
      .trim()
      .replace(/^AUTH=/i, 'AUTH ')
      .split(/\s+/)
      .filter((w) => w !== '');
    const [key, ...params] = words;
    if (key === undefined || !/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(key)) continue;
    const upper = key.toUpperCase();
    const known = keywords.get(upper) ?? [];
    keywords.set(upper, [...known, ...params]);
  }
  return {
    keywords,
    size: sizeOf(keywords.get('SIZE')),
    auth: (keywords.get('AUTH') ?? []).map((m) => m.toUpperCase()),
    helo: false,
  };
}

function sizeOf(params: readonly string[] | undefined): number | undefined {
  if (params === undefined) return undefined;
  const first = params[0];
  if (first === undefined || !/^\d+$/.test(first)) return 0;
  return Number(first);
}

/** What a HELO session knows: nothing (RFC 5321 §4.1.1.1 HELO carries no extensions). */
export const HELO_INFO: EhloInfo = { keywords: new Map(), size: undefined, auth: [], helo: true };

export function offers(info: EhloInfo, keyword: string): boolean {
  return info.keywords.has(keyword);
}
