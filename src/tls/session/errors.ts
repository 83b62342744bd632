/**
 * Why a session-cache operation refused its input. A handshake that meets any
 * of these falls back to a full handshake; none of them is a TLS alert.
 */
export type SessionErrorCode =
  /** Encoded session state that is truncated, too long, of an unknown format version, or inconsistent. */
  | 'bad_state'
  /** A session state that cannot be encoded (a field out of its range). */
  | 'invalid_state'
  /** A `*_session_cache_database` value that names no cache postern has. */
  | 'bad_spec'
  /** A `*_session_cache_timeout` value Postfix would refuse. */
  | 'bad_timeout'
  /** An encoded ticket keyring that does not parse. */
  | 'bad_keyring'
  /** The cache backend (database file, Redis) failed. */
  | 'store_failed';

export class SessionError extends Error {
  constructor(
    readonly code: SessionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SessionError';
  }
}
