import { dsaVerify } from '../crypto/dsa.js';
import { ecdsaVerify } from '../crypto/ecdsa.js';
import { ed25519Verify } from '../crypto/ed25519.js';
import { CryptoError } from '../crypto/errors.js';
import { rsaPkcs1v15Verify, rsaPssVerify } from '../crypto/rsa.js';
import type { Certificate } from './certificate.js';
import type { PublicKey } from './public-key.js';
import type { SignatureAlgorithm } from './signature-algorithm.js';

/** Can a key of this kind have made a signature of this algorithm? (OpenSSL's check_sig_alg_match.) */
export function signatureMatchesKey(alg: SignatureAlgorithm, key: PublicKey): boolean {
  switch (alg.kind) {
    case 'rsa-pkcs1':
      // RFC 4055 §1.2: an id-RSASSA-PSS key makes PSS signatures only.
      return key.kind === 'rsa' && key.pss === undefined;
    case 'rsa-pss':
      return key.kind === 'rsa';
    case 'dsa':
      return key.kind === 'dsa';
    case 'ecdsa':
      return key.kind === 'ec';
    case 'ed25519':
      return key.kind === 'ed25519';
    case 'unsupported':
      return false;
  }
}

/**
 * Checks `signature` over `message` with our own crypto (DESIGN.md: never
 * WebCrypto or node:crypto). A key the crypto layer refuses as malformed is a
 * failed signature, not an exception: the verdict is the certificate's.
 */
export function verifySignature(
  alg: SignatureAlgorithm,
  key: PublicKey,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    if (alg.kind === 'rsa-pkcs1' && key.kind === 'rsa')
      return rsaPkcs1v15Verify(key, alg.hash, message, signature);
    // RFC 4055 §3.1: the MGF1 hash may differ from the message hash; a PSS issuer key's own parameters are enforced by crypto.
    if (alg.kind === 'rsa-pss' && key.kind === 'rsa')
      return rsaPssVerify(key, alg.hash, message, signature, alg.saltLength, alg.mgfHash);
    if (alg.kind === 'dsa' && key.kind === 'dsa')
      return dsaVerify({ p: key.p, q: key.q, g: key.g, y: key.y }, alg.hash, message, signature);
    if (alg.kind === 'ecdsa' && key.kind === 'ec')
      return ecdsaVerify(key.curve, key.point, alg.hash, message, signature);
    if (alg.kind === 'ed25519' && key.kind === 'ed25519')
      return ed25519Verify(key.key, message, signature);
    return false;
  } catch (err) {
    if (err instanceof CryptoError) return false;
    throw err;
  }
}

/** Was `cert` signed by the key of `issuer`? */
export function verifyCertificateSignature(cert: Certificate, issuerKey: PublicKey): boolean {
  return verifySignature(cert.signatureAlgorithm, issuerKey, cert.tbsDer, cert.signature);
}
