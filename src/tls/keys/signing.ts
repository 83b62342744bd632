import { dsaSign, dsaVerify } from '../../crypto/dsa.js';
import { ecdsaSign, ecdsaVerify } from '../../crypto/ecdsa.js';
import { ed25519Sign, ed25519Verify } from '../../crypto/ed25519.js';
import { CryptoError } from '../../crypto/errors.js';
import type { HashAlgorithm } from '../../crypto/hash.js';
import { hashOutputLen } from '../../crypto/hash.js';
import type { RsaPublicKey } from '../../crypto/rsa.js';
import {
  rsaPkcs1v15Sign,
  rsaPkcs1v15Verify,
  rsaPssKeyAllows,
  rsaPssSign,
  rsaPssVerify,
} from '../../crypto/rsa.js';
import type { Random } from '../../prng/random.js';
import type { PrivateKey } from '../../x509/private-key.js';
import type { PublicKey } from '../../x509/public-key.js';
import { SignatureScheme } from '../registry/signature-scheme.js';
import { DEFAULT_SIGNATURE_SCHEMES } from '../policy/defaults.js';

/**
 * What each SignatureScheme means for our keys: RFC 8446 §4.2.3 for TLS 1.3
 * and RFC 5246 §7.4.1.4.1 pairs for TLS 1.2. One table, read by both
 * versions' handshakes for signing and verifying.
 */
interface SchemeInfo {
  key: 'rsa' | 'dsa' | 'ec' | 'ed25519';
  padding?: 'pkcs1' | 'pss';
  /**
   * RFC 8446 §4.2.3: rsa_pss_pss_* are for id-RSASSA-PSS keys only, and
   * rsa_pss_rsae_* and PKCS#1 for rsaEncryption keys only (RFC 4055 §1.2:
   * a PSS key is for PSS alone).
   */
  pssKey?: boolean;
  hash?: HashAlgorithm;
  /** TLS 1.3 binds ECDSA schemes to one curve (RFC 8446 §4.2.3); TLS 1.2 lets any curve sign with any of them. */
  curve?: 'P-256' | 'P-384' | 'P-521';
  /** RFC 8446 §4.2.3: RSASSA-PKCS1-v1_5, SHA-1 and DSA are not for TLS 1.3 handshake signatures. */
  tls13: boolean;
}

const S = SignatureScheme;
const SCHEMES = new Map<number, SchemeInfo>([
  [S.rsa_pss_rsae_sha256, { key: 'rsa', padding: 'pss', hash: 'sha256', tls13: true }],
  [S.rsa_pss_rsae_sha384, { key: 'rsa', padding: 'pss', hash: 'sha384', tls13: true }],
  [S.rsa_pss_rsae_sha512, { key: 'rsa', padding: 'pss', hash: 'sha512', tls13: true }],
  [S.rsa_pss_pss_sha256, { key: 'rsa', padding: 'pss', hash: 'sha256', pssKey: true, tls13: true }],
  [S.rsa_pss_pss_sha384, { key: 'rsa', padding: 'pss', hash: 'sha384', pssKey: true, tls13: true }],
  [S.rsa_pss_pss_sha512, { key: 'rsa', padding: 'pss', hash: 'sha512', pssKey: true, tls13: true }],
  [S.ecdsa_secp256r1_sha256, { key: 'ec', hash: 'sha256', curve: 'P-256', tls13: true }],
  [S.ecdsa_secp384r1_sha384, { key: 'ec', hash: 'sha384', curve: 'P-384', tls13: true }],
  // We hold no P-521 keys, so in TLS 1.3 this never fits; in TLS 1.2 it is ECDSA with SHA-512 on our curves (RFC 8422 §5.1.3).
  [S.ecdsa_secp521r1_sha512, { key: 'ec', hash: 'sha512', curve: 'P-521', tls13: true }],
  [S.ed25519, { key: 'ed25519', tls13: true }],
  [S.rsa_pkcs1_sha256, { key: 'rsa', padding: 'pkcs1', hash: 'sha256', tls13: false }],
  [S.rsa_pkcs1_sha384, { key: 'rsa', padding: 'pkcs1', hash: 'sha384', tls13: false }],
  [S.rsa_pkcs1_sha512, { key: 'rsa', padding: 'pkcs1', hash: 'sha512', tls13: false }],
  [S.rsa_pkcs1_sha1, { key: 'rsa', padding: 'pkcs1', hash: 'sha1', tls13: false }],
  [S.ecdsa_sha1, { key: 'ec', hash: 'sha1', tls13: false }],
  [S.dsa_sha1, { key: 'dsa', hash: 'sha1', tls13: false }],
  [S.dsa_sha256, { key: 'dsa', hash: 'sha256', tls13: false }],
  [S.dsa_sha384, { key: 'dsa', hash: 'sha384', tls13: false }],
  [S.dsa_sha512, { key: 'dsa', hash: 'sha512', tls13: false }],
]);

