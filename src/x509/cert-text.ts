import type { HashAlgorithm } from '../crypto/hash.js';
import type { RsaPssKeyParameters } from '../crypto/rsa-key.js';
import type { Certificate } from './certificate.js';
import { parseDer } from './der.js';
import { integer, sequence } from './der-read.js';
import { X509Error } from './errors.js';
import type { Extension } from './extensions.js';
import { KeyUsage, NsCertType } from './extensions.js';
import type { GeneralName } from './general-name.js';
import { formatIp } from './general-name.js';
import { formatOneline } from './name.js';
import { OID } from './oid.js';
import { publicKeyBits } from './public-key.js';
import { signatureAlgorithmName } from './signature-algorithm.js';

/** Text as `openssl x509 -text` (OpenSSL 3.0's X509_print_ex) prints it, for the fields and extensions we decode. */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => String(n).padStart(2, '0');

/** ASN1_TIME_print: `Nov  5 15:20:09 2026 GMT`. */
export function formatTime(d: Date): string {
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${MONTHS[d.getUTCMonth()]} ${day} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}

function hexBytes(b: Uint8Array, upper = false): string[] {
  return Array.from(b, (x) => {
    const h = x.toString(16).padStart(2, '0');
    return upper ? h.toUpperCase() : h;
  });
}

/** Bytes as `aa:bb:…` lines of `perLine`, each indented, every line but the last ending in a colon. */
function hexLines(b: Uint8Array, indent: number, perLine: number): string {
  const hex = hexBytes(b);
  const lines: string[] = [];
  for (let i = 0; i < hex.length; i += perLine)
    lines.push(' '.repeat(indent) + hex.slice(i, i + perLine).join(':'));
  return lines.join(':\n') + '\n';
}

/** A big number as ASN1_bn_print does: its label line, then a leading 00 when the top bit is set, 15 bytes a line. */
function bigNumber(label: string, v: bigint, indent: number): string {
  let hex = v.toString(16);
  if (hex.length % 2 === 1) hex = '0' + hex;
  let bytes = Uint8Array.from(Buffer.from(hex, 'hex'));
  if (((bytes[0] ?? 0) & 0x80) !== 0) bytes = Uint8Array.of(0, ...bytes);
  return `${' '.repeat(indent)}${label}\n${hexLines(bytes, indent + 4, 15)}`;
}

function serialText(cert: Certificate): string {
  let mag = cert.serialBytes;
  const negative = cert.serialNumber < 0n;
  if (!negative && mag.length > 1 && mag[0] === 0) mag = mag.subarray(1);
  if (mag.length <= 8) {
    const v = negative ? -cert.serialNumber : cert.serialNumber;
    const sign = negative ? '-' : '';
    return ` ${sign}${v} (${sign}0x${v.toString(16)})\n`;
  }
  const abs = negative ? -cert.serialNumber : cert.serialNumber;
  let hex = abs.toString(16);
  if (hex.length % 2 === 1) hex = '0' + hex;
  return `\n            ${negative ? ' (Negative)' : ''}${hex.match(/../g)?.join(':') ?? ''}\n`;
}

/** OpenSSL 3's digest names in key text (rsa_oaeppss_nid2name). */
const PSS_HASH_NAMES: Readonly<Record<HashAlgorithm, string>> = {
  md5: 'MD5',
  sha1: 'SHA1',
  sha256: 'SHA2-256',
  sha384: 'SHA2-384',
  sha512: 'SHA2-512',
};

/** An id-RSASSA-PSS key's restrictions as OpenSSL 3's key-to-text encoder prints them (defaults marked). */
function pssRestrictionsText(pss: RsaPssKeyParameters, i: string): string {
  const r = pss.restrictions;
  if (r === undefined) return `${i}No PSS parameter restrictions\n`;
  const dflt = (isDefault: boolean): string => (isDefault ? ' (default)' : '');
  return (
    `${i}PSS parameter restrictions:\n` +
    `${i}  Hash Algorithm: ${PSS_HASH_NAMES[r.hash]}${dflt(r.hash === 'sha1')}\n` +
    `${i}  Mask Algorithm: MGF1 with ${PSS_HASH_NAMES[r.mgfHash]}${dflt(r.mgfHash === 'sha1')}\n` +
    `${i}  Minimum Salt Length: ${r.minSaltLength}${dflt(r.minSaltLength === 20)}\n` +
    `${i}  Trailer Field: 0x1 (default)\n`
  );
}

