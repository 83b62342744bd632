// Where a recipient goes (Postfix trivial-rewrite(8), reduced): a domain in
// mydestination (or a bare local part, which gets $myorigin) is local; other
// mail goes to relayhost when set, else to the recipient's domain, through
// default_transport. transport_maps entries win over both.
import type { Table } from '../tables/table.js';
import { classifyRecipient, type DestinationConfig } from '../smtpd/destinations.js';
import type { Route } from './queue-manager.js';

export interface RouteOptions {
  readonly destinations: DestinationConfig;
  /** local_transport (local:$myhostname) */
  readonly localTransport: string;
  /** default_transport (smtp) */
  readonly defaultTransport: string;
  /** relayhost ('' for none) */
  readonly relayhost: string;
  readonly transportMaps: readonly Table[];
}

/** `transport:nexthop` as transport(5) and *_transport parameters write it; an empty part keeps the other's default. */
function split(value: string, fallbackNexthop: string): Route {
  const colon = value.indexOf(':');
  const transport = colon < 0 ? value : value.slice(0, colon);
  const nexthop = colon < 0 ? '' : value.slice(colon + 1);
  return { transport, nexthop: nexthop === '' ? fallbackNexthop : nexthop };
}

function lookupTransport(
  tables: readonly Table[],
  address: string,
  domain: string,
): string | undefined {
  // transport(5) search order: the full address, the domain, then parent domains as .domain.
  const keys = [address.toLowerCase(), domain];
  const labels = domain.split('.');
  for (let i = 1; i < labels.length; i++) keys.push('.' + labels.slice(i).join('.'));
  for (const key of keys)
    for (const t of tables) {
      const v = t.lookup(key);
      if (v !== undefined) return v;
    }
  return undefined;
}

export function createRouter(o: RouteOptions): (address: string) => Route {
  return (address) => {
    const at = address.lastIndexOf('@');
    const domain = at < 0 ? '' : address.slice(at + 1).toLowerCase();
    const mapped = domain === '' ? undefined : lookupTransport(o.transportMaps, address, domain);
    if (mapped !== undefined) return split(mapped, domain);
    if (classifyRecipient(address, o.destinations) === 'final')
      return split(o.localTransport, domain);
    return split(o.defaultTransport, o.relayhost !== '' ? o.relayhost : domain);
  };
}
