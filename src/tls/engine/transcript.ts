import type { Hash, HashAlgorithm } from '../../crypto/hash.js';
import { createHash } from '../../crypto/hash.js';
import { messageHash } from '../codec/messages.js';

/**
 * The running handshake hash (RFC 8446 §4.4.1). Messages arrive before the
 * hash is known (the ClientHello precedes the suite choice), so they are
 * held until `start(hash)`; after that each message is hashed once and the
 * state is forked, never re-hashed, when a value is needed.
 */
export class Transcript {
  private pending: Uint8Array[] = [];
  private running: Hash | undefined;

  get algorithm(): HashAlgorithm | undefined {
    return this.running?.algorithm;
  }

  start(hash: HashAlgorithm): void {
    if (this.running !== undefined) {
      if (this.running.algorithm !== hash)
        throw new Error(`transcript already uses ${this.running.algorithm}`);
      return;
    }
    this.running = createHash(hash);
    for (const m of this.pending) this.running.update(m);
    this.pending = [];
  }

  add(rawMessage: Uint8Array): void {
    if (this.running !== undefined) this.running.update(rawMessage);
    else this.pending.push(Uint8Array.from(rawMessage));
  }

  /** Transcript-Hash of everything added so far. */
  current(): Uint8Array {
    if (this.running === undefined)
      throw new Error('transcript hash used before the hash was chosen');
    return this.running.clone().digest();
  }

  /** Transcript-Hash of everything so far followed by `partial` (RFC 8446 §4.2.11.2: the binder's truncated ClientHello). */
  currentWith(partial: Uint8Array): Uint8Array {
    if (this.running === undefined)
      throw new Error('transcript hash used before the hash was chosen');
    const h = this.running.clone();
    h.update(partial);
    return h.digest();
  }

  /**
   * RFC 8446 §4.4.1: after a HelloRetryRequest, ClientHello1 is replaced by
   * message_hash(Hash(ClientHello1)). Call before adding the HRR itself.
   */
  replaceWithMessageHash(hash: HashAlgorithm): void {
    this.start(hash);
    const digest = this.current();
    this.running = createHash(hash);
    this.running.update(messageHash(digest));
  }
}
