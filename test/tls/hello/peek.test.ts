import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deterministicRandom } from '../../../src/prng/deterministic.js';
import { createClientConnection } from '../../../src/tls/hello/start.js';
import { peekClientHello } from '../../../src/tls/hello/peek.js';

/** A real first flight: one record holding the ClientHello. */
function firstFlight(): Uint8Array {
  const conn = createClientConnection({ random: deterministicRandom('peek'), serverName: 'mx.example.org' });
  const out = conn.takeOutput();
  assert.ok(out !== undefined);
  return out;
}

/** The same ClientHello split into records of `size` bytes of fragment each. */
function resplit(flight: Uint8Array, size: number): Uint8Array {
  const message = flight.subarray(5);
  const parts: number[] = [];
  for (let o = 0; o < message.length; o += size) {
    const frag = message.subarray(o, Math.min(message.length, o + size));
    parts.push(22, 3, 1, frag.length >> 8, frag.length & 0xff, ...frag);
  }
  return Uint8Array.from(parts);
}

test('the ClientHello is read from one record, or from several, and its session ID is the one sent', () => {
  const flight = firstFlight();
  const one = peekClientHello(flight);
  assert.equal(one.kind, 'hello');
  assert.equal(one.kind === 'hello' ? one.hello.legacySessionId.length : -1, 32);
  const many = peekClientHello(resplit(flight, 50));
  assert.deepEqual(many, one);
});

test('a partial ClientHello asks for more; anything that is not one is none', () => {
  const flight = firstFlight();
  for (const cut of [0, 3, 5, 9, flight.length - 1]) assert.equal(peekClientHello(flight.subarray(0, cut)).kind, 'more', `cut at ${cut}`);
  assert.equal(peekClientHello(resplit(flight, 50).subarray(0, 120)).kind, 'more');
  assert.equal(peekClientHello(Uint8Array.of(23, 3, 3, 0, 1, 0)).kind, 'none', 'application data first');
  const notHello = Uint8Array.from(flight);
  notHello[5] = 2;
  assert.equal(peekClientHello(notHello).kind, 'none', 'a ServerHello');
  const garbled = Uint8Array.from(flight);
  garbled[5 + 4 + 2 + 32] = 200;
  assert.equal(peekClientHello(garbled).kind, 'none', 'a session ID length past the end');
});
