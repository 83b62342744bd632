import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { deterministicRandom } from '../../../src/prng/deterministic.js';
import type { ClientConfig, ServerConfig } from '../../../src/tls/policy/config.js';
import type { SessionInfo } from '../../../src/tls/engine/connection.js';
import { ExtensionType } from '../../../src/tls/registry/constants.js';
import type { SessionState, Tls12SessionState } from '../../../src/tls/session/state.js';
import { TicketKeyring, keyringTiming } from '../../../src/tls/session/ticket-keys.js';
import {
  ECDHE_ECDSA_AES128_GCM_SHA256,
  ECDHE_ECDSA_AES256_GCM_SHA384,
  ECDHE_ECDSA_AES128_SHA256,
} from '../../../src/tls/registry/suites.js';
import { Pair } from '../../helpers/tls-pair.js';
import { SERVER_NAME, TlsPki } from '../../helpers/tls-pki.js';

const pki = new TlsPki(['p256']);
after(() => pki.cleanup());

const T0 = Date.now();
let seed = 0;
const at = (ms: number) => () => new Date(ms);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The synchronous cache a server reads, filled from its `session` events as the Node adapter does. */
class MapCache {
  readonly entries = new Map<string, SessionState>();
  get(id: Uint8Array): SessionState | undefined {
    return this.entries.get(hex(id));
  }
  absorb(p: Pair): void {
    for (const e of p.serverEvents)
      if (e.type === 'session' && e.id !== undefined) this.entries.set(hex(e.id), e.state);
  }
}

function clientConfig(extra: Partial<ClientConfig> = {}): ClientConfig {
  return {
    random: deterministicRandom(`tls12 resumption client ${seed++}`),
    serverName: SERVER_NAME,
    trustStore: pki.trustStore,
    maxVersion: 'TLSv1.2',
    now: at(T0),
    ...extra,
  };
}
function serverConfig(extra: Partial<ServerConfig> = {}): ServerConfig {
  return {
    random: deterministicRandom(`tls12 resumption server ${seed++}`),
    certificates: [pki.servers.p256.certified],
    trustStore: pki.trustStore,
    now: at(T0),
    ...extra,
  };
}
const newKeyring = (): TicketKeyring => new TicketKeyring(keyringTiming(3600));

function infos(p: Pair): { client: SessionInfo; server: SessionInfo } {
  const c = p.clientEvents.find((e) => e.type === 'handshake');
  const s = p.serverEvents.find((e) => e.type === 'handshake');
  assert.ok(
    c?.type === 'handshake',
    `client did not complete: ${p.error('client')?.message ?? 'no event'}`,
  );
  assert.ok(
    s?.type === 'handshake',
    `server did not complete: ${p.error('server')?.message ?? 'no event'}`,
  );
  return { client: c.info, server: s.info };
}

function clientSession(p: Pair): Tls12SessionState | undefined {
  const e = p.clientEvents.find((x) => x.type === 'session');
  return e?.type === 'session' && e.state.version === 'TLSv1.2' ? e.state : undefined;
}

function exchange(p: Pair): void {
  p.client.write(new TextEncoder().encode('EHLO'));
  p.server.write(new TextEncoder().encode('250 ok'));
  p.pump();
  assert.equal(new TextDecoder().decode(p.received('server')), 'EHLO');
  assert.equal(new TextDecoder().decode(p.received('client')), '250 ok');
}

/** Handshake messages in the server's flights (Certificate = 11), read from the unprotected first flight. */
function serverSentCertificate(p: Pair): boolean {
  const first = p.flights.find((f) => f.from === 'server')?.bytes ?? new Uint8Array(0);
  // Records of the first server flight: type(1) version(2) length(2); handshake messages inside: type(1) length(3).
  for (let o = 0; o + 5 <= first.length;) {
    const len = ((first[o + 3] ?? 0) << 8) | (first[o + 4] ?? 0);
    if (first[o] === 22) {
      for (
        let m = o + 5;
        m + 4 <= o + 5 + len;
        m += 4 + (((first[m + 1] ?? 0) << 16) | ((first[m + 2] ?? 0) << 8) | (first[m + 3] ?? 0))
      ) {
        if (first[m] === 11) return true;
      }
    }
    o += 5 + len;
  }
  return false;
}

