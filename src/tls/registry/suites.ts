import type { AeadAlgorithm } from '../../crypto/aead.js';
import type { HashAlgorithm } from '../../crypto/hash.js';
import { CipherSuite } from './cipher-suite.js';

/**
 * The cipher-suite registry: every suite postern implements, declared once
 * with its IANA code point, its IANA and OpenSSL names, and what it is made
 * of. Version negotiation, cipher lists and logs all read this table.
 */
export interface Tls13Suite {
  readonly version: 'TLSv1.3';
  readonly code: number;
  readonly name: string;
  /** OpenSSL spells TLS 1.3 suites with their IANA names. */
  readonly opensslName: string;
  readonly aead: AeadAlgorithm;
  readonly keyLength: number;
  readonly hash: HashAlgorithm;
  /** Symmetric strength in bits, as OpenSSL reports it. */
  readonly bits: number;
}

/** RFC 5288 §3 (AES-GCM: 4-byte salt, 8-byte explicit nonce) and RFC 7905 §2 (ChaCha20-Poly1305: 12-byte IV, none explicit). */
export interface Tls12AeadCipher {
  readonly kind: 'aead';
  readonly aead: AeadAlgorithm;
  readonly keyLength: 16 | 32;
  readonly fixedIvLength: 4 | 12;
  readonly explicitNonceLength: 8 | 0;
}

/** RFC 5246 §6.2.3.2: AES-CBC with HMAC; the IV is explicit per record, so the key block holds none. */
export interface Tls12CbcCipher {
  readonly kind: 'cbc';
  readonly keyLength: 16 | 32;
  readonly mac: 'sha1' | 'sha256' | 'sha384';
  readonly macLength: 20 | 32 | 48;
}

export type Tls12Cipher = Tls12AeadCipher | Tls12CbcCipher;

/**
 * How OpenSSL classifies a suite, which is what its cipher-string keywords
 * select on (ssl/s3_lib.c and ssl/ssl_ciph.c of OpenSSL 3.0).
 */
export interface OpensslClass {
  /** The `Enc=` column: AES128/AES256 are CBC, AESGCM128/256 and CHACHA20 are AEADs. */
  readonly enc: 'AES128' | 'AES256' | 'AESGCM128' | 'AESGCM256' | 'CHACHA20';
  /** The `Mac=` column. */
  readonly mac: 'SHA1' | 'SHA256' | 'SHA384' | 'AEAD';
  /** The first protocol version the suite exists in; the `SSLv3`/`TLSv1`/`TLSv1.2` keywords match it exactly. */
  readonly minVersion: 'SSLv3' | 'TLSv1' | 'TLSv1.2';
  readonly strength: 'HIGH' | 'MEDIUM';
  /** False for suites OpenSSL 3.0 keeps out of DEFAULT (COMPLEMENTOFDEFAULT: the DHE-DSS suites). */
  readonly inDefault: boolean;
  /** Selected by the `FIPS` keyword (FIPS 140 approved algorithms: AES, not ChaCha20). */
  readonly fips: boolean;
}

export interface Tls12Suite {
  readonly version: 'TLSv1.2';
  readonly code: number;
  /** The IANA name. */
  readonly name: string;
  readonly opensslName: string;
  readonly keyExchange: 'ecdhe' | 'dhe' | 'rsa';
  readonly auth: 'rsa' | 'dss' | 'ecdsa';
  readonly cipher: Tls12Cipher;
  /** RFC 5246 §5: SHA-256 unless the suite names SHA-384 (RFC 5288 §3, RFC 5289 §3.2). */
  readonly prfHash: 'sha256' | 'sha384';
  /** Symmetric strength in bits, as OpenSSL reports it. */
  readonly bits: number;
  readonly openssl: OpensslClass;
}

export type CipherSuiteInfo = Tls13Suite | Tls12Suite;

function tls13(
  code: number,
  name: string,
  aead: AeadAlgorithm,
  keyLength: number,
  hash: HashAlgorithm,
  bits: number,
): Tls13Suite {
  return { version: 'TLSv1.3', code, name, opensslName: name, aead, keyLength, hash, bits };
}

/** RFC 8446 §B.4. */
export const TLS_AES_128_GCM_SHA256 = tls13(
  0x1301,
  'TLS_AES_128_GCM_SHA256',
  'aes-128-gcm',
  16,
  'sha256',
  128,
);
export const TLS_AES_256_GCM_SHA384 = tls13(
  0x1302,
  'TLS_AES_256_GCM_SHA384',
  'aes-256-gcm',
  32,
  'sha384',
  256,
);
export const TLS_CHACHA20_POLY1305_SHA256 = tls13(
  0x1303,
  'TLS_CHACHA20_POLY1305_SHA256',
  'chacha20-poly1305',
  32,
  'sha256',
  256,
);

