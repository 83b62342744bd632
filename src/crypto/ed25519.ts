import { ed25519 } from '@noble/curves/ed25519.js';
import { CryptoError } from './errors.js';

/** RFC 8032 §5.1.5: the public key of a 32-byte seed. */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  checkSeed(seed);
  return ed25519.getPublicKey(seed);
}

/** RFC 8032 §5.1.6: a 64-byte signature R || S. */
export function ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  checkSeed(seed);
  return ed25519.sign(message, seed);
}

/**
 * RFC 8032 §5.1.7 verification: canonical encodings of A and R, S < L
 * (`zip215: false`; noble's default ZIP-215 rules accept more, DESIGN.md
 * pitfall). noble in strict mode also refuses small-order public keys. A bad
 * signature or key is `false`, never an exception.
 */
export function ed25519Verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch (e) {
    // Only malformed encodings reach here; they are bad signatures, not errors.
    if (e instanceof Error) return false;
    throw e;
  }
}

function checkSeed(seed: Uint8Array): void {
  if (seed.length !== 32)
    throw new CryptoError(
      'invalid_key',
      `Ed25519 private key must be a 32-byte seed, got ${seed.length}`,
    );
}
