// The session's TLS facts from the TLS library's SessionInfo, named as
// Postfix names them (tls_misc.c, OpenSSL short names: `X25519`,
// `ECDHE (prime256v1)`, `DHE (2048 bits)`, `ECDSA (prime256v1)`, as
// posttls-finger prints them).
import type { SessionInfo } from '../../tls/index.js';
import type { TlsDetails } from '../server/events.js';

/** RFC 8446 §4.2.7 / RFC 7919 / draft-ietf-tls-ecdhe-mlkem code points. */
const GROUPS = new Map<number, string>([
  [0x001d, 'X25519'],
  [0x001e, 'X448'],
  [0x0017, 'ECDHE (prime256v1)'],
  [0x0018, 'ECDHE (secp384r1)'],
  [0x0019, 'ECDHE (secp521r1)'],
  [0x11ec, 'X25519MLKEM768'],
  [0x0100, 'DHE (2048 bits)'],
  [0x0101, 'DHE (3072 bits)'],
  [0x0102, 'DHE (4096 bits)'],
  [0x0103, 'DHE (6144 bits)'],
  [0x0104, 'DHE (8192 bits)'],
]);

export function keyExchangeName(info: SessionInfo): string | undefined {
  if (info.group !== undefined)
    return GROUPS.get(info.group) ?? `group 0x${info.group.toString(16).padStart(4, '0')}`;
  if (info.dhBits !== undefined) return `DHE (${info.dhBits} bits)`;
  // TLS 1.2 RSA key exchange: Postfix names none.
  return undefined;
}

/** OpenSSL's short names (OBJ_nid2sn), which Postfix prints. */
const OPENSSL_CURVE = { 'P-256': 'prime256v1', 'P-384': 'secp384r1' } as const;

/** RFC 8446 §4.2.3 SignatureScheme → the key type Postfix names and the digest (none for EdDSA, as OpenSSL reports none). */
const SCHEMES = new Map<number, { name: string; digest?: string }>([
  [0x0401, { name: 'RSA', digest: 'SHA256' }],
  [0x0501, { name: 'RSA', digest: 'SHA384' }],
  [0x0601, { name: 'RSA', digest: 'SHA512' }],
  [0x0201, { name: 'RSA', digest: 'SHA1' }],
  [0x0804, { name: 'RSA-PSS', digest: 'SHA256' }],
  [0x0805, { name: 'RSA-PSS', digest: 'SHA384' }],
  [0x0806, { name: 'RSA-PSS', digest: 'SHA512' }],
  [0x0809, { name: 'RSA-PSS', digest: 'SHA256' }],
  [0x080a, { name: 'RSA-PSS', digest: 'SHA384' }],
  [0x080b, { name: 'RSA-PSS', digest: 'SHA512' }],
  [0x0403, { name: 'ECDSA', digest: 'SHA256' }],
  [0x0503, { name: 'ECDSA', digest: 'SHA384' }],
  [0x0603, { name: 'ECDSA', digest: 'SHA512' }],
  [0x0203, { name: 'ECDSA', digest: 'SHA1' }],
  [0x0402, { name: 'DSA', digest: 'SHA256' }],
  [0x0202, { name: 'DSA', digest: 'SHA1' }],
  [0x0807, { name: 'ED25519' }],
  [0x0808, { name: 'ED448' }],
]);

/** `RSA-PSS (2048 bits)`, `ECDSA (prime256v1)`, `ED25519`: Postfix's server-signature, from the scheme and our certificate's key. */
function serverSignature(info: SessionInfo): { serverSignature?: string; serverDigest?: string } {
  const scheme =
    info.localSignatureScheme === undefined ? undefined : SCHEMES.get(info.localSignatureScheme);
  if (scheme === undefined) return {};
  const key = info.localCertificate?.publicKey.key;
  let size = '';
  if (key?.kind === 'rsa') size = ` (${key.n.toString(2).length} bits)`;
  else if (key?.kind === 'dsa') size = ` (${key.p.toString(2).length} bits)`;
  else if (key?.kind === 'ec') size = ` (${OPENSSL_CURVE[key.curve]})`;
  return {
    serverSignature: `${scheme.name}${size}`,
    ...(scheme.digest !== undefined ? { serverDigest: scheme.digest } : {}),
  };
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
    ...serverSignature(info),
  };
}
