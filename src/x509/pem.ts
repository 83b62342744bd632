import { X509Error } from './errors.js';

/** One RFC 7468 block, with the RFC 1421 headers that old OpenSSL keys carry (`Proc-Type: 4,ENCRYPTED`). */
export interface PemBlock {
  label: string;
  headers: ReadonlyMap<string, string>;
  der: Uint8Array;
}

const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----\s*$/;
const END = /^-----END ([A-Z0-9 ]+)-----\s*$/;
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Every PEM block in `text`, in order. Text between blocks is ignored, as
 * OpenSSL ignores it (`openssl x509 -text` output before the armour); a block
 * that starts and does not end, or whose body is not base64, is an error.
 */
export function parsePem(text: string): PemBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: PemBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const begin = BEGIN.exec(lines[i] ?? '');
    if (!begin) continue;
    const label = begin[1] as string;
    const headers = new Map<string, string>();
    const body: string[] = [];
    let j = i + 1;
    if ((lines[j] ?? '').includes(':')) {
      for (; j < lines.length && (lines[j] ?? '').trim() !== ''; j++) {
        const line = lines[j] as string;
        const colon = line.indexOf(':');
        if (colon < 0)
          throw new X509Error('malformed_pem', `PEM ${label}: header line without a colon`);
        headers.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
    }
    let ended = false;
    for (; j < lines.length; j++) {
      const line = (lines[j] as string).trim();
      const end = END.exec(line);
      if (end) {
        if (end[1] !== label)
          throw new X509Error('malformed_pem', `PEM BEGIN ${label} closed by END ${end[1]}`);
        ended = true;
        break;
      }
      if (line === '') continue;
      if (!BASE64_LINE.test(line))
        throw new X509Error('malformed_pem', `PEM ${label}: invalid base64 line`);
      body.push(line);
    }
    if (!ended) throw new X509Error('malformed_pem', `PEM ${label}: no END line`);
    blocks.push({ label, headers, der: decodeBase64(body.join(''), label) });
    i = j;
  }
  return blocks;
}

function decodeBase64(b64: string, label: string): Uint8Array {
  if (b64.length % 4 !== 0 || /=[^=]/.test(b64))
    throw new X509Error('malformed_pem', `PEM ${label}: base64 length or padding is wrong`);
  const der = Uint8Array.from(Buffer.from(b64, 'base64'));
  if (der.length === 0) throw new X509Error('malformed_pem', `PEM ${label}: empty body`);
  return der;
}

/** RFC 7468 §2: 64-character lines. */
export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** True if `bytes` looks like PEM text rather than DER (a DER object never starts with '-'). */
export function looksLikePem(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  return head.includes('-----BEGIN ');
}
