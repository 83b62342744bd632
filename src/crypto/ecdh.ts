import { p256, p384 } from '@noble/curves/nist.js';
import type { Random } from '../prng/random.js';
import { constantTimeIsZero } from './ct.js';
import { CryptoError } from './errors.js';
import { p256BaseMultiply, p256Multiply } from './p256-point.js';
import { x25519, x25519Base } from './x25519.js';

export type EcdhGroup = 'x25519' | 'secp256r1' | 'secp384r1';

/** publicKey as TLS carries it: x25519 32 bytes; NIST uncompressed 0x04 || X || Y (65 / 97 bytes). */
export interface EcdhKeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

const NIST = {
  secp256r1: { curve: p256, size: 32 },
  secp384r1: { curve: p384, size: 48 },
} as const;
type NistGroup = keyof typeof NIST;

export function ecdhGenerate(group: EcdhGroup, random: Random): EcdhKeyPair {
  // RFC 7748 §6.1: 32 random bytes; the clamping happens inside the scalar multiplication.
  const privateKey =
    group === 'x25519'
      ? random.bytes(32)
      : randomScalar(NIST[group].curve.Point.Fn.ORDER, NIST[group].size, random);
  return { privateKey, publicKey: ecdhPublicKey(group, privateKey) };
}

export function ecdhPublicKey(group: EcdhGroup, privateKey: Uint8Array): Uint8Array {
  if (group === 'x25519') {
    checkLength(privateKey, 32, 'invalid_key', 'X25519 private key');
    return x25519Base(privateKey);
  }
  const { curve, size } = NIST[group];
  checkNistPrivateKey(group, privateKey, size);
  if (group === 'secp256r1') {
    const { x, y } = p256BaseMultiply(privateKey);
    return Uint8Array.from([0x04, ...x, ...y]);
  }
  return curve.getPublicKey(privateKey, false);
}

export function ecdhSharedSecret(
  group: EcdhGroup,
  privateKey: Uint8Array,
  peerPublicKey: Uint8Array,
): Uint8Array {
  if (group === 'x25519') return x25519Shared(privateKey, peerPublicKey);
  const { curve, size } = NIST[group];
  checkNistPrivateKey(group, privateKey, size);
  // RFC 8446 §4.2.8.2: UncompressedPointRepresentation only: 0x04 || X || Y.
  if (peerPublicKey.length !== 1 + 2 * size || peerPublicKey[0] !== 0x04) {
    throw new CryptoError(
      'invalid_public_value',
      `${group} public value must be an uncompressed point of ${1 + 2 * size} bytes`,
    );
  }
  if (group === 'secp256r1') return p256Shared(privateKey, peerPublicKey);
  let shared: Uint8Array;
  try {
    // noble decodes the point and checks it is on the curve and not infinity.
    shared = curve.getSharedSecret(privateKey, peerPublicKey, true);
  } catch (e) {
    throw new CryptoError(
      'invalid_public_value',
      `${group} public value is not a point on the curve: ${(e as Error).message}`,
    );
  }
  // RFC 8446 §7.4.2: the shared secret is the x-coordinate alone; drop the parity byte.
  return shared.slice(1);
}

/** Our own k·Q (p256-point.ts) after noble's check that the peer's point is on the curve (public data). */
function p256Shared(privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  try {
    p256.Point.fromBytes(peerPublicKey).assertValidity();
  } catch (e) {
    throw new CryptoError(
      'invalid_public_value',
      `secp256r1 public value is not a point on the curve: ${(e as Error).message}`,
    );
  }
  // RFC 8446 §7.4.2: the shared secret is the x-coordinate alone.
  return p256Multiply(privateKey, peerPublicKey.subarray(1, 33), peerPublicKey.subarray(33)).x;
}

function x25519Shared(privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  checkLength(privateKey, 32, 'invalid_key', 'X25519 private key');
  checkLength(peerPublicKey, 32, 'invalid_public_value', 'X25519 public value');
  // Our ladder (x25519.ts) takes any 32 bytes; a low-order peer value shows as the all-zero result refused below.
  const shared = x25519(privateKey, peerPublicKey);
  // RFC 7748 §6.1, RFC 8446 §7.4.2: an all-zero shared secret must be refused.
  if (constantTimeIsZero(shared))
    throw new CryptoError('invalid_public_value', 'X25519 shared secret is all zero');
  return shared;
}

/**
 * A uniform scalar in [1, n-1] as `size` big-endian bytes by rejection
 * sampling (FIPS 186-5 §A.2.2). For P-256 and P-384, n is close to 2^(8·size),
 * so a redraw is rare.
 */
function randomScalar(n: bigint, size: number, random: Random): Uint8Array {
  for (;;) {
    const candidate = random.bytes(size);
    let d = 0n;
    for (const byte of candidate) d = (d << 8n) | BigInt(byte);
    if (d >= 1n && d < n) return candidate;
  }
}

function checkNistPrivateKey(group: NistGroup, privateKey: Uint8Array, size: number): void {
  checkLength(privateKey, size, 'invalid_key', `${group} private key`);
  if (!NIST[group].curve.utils.isValidSecretKey(privateKey)) {
    throw new CryptoError('invalid_key', `${group} private key is not in [1, n-1]`);
  }
}

function checkLength(
  b: Uint8Array,
  length: number,
  code: 'invalid_key' | 'invalid_public_value',
  what: string,
): void {
  if (b.length !== length)
    throw new CryptoError(code, `${what} must be ${length} bytes, got ${b.length}`);
}
