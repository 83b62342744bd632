import { SessionError } from './errors.js';

/**
 * A session cache, keyed by opaque ids (a TLS 1.2 session ID on the server,
 * a destination key on the client), holding encoded session states. Async
 * because Redis is. It also holds the ticket keyring of the servers that
 * share it (see `syncTicketKeys`).
 */
export interface SessionStore {
  get(id: Uint8Array): Promise<Uint8Array | undefined>;
  /** Stores `value` for `ttlSeconds` (a positive integer); a later `get` after that finds nothing. */
  set(id: Uint8Array, value: Uint8Array, ttlSeconds: number): Promise<void>;
  delete(id: Uint8Array): Promise<void>;
  /** Removes expired entries now, for stores that do not expire them by themselves; resolves with how many. */
  purgeExpired?(): Promise<number>;
  /** The encoded ticket keyring (`encodeTicketKeys`), if one was stored. */
  getTicketKeys(): Promise<Uint8Array | undefined>;
  /**
   * Compare-and-set: stores `next` only if the stored keyring is still
   * byte-for-byte `expected` (`undefined`: none stored yet). Resolves false
   * when another process changed it first, so processes that start at once
   * agree on one keyring.
   */
  swapTicketKeys(expected: Uint8Array | undefined, next: Uint8Array): Promise<boolean>;
  close(): Promise<void>;
}

/** Longer ids are refused: a TLS 1.2 session ID is at most 32 bytes, a client destination key a host name and a few fields. */
export const MAX_SESSION_ID_LENGTH = 1024;

export function checkId(id: Uint8Array): void {
  if (id.length === 0 || id.length > MAX_SESSION_ID_LENGTH)
    throw new SessionError(
      'store_failed',
      `session cache id of ${id.length} bytes is outside 1..${MAX_SESSION_ID_LENGTH}`,
    );
}

export function checkTtl(ttlSeconds: number): void {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0)
    throw new SessionError(
      'store_failed',
      `session cache TTL ${ttlSeconds} is not a positive whole number of seconds`,
    );
}
