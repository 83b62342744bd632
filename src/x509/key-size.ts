import { CryptoError } from '../crypto/errors.js';
import { X509Error } from './errors.js';

/** Runs a crypto/key-bounds.ts check and names the object in the X509Error('unsupported_key_size') it becomes. */
export function checkKeySize(what: string, check: () => void): void {
  try {
    check();
  } catch (err) {
    if (err instanceof CryptoError && err.code === 'unsupported_key_size')
      throw new X509Error('unsupported_key_size', `${what}: ${err.message}`);
    throw err;
  }
}
