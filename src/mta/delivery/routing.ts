// Where a remote recipient goes (Postfix trivial-rewrite(8) for non-local
// mail): transport_maps by address, domain, parent domains (`.domain`) and
// `*`; else relayhost; else the recipient domain; the transport is
// relay_transport for relay_domains and default_transport otherwise.
import type { Table } from '../tables/table.js';

export interface Route {
  readonly transport: string;
  readonly nexthop: string;
}

export interface RoutingOptions {
  /** transport_maps */
  readonly transportMaps?: readonly Table[];
  /** relayhost ('' = none) */
  readonly relayhost?: string;
  /** default_transport (smtp) */
  readonly defaultTransport?: string;
  /** relay_transport (relay) */
  readonly relayTransport?: string;
  /** relay_domains membership */
  readonly isRelayDomain?: (domain: string) => boolean;
}

export function routeRecipient(address: string, o: RoutingOptions): Route {
  const at = address.lastIndexOf('@');
  const domain = at < 0 ? '' : address.slice(at + 1).toLowerCase();
  const relay = o.isRelayDomain?.(domain) === true;
  const transport = relay ? (o.relayTransport ?? 'relay') : (o.defaultTransport ?? 'smtp');
  const fallback = (o.relayhost ?? '').trim() !== '' ? (o.relayhost as string).trim() : domain;
  const hit = lookupTransport(o.transportMaps ?? [], address.toLowerCase(), domain);
  if (hit === undefined) return splitTransport(transport, fallback, fallback);
  return splitTransport(hit, transport, fallback);
}

function lookupTransport(
  tables: readonly Table[],
  address: string,
  domain: string,
): string | undefined {
  const labels = domain.split('.');
  const keys = [
    address,
    domain,
    ...labels.slice(1).map((_, i) => `.${labels.slice(i + 1).join('.')}`),
    '*',
  ];
  for (const key of keys) {
    if (key === '' || key === '.') continue;
    for (const t of tables) {
      const v = t.lookup(key);
      if (v !== undefined) return v.trim();
    }
  }
  return undefined;
}

/** transport(5) `transport:nexthop`: an empty transport or next hop keeps the default. */
function splitTransport(value: string, defaultTransport: string, defaultNexthop: string): Route {
  const colon = value.indexOf(':');
  const transport = colon < 0 ? value : value.slice(0, colon);
  const nexthop = colon < 0 ? '' : value.slice(colon + 1);
  return {
    transport: transport === '' ? defaultTransport : transport,
    nexthop: nexthop === '' ? defaultNexthop : nexthop,
  };
}