test('TLS 1.2 session ID: the server caches the session, the client resumes it in an abbreviated handshake', () => {
  const cache = new MapCache();
  const server = (extra: Partial<ServerConfig> = {}): ServerConfig =>
    serverConfig({ sessionCache: cache, sessionTickets: false, ...extra });
  const full = Pair.create(clientConfig(), server()).pump();
  assert.equal(infos(full).server.resumed, false);
  cache.absorb(full);
  assert.equal(cache.entries.size, 1, 'one session stored under the ID the server gave');
  const session = clientSession(full);
  assert.ok(session?.sessionId !== undefined && session.ticket === undefined);
  assert.equal(session.peerVerified, true);
  assert.ok(cache.entries.has(hex(session.sessionId)));
  const again = Pair.create(
    clientConfig({ session, now: at(T0 + 1000) }),
    server({ now: at(T0 + 1000) }),
  ).pump();
  const { client, server: s } = infos(again);
  assert.equal(client.resumed, true);
  assert.equal(s.resumed, true);
  assert.equal(serverSentCertificate(again), false, 'no Certificate in an abbreviated handshake');
  assert.equal(serverSentCertificate(full), true);
  assert.equal(client.peerCertificates.length, 1);
  assert.equal(client.extendedMasterSecret, true);
  exchange(again);
  assert.deepEqual(
    clientSession(again)?.sessionId,
    session.sessionId,
    'the resumed session stays resumable under its ID',
  );
});

test('TLS 1.2 ticket (RFC 5077): the server seals the session, the client resumes with it; a CBC suite keeps encrypt-then-MAC', () => {
  const keyring = newKeyring();
  for (const suite of [ECDHE_ECDSA_AES128_GCM_SHA256, ECDHE_ECDSA_AES128_SHA256]) {
    const full = Pair.create(
      clientConfig({ tls12CipherSuites: [suite] }),
      serverConfig({ sessionTickets: keyring, tls12CipherSuites: [suite] }),
    ).pump();
    const session = clientSession(full);
    assert.ok(session?.ticket !== undefined, 'a ticket came');
    assert.equal(session.sessionId, undefined, 'no cache, no session ID');
    const again = Pair.create(
      clientConfig({ session, tls12CipherSuites: [suite] }),
      serverConfig({ sessionTickets: keyring, tls12CipherSuites: [suite] }),
    ).pump();
    const { client, server } = infos(again);
    assert.equal(client.resumed, true, suite.name);
    assert.equal(server.resumed, true, suite.name);
    assert.equal(client.encryptThenMac, suite.cipher.kind === 'cbc');
    exchange(again);
    assert.deepEqual(clientSession(again)?.ticket, session.ticket, 'the ticket stays usable');
  }
});

test('TLS 1.2: a tampered ticket, one from an unknown key, or no tickets at all: a full handshake', () => {
  const keyring = newKeyring();
  const session = clientSession(
    Pair.create(clientConfig(), serverConfig({ sessionTickets: keyring })).pump(),
  ) as Tls12SessionState;
  const ticket = Uint8Array.from(session.ticket as Uint8Array);
  ticket[20] = (ticket[20] ?? 0) ^ 1;
  for (const [label, s, server] of [
    ['tampered', { ...session, ticket }, serverConfig({ sessionTickets: keyring })],
    ['unknown key', session, serverConfig({ sessionTickets: newKeyring() })],
    ['tickets off', session, serverConfig({ sessionTickets: false })],
  ] as const) {
    const p = Pair.create(clientConfig({ session: s }), server).pump();
    assert.equal(infos(p).client.resumed, false, label);
    assert.equal(infos(p).server.resumed, false, label);
    exchange(p);
  }
});

test('TLS 1.2: an expired session is not resumed', () => {
  const keyring = newKeyring();
  const cache = new MapCache();
  const full = Pair.create(
    clientConfig(),
    serverConfig({ sessionTickets: keyring, sessionCache: cache, sessionTimeout: 120 }),
  ).pump();
  cache.absorb(full);
  const session = clientSession(full) as Tls12SessionState;
  assert.equal(session.lifetime, 120, 'from the ticket lifetime hint');
  const p = Pair.create(
    clientConfig({ session }),
    serverConfig({ sessionTickets: keyring, sessionCache: cache, now: at(T0 + 121_000) }),
  ).pump();
  assert.equal(infos(p).server.resumed, false);
});

test('TLS 1.2: a session made for another server name is not resumed (RFC 6066 §3)', () => {
  const keyring = newKeyring();
  const session = clientSession(
    Pair.create(clientConfig(), serverConfig({ sessionTickets: keyring })).pump(),
  ) as Tls12SessionState;
  const p = Pair.create(
    clientConfig({
      session: { ...session, serverName: 'other.example.com' },
      serverName: 'other.example.com',
      rejectUnauthorized: false,
    }),
    serverConfig({ sessionTickets: keyring }),
  ).pump();
  assert.equal(infos(p).server.resumed, false);
});

