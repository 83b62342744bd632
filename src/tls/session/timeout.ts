import { SessionError } from './errors.js';
import { MAX_TLS13_LIFETIME } from './state.js';

/** Postfix (tls.h TLS_SESSION_LIFEMIN): a positive timeout under 2 minutes becomes 2 minutes. */
export const MIN_SESSION_CACHE_TIMEOUT = 120;
/** Postfix 2.11 and later: "this setting cannot exceed 100 days". */
export const MAX_SESSION_CACHE_TIMEOUT = 100 * 86400;

/**
 * A `*_session_cache_timeout` value in seconds as Postfix's tlsmgr applies
 * it: 0 or less disables session caching and tickets (result 0); a positive
 * value under 120 s becomes 120 s; over 100 days is a configuration error,
 * as in Postfix, whose parameter table refuses it at start-up.
 */
export function sessionTimeout(seconds: number, parameter = 'session_cache_timeout'): number {
  if (!Number.isSafeInteger(seconds))
    throw new SessionError(
      'bad_timeout',
      `invalid ${parameter}: ${seconds} is not a whole number of seconds`,
    );
  if (seconds > MAX_SESSION_CACHE_TIMEOUT)
    throw new SessionError(
      'bad_timeout',
      `invalid ${parameter}: ${seconds} (max ${MAX_SESSION_CACHE_TIMEOUT})`,
    );
  if (seconds <= 0) return 0;
  return Math.max(seconds, MIN_SESSION_CACHE_TIMEOUT);
}

/** RFC 8446 §4.6.1: a TLS 1.3 ticket_lifetime never exceeds seven days, whatever the cache timeout. */
export function tls13TicketLifetime(timeoutSeconds: number): number {
  return Math.min(timeoutSeconds, MAX_TLS13_LIFETIME);
}
