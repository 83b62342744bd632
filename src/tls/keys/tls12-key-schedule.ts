import { CryptoError } from '../../crypto/errors.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { tls12Prf } from '../../crypto/tls12-prf.js';
import type { Tls12Suite } from '../registry/suites.js';

/** RFC 5246 §8.1: the master secret is always 48 bytes. */
export const MASTER_SECRET_LENGTH = 48;
/** RFC 5246 §7.4.9: verify_data_length is 12 for every suite postern has. */
export const VERIFY_DATA_LENGTH = 12;

/** The keys of one direction, from the key block (RFC 5246 §6.3). */
export interface DirectionKeys {
  /** Empty for AEAD suites. */
  readonly macKey: Uint8Array;
  readonly key: Uint8Array;
  /** The implicit nonce part of AEAD suites (RFC 5288 §3, RFC 7905 §2); empty for CBC, whose IVs are explicit. */
  readonly iv: Uint8Array;
}

export interface KeyBlock {
  readonly client: DirectionKeys;
  readonly server: DirectionKeys;
}

function checkRandom(r: Uint8Array, what: string): void {
  if (r.length !== 32)
    throw new CryptoError('invalid_parameter', `${what} must be 32 bytes, got ${r.length}`);
}

/**
 * A TLS 1.2 master secret, with the PRF hash of the suite it was made for.
 * Only this type can derive record keys and Finished values, so neither can
 * be computed from a pre-master secret by mistake.
 */
export class Tls12MasterSecret {
  private constructor(
    readonly prfHash: 'sha256' | 'sha384',
    readonly secret: Uint8Array,
    /** Whether it was made with RFC 7627's session hash; resumption must keep this the same (RFC 7627 §5.3). */
    readonly extended: boolean,
  ) {}

  /** RFC 5246 §8.1: PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)[0..47]. */
  static fromPreMaster(
    prfHash: 'sha256' | 'sha384',
    preMasterSecret: Uint8Array,
    clientRandom: Uint8Array,
    serverRandom: Uint8Array,
  ): Tls12MasterSecret {
    checkRandom(clientRandom, 'ClientHello.random');
    checkRandom(serverRandom, 'ServerHello.random');
    const secret = tls12Prf(
      prfHash,
      preMasterSecret,
      'master secret',
      concatBytes(clientRandom, serverRandom),
      MASTER_SECRET_LENGTH,
    );
    return new Tls12MasterSecret(prfHash, secret, false);
  }

  /**
   * RFC 7627 §4: PRF(pre_master_secret, "extended master secret", session_hash)[0..47],
   * session_hash being the hash of the handshake up to and including ClientKeyExchange.
   */
  static extendedFromPreMaster(
    prfHash: 'sha256' | 'sha384',
    preMasterSecret: Uint8Array,
    sessionHash: Uint8Array,
  ): Tls12MasterSecret {
    const secret = tls12Prf(
      prfHash,
      preMasterSecret,
      'extended master secret',
      sessionHash,
      MASTER_SECRET_LENGTH,
    );
    return new Tls12MasterSecret(prfHash, secret, true);
  }

  /** A master secret taken back from a session cache or ticket for an abbreviated handshake. */
  static resumed(
    prfHash: 'sha256' | 'sha384',
    secret: Uint8Array,
    extended: boolean,
  ): Tls12MasterSecret {
    if (secret.length !== MASTER_SECRET_LENGTH)
      throw new CryptoError(
        'invalid_parameter',
        `a master secret is 48 bytes, got ${secret.length}`,
      );
    return new Tls12MasterSecret(prfHash, Uint8Array.from(secret), extended);
  }

  /**
   * RFC 5246 §6.3: key_block = PRF(master_secret, "key expansion", server_random + client_random),
   * cut into client MAC key, server MAC key, client key, server key, client IV, server IV.
   */
  keyBlock(suite: Tls12Suite, clientRandom: Uint8Array, serverRandom: Uint8Array): KeyBlock {
    if (suite.prfHash !== this.prfHash) {
      throw new CryptoError(
        'invalid_parameter',
        `${suite.name} uses the ${suite.prfHash} PRF, this master secret was made with ${this.prfHash}`,
      );
    }
    checkRandom(clientRandom, 'ClientHello.random');
    checkRandom(serverRandom, 'ServerHello.random');
    const c = suite.cipher;
    const macLength = c.kind === 'cbc' ? c.macLength : 0;
    const ivLength = c.kind === 'aead' ? c.fixedIvLength : 0;
    const total = 2 * (macLength + c.keyLength + ivLength);
    const block = tls12Prf(
      this.prfHash,
      this.secret,
      'key expansion',
      concatBytes(serverRandom, clientRandom),
      total,
    );
    let at = 0;
    const take = (n: number): Uint8Array => block.slice(at, (at += n));
    const clientMac = take(macLength);
    const serverMac = take(macLength);
    const clientKey = take(c.keyLength);
    const serverKey = take(c.keyLength);
    const clientIv = take(ivLength);
    const serverIv = take(ivLength);
    return {
      client: { macKey: clientMac, key: clientKey, iv: clientIv },
      server: { macKey: serverMac, key: serverKey, iv: serverIv },
    };
  }

  /**
   * RFC 5246 §7.4.9: verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11],
   * the label "client finished" or "server finished" by who sends it.
   */
  verifyData(sender: 'client' | 'server', handshakeHash: Uint8Array): Uint8Array {
    return tls12Prf(
      this.prfHash,
      this.secret,
      `${sender} finished`,
      handshakeHash,
      VERIFY_DATA_LENGTH,
    );
  }
}
