// The session's TLS facts from the TLS library's SessionInfo, named as
// Postfix names them (tls_misc.c: `X25519`, `ECDHE (P-256)`, `DHE (2048 bits)`).
import type { SessionInfo } from '../../tls/index.js';
import type { TlsDetails } from '../server/events.js';

/** RFC 8446 §4.2.7 / RFC 7919 / draft-ietf-tls-ecdhe-mlkem code points. */
const GROUPS = new Map<number, string>([
  [0x001d, 'X25519'],
  [0x001e, 'X448'],
  [0x0017, 'ECDHE (P-256)'],
  [0x0018, 'ECDHE (P-384)'],
  [0x0019, 'ECDHE (P-521)'],
  [0x11ec, 'X25519MLKEM768'],
  [0x0100, 'DHE (2048 bits)'],
  [0x0101, 'DHE (3072 bits)'],
  [0x0102, 'DHE (4096 bits)'],
  [0x0103, 'DHE (6144 bits)'],
  [0x0104, 'DHE (8192 bits)'],
]);

export function keyExchangeName(info: SessionInfo): string | undefined {
  if (info.group !== undefined) return GROUPS.get(info.group) ?? `group 0x${info.group.toString(16).padStart(4, '0')}`;
  if (info.dhBits !== undefined) return `DHE (${info.dhBits} bits)`;
  // TLS 1.2 RSA key exchange: Postfix names none.
  return undefined;
}

export function tlsDetails(info: SessionInfo): TlsDetails {
  const kex = keyExchangeName(info);
  return {
    protocol: info.protocol,
    cipher: info.cipher.opensslName,
    cipherBits: info.cipher.bits,
    peerCertificates: info.peerCertificates,
    peerVerified: info.verification?.ok === true,
    resumed: info.resumed,
    ...(kex !== undefined ? { keyExchange: kex } : {}),
  };
}
