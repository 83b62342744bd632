import { dhGenerate, dhSharedSecret, FFDHE2048, FFDHE3072, FFDHE4096 } from '../../crypto/dh.js';
import type { DhGroup } from '../../crypto/dh.js';
import { ecdhGenerate, ecdhSharedSecret } from '../../crypto/ecdh.js';
import type { EcdhGroup } from '../../crypto/ecdh.js';
import { CryptoError } from '../../crypto/errors.js';
import {
  x25519MlKem768Decapsulate,
  x25519MlKem768Encapsulate,
  x25519MlKem768Generate,
} from '../../crypto/x25519-mlkem768.js';
import type { Random } from '../../prng/random.js';
import { TlsAlert } from '../error/tls-alert.js';
import { NamedGroup } from '../registry/named-group.js';

/** The groups we implement for key exchange (RFC 8446 §4.2.7). */
const EC_GROUPS = new Map<number, EcdhGroup>([
  [NamedGroup.x25519, 'x25519'],
  [NamedGroup.secp256r1, 'secp256r1'],
  [NamedGroup.secp384r1, 'secp384r1'],
]);
const FF_GROUPS = new Map<number, DhGroup>([
  [NamedGroup.ffdhe2048, FFDHE2048],
  [NamedGroup.ffdhe3072, FFDHE3072],
  [NamedGroup.ffdhe4096, FFDHE4096],
]);

/** RFC 8422 §5.1.1, RFC 7748: the elliptic-curve groups (TLS 1.2 ECDHE takes these, not FFDHE). */
export function isEcdheGroup(group: number): boolean {
  return EC_GROUPS.has(group);
}

/**
 * draft-ietf-tls-ecdhe-mlkem §3: hybrid groups whose server share is a KEM
 * ciphertext made from the client's share, TLS 1.3 only.
 */
export function isKemGroup(group: number): boolean {
  return group === NamedGroup.X25519MLKEM768;
}

export function isSupportedGroup(group: number): boolean {
  return EC_GROUPS.has(group) || FF_GROUPS.has(group) || isKemGroup(group);
}

/** The OpenSSL-style name of a group, for logs and `-groups` lists. */
export const GROUP_NAMES: ReadonlyMap<string, number> = new Map([
  ['x25519', NamedGroup.x25519],
  ['X25519', NamedGroup.x25519],
  ['P-256', NamedGroup.secp256r1],
  ['prime256v1', NamedGroup.secp256r1],
  ['secp256r1', NamedGroup.secp256r1],
  ['P-384', NamedGroup.secp384r1],
  ['secp384r1', NamedGroup.secp384r1],
  ['ffdhe2048', NamedGroup.ffdhe2048],
  ['ffdhe3072', NamedGroup.ffdhe3072],
  ['ffdhe4096', NamedGroup.ffdhe4096],
  ['X25519MLKEM768', NamedGroup.X25519MLKEM768],
]);

export function groupName(group: number): string {
  if (isKemGroup(group)) return 'X25519MLKEM768';
  const ec = EC_GROUPS.get(group);
  if (ec !== undefined) return ec;
  const ff = FF_GROUPS.get(group);
  if (ff !== undefined) return ff.name ?? `ffdhe(0x${group.toString(16)})`;
  return `0x${group.toString(16).padStart(4, '0')}`;
}

/** An ephemeral key pair for one group; `publicKey` is as the key_share carries it. */
export interface KeyShareSecret {
  group: number;
  publicKey: Uint8Array;
  computeSharedSecret(peerPublic: Uint8Array): Uint8Array;
}

/** The client's share for a group; for a KEM group the secret comes from the server's ciphertext (decapsulation). */
export function generateKeyShare(group: number, random: Random): KeyShareSecret {
  if (isKemGroup(group)) {
    const key = x25519MlKem768Generate(random);
    return {
      group,
      publicKey: key.keyShare,
      computeSharedSecret: (peer) => shared(() => x25519MlKem768Decapsulate(key, peer)),
    };
  }
  const ec = EC_GROUPS.get(group);
  if (ec !== undefined) {
    const pair = ecdhGenerate(ec, random);
    return {
      group,
      publicKey: pair.publicKey,
      computeSharedSecret: (peer) => shared(() => ecdhSharedSecret(ec, pair.privateKey, peer)),
    };
  }
  const ff = FF_GROUPS.get(group);
  if (ff !== undefined) {
    const pair = dhGenerate(ff, random);
    const plen = pair.publicKey.length;
    return {
      group,
      publicKey: pair.publicKey,
      // RFC 8446 §4.2.8.1: the peer's value is exactly len(p) bytes; the secret is left-padded to len(p).
      computeSharedSecret: (peer) => {
        if (peer.length !== plen)
          throw new TlsAlert(
            'illegal_parameter',
            `DH key share of ${peer.length} bytes, expected ${plen}`,
          );
        return shared(() => dhSharedSecret(ff, pair.privateKey, peer));
      },
    };
  }
  throw new TlsAlert('internal_error', `group ${groupName(group)} is not one postern supports`);
}

/** The server's answer to a client's share: its own share and the shared secret. */
export interface KeyShareAnswer {
  publicKey: Uint8Array;
  sharedSecret: Uint8Array;
}

/**
 * The server side of RFC 8446 §4.2.8: for a (EC)DH group a fresh key pair
 * and the DH result; for X25519MLKEM768 the encapsulation to the client's
 * key (draft-ietf-tls-ecdhe-mlkem §3), whose ciphertext is our share.
 */
export function answerKeyShare(
  group: number,
  clientShare: Uint8Array,
  random: Random,
): KeyShareAnswer {
  if (isKemGroup(group)) {
    const result = shared(() => x25519MlKem768Encapsulate(clientShare, random));
    return { publicKey: result.keyShare, sharedSecret: result.sharedSecret };
  }
  const mine = generateKeyShare(group, random);
  return { publicKey: mine.publicKey, sharedSecret: mine.computeSharedSecret(clientShare) };
}

/** RFC 8446 §4.2.8: an invalid peer share is illegal_parameter. */
function shared<T>(compute: () => T): T {
  try {
    return compute();
  } catch (err) {
    if (err instanceof CryptoError)
      throw new TlsAlert('illegal_parameter', `key share rejected: ${err.message}`);
    throw err;
  }
}
