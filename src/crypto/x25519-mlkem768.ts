/**
 * X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem §3, TLS codepoint 0x11EC): the
 * hybrid of ML-KEM-768 (FIPS 203) and X25519 (RFC 7748). The client's
 * key_share is the ML-KEM encapsulation key followed by an X25519 share; the
 * server's is the ML-KEM ciphertext followed by its X25519 share; the shared
 * secret is the ML-KEM secret followed by the X25519 secret. (noble's
 * `ml_kem768_x25519` is X-Wing, another construction: not used here.)
 *
 * ML-KEM is a KEM, not a DH: the server computes its share from the
 * client's (encapsulate), so the two sides have different functions.
 * Every random byte comes from the injected Random, in a fixed order
 * (ML-KEM's seed or message first, then the X25519 private key), so known-
 * answer tests can replay published vectors.
 */
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import type { Random } from '../prng/random.js';
import { ecdhGenerate, ecdhSharedSecret } from './ecdh.js';
import { CryptoError } from './errors.js';

/** FIPS 203 Table 3, ML-KEM-768: ek 384·k + 32, c 32·(du·k + dv), dk 768·k + 96 bytes (k = 3, du = 10, dv = 4). */
export const MLKEM768_ENCAPSULATION_KEY_BYTES = 1184;
export const MLKEM768_CIPHERTEXT_BYTES = 1088;
export const MLKEM768_DECAPSULATION_KEY_BYTES = 2400;
const X25519_BYTES = 32;
/** FIPS 203 §6.1: the key-generation seed d ‖ z; §6.2: the encapsulation randomness m. */
const MLKEM_SEED_BYTES = 64;
const MLKEM_MESSAGE_BYTES = 32;

export const X25519MLKEM768_CLIENT_SHARE_BYTES = MLKEM768_ENCAPSULATION_KEY_BYTES + X25519_BYTES;
export const X25519MLKEM768_SERVER_SHARE_BYTES = MLKEM768_CIPHERTEXT_BYTES + X25519_BYTES;
export const X25519MLKEM768_SHARED_SECRET_BYTES = 32 + 32;

/** The client's ephemeral secrets for one ClientHello key_share entry. */
export interface X25519MlKem768ClientKey {
  /** What the client's KeyShareEntry carries: ek ‖ X25519 public. */
  keyShare: Uint8Array;
  decapsulationKey: Uint8Array;
  x25519PrivateKey: Uint8Array;
}

export interface X25519MlKem768ServerResult {
  /** What the server's KeyShareEntry carries: ciphertext ‖ X25519 public. */
  keyShare: Uint8Array;
  sharedSecret: Uint8Array;
}

/** A wrong length is the peer's fault: invalid_public_value, which TLS maps to illegal_parameter (draft §3). */
function checkShareLength(share: Uint8Array, expected: number, what: string): void {
  if (share.length !== expected)
    throw new CryptoError(
      'invalid_public_value',
      `X25519MLKEM768 ${what} share of ${share.length} bytes, expected ${expected}`,
    );
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** ML-KEM-768 q = 3329 (FIPS 203 §2.4). */
const Q = 3329;

/**
 * FIPS 203 §7.2 ML-KEM.Encaps input check (modulus check): every 12-bit
 * coefficient ByteDecode12 reads from the first 384·k bytes of ek is below
 * q, i.e. ByteEncode12(ByteDecode12(ek)) = ek. noble checks it too; doing it
 * here names the failure as the peer's bad public value.
 */
export function mlKem768CheckEncapsulationKey(ek: Uint8Array): void {
  if (ek.length !== MLKEM768_ENCAPSULATION_KEY_BYTES) {
    throw new CryptoError(
      'invalid_public_value',
      `ML-KEM-768 encapsulation key of ${ek.length} bytes, expected ${MLKEM768_ENCAPSULATION_KEY_BYTES}`,
    );
  }
  let bad = 0;
  for (let i = 0; i < MLKEM768_ENCAPSULATION_KEY_BYTES - 32; i += 3) {
    const b0 = ek[i] as number;
    const b1 = ek[i + 1] as number;
    const b2 = ek[i + 2] as number;
    // Two coefficients per three bytes, little-endian 12-bit (FIPS 203 Algorithm 6 with d = 12).
    bad |= Number(b0 + ((b1 & 0x0f) << 8) >= Q) | Number((b1 >> 4) + (b2 << 4) >= Q);
  }
  if (bad !== 0)
    throw new CryptoError(
      'invalid_public_value',
      'ML-KEM-768 encapsulation key fails the modulus check (FIPS 203 §7.2)',
    );
}

/** The client's share: ML-KEM-768 KeyGen (seed d ‖ z from `random`), then an X25519 key pair. */
export function x25519MlKem768Generate(random: Random): X25519MlKem768ClientKey {
  const seed = random.bytes(MLKEM_SEED_BYTES);
  const { publicKey, secretKey } = ml_kem768.keygen(seed);
  seed.fill(0);
  const x = ecdhGenerate('x25519', random);
  return {
    keyShare: concat(publicKey, x.publicKey),
    decapsulationKey: secretKey,
    x25519PrivateKey: x.privateKey,
  };
}

/**
 * The server's side: checks the client's share (length, ML-KEM modulus
 * check), encapsulates to its ek (message m from `random`), runs X25519
 * with a fresh key (an all-zero X25519 result is refused, RFC 8446 §7.4.2),
 * and returns its share and the 64-byte shared secret.
 */
export function x25519MlKem768Encapsulate(
  clientShare: Uint8Array,
  random: Random,
): X25519MlKem768ServerResult {
  checkShareLength(clientShare, X25519MLKEM768_CLIENT_SHARE_BYTES, 'client');
  const ek = clientShare.subarray(0, MLKEM768_ENCAPSULATION_KEY_BYTES);
  const peerX25519 = clientShare.subarray(MLKEM768_ENCAPSULATION_KEY_BYTES);
  mlKem768CheckEncapsulationKey(ek);
  const m = random.bytes(MLKEM_MESSAGE_BYTES);
  const { cipherText, sharedSecret: kemSecret } = ml_kem768.encapsulate(ek, m);
  m.fill(0);
  const x = ecdhGenerate('x25519', random);
  const ecdhSecret = ecdhSharedSecret('x25519', x.privateKey, peerX25519);
  return { keyShare: concat(cipherText, x.publicKey), sharedSecret: concat(kemSecret, ecdhSecret) };
}

/**
 * The client's side on the ServerHello share: ML-KEM Decaps (a tampered
 * ciphertext gives FIPS 203's implicit-rejection secret, not an error: the
 * handshake then fails at Finished), then X25519 with the all-zero check.
 */
export function x25519MlKem768Decapsulate(
  key: X25519MlKem768ClientKey,
  serverShare: Uint8Array,
): Uint8Array {
  checkShareLength(serverShare, X25519MLKEM768_SERVER_SHARE_BYTES, 'server');
  const cipherText = serverShare.subarray(0, MLKEM768_CIPHERTEXT_BYTES);
  const peerX25519 = serverShare.subarray(MLKEM768_CIPHERTEXT_BYTES);
  const kemSecret = ml_kem768.decapsulate(cipherText, key.decapsulationKey);
  const ecdhSecret = ecdhSharedSecret('x25519', key.x25519PrivateKey, peerX25519);
  return concat(kemSecret, ecdhSecret);
}
