import { CryptoError } from '../../crypto/errors.js';
import type { Random } from '../../prng/random.js';
import { SessionError } from './errors.js';
import type { SessionState } from './state.js';
import { decodeSessionState, encodeSessionState, sessionExpiresAt } from './state.js';
import type { TicketKeyring } from './ticket-keys.js';
import { TICKET_KEY_NAME_LENGTH } from './ticket-keys.js';

/*
 * The ticket is opaque to clients (RFC 5077 §3.3, RFC 8446 §4.6.1), so its
 * layout is ours. RFC 5077 §4 recommends key_name ‖ IV ‖ AES-CBC(state) ‖
 * HMAC; this is its AEAD equivalent, one primitive instead of two and no
 * padding to check:
 *
 *   key_name[16] ‖ nonce[12] ‖ AES-256-GCM(key, nonce, state, aad = key_name)
 *
 * The key name is authenticated as AAD, so a ticket cannot be moved under
 * another key. Nonces are random: NIST SP 800-38D §8.3 allows 2^32 random
 * nonces per key, far beyond what one key seals before it rotates.
 */
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const OVERHEAD = TICKET_KEY_NAME_LENGTH + NONCE_LENGTH + TAG_LENGTH;

/** Seals `state` under the keyring's current key (rotating it first if its turn is over). */
export function sealTicket(
  keyring: TicketKeyring,
  state: SessionState,
  random: Random,
  now: number,
): Uint8Array {
  const key = keyring.current(now, random);
  const nonce = random.bytes(NONCE_LENGTH);
  const sealed = keyring.aead(key).seal(nonce, encodeSessionState(state), key.name);
  const ticket = new Uint8Array(TICKET_KEY_NAME_LENGTH + NONCE_LENGTH + sealed.length);
  ticket.set(key.name, 0);
  ticket.set(nonce, TICKET_KEY_NAME_LENGTH);
  ticket.set(sealed, TICKET_KEY_NAME_LENGTH + NONCE_LENGTH);
  return ticket;
}

/**
 * The session inside `ticket`, or undefined when the ticket is too short,
 * names no key that still opens, fails authentication, holds no valid state,
 * or holds an expired session. Each of these means a full handshake
 * (RFC 5077 §3.4, RFC 8446 §4.2.11: an unusable PSK is simply not selected);
 * none of them throws.
 */
export function openTicket(
  keyring: TicketKeyring,
  ticket: Uint8Array,
  now: number,
): SessionState | undefined {
  if (ticket.length < OVERHEAD) return undefined;
  const key = keyring.find(ticket.subarray(0, TICKET_KEY_NAME_LENGTH), now);
  if (key === undefined) return undefined;
  let plaintext: Uint8Array;
  try {
    plaintext = keyring
      .aead(key)
      .open(
        ticket.subarray(TICKET_KEY_NAME_LENGTH, TICKET_KEY_NAME_LENGTH + NONCE_LENGTH),
        ticket.subarray(TICKET_KEY_NAME_LENGTH + NONCE_LENGTH),
        key.name,
      );
  } catch (e) {
    if (e instanceof CryptoError) return undefined;
    throw e;
  }
  let state: SessionState;
  try {
    state = decodeSessionState(plaintext);
  } catch (e) {
    // Authentic but undecodable: sealed by a build with another state format.
    if (e instanceof SessionError) return undefined;
    throw e;
  }
  return now < sessionExpiresAt(state) ? state : undefined;
}
