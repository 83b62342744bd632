// tls_server_sni_maps (Postfix 3.4, postconf(5)): the keys and certificate
// chains for the name a client sends in the TLS SNI extension.
import type { CertifiedKey } from '../../tls/index.js';
import { loadKeyChains, parseKeyChains } from '../../x509/index.js';
import { validHostname } from '../smtpd/hostname.js';
import { isDatabaseType } from '../tables/database.js';
import { splitSpec } from '../tables/open.js';
import { domainKeys } from '../tables/search.js';
import type { Table } from '../tables/table.js';

/** Parsed chains kept per table value; a table rewritten with new values simply adds entries. */
const CACHE_LIMIT = 256;

export class SniChains {
  private readonly cache = new Map<string, CertifiedKey[]>();

  constructor(
    private readonly tables: readonly Table[],
    private readonly log: (line: string) => void,
  ) {}

  /**
   * The chains for the client's SNI name, or undefined for the default chain
   * (no name, an invalid one, or no entry). The key is the name itself, then
   * each ancestor domain with a leading dot (".example.com"), every table
   * asked for one key before the next, as Postfix's maps_file_find loop.
   * A lookup or load failure throws: Postfix ends the handshake with
   * internal_error rather than present a certificate it was not told to.
   */
  select(serverName: string | undefined, who: string): CertifiedKey[] | undefined {
    if (serverName === undefined || serverName === '') return undefined;
    if (!validHostname(serverName)) {
      this.log(`warning: TLS SNI from ${who} is invalid: ${serverName}`);
      return undefined;
    }
    const keys = domainKeys(serverName, { parentMatchesSubdomains: false });
    for (const key of keys) {
      for (const table of this.tables) {
        // A pattern table (regexp:, pcre:) is asked with the whole name only (regexp_table(5)).
        if (table.pattern === true && key !== keys[0]) continue;
        const value = table.lookup(key);
        if (value !== undefined) return this.chains(table, key, value);
      }
    }
    this.log(`TLS SNI ${serverName} from ${who} not matched, using default chain`);
    return undefined;
  }

  /**
   * postconf(5): values of indexed tables (hash:, btree:, lmdb:) are the
   * base64 file contents `postmap -F` stored; the other types list files,
   * read here once per value.
   */
  private chains(table: Table, key: string, value: string): CertifiedKey[] {
    const id = `${table.spec}\0${value}`;
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached;
    const source = `${table.spec}: ${key}`;
    const chains = isDatabaseType(splitSpec(table.spec).type)
      ? parseKeyChains(Buffer.from(value, 'base64').toString('latin1'), source)
      : loadKeyChains(value.split(/[\s,]+/).filter((f) => f !== ''));
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(id, chains);
    return chains;
  }
}