function publicKeyText(cert: Certificate): string {
  const key = cert.publicKey.key;
  const i = ' '.repeat(16);
  switch (key.kind) {
    case 'rsa':
      return (
        `            Public Key Algorithm: ${key.pss === undefined ? 'rsaEncryption' : 'rsassaPss'}\n${i}Public-Key: (${publicKeyBits(key)} bit)\n` +
        bigNumber('Modulus:', key.n, 16) +
        `${i}Exponent: ${key.e} (0x${key.e.toString(16)})\n` +
        (key.pss === undefined ? '' : pssRestrictionsText(key.pss, i))
      );
    case 'ec':
      return (
        `            Public Key Algorithm: id-ecPublicKey\n${i}Public-Key: (${publicKeyBits(key)} bit)\n${i}pub:\n` +
        hexLines(key.point, 20, 15) +
        `${i}ASN1 OID: ${key.curve === 'P-256' ? 'prime256v1' : 'secp384r1'}\n${i}NIST CURVE: ${key.curve}\n`
      );
    case 'ed25519':
      return (
        `            Public Key Algorithm: ED25519\n${i}ED25519 Public-Key:\n${i}pub:\n` +
        hexLines(key.key, 20, 15)
      );
    case 'dsa':
      return (
        `            Public Key Algorithm: dsaEncryption\n${i}Public-Key: (${publicKeyBits(key)} bit)\n` +
        // OpenSSL pads the DSA labels to one width, trailing spaces included.
        bigNumber('pub: ', key.y, 16) +
        bigNumber('P:   ', key.p, 16) +
        bigNumber('Q:   ', key.q, 16) +
        bigNumber('G:   ', key.g, 16)
      );
    case 'unsupported':
      return `            Public Key Algorithm: ${key.algorithm}\n${i}Unable to load Public Key\n`;
  }
}

const KEY_USAGE_NAMES: readonly [number, string][] = [
  [KeyUsage.digitalSignature, 'Digital Signature'],
  [KeyUsage.nonRepudiation, 'Non Repudiation'],
  [KeyUsage.keyEncipherment, 'Key Encipherment'],
  [KeyUsage.dataEncipherment, 'Data Encipherment'],
  [KeyUsage.keyAgreement, 'Key Agreement'],
  [KeyUsage.keyCertSign, 'Certificate Sign'],
  [KeyUsage.cRLSign, 'CRL Sign'],
  [KeyUsage.encipherOnly, 'Encipher Only'],
  [KeyUsage.decipherOnly, 'Decipher Only'],
];

const NS_CERT_TYPE_NAMES: readonly [number, string][] = [
  [NsCertType.sslClient, 'SSL Client'],
  [NsCertType.sslServer, 'SSL Server'],
  [NsCertType.smime, 'S/MIME'],
  [NsCertType.objsign, 'Object Signing'],
  [NsCertType.sslCA, 'SSL CA'],
  [NsCertType.smimeCA, 'S/MIME CA'],
  [NsCertType.objCA, 'Object Signing CA'],
];

const EKU_NAMES: Readonly<Record<string, string>> = {
  [OID.serverAuth]: 'TLS Web Server Authentication',
  [OID.clientAuth]: 'TLS Web Client Authentication',
  '1.3.6.1.5.5.7.3.3': 'Code Signing',
  '1.3.6.1.5.5.7.3.4': 'E-mail Protection',
  '1.3.6.1.5.5.7.3.8': 'Time Stamping',
  '1.3.6.1.5.5.7.3.9': 'OCSP Signing',
  [OID.anyExtendedKeyUsage]: 'Any Extended Key Usage',
  [OID.nsSgc]: 'Netscape Server Gated Crypto',
  [OID.msSgc]: 'Microsoft Server Gated Crypto',
};

const EXTENSION_NAMES: Readonly<Record<string, string>> = {
  [OID.subjectKeyIdentifier]: 'X509v3 Subject Key Identifier',
  [OID.authorityKeyIdentifier]: 'X509v3 Authority Key Identifier',
  [OID.basicConstraints]: 'X509v3 Basic Constraints',
  [OID.subjectAltName]: 'X509v3 Subject Alternative Name',
  [OID.extKeyUsage]: 'X509v3 Extended Key Usage',
  [OID.keyUsage]: 'X509v3 Key Usage',
  [OID.nsCertType]: 'Netscape Cert Type',
};

