// MX lookup through node:dns's Resolver with configurable servers
// (RFC 5321 §5.1): hosts by preference, random order among equal
// preferences, A/AAAA of the domain itself when it has no MX, and the null
// MX of RFC 7505 (one MX of preference 0 with exchange `.`) as a permanent refusal.
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

export interface MxHost {
  readonly name: string;
  readonly preference: number;
}

export type MxAnswer =
  | { readonly kind: 'hosts'; readonly hosts: readonly MxHost[]; readonly implicit: boolean }
  | { readonly kind: 'null-mx' }
  | { readonly kind: 'not-found'; readonly reason: string }
  | { readonly kind: 'temporary'; readonly reason: string };

export type AddressAnswer =
  | { readonly ok: true; readonly addresses: readonly string[] }
  | { readonly ok: false; readonly permanent: boolean; readonly reason: string };

export interface MxResolverOptions {
  /** DNS servers (`127.0.0.1:5353`); the system's when absent. */
  readonly servers?: readonly string[];
  /** ms per query try. */
  readonly timeoutMs?: number;
  readonly tries?: number;
  /** For the shuffle among equal preferences; Math.random by default. */
  readonly random?: () => number;
  /** inet_protocols: which address families to use (ipv4 only by default, as most test hosts). */
  readonly families?: readonly (4 | 6)[];
}

const PERMANENT = new Set(['ENOTFOUND']);
const EMPTY = new Set(['ENODATA']);

export class MxResolver {
  private readonly resolver: Resolver;
  private readonly random: () => number;
  private readonly families: readonly (4 | 6)[];

  constructor(o: MxResolverOptions = {}) {
    this.resolver = new Resolver({ timeout: o.timeoutMs ?? 5000, tries: o.tries ?? 2 });
    if (o.servers !== undefined) this.resolver.setServers([...o.servers]);
    this.random = o.random ?? Math.random;
    this.families = o.families ?? [4, 6];
  }

  async mx(domain: string): Promise<MxAnswer> {
    let records: { exchange: string; priority: number }[];
    try {
      records = await this.resolver.resolveMx(domain);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (EMPTY.has(code))
        return { kind: 'hosts', hosts: [{ name: domain, preference: 0 }], implicit: true };
      if (PERMANENT.has(code))
        return {
          kind: 'not-found',
          reason: `Host or domain name not found. Name service error for name=${domain} type=MX: Host not found`,
        };
      return {
        kind: 'temporary',
        reason: `Host or domain name not found. Name service error for name=${domain} type=MX: ${code || (err as Error).message}, try again`,
      };
    }
    if (records.length === 0)
      return { kind: 'hosts', hosts: [{ name: domain, preference: 0 }], implicit: true };
    // RFC 7505 §3: a single MX of "." says the domain accepts no mail.
    if (records.some((r) => r.exchange === '' || r.exchange === '.')) return { kind: 'null-mx' };
    return {
      kind: 'hosts',
      hosts: this.order(
        records.map((r) => ({
          name: r.exchange.replace(/\.$/, '').toLowerCase(),
          preference: r.priority,
        })),
      ),
      implicit: false,
    };
  }

  async addresses(host: string): Promise<AddressAnswer> {
    if (isIP(host) !== 0) return { ok: true, addresses: [host] };
    const found: string[] = [];
    let lastError: NodeJS.ErrnoException | undefined;
    for (const family of this.families) {
      try {
        found.push(
          ...(family === 4
            ? await this.resolver.resolve4(host)
            : await this.resolver.resolve6(host)),
        );
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (!EMPTY.has(e.code ?? '')) lastError = e;
      }
    }
    if (found.length > 0) return { ok: true, addresses: found };
    const permanent = lastError === undefined || PERMANENT.has(lastError.code ?? '');
    return {
      ok: false,
      permanent,
      reason: `Host or domain name not found. Name service error for name=${host} type=A: ${permanent ? 'Host not found' : `${lastError?.code ?? 'error'}, try again`}`,
    };
  }

  /** By preference, ties in random order (RFC 5321 §5.1). */
  private order(hosts: MxHost[]): MxHost[] {
    const keyed = hosts.map((h) => ({ h, r: this.random() }));
    keyed.sort((a, b) => a.h.preference - b.h.preference || a.r - b.r);
    return keyed.map((k) => k.h);
  }
}
