/**
 * The key of a client session in `smtp_tls_session_cache_database`, as
 * Postfix keys it: by next-hop and MX host, address and port, so a session
 * made for one destination is never offered to another. (The TLS layer's
 * ClientSessionCache takes any string; this is the MTA's choice of string.)
 */
export function destinationKey(parts: {
  nexthop: string;
  mxHost?: string;
  address?: string;
  port?: number;
}): string {
  return [
    'smtp',
    parts.nexthop.toLowerCase(),
    (parts.mxHost ?? '').toLowerCase(),
    parts.address ?? '',
    parts.port === undefined ? '' : String(parts.port),
  ].join('&');
}