test('TLS 1.2: a session whose suite is no longer allowed is not resumed', () => {
  const keyring = newKeyring();
  const session = clientSession(
    Pair.create(
      clientConfig({ tls12CipherSuites: [ECDHE_ECDSA_AES128_GCM_SHA256] }),
      serverConfig({ sessionTickets: keyring }),
    ).pump(),
  ) as Tls12SessionState;
  const p = Pair.create(
    clientConfig({ session }),
    serverConfig({ sessionTickets: keyring, tls12CipherSuites: [ECDHE_ECDSA_AES256_GCM_SHA384] }),
  ).pump();
  const { client, server } = infos(p);
  assert.equal(server.resumed, false);
  assert.equal(client.cipher, ECDHE_ECDSA_AES256_GCM_SHA384);
});

test('TLS 1.2: an extended-master-secret session offered without the extension is handshake_failure (RFC 7627 §5.3)', () => {
  const keyring = newKeyring();
  const session = clientSession(
    Pair.create(clientConfig(), serverConfig({ sessionTickets: keyring })).pump(),
  ) as Tls12SessionState;
  assert.equal(session.extendedMasterSecret, true);
  const withoutEms = clientConfig({
    session,
    customizeClientHello: (h) => ({
      ...h,
      extensions: h.extensions.filter((e) => e.type !== ExtensionType.extended_master_secret),
    }),
  });
  const p = Pair.create(withoutEms, serverConfig({ sessionTickets: keyring })).pump();
  assert.equal(p.error('server')?.alert, 'handshake_failure');
});

test('TLS 1.2: a session without a verified server is not offered where verification is required', () => {
  const keyring = newKeyring();
  const unverified = clientSession(
    Pair.create(
      clientConfig({ trustStore: undefined, rejectUnauthorized: false }),
      serverConfig({ sessionTickets: keyring }),
    ).pump(),
  ) as Tls12SessionState;
  assert.equal(unverified.peerVerified, false);
  const strict = Pair.create(
    clientConfig({ session: unverified }),
    serverConfig({ sessionTickets: keyring }),
  ).pump();
  assert.equal(infos(strict).client.resumed, false);
  const opportunistic = Pair.create(
    clientConfig({ session: unverified, trustStore: undefined, rejectUnauthorized: false }),
    serverConfig({ sessionTickets: keyring }),
  ).pump();
  assert.equal(infos(opportunistic).client.resumed, true);
});

test('TLS 1.2: a client offering TLS 1.3 and 1.2 resumes a TLS 1.2 session with a 1.2-only server', () => {
  const keyring = newKeyring();
  const session = clientSession(
    Pair.create(
      clientConfig(),
      serverConfig({ sessionTickets: keyring, maxVersion: 'TLSv1.2' }),
    ).pump(),
  ) as Tls12SessionState;
  const p = Pair.create(
    clientConfig({ session, maxVersion: 'TLSv1.3' }),
    serverConfig({ sessionTickets: keyring, maxVersion: 'TLSv1.2' }),
  ).pump();
  assert.equal(infos(p).client.resumed, true);
  assert.equal(infos(p).client.protocol, 'TLSv1.2');
});

test('TLS 1.2: a server resuming with another cipher suite is illegal_parameter (RFC 5246 §7.4.1.3)', () => {
  const keyring = newKeyring();
  const session = clientSession(
    Pair.create(
      clientConfig({ tls12CipherSuites: [ECDHE_ECDSA_AES128_GCM_SHA256] }),
      serverConfig({ sessionTickets: keyring }),
    ).pump(),
  ) as Tls12SessionState;
  assert.equal(session.suite, ECDHE_ECDSA_AES128_GCM_SHA256.code);
  const other = ECDHE_ECDSA_AES256_GCM_SHA384;
  const p = Pair.create(
    clientConfig({ session, tls12CipherSuites: [ECDHE_ECDSA_AES128_GCM_SHA256, other] }),
    serverConfig({
      sessionTickets: keyring,
      customizeServerMessage: (m) =>
        m.kind === 'server_hello' ? { ...m, cipherSuite: other.code } : m,
    }),
  ).pump();
  assert.equal(p.error('client')?.alert, 'illegal_parameter');
});
