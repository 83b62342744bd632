// The crypto layer's public surface for the SMTP and MTA layers (SASL).
export { hmac } from './hmac.js';
export type { HashAlgorithm } from './hash.js';
export { constantTimeEqual } from './ct.js';
export { scryptDerive, argon2idDerive } from './password-kdf.js';
export type { ScryptParams, Argon2idParams } from './password-kdf.js';
