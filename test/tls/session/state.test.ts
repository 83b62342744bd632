import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SessionError } from '../../../src/tls/session/errors.js';
import type { SessionState } from '../../../src/tls/session/state.js';
import {
  decodeSessionState,
  encodeSessionState,
  sessionExpiresAt,
} from '../../../src/tls/session/state.js';
import { tls12State, tls13State } from './sample-states.js';

/** Runs `fn`; a SessionError('bad_state') is a proper answer, anything else fails. */
function stateOrBadState(bytes: Uint8Array): boolean {
  try {
    decodeSessionState(bytes);
    return true;
  } catch (e) {
    if (e instanceof SessionError && e.code === 'bad_state') return true;
    throw e;
  }
}

test('TLS 1.2 and TLS 1.3 states round trip with every field', () => {
  for (const s of [tls12State, tls13State]) {
    const encoded = encodeSessionState(s);
    assert.equal(encoded[0], 1, 'format version byte first');
    assert.deepEqual(decodeSessionState(encoded), s);
  }
});

test('expiry is creation time plus lifetime', () => {
  assert.equal(sessionExpiresAt(tls12State), tls12State.createdAt + 3600_000);
});

test('every truncation and every trailing byte is bad_state', () => {
  for (const s of [tls12State, tls13State]) {
    const encoded = encodeSessionState(s);
    for (let n = 0; n < encoded.length; n++) {
      assert.throws(
        () => decodeSessionState(encoded.subarray(0, n)),
        (e: unknown) => e instanceof SessionError && e.code === 'bad_state',
        `prefix of ${n}`,
      );
    }
    const longer = new Uint8Array(encoded.length + 1);
    longer.set(encoded);
    assert.throws(() => decodeSessionState(longer), /trailing/);
  }
});

test('inconsistent fields are refused on decode', () => {
  const cases: [string, (b: Uint8Array) => void, RegExp][] = [
    ['unknown format', (b) => (b[0] = 2), /format 2/],
    ['unknown protocol', (b) => (b[2] = 0x02), /protocol version/],
    [
      'a TLS 1.2 suite in a TLS 1.3 session',
      (b) => ((b[3] = 0xcc), (b[4] = 0xa8)),
      /not a TLSv1.3 suite/,
    ],
    ['unknown suite', (b) => ((b[3] = 0x00), (b[4] = 0x05)), /unknown cipher suite/],
  ];
  for (const [what, edit, pattern] of cases) {
    const b = encodeSessionState(tls13State);
    edit(b);
    assert.throws(() => decodeSessionState(b), pattern, what);
  }
  // The psk length must match the suite's hash: the same bytes under TLS_AES_128_GCM_SHA256 (32-byte hash) fail.
  const b = encodeSessionState(tls13State);
  b[4] = 0x01;
  assert.throws(() => decodeSessionState(b), /PSK of 48 bytes for a 32-byte hash/);
});

test('states no decoder would accept are refused on encode with invalid_state', () => {
  const bad: SessionState[] = [
    { ...tls12State, masterSecret: new Uint8Array(47) },
    { ...tls12State, sessionId: new Uint8Array(33) },
    { ...tls12State, suite: 0x1301 },
    { ...tls13State, lifetime: 604801 },
    { ...tls13State, ticketAgeAdd: 2 ** 32 },
    { ...tls12State, peerVerified: false },
    { ...tls12State, peerCertificates: [], verifiedName: undefined },
    { ...tls12State, alpn: 'x'.repeat(256) },
    { ...tls12State, createdAt: -1 },
  ];
  for (const s of bad)
    assert.throws(
      () => encodeSessionState(s),
      (e: unknown) => e instanceof SessionError && e.code === 'invalid_state',
      JSON.stringify({ ...s, peerCertificates: s.peerCertificates.length }),
    );
});

const bytes = (min: number, max: number): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ minLength: min, maxLength: max });
const optionalName = fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined });
const common = {
  createdAt: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
  serverName: optionalName,
  alpn: optionalName,
  ticket: fc.option(bytes(1, 300), { nil: undefined }),
};
const arbitraryState: fc.Arbitrary<SessionState> = fc.oneof(
  fc
    .record({
      ...common,
      suite: fc.constantFrom(0xc02f, 0xcca8, 0xc030, 0x009c),
      lifetime: fc.nat({ max: 8640000 }),
      masterSecret: bytes(48, 48),
      extendedMasterSecret: fc.boolean(),
      sessionId: fc.option(bytes(1, 32), { nil: undefined }),
      chain: fc.array(bytes(1, 100), { maxLength: 3 }),
    })
    .map((r): SessionState => ({
      version: 'TLSv1.2',
      suite: r.suite,
      createdAt: r.createdAt,
      lifetime: r.lifetime,
      serverName: r.serverName,
      alpn: r.alpn,
      ticket: r.ticket,
      peerCertificates: r.chain,
      peerVerified: r.chain.length > 0,
      verifiedName: r.chain.length > 0 ? r.serverName : undefined,
      masterSecret: r.masterSecret,
      extendedMasterSecret: r.extendedMasterSecret,
      sessionId: r.sessionId,
    })),
  fc
    .record({
      ...common,
      sha384: fc.boolean(),
      lifetime: fc.nat({ max: 604800 }),
      ageAdd: fc.nat({ max: 0xffffffff }),
      seed: fc.uint8Array({ minLength: 48, maxLength: 48 }),
    })
    .map((r): SessionState => ({
      version: 'TLSv1.3',
      suite: r.sha384 ? 0x1302 : 0x1303,
      createdAt: r.createdAt,
      lifetime: r.lifetime,
      serverName: r.serverName,
      alpn: r.alpn,
      ticket: r.ticket,
      peerCertificates: [],
      peerVerified: false,
      verifiedName: undefined,
      psk: r.seed.subarray(0, r.sha384 ? 48 : 32),
      ticketAgeAdd: r.ageAdd,
      maxEarlyData: 0,
    })),
);

test('fuzz: any valid state round trips', () => {
  fc.assert(
    fc.property(arbitraryState, (s) => {
      assert.deepEqual(decodeSessionState(encodeSessionState(s)), s);
    }),
    { numRuns: 300 },
  );
});

test('fuzz: random bytes decode to a state or a SessionError(bad_state), never anything else', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), stateOrBadState), { numRuns: 2000 });
});

test('fuzz: edited encodings decode to a state or a SessionError(bad_state)', () => {
  fc.assert(
    fc.property(
      arbitraryState,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 4,
      }),
      (s, edits) => {
        const b = encodeSessionState(s);
        for (const [pos, value] of edits) b[pos % b.length] = value;
        return stateOrBadState(b);
      },
    ),
    { numRuns: 1000 },
  );
});
