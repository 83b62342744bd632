// What a listening server shares among its connections: the session store
// (TLS 1.2 session IDs) and the ticket keyring, rotated through that store
// (RFC 5077 §4) so that servers on one store open each other's tickets.
// createServer uses it, and so do adapters that start TLS on sockets they
// accept themselves (an SMTP server's STARTTLS).
import type { Random } from '../../prng/random.js';
import { DEFAULT_SESSION_CACHE_TIMEOUT } from '../policy/defaults.js';
import { syncTicketKeys } from '../session/shared-keyring.js';
import type { SessionStore } from '../session/store.js';
import { MemorySessionStore } from '../session/stores/memory.js';
import { TicketKeyring, keyringTiming } from '../session/ticket-keys.js';
import { defaultRandom } from './default-random.js';
import type { ServerOptions } from './options.js';

export interface ServerSessions {
  /** The options every connection gets: `random`, `sessionStore` (in memory when absent) and `sessionTickets` filled in. */
  readonly options: ServerOptions;
  /** Resolves once the first key agreement with the store is done; connections should wait for it. */
  readonly ready: Promise<void>;
  /** Ends the periodic key agreement. */
  stop(): void;
}

/** `sessionTickets` given (or false) is used as is; absent, a keyring of this server per `sessionTimeout`. */
export function serverSessions(
  options: ServerOptions,
  failed: (err: unknown) => void,
): ServerSessions {
  const random = options.random ?? defaultRandom();
  const store = options.sessionStore ?? new MemorySessionStore();
  const keyring =
    options.sessionTickets ??
    new TicketKeyring(keyringTiming(options.sessionTimeout ?? DEFAULT_SESSION_CACHE_TIMEOUT));
  const rotation = keyring === false ? undefined : rotateTicketKeys(store, keyring, random, failed);
  return {
    options: { ...options, random, sessionTickets: keyring, sessionStore: store },
    ready: rotation?.ready ?? Promise.resolve(),
    stop: () => rotation?.stop(),
  };
}

/** A key is shared before it seals; `ahead` is how early the next one is agreed. */
function rotateTicketKeys(
  store: SessionStore,
  keyring: TicketKeyring,
  random: Random,
  failed: (err: unknown) => void,
): { ready: Promise<void>; stop: () => void } {
  const ahead = Math.min(keyring.timing.rotateAfterMs, 60_000);
  const sync = (): Promise<void> =>
    syncTicketKeys(store, keyring, Date.now(), random, ahead).catch(failed);
  const ready = sync();
  const timer = setInterval(() => void sync(), ahead);
  timer.unref();
  return { ready, stop: () => clearInterval(timer) };
}
