/**
 * Size bounds on public keys and groups, checked before any arithmetic on
 * them: a peer's certificate with a 64 Kibit RSA modulus would otherwise cost
 * minutes per verification. The figures are OpenSSL's (rsa.h
 * OPENSSL_RSA_MAX_MODULUS_BITS, OPENSSL_RSA_SMALL_MODULUS_BITS,
 * OPENSSL_RSA_MAX_PUBEXP_BITS; dsa.h OPENSSL_DSA_MAX_MODULUS_BITS and
 * dsa_do_verify's q check; dh.h OPENSSL_DH_MAX_MODULUS_BITS), so a key one
 * accepts the other accepts too.
 */
import { bitLength } from './bigint.js';
import { CryptoError } from './errors.js';

export const RSA_MAX_MODULUS_BITS = 16384;
/** Above this modulus size the public exponent is bounded too (a large e makes verification cost like a private operation). */
export const RSA_SMALL_MODULUS_BITS = 3072;
export const RSA_MAX_PUBLIC_EXPONENT_BITS = 64;
export const DSA_MAX_P_BITS = 10000;
/** FIPS 186-4 §4.2: N is 160, 224 or 256. */
export const DSA_Q_BITS: readonly number[] = [160, 224, 256];
export const DH_MAX_P_BITS = 10000;

function refuse(message: string): CryptoError {
  return new CryptoError('unsupported_key_size', message);
}

export function checkRsaKeySize(n: bigint, e: bigint): void {
  const nBits = bitLength(n);
  if (nBits > RSA_MAX_MODULUS_BITS)
    throw refuse(`RSA modulus of ${nBits} bits is above the maximum of ${RSA_MAX_MODULUS_BITS}`);
  const eBits = bitLength(e);
  if (nBits > RSA_SMALL_MODULUS_BITS && eBits > RSA_MAX_PUBLIC_EXPONENT_BITS) {
    throw refuse(
      `RSA public exponent of ${eBits} bits is above ${RSA_MAX_PUBLIC_EXPONENT_BITS} for a modulus above ${RSA_SMALL_MODULUS_BITS} bits`,
    );
  }
}

export function checkDsaKeySize(p: bigint, q: bigint): void {
  const pBits = bitLength(p);
  if (pBits > DSA_MAX_P_BITS)
    throw refuse(`DSA p of ${pBits} bits is above the maximum of ${DSA_MAX_P_BITS}`);
  const qBits = bitLength(q);
  if (!DSA_Q_BITS.includes(qBits))
    throw refuse(`DSA q of ${qBits} bits; it must have 160, 224 or 256`);
}

export function checkDhModulusSize(p: bigint): void {
  const pBits = bitLength(p);
  if (pBits > DH_MAX_P_BITS)
    throw refuse(`DH p of ${pBits} bits is above the maximum of ${DH_MAX_P_BITS}`);
}
