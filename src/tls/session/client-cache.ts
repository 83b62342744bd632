import { SessionError } from './errors.js';
import type { SessionState } from './state.js';
import { decodeSessionState, encodeSessionState, sessionExpiresAt } from './state.js';
import type { SessionStore } from './store.js';
import { encodeUtf8 } from '../wire/text.js';

/**
 * The client's sessions in a `SessionStore` (memory, the on-disk database or
 * Redis). TLS 1.3 tickets are used once (RFC 8446 §C.4: reuse lets a network
 * observer link connections), so `take` removes them; a TLS 1.2 session stays
 * until it expires or a newer one replaces it.
 */
export class ClientSessionCache {
  constructor(
    private readonly store: SessionStore,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The session to offer to `destination`, if an unexpired one is kept. */
  async take(destination: string): Promise<SessionState | undefined> {
    const id = encodeUtf8(destination);
    const bytes = await this.store.get(id);
    if (bytes === undefined) return undefined;
    let state: SessionState;
    try {
      state = decodeSessionState(bytes);
    } catch (err) {
      // A damaged entry is dropped and the connection starts afresh.
      if (!(err instanceof SessionError)) throw err;
      await this.store.delete(id);
      return undefined;
    }
    if (sessionExpiresAt(state) <= this.now()) {
      await this.store.delete(id);
      return undefined;
    }
    if (state.version === 'TLSv1.3') await this.store.delete(id);
    return state;
  }

  /** Keeps `state` (from a TLSSocket's 'session' event) for the next connection to `destination`. */
  async put(destination: string, state: SessionState): Promise<void> {
    const ttl = Math.floor((sessionExpiresAt(state) - this.now()) / 1000);
    if (ttl <= 0) return;
    await this.store.set(encodeUtf8(destination), encodeSessionState(state), ttl);
  }
}
