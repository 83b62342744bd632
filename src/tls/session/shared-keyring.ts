import type { Random } from '../../prng/random.js';
import { SessionError } from './errors.js';
import type { SessionStore } from './store.js';

import type { TicketKey, TicketKeyring } from './ticket-keys.js';
import { decodeTicketKeys, encodeTicketKeys, newTicketKey } from './ticket-keys.js';
import { equalBytes } from '../wire/bytes.js';

const MAX_ATTEMPTS = 16;

function keyId(k: TicketKey): string {
  return `${k.createdAt}:${Array.from(k.name, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Brings `keyring` and the store's keyring to the same set: the union of
 * both, less keys past their grace, plus a new key when none would still
 * seal `aheadMs` from now. The store is updated by compare-and-set, so of
 * several processes (or hosts, through Redis) rotating at once exactly one
 * key wins and every process adopts it; a key one process made on its own
 * (`TicketKeyring.current` when a sync was late) joins the shared set at its
 * next sync, so its tickets open everywhere from then on.
 *
 * Call it at start-up and then every `aheadMs` or less (a timer outside the
 * handshake; sealing itself never waits on the store). A stored keyring that
 * does not decode is replaced.
 */
export async function syncTicketKeys(
  store: SessionStore,
  keyring: TicketKeyring,
  now: number,
  random: Random,
  aheadMs: number,
): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const stored = await store.getTicketKeys();
    let remote: TicketKey[] = [];
    if (stored !== undefined) {
      try {
        remote = decodeTicketKeys(stored);
      } catch (e) {
        if (!(e instanceof SessionError)) throw e;
      }
    }
    const merged = new Map<string, TicketKey>();
    for (const k of [...remote, ...keyring.keys])
      if (keyring.opens(k, now)) merged.set(keyId(k), k);
    const keys = [...merged.values()];
    if (!keys.some((k) => keyring.seals(k, now + aheadMs))) keys.push(newTicketKey(random, now));
    const next = encodeTicketKeys(keys);
    if (equalBytes(stored, next) || (await store.swapTicketKeys(stored, next))) {
      keyring.replace(keys);
      return;
    }
  }
  throw new SessionError(
    'store_failed',
    `the shared ticket keyring changed under ${MAX_ATTEMPTS} attempts in a row`,
  );
}