export function isTls13SignatureScheme(scheme: number): boolean {
  return SCHEMES.get(scheme)?.tls13 === true;
}

export function isKnownSignatureScheme(scheme: number): boolean {
  return SCHEMES.has(scheme);
}

function keyMatches(info: SchemeInfo, key: PublicKey | PrivateKey, tls13: boolean): boolean {
  if (info.key !== key.kind) return false;
  // RFC 8446 §4.2.3: in TLS 1.3 the ECDSA scheme names the curve; TLS 1.2 only names the hash.
  if (key.kind === 'ec' && tls13 && info.curve !== key.curve) return false;
  if (key.kind === 'rsa') return rsaKeyMatches(info, 'key' in key ? key.key : key);
  return true;
}

/**
 * RFC 8446 §4.2.3: an id-RSASSA-PSS key signs only with rsa_pss_pss_*, and
 * only where its own parameters (RFC 4055 §3.1) allow the scheme's hash, MGF1
 * with that hash and a salt as long as the hash; an rsaEncryption key never
 * uses rsa_pss_pss_*.
 */
function rsaKeyMatches(info: SchemeInfo, key: RsaPublicKey): boolean {
  if ((info.pssKey === true) !== (key.pss !== undefined)) return false;
  if (info.pssKey !== true) return true;
  const hash = info.hash as HashAlgorithm;
  return rsaPssKeyAllows(key, hash, hash, hashOutputLen(hash));
}

/**
 * The schemes a key can sign with, in our preference order, restricted to
 * the ones the peer listed (`peerSchemes`), for TLS 1.3 or 1.2.
 */
export function usableSchemes(
  key: PrivateKey | PublicKey,
  peerSchemes: readonly number[],
  tls13: boolean,
): number[] {
  return DEFAULT_SIGNATURE_SCHEMES.filter((scheme) => {
    const info = SCHEMES.get(scheme);
    if (info === undefined || (tls13 && !info.tls13)) return false;
    return keyMatches(info, key, tls13) && peerSchemes.includes(scheme);
  });
}

/** Can `scheme` be used with `key` in this version? (A peer's choice is checked with this.) */
export function schemeFitsKey(
  scheme: number,
  key: PublicKey | PrivateKey,
  tls13: boolean,
): boolean {
  const info = SCHEMES.get(scheme);
  if (info === undefined || (tls13 && !info.tls13)) return false;
  return keyMatches(info, key, tls13);
}

export function signWithScheme(
  key: PrivateKey,
  scheme: number,
  message: Uint8Array,
  random: Random,
): Uint8Array {
  const info = SCHEMES.get(scheme);
  if (info === undefined || info.key !== key.kind || !keyMatches(info, key, false))
    throw new CryptoError(
      'invalid_parameter',
      `signature scheme 0x${scheme.toString(16)} does not fit a ${key.kind} key`,
    );
  switch (key.kind) {
    case 'rsa':
      return info.padding === 'pss'
        ? rsaPssSign(key.key, info.hash as HashAlgorithm, message, random)
        : rsaPkcs1v15Sign(key.key, info.hash as HashAlgorithm, message, random);
    case 'ec':
      return ecdsaSign(key.curve, key.d, info.hash as HashAlgorithm, message, random);
    case 'ed25519':
      return ed25519Sign(key.seed, message);
    case 'dsa':
      return dsaSign(key, info.hash as HashAlgorithm, message, random);
  }
}

/** False for any bad signature, a scheme that does not fit the key, or a key we cannot use. */
export function verifyWithScheme(
  key: PublicKey,
  scheme: number,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  const info = SCHEMES.get(scheme);
  if (info === undefined || info.key !== key.kind || !keyMatches(info, key, false)) return false;
  try {
    switch (key.kind) {
      case 'rsa':
        return info.padding === 'pss'
          ? rsaPssVerify(key, info.hash as HashAlgorithm, message, signature)
          : rsaPkcs1v15Verify(key, info.hash as HashAlgorithm, message, signature);
      case 'ec':
        return ecdsaVerify(key.curve, key.point, info.hash as HashAlgorithm, message, signature);
      case 'ed25519':
        return ed25519Verify(key.key, message, signature);
      case 'dsa':
        return dsaVerify(key, info.hash as HashAlgorithm, message, signature);
    }
  } catch (err) {
    // A malformed peer key is a failed verification, not a crash; anything else is a bug.
    if (err instanceof CryptoError) return false;
    throw err;
  }
}
