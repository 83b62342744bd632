// smtp_tls_session_cache_timeout (postconf(5)): a cached client session is
// reused for at most this long, however long the server said it may live.
// The store below caps each entry's lifetime; the session's own expiry
// (ticket lifetime, RFC 8446 §4.6.1) still applies when it is shorter.
import type { SessionStore } from '../../tls/index.js';

export function cappedSessionStore(store: SessionStore, maxSeconds: number): SessionStore {
  return {
    get: (id) => store.get(id),
    set: (id, value, ttlSeconds) =>
      store.set(id, value, Math.max(1, Math.min(ttlSeconds, maxSeconds))),
    delete: (id) => store.delete(id),
    getTicketKeys: () => store.getTicketKeys(),
    swapTicketKeys: (expected, next) => store.swapTicketKeys(expected, next),
    close: () => store.close(),
    ...(store.purgeExpired === undefined ? {} : { purgeExpired: store.purgeExpired.bind(store) }),
  };
}
