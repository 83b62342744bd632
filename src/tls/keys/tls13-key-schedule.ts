import type { HashAlgorithm } from '../../crypto/hash.js';
import { hash as digest, hashOutputLen } from '../../crypto/hash.js';
import { hmac } from '../../crypto/hmac.js';
import { hkdfExtract } from '../../crypto/hkdf.js';
import { deriveSecret, hkdfExpandLabel } from '../../crypto/tls13-kdf.js';

/**
 * The TLS 1.3 key schedule (RFC 8446 §7.1), typed by stage as rustls does:
 * a handshake traffic secret can only come from a HandshakeSecret, which
 * only an EarlySecret can make, so no key is derived before its input exists.
 * Transcript arguments are transcript *hashes* (the connection keeps a
 * forkable running hash).
 */
export class EarlySecret {
  readonly secret: Uint8Array;
  private readonly hashLen: number;

  /** RFC 8446 §7.1: Early Secret = HKDF-Extract(0, PSK), PSK = zeros without resumption. */
  constructor(
    readonly hash: HashAlgorithm,
    psk?: Uint8Array,
  ) {
    this.hashLen = hashOutputLen(hash);
    this.secret = hkdfExtract(
      hash,
      new Uint8Array(this.hashLen),
      psk ?? new Uint8Array(this.hashLen),
    );
  }

  /** §7.1: "ext binder" for external PSKs, "res binder" for resumption. */
  binderKey(resumption: boolean): Uint8Array {
    return deriveSecret(
      this.hash,
      this.secret,
      resumption ? 'res binder' : 'ext binder',
      emptyHash(this.hash),
    );
  }

  /** §7.1: "c e traffic" over ClientHello (0-RTT is never accepted; kept for completeness of the schedule). */
  clientEarlyTrafficSecret(clientHelloHash: Uint8Array): Uint8Array {
    return deriveSecret(this.hash, this.secret, 'c e traffic', clientHelloHash);
  }

  /** §7.1: Handshake Secret = HKDF-Extract(Derive-Secret(Early, "derived", ""), (EC)DHE). */
  toHandshake(sharedSecret: Uint8Array): HandshakeSecret {
    const salt = deriveSecret(this.hash, this.secret, 'derived', emptyHash(this.hash));
    return new HandshakeSecret(this.hash, hkdfExtract(this.hash, salt, sharedSecret));
  }
}

export class HandshakeSecret {
  constructor(
    readonly hash: HashAlgorithm,
    readonly secret: Uint8Array,
  ) {}

  /** §7.1: "c hs traffic" over ClientHello...ServerHello. */
  clientTrafficSecret(helloHash: Uint8Array): Uint8Array {
    return deriveSecret(this.hash, this.secret, 'c hs traffic', helloHash);
  }

  /** §7.1: "s hs traffic" over ClientHello...ServerHello. */
  serverTrafficSecret(helloHash: Uint8Array): Uint8Array {
    return deriveSecret(this.hash, this.secret, 's hs traffic', helloHash);
  }

  /** §7.1: Master Secret = HKDF-Extract(Derive-Secret(Handshake, "derived", ""), 0). */
  toMaster(): MasterSecret {
    const len = hashOutputLen(this.hash);
    const salt = deriveSecret(this.hash, this.secret, 'derived', emptyHash(this.hash));
    return new MasterSecret(this.hash, hkdfExtract(this.hash, salt, new Uint8Array(len)));
  }
}

export class MasterSecret {
  constructor(
    readonly hash: HashAlgorithm,
    readonly secret: Uint8Array,
  ) {}

  /** §7.1: "c ap traffic" over ClientHello...server Finished. */
  clientTrafficSecret(serverFinishedHash: Uint8Array): Uint8Array {
    return deriveSecret(this.hash, this.secret, 'c ap traffic', serverFinishedHash);
  }

  /** §7.1: "s ap traffic" over ClientHello...server Finished. */
  serverTrafficSecret(serverFinishedHash: Uint8Array): Uint8Array {
    return deriveSecret(this.hash, this.secret, 's ap traffic', serverFinishedHash);
  }

  /** §7.1: "exp master" over ClientHello...server Finished. */
  exporterSecret(serverFinishedHash: Uint8Array): Uint8Array {
    return deriveSecret(this.hash, this.secret, 'exp master', serverFinishedHash);
  }

  /** §7.1: "res master" over ClientHello...client Finished. */
  resumptionSecret(clientFinishedHash: Uint8Array): Uint8Array {
    return deriveSecret(this.hash, this.secret, 'res master', clientFinishedHash);
  }
}

export interface TrafficKeys {
  key: Uint8Array;
  iv: Uint8Array;
}

/** §7.3: write key and IV of a traffic secret. */
export function trafficKeys(
  hash: HashAlgorithm,
  secret: Uint8Array,
  keyLength: number,
  ivLength = 12,
): TrafficKeys {
  return {
    key: hkdfExpandLabel(hash, secret, 'key', new Uint8Array(0), keyLength),
    iv: hkdfExpandLabel(hash, secret, 'iv', new Uint8Array(0), ivLength),
  };
}

/** §7.2: application_traffic_secret_N+1 for KeyUpdate. */
export function nextTrafficSecret(hash: HashAlgorithm, secret: Uint8Array): Uint8Array {
  return hkdfExpandLabel(hash, secret, 'traffic upd', new Uint8Array(0), hashOutputLen(hash));
}

/** §4.4.4: finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length). */
export function finishedKey(hash: HashAlgorithm, baseKey: Uint8Array): Uint8Array {
  return hkdfExpandLabel(hash, baseKey, 'finished', new Uint8Array(0), hashOutputLen(hash));
}

/** §4.4.4: verify_data = HMAC(finished_key, Transcript-Hash(...)). Also the PSK binder (§4.2.11.2). */
export function finishedVerifyData(
  hash: HashAlgorithm,
  baseKey: Uint8Array,
  transcriptHash: Uint8Array,
): Uint8Array {
  return hmac(hash, finishedKey(hash, baseKey), transcriptHash);
}

/** §4.6.1: the PSK of a ticket: HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length). */
export function resumptionPsk(
  hash: HashAlgorithm,
  resumptionSecret: Uint8Array,
  ticketNonce: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(hash, resumptionSecret, 'resumption', ticketNonce, hashOutputLen(hash));
}

/** §7.5: TLS-Exporter(label, context, length). */
export function exportKeyingMaterial(
  hash: HashAlgorithm,
  exporterSecret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const secret = deriveSecret(hash, exporterSecret, label, emptyHash(hash));
  return hkdfExpandLabel(hash, secret, 'exporter', digest(hash, context), length);
}

const emptyHashes = new Map<HashAlgorithm, Uint8Array>();
function emptyHash(hash: HashAlgorithm): Uint8Array {
  let h = emptyHashes.get(hash);
  if (!h) {
    h = digest(hash, new Uint8Array(0));
    emptyHashes.set(hash, h);
  }
  return h;
}
