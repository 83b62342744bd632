import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { AesGcmKey } from './aes-gcm.js';
import { CryptoError } from './errors.js';

export type AeadAlgorithm = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';

/**
 * An AEAD under one established key (RFC 5116 interface, as TLS uses it).
 * AES-GCM uses noble's table-based AES: where the peer allows, prefer
 * ChaCha20-Poly1305, whose operations do not index memory by secret data.
 */
export interface Aead {
  readonly algorithm: AeadAlgorithm;
  readonly keyLength: number;
  readonly nonceLength: 12;
  readonly tagLength: 16;
  /** ciphertext || tag */
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /** throws CryptoError('auth_failed') on a bad tag or a too-short input */
  open(nonce: Uint8Array, ciphertextAndTag: Uint8Array, aad: Uint8Array): Uint8Array;
}

const KEY_LENGTH: Record<AeadAlgorithm, number> = {
  'aes-128-gcm': 16,
  'aes-256-gcm': 32,
  'chacha20-poly1305': 32,
};

export function createAead(algorithm: AeadAlgorithm, key: Uint8Array): Aead {
  const keyLength = KEY_LENGTH[algorithm];
  if (key.length !== keyLength) {
    throw new CryptoError(
      'invalid_key',
      `${algorithm} key must be ${keyLength} bytes, got ${key.length}`,
    );
  }
  return algorithm === 'chacha20-poly1305'
    ? new ChaChaAead(key)
    : new GcmAead(algorithm, keyLength, key);
}

class GcmAead implements Aead {
  readonly nonceLength = 12;
  readonly tagLength = 16;
  private readonly state: AesGcmKey;
  constructor(
    readonly algorithm: AeadAlgorithm,
    readonly keyLength: number,
    key: Uint8Array,
  ) {
    this.state = new AesGcmKey(key);
  }
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    return this.state.seal(nonce, plaintext, aad);
  }
  open(nonce: Uint8Array, ciphertextAndTag: Uint8Array, aad: Uint8Array): Uint8Array {
    return this.state.open(nonce, ciphertextAndTag, aad);
  }
}

/** RFC 8439 §2.8. noble's ChaCha20 key setup is cheap, so each call goes through its constructor. */
class ChaChaAead implements Aead {
  readonly algorithm = 'chacha20-poly1305';
  readonly keyLength = 32;
  readonly nonceLength = 12;
  readonly tagLength = 16;
  private readonly key: Uint8Array;
  constructor(key: Uint8Array) {
    this.key = Uint8Array.from(key);
  }
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    checkNonce(nonce);
    return chacha20poly1305(this.key, nonce, aad).encrypt(plaintext);
  }
  open(nonce: Uint8Array, ciphertextAndTag: Uint8Array, aad: Uint8Array): Uint8Array {
    checkNonce(nonce);
    if (ciphertextAndTag.length < 16) {
      throw new CryptoError('auth_failed', 'ChaCha20-Poly1305 input is shorter than its tag');
    }
    let plaintext: Uint8Array;
    try {
      plaintext = chacha20poly1305(this.key, nonce, aad).decrypt(ciphertextAndTag);
    } catch (e) {
      // noble reports a tag mismatch as a plain Error; every other input was checked above.
      throw new CryptoError('auth_failed', `ChaCha20-Poly1305: ${(e as Error).message}`);
    }
    return plaintext;
  }
}

function checkNonce(nonce: Uint8Array): void {
  if (nonce.length !== 12)
    throw new CryptoError('invalid_parameter', `AEAD nonce must be 12 bytes, got ${nonce.length}`);
}
