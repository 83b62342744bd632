/** RSA: keys, PKCS#1 v1.5 and PSS signatures, PKCS#1 v1.5 encryption for TLS 1.2 (RFC 8017). */
export type { RsaPrivateKey, RsaPssKeyParameters, RsaPublicKey } from './rsa-key.js';
export {
  checkRsaPublicKey,
  rsaGenerateKey,
  rsaModulusBytes,
  rsaPrivateFromComponents,
} from './rsa-key.js';
export {
  rsaPkcs1v15Sign,
  rsaPkcs1v15SignDigest,
  rsaPkcs1v15Verify,
  rsaPkcs1v15VerifyDigest,
} from './rsa-pkcs1.js';
export {
  PSS_SALT_ANY,
  rsaPssKeyAllows,
  rsaPssSign,
  rsaPssSignDigest,
  rsaPssVerify,
  rsaPssVerifyDigest,
} from './rsa-pss.js';
export { checkNotPssOnly } from './rsa-key.js';
export { rsaDecryptTlsPremaster, rsaEncryptPkcs1v15 } from './rsaes.js';