function generalNameText(g: GeneralName): string {
  switch (g.type) {
    case 'dns':
      return `DNS:${g.value}`;
    case 'email':
      return `email:${g.value}`;
    case 'uri':
      return `URI:${g.value}`;
    case 'ip':
      return `IP Address:${formatIp(g.value)}`;
    case 'directory':
      return `DirName:${formatOneline(g.value)}`;
    case 'registeredId':
      return `Registered ID:${g.value}`;
    case 'other':
      return `othername:<unsupported>`;
  }
}

function named(mask: number, names: readonly [number, string][]): string {
  return names.flatMap(([bit, name]) => ((mask & bit) !== 0 ? [name] : [])).join(', ');
}

/** The value line of a decoded extension, or the hex dump OpenSSL falls back to for others. */
function extensionValue(cert: Certificate, ext: Extension): string {
  const e = cert.ext;
  switch (ext.oid) {
    case OID.subjectKeyIdentifier:
      return hexBytes(e.subjectKeyId ?? new Uint8Array(), true).join(':');
    case OID.authorityKeyIdentifier:
      return hexBytes(e.authorityKeyId?.keyId ?? new Uint8Array(), true).join(':');
    case OID.basicConstraints: {
      const bc = e.basicConstraints;
      return `CA:${bc?.ca ? 'TRUE' : 'FALSE'}${bc?.pathLen !== undefined ? `, pathlen:${bc.pathLen}` : ''}`;
    }
    case OID.subjectAltName:
      return (e.subjectAltName ?? []).map(generalNameText).join(', ');
    case OID.extKeyUsage:
      return (e.extKeyUsage ?? []).map((o) => EKU_NAMES[o] ?? o).join(', ');
    case OID.keyUsage:
      return named(e.keyUsage ?? 0, KEY_USAGE_NAMES);
    case OID.nsCertType:
      return named(e.nsCertType ?? 0, NS_CERT_TYPE_NAMES);
    default:
      return hexBytes(ext.value).join(':');
  }
}

function extensionsText(cert: Certificate): string {
  if (cert.extensions.length === 0) return '';
  let out = '        X509v3 extensions:\n';
  for (const ext of cert.extensions) {
    out += `            ${EXTENSION_NAMES[ext.oid] ?? ext.oid}: ${ext.critical ? 'critical' : ''}\n`;
    out += `                ${extensionValue(cert, ext)}\n`;
  }
  return out;
}

export function certificateText(cert: Certificate): string {
  const sigName = signatureAlgorithmName(cert.signatureAlgorithm);
  return (
    'Certificate:\n    Data:\n' +
    `        Version: ${cert.version} (0x${(cert.version - 1).toString(16)})\n` +
    `        Serial Number:${serialText(cert)}` +
    `        Signature Algorithm: ${sigName}\n` +
    `        Issuer: ${formatOneline(cert.issuer)}\n` +
    '        Validity\n' +
    `            Not Before: ${formatTime(cert.notBefore)}\n` +
    `            Not After : ${formatTime(cert.notAfter)}\n` +
    `        Subject: ${formatOneline(cert.subject)}\n` +
    '        Subject Public Key Info:\n' +
    publicKeyText(cert) +
    extensionsText(cert) +
    `    Signature Algorithm: ${sigName}\n` +
    '    Signature Value:\n' +
    signatureText(cert)
  );
}

/**
 * DSA signatures print as their r and s (OpenSSL's DSA_print_sig) where
 * OpenSSL 3.0 maps the algorithm to DSA (SHA-1, SHA-256); the others as bytes.
 */
function signatureText(cert: Certificate): string {
  const oid = cert.signatureAlgorithm.oid;
  if (oid === OID.dsaWithSha1 || oid === OID.dsaWithSha256) {
    try {
      const [r, s] = sequence(parseDer(cert.signature), 'Dss-Sig-Value', 2, 2).map((n) =>
        integer(n, 'Dss-Sig-Value'),
      );
      return bigNumber('r:   ', r as bigint, 8) + bigNumber('s:   ', s as bigint, 8);
    } catch (err) {
      if (!(err instanceof X509Error)) throw err;
    }
  }
  return hexLines(cert.signature, 8, 18);
}