/** Every TLS 1.3 suite postern implements (RFC 8446 §B.4 less the CCM ones). */
export const ALL_TLS13_SUITES: readonly Tls13Suite[] = [
  TLS_CHACHA20_POLY1305_SHA256,
  TLS_AES_128_GCM_SHA256,
  TLS_AES_256_GCM_SHA384,
];

type Kx = Tls12Suite['keyExchange'];
type Au = Tls12Suite['auth'];
type Bulk = 'AES128-GCM' | 'AES256-GCM' | 'CHACHA20' | 'AES128-CBC' | 'AES256-CBC';

const AEADS: Record<'AES128-GCM' | 'AES256-GCM' | 'CHACHA20', Tls12AeadCipher> = {
  'AES128-GCM': {
    kind: 'aead',
    aead: 'aes-128-gcm',
    keyLength: 16,
    fixedIvLength: 4,
    explicitNonceLength: 8,
  },
  'AES256-GCM': {
    kind: 'aead',
    aead: 'aes-256-gcm',
    keyLength: 32,
    fixedIvLength: 4,
    explicitNonceLength: 8,
  },
  CHACHA20: {
    kind: 'aead',
    aead: 'chacha20-poly1305',
    keyLength: 32,
    fixedIvLength: 12,
    explicitNonceLength: 0,
  },
};
const MAC_LENGTH = { sha1: 20, sha256: 32, sha384: 48 } as const;

/**
 * Declares one TLS 1.2 suite. `mac` is the record MAC for CBC suites and the
 * PRF hash for AEAD suites (the `_SHA256`/`_SHA384` at the end of the name).
 */
function tls12(
  name: keyof typeof CipherSuite,
  opensslName: string,
  keyExchange: Kx,
  auth: Au,
  bulk: Bulk,
  mac: 'sha1' | 'sha256' | 'sha384',
): Tls12Suite {
  const aead = bulk === 'AES128-GCM' || bulk === 'AES256-GCM' || bulk === 'CHACHA20';
  const cipher: Tls12Cipher = aead
    ? AEADS[bulk]
    : { kind: 'cbc', keyLength: bulk === 'AES128-CBC' ? 16 : 32, mac, macLength: MAC_LENGTH[mac] };
  const bits = cipher.keyLength * 8;
  const enc: OpensslClass['enc'] =
    bulk === 'AES128-GCM'
      ? 'AESGCM128'
      : bulk === 'AES256-GCM'
        ? 'AESGCM256'
        : bulk === 'CHACHA20'
          ? 'CHACHA20'
          : bulk === 'AES128-CBC'
            ? 'AES128'
            : 'AES256';
  // OpenSSL dates the CBC-SHA1 suites from the version that defined them: RFC 3268 (SSLv3 on) and RFC 4492 (ECDHE, TLS 1.0 on).
  const minVersion: OpensslClass['minVersion'] =
    aead || mac !== 'sha1' ? 'TLSv1.2' : keyExchange === 'ecdhe' ? 'TLSv1' : 'SSLv3';
  return {
    version: 'TLSv1.2',
    code: CipherSuite[name],
    name,
    opensslName,
    keyExchange,
    auth,
    cipher,
    prfHash: mac === 'sha384' ? 'sha384' : 'sha256',
    bits,
    openssl: {
      enc,
      mac: aead ? 'AEAD' : mac === 'sha1' ? 'SHA1' : mac === 'sha256' ? 'SHA256' : 'SHA384',
      minVersion,
      strength: 'HIGH',
      inDefault: auth !== 'dss',
      fips: bulk !== 'CHACHA20',
    },
  };
}

/** RFC 5289 §3.2 and RFC 7905 §2: ECDHE with ECDSA certificates. */
export const ECDHE_ECDSA_CHACHA20_POLY1305 = tls12(
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ecdhe',
  'ecdsa',
  'CHACHA20',
  'sha256',
);
export const ECDHE_ECDSA_AES128_GCM_SHA256 = tls12(
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ecdhe',
  'ecdsa',
  'AES128-GCM',
  'sha256',
);
export const ECDHE_ECDSA_AES256_GCM_SHA384 = tls12(
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ecdhe',
  'ecdsa',
  'AES256-GCM',
  'sha384',
);
export const ECDHE_ECDSA_AES128_SHA256 = tls12(
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  'ECDHE-ECDSA-AES128-SHA256',
  'ecdhe',
  'ecdsa',
  'AES128-CBC',
  'sha256',
);
export const ECDHE_ECDSA_AES256_SHA384 = tls12(
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
  'ECDHE-ECDSA-AES256-SHA384',
  'ecdhe',
  'ecdsa',
  'AES256-CBC',
  'sha384',
);
export const ECDHE_ECDSA_AES128_SHA = tls12(
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  'ECDHE-ECDSA-AES128-SHA',
  'ecdhe',
  'ecdsa',
  'AES128-CBC',
  'sha1',
);
export const ECDHE_ECDSA_AES256_SHA = tls12(
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  'ECDHE-ECDSA-AES256-SHA',
  'ecdhe',
  'ecdsa',
  'AES256-CBC',
  'sha1',
);

