import { bigIntToBytes, bitLength, bytesToBigInt } from '../../crypto/bigint.js';
import type { DhGroup } from '../../crypto/dh.js';
import { dhGenerate, dhSharedSecret, FFDHE2048, FFDHE3072, FFDHE4096 } from '../../crypto/dh.js';
import { CryptoError } from '../../crypto/errors.js';
import { DH_MAX_P_BITS } from '../../crypto/key-bounds.js';
import { isProbablePrime } from '../../crypto/prime.js';
import type { Random } from '../../prng/random.js';
import { TlsAlert } from '../error/tls-alert.js';
import { isFfdheGroup, NamedGroup } from '../registry/named-group.js';

/** The RFC 7919 groups we implement, by NamedGroup code, in our preference order. */
const FFDHE: ReadonlyArray<[number, DhGroup]> = [
  [NamedGroup.ffdhe2048, FFDHE2048],
  [NamedGroup.ffdhe3072, FFDHE3072],
  [NamedGroup.ffdhe4096, FFDHE4096],
];

/** The NamedGroup code of an RFC 7919 group, for logs and SessionInfo. */
export function ffdheCode(group: DhGroup): number | undefined {
  return FFDHE.find(([, g]) => g.p === group.p && g.g === group.g)?.[0];
}

/**
 * The server's DHE group for one ClientHello: the configured parameter
 * file, else ffdhe2048. RFC 7919 §4: a client listing FFDHE groups in
 * supported_groups gets one of those (the first we know, in our order),
 * and none at all — no DHE suite — when it lists only FFDHE groups we do
 * not implement.
 */
export function serverDhGroup(
  configured: DhGroup | undefined,
  clientGroups: readonly number[] | undefined,
): DhGroup | undefined {
  if (configured !== undefined) return configured;
  const offered = (clientGroups ?? []).filter(isFfdheGroup);
  if (offered.length === 0) return FFDHE2048;
  return FFDHE.find(([code]) => offered.includes(code))?.[1];
}

/** Groups a client has already accepted, by p, so a server's file is tested for primality once (bounded). */
const accepted = new Map<string, DhGroup>();
const ACCEPTED_MAX = 64;

/**
 * RFC 5246 §8.1.2 and RFC 7919 §3: the client's checks on a server's
 * ServerDHParams. Below our minimum is insufficient_security; an even or
 * non-prime p, or g outside 1 < g < p − 1, is illegal_parameter. The
 * RFC 7919 groups are recognised as such; any other p gets a probable-prime
 * test (the result is kept per p, the server's file rarely changes).
 */
export function clientCheckGroup(
  dhP: Uint8Array,
  dhG: Uint8Array,
  minBits: number,
  random: Random,
): DhGroup {
  // RFC 5246 §7.4.3: integers without leading zeros; one leading zero byte is tolerated as other stacks do.
  const p = bytesToBigInt(dhP);
  const g = bytesToBigInt(dhG);
  const bits = bitLength(p);
  // OpenSSL's OPENSSL_DH_MAX_MODULUS_BITS: a larger p would make the primality test and the exponentiations a denial of service.
  if (bits > DH_MAX_P_BITS)
    throw new TlsAlert(
      'illegal_parameter',
      `server DH group of ${bits} bits is above the maximum of ${DH_MAX_P_BITS}`,
    );
  if (bits < minBits)
    throw new TlsAlert(
      'insufficient_security',
      `server DH group of ${bits} bits is below the minimum of ${minBits}`,
    );
  if ((p & 1n) === 0n || g <= 1n || g >= p - 1n)
    throw new TlsAlert('illegal_parameter', 'server DH group: even p or g out of range');
  const known = FFDHE.find(([, grp]) => grp.p === p);
  if (known !== undefined && known[1].g === g) return known[1];
  const key = p.toString(16);
  const seen = accepted.get(key);
  if (seen !== undefined && seen.g === g) return seen;
  if (!isProbablePrime(p, random))
    throw new TlsAlert('illegal_parameter', 'server DH prime is not prime');
  const group: DhGroup = { p, g };
  if (accepted.size >= ACCEPTED_MAX) accepted.delete(accepted.keys().next().value as string);
  accepted.set(key, group);
  return group;
}

export interface DheShare {
  /** g^x mod p, as long as p. */
  publicKey: Uint8Array;
  /** RFC 5246 §8.1.2: Z with leading zero bytes stripped. A peer value outside 1 < y < p − 1 is illegal_parameter. */
  preMaster(peer: Uint8Array): Uint8Array;
}

export function dheShare(group: DhGroup, random: Random): DheShare {
  const pair = dhGenerate(group, random);
  return {
    publicKey: pair.publicKey,
    preMaster: (peer) => {
      try {
        return dhSharedSecret(group, pair.privateKey, peer, { stripLeadingZeros: true });
      } catch (err) {
        if (err instanceof CryptoError)
          throw new TlsAlert('illegal_parameter', `DH public value refused: ${err.message}`);
        throw err;
      }
    },
  };
}

/** The group's prime and generator as ServerDHParams carries them. */
export function groupBytes(group: DhGroup): { dhP: Uint8Array; dhG: Uint8Array } {
  return { dhP: bigIntToBytes(group.p), dhG: bigIntToBytes(group.g) };
}
