// smtp_sasl_password_maps (postconf(5)): `user:password` looked up by the
// remote host name first, then by the next hop as written (`[relay]:587`,
// a domain), as Postfix smtp_sasl_passwd_lookup does.
import type { ClientCredentials } from '../../smtp/sasl/mechanism.js';
import type { Table } from '../tables/table.js';

export function saslCredentials(
  tables: readonly Table[],
  nexthop: string,
  mxHost: string,
  port: number,
): ClientCredentials | undefined {
  const keys = [mxHost, `[${mxHost}]:${port}`, `[${mxHost}]`, nexthop.toLowerCase()];
  for (const key of keys) {
    for (const t of tables) {
      const v = t.lookup(key);
      if (v === undefined) continue;
      const colon = v.indexOf(':');
      // A value without a colon is a user with an empty password (Postfix accepts it too).
      return colon < 0
        ? { user: v.trim(), password: '' }
        : { user: v.slice(0, colon).trim(), password: v.slice(colon + 1) };
    }
  }
  return undefined;
}
