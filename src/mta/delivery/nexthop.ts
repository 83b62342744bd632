// Next-hop syntax (postconf(5) relayhost, transport(5)): `[host]:port` and
// `[host]` connect to that host without an MX lookup; `domain:port` and
// `domain` look up MX records first. The port is a number or a service name.

export interface Nexthop {
  /** The domain or host name, without brackets (an address literal keeps its IP). */
  readonly host: string;
  readonly port: number;
  /** False for `[host]`: no MX lookup. */
  readonly mxLookup: boolean;
}

const SERVICES: Record<string, number> = {
  smtp: 25,
  submission: 587,
  submissions: 465,
  smtps: 465,
};

export class NexthopError extends Error {
  override readonly name = 'NexthopError';
}

export function parseNexthop(text: string, defaultPort = 25): Nexthop {
  const t = text.trim();
  const m =
    /^\[([^\]]+)\](?::([A-Za-z0-9-]+))?$/.exec(t) ?? /^([^:[\]\s]+)(?::([A-Za-z0-9-]+))?$/.exec(t);
  if (m === null) throw new NexthopError(`bad next-hop destination "${text}"`);
  const host = (m[1] as string).replace(/^ipv6:/i, '').toLowerCase();
  const portText = m[2];
  const port = portText === undefined ? defaultPort : portOf(portText);
  if (port === undefined) throw new NexthopError(`bad port in next-hop destination "${text}"`);
  return { host, port, mxLookup: !t.startsWith('[') };
}

/** smtp_tcp_port and next-hop ports: a number, or a well-known service name. */
export function portOf(text: string): number | undefined {
  const port = /^\d+$/.test(text) ? Number(text) : SERVICES[text.toLowerCase()];
  return port === undefined || port < 1 || port > 65535 ? undefined : port;
}
