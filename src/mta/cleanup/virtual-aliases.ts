// virtual_alias_maps (virtual(5)): the recipient rewriting Postfix's
// cleanup(8) does before a message is queued, for every domain. A recipient
// found in a table becomes the table's addresses, each rewritten again, up
// to virtual_alias_recursion_limit deep and virtual_alias_expansion_limit
// addresses (cleanup_map1n.c); what the tables do not know stays as it is.
import type { Table } from '../tables/table.js';
import { splitAddressList } from '../tables/address-list.js';
import { mailAddrFindKeys } from '../tables/search.js';

export interface VirtualAliasOptions {
  readonly tables: readonly Table[];
  /** recipient_delimiter: `user+ext@domain` is also looked up as `user@domain`. */
  readonly recipientDelimiter: string;
  /** propagate_unmatched_extensions lists `virtual`: `+ext` moves onto the result when the key had none. */
  readonly propagateExtensions: boolean;
  /** virtual(5): the bare `user` key applies only to $myorigin, $mydestination, $inet_interfaces domains. */
  readonly isLocalDomain: (domain: string) => boolean;
  /** myorigin: the domain of a result written without one. */
  readonly myorigin: string;
  /** virtual_alias_recursion_limit (1000). */
  readonly recursionLimit: number;
  /** virtual_alias_expansion_limit (1000). */
  readonly expansionLimit: number;
}

/** An expansion past a limit: Postfix defers the message ("unreasonable virtual_alias_maps map expansion size"). */
export class VirtualAliasLimitError extends Error {
  constructor(address: string, what: 'nesting' | 'size') {
    super(
      `unreasonable virtual_alias_maps map ${what === 'nesting' ? 'nesting' : 'expansion size'} for ${address}`,
    );
    this.name = 'VirtualAliasLimitError';
  }
}

interface Split {
  readonly local: string;
  readonly domain: string;
  /** The extension with its delimiter (`+ext`), or empty. */
  readonly extension: string;
}

export class VirtualAliases {
  constructor(private readonly o: VirtualAliasOptions) {}

  /** The first table value for the address in virtual(5)'s key order, and the key it matched. Throws a table's lookup error. */
  find(address: string): { value: string; key: string } | undefined {
    const { domain } = this.split(address);
    const keys = mailAddrFindKeys(
      address,
      this.o.recipientDelimiter,
      domain !== '' && this.o.isLocalDomain(domain),
    );
    for (const table of this.o.tables) {
      for (const key of table.pattern === true ? [address] : keys) {
        const value = table.lookup(key);
        if (value !== undefined) return { value, key };
      }
    }
    return undefined;
  }

  /** The recipients `address` stands for, in order and without duplicates (case-insensitive). */
  expand(address: string): string[] {
    const out: string[] = [];
    this.visit(address, 0, out);
    const unique = new Map<string, string>();
    for (const a of out) if (!unique.has(a.toLowerCase())) unique.set(a.toLowerCase(), a);
    return [...unique.values()];
  }

  private visit(address: string, depth: number, out: string[]): void {
    if (depth > this.o.recursionLimit) throw new VirtualAliasLimitError(address, 'nesting');
    const found = this.find(address);
    if (found === undefined) {
      out.push(address);
      return;
    }
    for (const item of splitAddressList(found.value, true)) {
      const next = this.propagate(this.qualify(item), address, found.key);
      // A result naming the address itself is kept, not expanded again (cleanup_map1n.c).
      if (next.toLowerCase() === address.toLowerCase()) out.push(next);
      else this.visit(next, depth + 1, out);
      if (out.length > this.o.expansionLimit) throw new VirtualAliasLimitError(address, 'size');
    }
  }

  private qualify(item: string): string {
    return item.includes('@') ? item : `${item}@${this.o.myorigin}`;
  }

  /** user+ext@domain matched as `user@domain` (or `user`, `@domain`): the result gets `+ext` too. */
  private propagate(result: string, address: string, key: string): string {
    const { extension } = this.split(address);
    if (!this.o.propagateExtensions || extension === '' || key.includes(extension)) return result;
    const r = this.split(result);
    if (r.extension !== '') return result;
    return `${r.local}${extension}@${r.domain}`;
  }

  private split(address: string): Split {
    const at = address.lastIndexOf('@');
    const local = at < 0 ? address : address.slice(0, at);
    const domain = at < 0 ? '' : address.slice(at + 1);
    let cut = -1;
    for (let i = 1; i < local.length && cut < 0; i++)
      if (this.o.recipientDelimiter.includes(local[i] as string)) cut = i;
    if (cut < 0) return { local, domain, extension: '' };
    return { local: local.slice(0, cut), domain, extension: local.slice(cut) };
  }
}
