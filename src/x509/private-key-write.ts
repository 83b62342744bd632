import { ecdsaPublicKey } from '../crypto/ecdsa.js';
import {
  derBitString,
  derInteger,
  derNull,
  derOctetString,
  derOid,
  derSequence,
  tlv,
} from './der-write.js';
import { X509Error } from './errors.js';
import { OID } from './oid.js';
import { encodePem } from './pem.js';
import type { PrivateKey } from './private-key.js';

const CURVE_OIDS = { 'P-256': OID.prime256v1, 'P-384': OID.secp384r1 } as const;

/** RFC 8017 A.1.2 RSAPrivateKey, version 0 (two primes). */
function rsaPrivateKeyDer(key: Extract<PrivateKey, { kind: 'rsa' }>['key']): Uint8Array {
  return derSequence(
    [0n, key.n, key.e, key.d, key.p, key.q, key.dp, key.dq, key.qinv].map(derInteger),
  );
}

/** RFC 5915 §3 ECPrivateKey inside PKCS#8: the curve is in the outer algorithm, so [0] is left out; [1] carries the public key as OpenSSL writes it. */
function ecPrivateKeyDer(key: Extract<PrivateKey, { kind: 'ec' }>): Uint8Array {
  const publicKey = tlv(0xa1, derBitString(ecdsaPublicKey(key.curve, key.d)));
  return derSequence([derInteger(1n), derOctetString(key.d), publicKey]);
}

/** RFC 5208 §5 PrivateKeyInfo (version 0), unencrypted: what Postfix's *_key_file and `openssl pkey` read. */
export function encodePkcs8(key: PrivateKey): Uint8Array {
  switch (key.kind) {
    case 'rsa':
      if (key.key.pss !== undefined)
        throw new X509Error('unsupported_algorithm', 'writing RSASSA-PSS keys is not supported');
      return derSequence([
        derInteger(0n),
        derSequence([derOid(OID.rsaEncryption), derNull()]),
        derOctetString(rsaPrivateKeyDer(key.key)),
      ]);
    case 'ec':
      return derSequence([
        derInteger(0n),
        derSequence([derOid(OID.ecPublicKey), derOid(CURVE_OIDS[key.curve])]),
        derOctetString(ecPrivateKeyDer(key)),
      ]);
    default:
      throw new X509Error(
        'unsupported_algorithm',
        `writing ${key.kind} private keys is not supported (RSA and EC only)`,
      );
  }
}

/** RFC 7468 §10: `-----BEGIN PRIVATE KEY-----`. */
export function encodePkcs8Pem(key: PrivateKey): string {
  return encodePem('PRIVATE KEY', encodePkcs8(key));
}
