import { ecdhGenerate } from '../crypto/ecdh.js';
import { ecdsaPublicKey, ecdsaSign } from '../crypto/ecdsa.js';
import { hash } from '../crypto/hash.js';
import { rsaGenerateKey, rsaPkcs1v15Sign } from '../crypto/rsa.js';
import type { Random } from '../prng/random.js';
import type { Certificate } from './certificate.js';
import { parseCertificate } from './certificate.js';
import {
  derBitString,
  derBoolean,
  derInteger,
  derNull,
  derOctetString,
  derOid,
  derSequence,
  derSetOf,
  derTime,
  derUtf8String,
  tlv,
} from './der-write.js';
import { X509Error } from './errors.js';
import { parseIpAddress } from './hostname.js';
import { OID } from './oid.js';
import { encodePem } from './pem.js';
import type { PrivateKey } from './private-key.js';
import { encodePkcs8Pem } from './private-key-write.js';

export type SelfSignedKeyType = 'rsa' | 'ecdsa';

export interface SelfSignedOptions {
  keyType: SelfSignedKeyType;
  commonName: string;
  /** subjectAltName dNSName entries (RFC 5280 §4.2.1.6), e.g. the host name and `localhost`. */
  dnsNames: readonly string[];
  /** subjectAltName iPAddress entries, as text (`127.0.0.1`, `::1`). */
  ipAddresses?: readonly string[];
  /** Validity after now. */
  days: number;
  random: Random;
  now?: Date;
  /** RSA modulus size (2048 by default). */
  rsaBits?: number;
}

export interface SelfSigned {
  certificate: Certificate;
  key: PrivateKey;
  certificatePem: string;
  /** PKCS#8, unencrypted. */
  keyPem: string;
}

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
/** LDH labels with an optional leading `*.` (RFC 1034 §3.5, RFC 6125 §6.4.3). */
const DNS_NAME =
  /^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function newKey(options: SelfSignedOptions): PrivateKey {
  if (options.keyType === 'rsa')
    return { kind: 'rsa', key: rsaGenerateKey(options.rsaBits ?? 2048, options.random) };
  return { kind: 'ec', curve: 'P-256', d: ecdhGenerate('secp256r1', options.random).privateKey };
}

/** RFC 5280 §4.1.2.7 SubjectPublicKeyInfo; RFC 3279 §2.3.1 (RSA, NULL parameters) and RFC 5480 §2 (EC, named curve). */
function subjectPublicKeyInfo(key: PrivateKey): { der: Uint8Array; keyBits: Uint8Array } {
  if (key.kind === 'rsa') {
    const keyBits = derSequence([derInteger(key.key.n), derInteger(key.key.e)]);
    return {
      der: derSequence([
        derSequence([derOid(OID.rsaEncryption), derNull()]),
        derBitString(keyBits),
      ]),
      keyBits,
    };
  }
  if (key.kind === 'ec' && key.curve === 'P-256') {
    const keyBits = ecdsaPublicKey('P-256', key.d);
    return {
      der: derSequence([
        derSequence([derOid(OID.ecPublicKey), derOid(OID.prime256v1)]),
        derBitString(keyBits),
      ]),
      keyBits,
    };
  }
  throw new X509Error(
    'unsupported_algorithm',
    `self-signed certificates are made for RSA and P-256 keys, not ${key.kind}`,
  );
}

/** RFC 4055 §5 (NULL parameters) and RFC 5758 §3.2 (parameters absent). */
function signatureAlgorithm(key: PrivateKey): Uint8Array {
  return key.kind === 'rsa'
    ? derSequence([derOid(OID.sha256WithRSAEncryption), derNull()])
    : derSequence([derOid(OID.ecdsaWithSha256)]);
}

function sign(key: PrivateKey, tbs: Uint8Array, random: Random): Uint8Array {
  if (key.kind === 'rsa') return rsaPkcs1v15Sign(key.key, 'sha256', tbs, random);
  if (key.kind === 'ec') return ecdsaSign(key.curve, key.d, 'sha256', tbs, random);
  throw new X509Error('unsupported_algorithm', `cannot sign with a ${key.kind} key`);
}

function name(commonName: string): Uint8Array {
  if (commonName === '' || commonName.length > 64)
    throw new X509Error(
      'malformed_structure',
      'commonName must be 1 to 64 characters (RFC 5280 ub-common-name)',
    );
  return derSequence([
    derSetOf([derSequence([derOid(OID.commonName), derUtf8String(commonName)])]),
  ]);
}