/** RFC 5289 §3.2, RFC 7905 §2, RFC 8422 §6: ECDHE with RSA certificates. */
export const ECDHE_RSA_CHACHA20_POLY1305 = tls12(
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ecdhe',
  'rsa',
  'CHACHA20',
  'sha256',
);
export const ECDHE_RSA_AES128_GCM_SHA256 = tls12(
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ecdhe',
  'rsa',
  'AES128-GCM',
  'sha256',
);
export const ECDHE_RSA_AES256_GCM_SHA384 = tls12(
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ecdhe',
  'rsa',
  'AES256-GCM',
  'sha384',
);
export const ECDHE_RSA_AES128_SHA256 = tls12(
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
  'ECDHE-RSA-AES128-SHA256',
  'ecdhe',
  'rsa',
  'AES128-CBC',
  'sha256',
);
export const ECDHE_RSA_AES256_SHA384 = tls12(
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  'ECDHE-RSA-AES256-SHA384',
  'ecdhe',
  'rsa',
  'AES256-CBC',
  'sha384',
);
export const ECDHE_RSA_AES128_SHA = tls12(
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  'ECDHE-RSA-AES128-SHA',
  'ecdhe',
  'rsa',
  'AES128-CBC',
  'sha1',
);
export const ECDHE_RSA_AES256_SHA = tls12(
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'ECDHE-RSA-AES256-SHA',
  'ecdhe',
  'rsa',
  'AES256-CBC',
  'sha1',
);

/** RFC 5288 §3, RFC 7905 §2, RFC 5246 §A.5: DHE with RSA certificates. */
export const DHE_RSA_CHACHA20_POLY1305 = tls12(
  'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'DHE-RSA-CHACHA20-POLY1305',
  'dhe',
  'rsa',
  'CHACHA20',
  'sha256',
);
export const DHE_RSA_AES128_GCM_SHA256 = tls12(
  'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  'DHE-RSA-AES128-GCM-SHA256',
  'dhe',
  'rsa',
  'AES128-GCM',
  'sha256',
);
export const DHE_RSA_AES256_GCM_SHA384 = tls12(
  'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  'DHE-RSA-AES256-GCM-SHA384',
  'dhe',
  'rsa',
  'AES256-GCM',
  'sha384',
);
export const DHE_RSA_AES128_SHA256 = tls12(
  'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256',
  'DHE-RSA-AES128-SHA256',
  'dhe',
  'rsa',
  'AES128-CBC',
  'sha256',
);
export const DHE_RSA_AES256_SHA256 = tls12(
  'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256',
  'DHE-RSA-AES256-SHA256',
  'dhe',
  'rsa',
  'AES256-CBC',
  'sha256',
);
export const DHE_RSA_AES128_SHA = tls12(
  'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
  'DHE-RSA-AES128-SHA',
  'dhe',
  'rsa',
  'AES128-CBC',
  'sha1',
);
export const DHE_RSA_AES256_SHA = tls12(
  'TLS_DHE_RSA_WITH_AES_256_CBC_SHA',
  'DHE-RSA-AES256-SHA',
  'dhe',
  'rsa',
  'AES256-CBC',
  'sha1',
);

/** RFC 5288 §3, RFC 5246 §A.5: DHE with DSA certificates (no ChaCha20 suite exists for DSS). */
export const DHE_DSS_AES128_GCM_SHA256 = tls12(
  'TLS_DHE_DSS_WITH_AES_128_GCM_SHA256',
  'DHE-DSS-AES128-GCM-SHA256',
  'dhe',
  'dss',
  'AES128-GCM',
  'sha256',
);
export const DHE_DSS_AES256_GCM_SHA384 = tls12(
  'TLS_DHE_DSS_WITH_AES_256_GCM_SHA384',
  'DHE-DSS-AES256-GCM-SHA384',
  'dhe',
  'dss',
  'AES256-GCM',
  'sha384',
);
export const DHE_DSS_AES128_SHA256 = tls12(
  'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256',
  'DHE-DSS-AES128-SHA256',
  'dhe',
  'dss',
  'AES128-CBC',
  'sha256',
);
export const DHE_DSS_AES256_SHA256 = tls12(
  'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256',
  'DHE-DSS-AES256-SHA256',
  'dhe',
  'dss',
  'AES256-CBC',
  'sha256',
);
export const DHE_DSS_AES128_SHA = tls12(
  'TLS_DHE_DSS_WITH_AES_128_CBC_SHA',
  'DHE-DSS-AES128-SHA',
  'dhe',
  'dss',
  'AES128-CBC',
  'sha1',
);
export const DHE_DSS_AES256_SHA = tls12(
  'TLS_DHE_DSS_WITH_AES_256_CBC_SHA',
  'DHE-DSS-AES256-SHA',
  'dhe',
  'dss',
  'AES256-CBC',
  'sha1',
);

