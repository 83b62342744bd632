import type { Aead } from '../../crypto/aead.js';
import { createAead } from '../../crypto/aead.js';
import type { Random } from '../../prng/random.js';
import { TlsAlert } from '../error/tls-alert.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';
import { SessionError } from './errors.js';
import { equalBytes } from '../wire/bytes.js';

/** RFC 5077 §4: key_name is 16 bytes. */
export const TICKET_KEY_NAME_LENGTH = 16;
/** AES-256-GCM. */
export const TICKET_KEY_LENGTH = 32;

export interface TicketKey {
  /** Public: sent in every ticket so the server finds the key (RFC 5077 §4). */
  readonly name: Uint8Array;
  readonly key: Uint8Array;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

export interface KeyringTiming {
  /** A key seals new tickets for this long after its creation. */
  readonly rotateAfterMs: number;
  /** …and still opens them for this long after that, then it is dropped. */
  readonly graceMs: number;
}

/**
 * Timing for a `*_session_cache_timeout` of `timeoutSeconds` (already capped
 * by `sessionTimeout`). Like Postfix's tlsmgr, a key encrypts for half the
 * timeout; unlike it, the key is kept a whole timeout more, so a ticket sealed
 * at the end of a key's turn opens until the session itself expires.
 */
export function keyringTiming(timeoutSeconds: number): KeyringTiming {
  return {
    rotateAfterMs: Math.max(1, Math.floor(timeoutSeconds / 2)) * 1000,
    graceMs: timeoutSeconds * 1000,
  };
}

interface Entry {
  readonly key: TicketKey;
  aead: Aead | undefined;
}

/** Newest first, then by name, so that two processes encode the same set identically. */
function order(a: TicketKey, b: TicketKey): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  for (let i = 0; i < TICKET_KEY_NAME_LENGTH; i++) {
    const d = (a.name[i] ?? 0) - (b.name[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function newTicketKey(random: Random, now: number): TicketKey {
  return {
    name: random.bytes(TICKET_KEY_NAME_LENGTH),
    key: random.bytes(TICKET_KEY_LENGTH),
    createdAt: now,
  };
}

/**
 * The ticket-protection keys of one server, or of a fleet sharing them
 * through a store (`syncTicketKeys`). The newest key seals; every key opens
 * until `rotateAfterMs + graceMs` after its creation. Sealing never waits on
 * a store: the handshake is synchronous.
 */
export class TicketKeyring {
  private entries: Entry[] = [];

  constructor(
    readonly timing: KeyringTiming,
    keys: readonly TicketKey[] = [],
  ) {
    if (!(timing.rotateAfterMs > 0) || !(timing.graceMs >= 0))
      throw new SessionError(
        'bad_keyring',
        'rotation period must be positive and grace non-negative',
      );
    this.replace(keys);
  }

  get keys(): readonly TicketKey[] {
    return this.entries.map((e) => e.key);
  }

  /** Takes `keys` as the whole set, keeping the expanded AEAD of keys it already had. */
  replace(keys: readonly TicketKey[]): void {
    const old = this.entries;
    this.entries = [...keys].sort(order).map((key) => ({
      key,
      aead: old.find((e) => equalBytes(e.key.name, key.name) && e.key.createdAt === key.createdAt)
        ?.aead,
    }));
  }

  /** Whether `key` may still seal at `now`. */
  seals(key: TicketKey, now: number): boolean {
    return now < key.createdAt + this.timing.rotateAfterMs;
  }

  /** Whether `key` may still open at `now`. */
  opens(key: TicketKey, now: number): boolean {
    return now < key.createdAt + this.timing.rotateAfterMs + this.timing.graceMs;
  }

  /** The key that seals at `now`, if any. */
  sealingKey(now: number): TicketKey | undefined {
    return this.entries.find((e) => this.seals(e.key, now))?.key;
  }

  /** The key that seals at `now`, rotating first when none does. */
  current(now: number, random: Random): TicketKey {
    return this.sealingKey(now) ?? this.rotate(now, random);
  }

  /** Adds a fresh key, which seals from now on, and drops keys past their grace. */
  rotate(now: number, random: Random): TicketKey {
    const key = newTicketKey(random, now);
    this.replace([key, ...this.keys]);
    this.prune(now);
    return key;
  }

  /** Drops every key that no longer opens anything. */
  prune(now: number): void {
    this.entries = this.entries.filter((e) => this.opens(e.key, now));
  }

  /** The key named `name` if it still opens tickets at `now`. */
  find(name: Uint8Array, now: number): TicketKey | undefined {
    return this.entries.find((e) => equalBytes(e.key.name, name) && this.opens(e.key, now))?.key;
  }

  /** The AES-256-GCM of `key`, expanded once per key (DESIGN.md: GCM key setup costs ~22 µs). */
  aead(key: TicketKey): Aead {
    const entry = this.entries.find((e) => e.key === key);
    if (entry === undefined) return createAead('aes-256-gcm', key.key);
    entry.aead ??= createAead('aes-256-gcm', key.key);
    return entry.aead;
  }
}

const KEYRING_FORMAT = 1;

/** The keys as one blob, for a store shared by several processes or hosts. */
export function encodeTicketKeys(keys: readonly TicketKey[]): Uint8Array {
  const w = new Writer({ initialSize: 8 + keys.length * 56 });
  w.u8(KEYRING_FORMAT);
  const close = w.openVector16();
  for (const k of [...keys].sort(order)) {
    if (
      k.name.length !== TICKET_KEY_NAME_LENGTH ||
      k.key.length !== TICKET_KEY_LENGTH ||
      !Number.isSafeInteger(k.createdAt) ||
      k.createdAt < 0
    ) {
      throw new SessionError(
        'bad_keyring',
        'a ticket key has a wrong name or key length or creation time',
      );
    }
    w.bytes(k.name)
      .bytes(k.key)
      .u32(Math.floor(k.createdAt / 2 ** 32))
      .u32(k.createdAt >>> 0);
  }
  close();
  return Uint8Array.from(w.finish());
}

export function decodeTicketKeys(bytes: Uint8Array): TicketKey[] {
  try {
    const r = new Reader(bytes);
    const format = r.u8('format');
    if (format !== KEYRING_FORMAT)
      throw new SessionError(
        'bad_keyring',
        `ticket keyring format ${format}, expected ${KEYRING_FORMAT}`,
      );
    const list = r.vector16('keys');
    r.expectEnd('ticket keyring');
    const keys: TicketKey[] = [];
    while (!list.done) {
      const name = Uint8Array.from(list.bytes(TICKET_KEY_NAME_LENGTH, 'key_name'));
      const key = Uint8Array.from(list.bytes(TICKET_KEY_LENGTH, 'key'));
      const createdAt = list.u32('created_at high') * 2 ** 32 + list.u32('created_at low');
      if (!Number.isSafeInteger(createdAt))
        throw new SessionError('bad_keyring', 'ticket key creation time out of range');
      keys.push({ name, key, createdAt });
    }
    return keys;
  } catch (e) {
    if (e instanceof TlsAlert)
      throw new SessionError('bad_keyring', `ticket keyring: ${e.message}`, { cause: e });
    throw e;
  }
}