/** RFC 5280 §4.1.2.2: positive, at most 20 octets; 16 random bytes with the top bit clear and never zero. */
function serialNumber(random: Random): bigint {
  const bytes = random.bytes(16);
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x40;
  return bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return derSequence([derOid(oid), ...(critical ? [derBoolean(true)] : []), derOctetString(value)]);
}

/** RFC 5280 §4.2.1.6 GeneralNames: dNSName [2] IA5String, iPAddress [7] OCTET STRING. */
function subjectAltNames(dnsNames: readonly string[], ipAddresses: readonly string[]): Uint8Array {
  const dns = dnsNames.map((n) => {
    if (!DNS_NAME.test(n) || n.length > 253)
      throw new X509Error('malformed_structure', `subjectAltName: '${n}' is not a DNS name`);
    return tlv(0x82, new TextEncoder().encode(n.toLowerCase()));
  });
  const ips = ipAddresses.map((a) => {
    const bytes = parseIpAddress(a);
    if (bytes === undefined)
      throw new X509Error('malformed_structure', `subjectAltName: '${a}' is not an IP address`);
    return tlv(0x87, bytes);
  });
  return derSequence([...dns, ...ips]);
}

/** RFC 5280 §4.2.1.3: digitalSignature is bit 0, keyEncipherment bit 2; DER drops trailing zero bits (X.690 §11.2.2). */
function keyUsage(key: PrivateKey): Uint8Array {
  return key.kind === 'rsa'
    ? derBitString(Uint8Array.of(0xa0), 5)
    : derBitString(Uint8Array.of(0x80), 7);
}

function extensions(options: SelfSignedOptions, key: PrivateKey, keyBits: Uint8Array): Uint8Array {
  // RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits.
  const keyId = hash('sha1', keyBits);
  const list = [
    extension(OID.basicConstraints, true, derSequence([])),
    extension(OID.keyUsage, true, keyUsage(key)),
    extension(
      OID.extKeyUsage,
      false,
      derSequence([derOid(OID.serverAuth), derOid(OID.clientAuth)]),
    ),
    extension(
      OID.subjectAltName,
      false,
      subjectAltNames(options.dnsNames, options.ipAddresses ?? []),
    ),
    extension(OID.subjectKeyIdentifier, false, derOctetString(keyId)),
    extension(OID.authorityKeyIdentifier, false, derSequence([tlv(0x80, keyId)])),
  ];
  return tlv(0xa3, derSequence(list));
}

function checkOptions(options: SelfSignedOptions): void {
  if (!Number.isSafeInteger(options.days) || options.days < 1)
    throw new X509Error(
      'malformed_structure',
      `validity must be a whole number of days ≥ 1, got ${options.days}`,
    );
  if (options.dnsNames.length + (options.ipAddresses?.length ?? 0) === 0)
    throw new X509Error(
      'malformed_structure',
      'a server certificate needs at least one subjectAltName',
    );
}

/**
 * A new key and a self-signed X.509 v3 end-entity certificate for it (RFC
 * 5280 §4.1): CA:FALSE, serverAuth and clientAuth, valid from an hour ago (clock
 * skew) for `days` days, signed with SHA-256.
 */
export function buildSelfSignedCertificate(options: SelfSignedOptions): SelfSigned {
  checkOptions(options);
  const key = newKey(options);
  const now = (options.now ?? new Date()).getTime();
  const spki = subjectPublicKeyInfo(key);
  const subject = name(options.commonName);
  const algorithm = signatureAlgorithm(key);
  const tbs = derSequence([
    tlv(0xa0, derInteger(2n)),
    derInteger(serialNumber(options.random)),
    algorithm,
    subject,
    derSequence([derTime(new Date(now - HOUR_MS)), derTime(new Date(now + options.days * DAY_MS))]),
    subject,
    spki.der,
    extensions(options, key, spki.keyBits),
  ]);
  const der = derSequence([tbs, algorithm, derBitString(sign(key, tbs, options.random))]);
  return {
    certificate: parseCertificate(der),
    key,
    certificatePem: encodePem('CERTIFICATE', der),
    keyPem: encodePkcs8Pem(key),
  };
}