/** RFC 5288 §3, RFC 5246 §A.5: RSA key exchange (no forward secrecy; only when a cipher list asks for it). */
export const RSA_AES128_GCM_SHA256 = tls12(
  'TLS_RSA_WITH_AES_128_GCM_SHA256',
  'AES128-GCM-SHA256',
  'rsa',
  'rsa',
  'AES128-GCM',
  'sha256',
);
export const RSA_AES256_GCM_SHA384 = tls12(
  'TLS_RSA_WITH_AES_256_GCM_SHA384',
  'AES256-GCM-SHA384',
  'rsa',
  'rsa',
  'AES256-GCM',
  'sha384',
);
export const RSA_AES128_SHA256 = tls12(
  'TLS_RSA_WITH_AES_128_CBC_SHA256',
  'AES128-SHA256',
  'rsa',
  'rsa',
  'AES128-CBC',
  'sha256',
);
export const RSA_AES256_SHA256 = tls12(
  'TLS_RSA_WITH_AES_256_CBC_SHA256',
  'AES256-SHA256',
  'rsa',
  'rsa',
  'AES256-CBC',
  'sha256',
);
export const RSA_AES128_SHA = tls12(
  'TLS_RSA_WITH_AES_128_CBC_SHA',
  'AES128-SHA',
  'rsa',
  'rsa',
  'AES128-CBC',
  'sha1',
);
export const RSA_AES256_SHA = tls12(
  'TLS_RSA_WITH_AES_256_CBC_SHA',
  'AES256-SHA',
  'rsa',
  'rsa',
  'AES256-CBC',
  'sha1',
);

/**
 * Every TLS 1.2 suite postern implements, in the server's preference order
 * (policy/defaults.ts says why): the forward-secret ones, then RSA key
 * exchange, which a cipher list must ask for.
 */
export const ALL_TLS12_SUITES: readonly Tls12Suite[] = ([] = [
  ECDHE_RSA_CHACHA20_POLY1305,
  ECDHE_ECDSA_CHACHA20_POLY1305,
  ECDHE_RSA_AES128_GCM_SHA256,
  ECDHE_ECDSA_AES128_GCM_SHA256,
  ECDHE_RSA_AES256_GCM_SHA384,
  ECDHE_ECDSA_AES256_GCM_SHA384,
  DHE_RSA_CHACHA20_POLY1305,
  DHE_RSA_AES128_GCM_SHA256,
  DHE_DSS_AES128_GCM_SHA256,
  DHE_RSA_AES256_GCM_SHA384,
  DHE_DSS_AES256_GCM_SHA384,
  ECDHE_RSA_AES128_SHA256,
  ECDHE_ECDSA_AES128_SHA256,
  ECDHE_RSA_AES256_SHA384,
  ECDHE_ECDSA_AES256_SHA384,
  ECDHE_RSA_AES128_SHA,
  ECDHE_ECDSA_AES128_SHA,
  ECDHE_RSA_AES256_SHA,
  ECDHE_ECDSA_AES256_SHA,
  DHE_RSA_AES128_SHA256,
  DHE_DSS_AES128_SHA256,
  DHE_RSA_AES256_SHA256,
  DHE_DSS_AES256_SHA256,
  DHE_RSA_AES128_SHA,
  DHE_DSS_AES128_SHA,
  DHE_RSA_AES256_SHA,
  DHE_DSS_AES256_SHA,
  RSA_AES128_GCM_SHA256,
  RSA_AES256_GCM_SHA384,
  RSA_AES128_SHA256,
  RSA_AES256_SHA256,
  RSA_AES128_SHA,
  RSA_AES256_SHA,
]);

const ALL: readonly CipherSuiteInfo[] = [...ALL_TLS13_SUITES, ...ALL_TLS12_SUITES];
const BY_CODE = new Map<number, CipherSuiteInfo>(ALL.map((s) => [s.code, s]));

export function suiteByCode(code: number): CipherSuiteInfo | undefined {
  return BY_CODE.get(code);
}

export function suiteByName(name: string): CipherSuiteInfo | undefined {
  return ALL.find((s) => s.name === name || s.opensslName === name);
}
