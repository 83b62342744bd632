import { ConfigError, type ConfigLocation } from './config-error.js';
import type { ServicesFile } from './services-file.js';

/** Where an inet service listens: a host (undefined: every inet_interfaces address) and a TCP port. */
export interface ServiceAddress {
  readonly host?: string;
  readonly port: number;
}

function resolvePort(
  port: string,
  services: ServicesFile,
  location: ConfigLocation,
  field: string,
): number {
  if (/^\d+$/.test(port)) {
    const number = Number(port);
    if (number < 1 || number > 65535)
      throw new ConfigError({ ...location, value: field, expected: 'a port from 1 to 65535' });
    return number;
  }
  const found = services.port(port, 'tcp');
  if (found === undefined) {
    throw new ConfigError({
      ...location,
      reason: `service "${port}" is not in ${services.file} (use the port number, or add it there)`,
    });
  }
  return found;
}

/**
 * The service field of an inet service (master(5)): `port`, `name`,
 * `host:port` or `[ipv6-address]:port`; names resolve through /etc/services.
 */
export function parseServiceAddress(
  field: string,
  services: ServicesFile,
  location: ConfigLocation,
): ServiceAddress {
  const bracketed = /^\[([^\]]+)\]:([^:]+)$/.exec(field);
  if (bracketed)
    return {
      host: bracketed[1] as string,
      port: resolvePort(bracketed[2] as string, services, location, field),
    };
  const colon = field.lastIndexOf(':');
  if (colon < 0) return { port: resolvePort(field, services, location, field) };
  const host = field.slice(0, colon);
  if (host.includes(':'))
    throw new ConfigError({
      ...location,
      value: field,
      expected: 'an IPv6 address in brackets: [address]:port',
    });
  const port = resolvePort(field.slice(colon + 1), services, location, field);
  return host === '' ? { port } : { host, port };
}
