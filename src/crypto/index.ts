// The crypto layer's public surface (package.json exports `postern/crypto`): typed adapters over @noble/* and our BigInt RSA, DSA and DH.
export { createAead } from './aead.js';
export type { Aead, AeadAlgorithm } from './aead.js';
export { createHash, hash, hashOutputLen, HASH_ALGORITHMS } from './hash.js';
export type { Hash, HashAlgorithm } from './hash.js';
export { createHmac, hmac } from './hmac.js';
export type { Hmac } from './hmac.js';
export { hkdf, hkdfExpand, hkdfExtract } from './hkdf.js';
export { ecdhGenerate, ecdhPublicKey, ecdhSharedSecret } from './ecdh.js';
export type { EcdhGroup, EcdhKeyPair } from './ecdh.js';
export {
  ecdsaPublicKey,
  ecdsaSign,
  ecdsaSignDigest,
  ecdsaVerify,
  ecdsaVerifyDigest,
} from './ecdsa.js';
export type { EcdsaCurve } from './ecdsa.js';
export { ed25519PublicKey, ed25519Sign, ed25519Verify } from './ed25519.js';
export * from './rsa.js';
export { dsaSign, dsaSignDigest, dsaVerify, dsaVerifyDigest } from './dsa.js';
export type { DsaParams, DsaPrivateKey, DsaPublicKey } from './dsa.js';
export { dhGenerate, dhSharedSecret, FFDHE2048, FFDHE3072, FFDHE4096 } from './dh.js';
export type { DhGroup, DhKeyPair } from './dh.js';
export { constantTimeEqual } from './ct.js';
export { CryptoError } from './errors.js';
export type { CryptoErrorCode } from './errors.js';
export { scryptDerive, argon2idDerive } from './password-kdf.js';
export type { ScryptParams, Argon2idParams } from './password-kdf.js';
