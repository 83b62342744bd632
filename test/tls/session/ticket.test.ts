import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deterministicRandom } from '../../../src/prng/deterministic.js';
import { SessionError } from '../../../src/tls/session/errors.js';
import { openTicket, sealTicket } from '../../../src/tls/session/ticket.js';
import {
  TicketKeyring,
  decodeTicketKeys,
  encodeTicketKeys,
  keyringTiming,
} from '../../../src/tls/session/ticket-keys.js';
import { tls12State, tls13State } from './sample-states.js';

const HOUR = 3600_000;
const t0 = tls12State.createdAt;
const timing = { rotateAfterMs: HOUR, graceMs: 2 * HOUR };

test('a sealed ticket opens to the same state, for both versions', () => {
  const keyring = new TicketKeyring(timing);
  const random = deterministicRandom('ticket round trip');
  for (const s of [tls12State, { ...tls13State, createdAt: t0 }]) {
    const ticket = sealTicket(keyring, s, random, t0);
    assert.deepEqual(ticket.subarray(0, 16), keyring.keys[0]?.name, 'key_name leads the ticket');
    assert.deepEqual(openTicket(keyring, ticket, t0 + 1000), s);
  }
  assert.equal(keyring.keys.length, 1, 'one key seals both');
});

test('two seals of one state differ (fresh nonce), both open', () => {
  const keyring = new TicketKeyring(timing);
  const random = deterministicRandom('nonces');
  const a = sealTicket(keyring, tls12State, random, t0);
  const b = sealTicket(keyring, tls12State, random, t0);
  assert.notDeepEqual(a, b);
  assert.deepEqual(openTicket(keyring, a, t0), openTicket(keyring, b, t0));
});

test('a ticket from a key this keyring never had opens to undefined', () => {
  const ticket = sealTicket(
    new TicketKeyring(timing),
    tls12State,
    deterministicRandom('other server'),
    t0,
  );
  const mine = new TicketKeyring(timing);
  mine.current(t0, deterministicRandom('this server'));
  assert.equal(openTicket(mine, ticket, t0), undefined);
});

test('rotation: a new key seals after rotateAfter, the old one opens through its grace, then is dropped', () => {
  const keyring = new TicketKeyring(timing);
  const random = deterministicRandom('rotation');
  const long = { ...tls12State, lifetime: 86400 };
  const old = sealTicket(keyring, long, random, t0);
  const firstKey = keyring.keys[0];
  const later = t0 + HOUR + 1;
  const fresh = sealTicket(keyring, { ...tls12State, createdAt: later }, random, later);
  assert.equal(keyring.keys.length, 2, 'rotated');
  assert.notDeepEqual(fresh.subarray(0, 16), old.subarray(0, 16), 'sealed under the new key');
  assert.deepEqual(openTicket(keyring, old, t0 + 3 * HOUR - 1), long, 'old key within grace');
  assert.equal(openTicket(keyring, old, t0 + 3 * HOUR), undefined, 'old key past grace');
  keyring.prune(t0 + 3 * HOUR);
  assert.equal(keyring.keys.length, 1);
  assert.notEqual(keyring.keys[0], firstKey);
});

test('a ticket with any one byte changed, or cut short, opens to undefined', () => {
  const keyring = new TicketKeyring(timing);
  const ticket = sealTicket(keyring, tls12State, deterministicRandom('tamper'), t0);
  for (let i = 0; i < ticket.length; i++) {
    const bad = Uint8Array.from(ticket);
    bad[i] = (bad[i] as number) ^ 0x01;
    assert.equal(openTicket(keyring, bad, t0), undefined, `byte ${i}`);
  }
  for (const n of [0, 1, 16, 28, 43, 44, ticket.length - 1])
    assert.equal(openTicket(keyring, ticket.subarray(0, n), t0), undefined, `first ${n} bytes`);
});

test('a ticket holding an expired session opens to undefined', () => {
  const keyring = new TicketKeyring({ rotateAfterMs: 10 * HOUR, graceMs: 10 * HOUR });
  const ticket = sealTicket(keyring, tls12State, deterministicRandom('expiry'), t0);
  assert.notEqual(openTicket(keyring, ticket, t0 + HOUR - 1), undefined);
  assert.equal(openTicket(keyring, ticket, t0 + HOUR), undefined, 'lifetime 3600 s is over');
});

test('keyrings encode and decode; malformed ones are SessionError(bad_keyring)', () => {
  const keyring = new TicketKeyring(timing);
  const random = deterministicRandom('encode');
  keyring.current(t0, random);
  keyring.rotate(t0 + 5, random);
  const encoded = encodeTicketKeys(keyring.keys);
  assert.deepEqual(decodeTicketKeys(encoded), keyring.keys);
  const isBad = (e: unknown): boolean => e instanceof SessionError && e.code === 'bad_keyring';
  for (let n = 0; n < encoded.length; n++)
    assert.throws(() => decodeTicketKeys(encoded.subarray(0, n)), isBad);
  const wrongFormat = Uint8Array.from(encoded);
  wrongFormat[0] = 9;
  assert.throws(() => decodeTicketKeys(wrongFormat), isBad);
});

test('keyring timing follows the cache timeout: half to seal, then a whole timeout to open', () => {
  assert.deepEqual(keyringTiming(3600), { rotateAfterMs: 1800_000, graceMs: 3600_000 });
  assert.throws(() => new TicketKeyring({ rotateAfterMs: 0, graceMs: 0 }), SessionError);
});
