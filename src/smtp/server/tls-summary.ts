// How Postfix describes a TLS session in logs and Received headers
// (tls_misc.c tls_log_summary, smtpd.c): `TLSv1.3 with cipher X (256/256 bits)
// key-exchange … server-signature … server-digest …`.
import type { Certificate } from '../../x509/index.js';
import type { TlsDetails } from './events.js';

/** The cipher part: `TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)`. */
export function cipherClause(t: TlsDetails): string {
  return `${t.protocol} with cipher ${t.cipher} (${t.cipherBits}/${t.cipherBits} bits)`;
}

/** The key-exchange and signature part, each piece only when known (as Postfix). */
export function kexClause(t: TlsDetails): string {
  const parts: string[] = [];
  if (t.keyExchange !== undefined) parts.push(`key-exchange ${t.keyExchange}`);
  if (t.serverSignature !== undefined) parts.push(`server-signature ${t.serverSignature}`);
  if (t.serverDigest !== undefined) parts.push(`server-digest ${t.serverDigest}`);
  return parts.join(' ');
}

/** Postfix's trust word for the peer: Anonymous (no certificate), Untrusted, Trusted (the chain verified). */
export function trustLevel(t: TlsDetails): 'Anonymous' | 'Untrusted' | 'Trusted' {
  if (t.peerCertificates.length === 0) return 'Anonymous';
  return t.peerVerified ? 'Trusted' : 'Untrusted';
}

/**
 * smtpd_tls_loglevel 1: `Anonymous TLS connection established from NAME[ADDR]: TLSv1.3 with cipher …`;
 * ` to SNI` after the client when tls_server_sni_maps matched its name (postconf(5)).
 */
export function tlsConnectionLogLine(t: TlsDetails, who: string, sni?: string): string {
  const kex = kexClause(t);
  const to = sni !== undefined ? ` to ${sni}` : '';
  return `${trustLevel(t)} TLS connection ${t.resumed ? 'reused' : 'established'} from ${who}${to}: ${cipherClause(t)}${kex === '' ? '' : ` ${kex}`}`;
}

const CN = '2.5.4.3';

/** The first CN of a name, as Postfix's tls_peer_CN / tls_issuer_CN. */
export function commonName(name: Certificate['subject']): string {
  for (const rdn of name.rdns)
    for (const a of rdn) if (a.type === CN && a.text !== undefined) return a.text;
  return '';
}
