import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { deterministicRandom } from '../../../src/prng/deterministic.js';
import type { ClientConfig, ServerConfig } from '../../../src/tls/policy/config.js';
import type { SessionInfo } from '../../../src/tls/engine/connection.js';
import { ExtensionType } from '../../../src/tls/registry/constants.js';
import { NamedGroup } from '../../../src/tls/registry/named-group.js';
import type { SessionState, Tls13SessionState } from '../../../src/tls/session/state.js';
import { TicketKeyring, keyringTiming } from '../../../src/tls/session/ticket-keys.js';
import {
  TLS_AES_128_GCM_SHA256,
  TLS_AES_256_GCM_SHA384,
} from '../../../src/tls/registry/suites.js';
import { Pair } from '../../helpers/tls-pair.js';
import { SERVER_NAME, TlsPki } from '../../helpers/tls-pki.js';

const pki = new TlsPki(['p256']);
after(() => pki.cleanup());

/** The certificates are made now, so the clock starts now; each test moves it from here. */
const T0 = Date.now();
let seed = 0;
const at = (ms: number) => () => new Date(ms);

function clientConfig(extra: Partial<ClientConfig> = {}): ClientConfig {
  return {
    random: deterministicRandom(`resumption client ${seed++}`),
    serverName: SERVER_NAME,
    trustStore: pki.trustStore,
    now: at(T0),
    ...extra,
  };
}
function serverConfig(
  keyring: TicketKeyring | false,
  extra: Partial<ServerConfig> = {},
): ServerConfig {
  return {
    random: deterministicRandom(`resumption server ${seed++}`),
    certificates: [pki.servers.p256.certified],
    trustStore: pki.trustStore,
    sessionTickets: keyring,
    now: at(T0),
    ...extra,
  };
}
function newKeyring(): TicketKeyring {
  return new TicketKeyring(keyringTiming(3600));
}

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

function sessionsOf(p: Pair): Tls13SessionState[] {
  return p.clientEvents.flatMap((e) =>
    e.type === 'session' && e.state.version === 'TLSv1.3' ? [e.state] : [],
  );
}

function exchange(p: Pair): void {
  p.client.write(new TextEncoder().encode('ping'));
  p.server.write(new TextEncoder().encode('pong'));
  p.pump();
  assert.equal(new TextDecoder().decode(p.received('server')), 'ping');
  assert.equal(new TextDecoder().decode(p.received('client')), 'pong');
}

/** A full handshake that leaves the client with its tickets. */
function firstSession(
  keyring: TicketKeyring,
  client: Partial<ClientConfig> = {},
  server: Partial<ServerConfig> = {},
): Tls13SessionState {
  const p = Pair.create(clientConfig(client), serverConfig(keyring, server)).pump();
  const { client: c, server: s } = infos(p);
  assert.equal(c.resumed, false);
  assert.equal(s.resumed, false);
  const tickets = sessionsOf(p);
  assert.equal(
    tickets.length,
    server.ticketCount ?? 2,
    'two NewSessionTickets by default, as OpenSSL',
  );
  const first = tickets[0] as Tls13SessionState;
  assert.notDeepEqual(
    first.psk,
    tickets[1]?.psk ?? new Uint8Array(0),
    'each ticket has its own PSK (its own nonce)',
  );
  return first;
}

/** Whether the first ClientHello offered a PSK. */
function offeredPsk(p: Pair): boolean {
  return hasPskExtension((p.flights[0]?.bytes ?? new Uint8Array(0)).subarray(5));
}
function hasPskExtension(body: Uint8Array): boolean {
  // Walk the ClientHello: type(1) len(3) version(2) random(32) session_id(1+n) suites(2+n) compression(1+n) extensions(2+n).
  let o = 4 + 2 + 32;
  o += 1 + (body[o] ?? 0);
  o += 2 + (((body[o] ?? 0) << 8) | (body[o + 1] ?? 0));
  o += 1 + (body[o] ?? 0);
  const end = o + 2 + (((body[o] ?? 0) << 8) | (body[o + 1] ?? 0));
  o += 2;
  while (o < end) {
    const type = ((body[o] ?? 0) << 8) | (body[o + 1] ?? 0);
    if (type === ExtensionType.pre_shared_key) return true;
    o += 4 + (((body[o + 2] ?? 0) << 8) | (body[o + 3] ?? 0));
  }
  return false;
}

test('TLS 1.3: a ticket resumes with PSK-DHE, skipping the certificate, and the resumed connection issues new tickets', () => {
  const keyring = newKeyring();
  const session = firstSession(keyring);
  assert.equal(session.serverName, SERVER_NAME);
  assert.equal(session.peerVerified, true);
  const p = Pair.create(
    clientConfig({ session, now: at(T0 + 5000) }),
    serverConfig(keyring, { now: at(T0 + 5000) }),
  ).pump();
  const { client, server } = infos(p);
  assert.ok(offeredPsk(p));
  assert.equal(client.resumed, true);
  assert.equal(server.resumed, true);
  assert.equal(
    client.group,
    NamedGroup.X25519MLKEM768,
    'psk_dhe_ke keeps the key exchange (the default hybrid)',
  );
  assert.equal(client.peerSignatureScheme, undefined, 'no CertificateVerify in a PSK handshake');
  assert.equal(client.peerCertificates.length, 1, 'the session remembers the server chain');
  exchange(p);
  const next = sessionsOf(p);
  assert.equal(next.length, 2);
  assert.equal(next[0]?.peerVerified, true, 'the verified identity carries into the new tickets');
  // A ticket from the resumed connection resumes in turn.
  const q = Pair.create(
    clientConfig({ session: next[0] as SessionState, now: at(T0 + 9000) }),
    serverConfig(keyring, { now: at(T0 + 9000) }),
  ).pump();
  assert.equal(infos(q).server.resumed, true);
});

test('TLS 1.3: a tampered ticket, or one from a key the server does not have, falls back to a full handshake', () => {
  const keyring = newKeyring();
  const session = firstSession(keyring);
  const ticket = Uint8Array.from(session.ticket as Uint8Array);
  ticket[ticket.length - 1] = (ticket[ticket.length - 1] ?? 0) ^ 1;
  const tampered = Pair.create(
    clientConfig({ session: { ...session, ticket } }),
    serverConfig(keyring),
  ).pump();
  assert.ok(offeredPsk(tampered));
  assert.equal(infos(tampered).server.resumed, false);
  assert.equal(infos(tampered).client.resumed, false);
  exchange(tampered);
  const otherServer = Pair.create(clientConfig({ session }), serverConfig(newKeyring())).pump();
  assert.equal(infos(otherServer).client.resumed, false);
  const noTickets = Pair.create(clientConfig({ session }), serverConfig(false)).pump();
  assert.equal(infos(noTickets).client.resumed, false);
  assert.equal(sessionsOf(noTickets).length, 0, 'sessionTickets: false issues no ticket');
});

test('TLS 1.3: an expired session is not resumed by the server, and not offered by the client', () => {
  const keyring = newKeyring();
  const session = firstSession(keyring, {}, { sessionTimeout: 120 });
  assert.equal(session.lifetime, 120);
  // The client's clock says the ticket is fresh; the server's says it has expired.
  const p = Pair.create(
    clientConfig({ session }),
    serverConfig(keyring, { now: at(T0 + 121_000) }),
  ).pump();
  assert.ok(offeredPsk(p));
  assert.equal(infos(p).server.resumed, false);
  const late = Pair.create(
    clientConfig({ session, now: at(T0 + 121_000) }),
    serverConfig(keyring, { now: at(T0 + 121_000) }),
  ).pump();
  assert.equal(offeredPsk(late), false);
  assert.equal(infos(late).client.resumed, false);
});

test("TLS 1.3: a ticket age far from the server's is not accepted (full handshake)", () => {
  const keyring = newKeyring();
  const session = firstSession(keyring);
  const p = Pair.create(
    clientConfig({ session, now: at(T0) }),
    serverConfig(keyring, { now: at(T0 + 600_000) }),
  ).pump();
  assert.equal(infos(p).server.resumed, false);
});

test('TLS 1.3: a wrong binder is decrypt_error (RFC 8446 §4.2.11)', () => {
  const keyring = newKeyring();
  const session = firstSession(keyring);
  let first = true;
  const p = Pair.create(clientConfig({ session }), serverConfig(keyring), (from, bytes) => {
    if (from !== 'client' || !first) return bytes;
    first = false;
    const copy = Uint8Array.from(bytes);
    // The binder is the last bytes of the ClientHello, the last message of the first flight.
    copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 0x80;
    return copy;
  }).pump();
  assert.equal(p.error('server')?.alert, 'decrypt_error');
  assert.equal(p.error('client')?.alert, 'decrypt_error');
});

test('TLS 1.3: a session made for another server name is not resumed (RFC 6066 §3)', () => {
  const keyring = newKeyring();
  const session = firstSession(keyring);
  // The client is told the session is for the new name; the sealed state still says SERVER_NAME.
  const p = Pair.create(
    clientConfig({
      session: { ...session, serverName: 'other.example.com' },
      serverName: 'other.example.com',
      rejectUnauthorized: false,
    }),
    serverConfig(keyring),
  ).pump();
  assert.ok(offeredPsk(p));
  assert.equal(infos(p).server.resumed, false);
  // And a client does not offer a session for another name at all.
  const q = Pair.create(
    clientConfig({ session, serverName: 'other.example.com', rejectUnauthorized: false }),
    serverConfig(keyring),
  ).pump();
  assert.equal(offeredPsk(q), false);
});

test('TLS 1.3: a session whose suite hash the server no longer allows falls back to a full handshake', () => {
  const keyring = newKeyring();
  const session = firstSession(keyring, {}, { cipherSuites: [TLS_AES_128_GCM_SHA256] });
  const p = Pair.create(
    clientConfig({ session }),
    serverConfig(keyring, { cipherSuites: [TLS_AES_256_GCM_SHA384] }),
  ).pump();
  assert.ok(offeredPsk(p));
  const { client, server } = infos(p);
  assert.equal(server.resumed, false);
  assert.equal(client.cipher, TLS_AES_256_GCM_SHA384);
  // A client allowed no suite of the session's hash does not offer it.
  const q = Pair.create(
    clientConfig({ session, cipherSuites: [TLS_AES_256_GCM_SHA384] }),
    serverConfig(keyring),
  ).pump();
  assert.equal(offeredPsk(q), false);
});

test('TLS 1.3: a session without a verified server does not satisfy a connection that requires verification', () => {
  const keyring = newKeyring();
  const unverified = firstSession(keyring, { trustStore: undefined, rejectUnauthorized: false });
  assert.equal(unverified.peerVerified, false);
  const p = Pair.create(clientConfig({ session: unverified }), serverConfig(keyring)).pump();
  assert.equal(offeredPsk(p), false);
  assert.equal(infos(p).client.resumed, false);
  const opportunistic = Pair.create(
    clientConfig({ session: unverified, trustStore: undefined, rejectUnauthorized: false }),
    serverConfig(keyring),
  ).pump();
  assert.equal(infos(opportunistic).client.resumed, true);
});

test('TLS 1.3: a session without a client certificate does not satisfy a server that requires one', () => {
  const keyring = newKeyring();
  const session = firstSession(keyring);
  const p = Pair.create(
    clientConfig({ session, certificate: pki.client.certified }),
    serverConfig(keyring, { clientAuth: 'required' }),
  ).pump();
  const { server } = infos(p);
  assert.equal(server.resumed, false);
  assert.equal(server.peerCertificates.length, 1);
  const withCert = sessionsOf(p)[0] as Tls13SessionState;
  const q = Pair.create(
    clientConfig({ session: withCert, certificate: pki.client.certified }),
    serverConfig(keyring, { clientAuth: 'required' }),
  ).pump();
  assert.equal(infos(q).server.resumed, true);
  assert.equal(
    infos(q).server.peerCertificates.length,
    1,
    'the resumed session keeps the client chain',
  );
});

test('TLS 1.3: after a HelloRetryRequest the PSK is re-bound and the handshake completes', () => {
  const keyring = newKeyring();
  const session = firstSession(keyring);
  const p = Pair.create(
    clientConfig({ session }),
    serverConfig(keyring, { groups: [NamedGroup.secp256r1] }),
  ).pump();
  const { client } = infos(p);
  assert.equal(client.helloRetry, true);
  assert.equal(client.resumed, false);
});

test('TLS 1.3: a server selecting a PSK identity we did not offer is illegal_parameter (RFC 8446 §4.2.11)', () => {
  const keyring = newKeyring();
  const session = firstSession(keyring);
  const p = Pair.create(
    clientConfig({ session }),
    serverConfig(keyring, {
      customizeServerMessage: (m) =>
        m.kind === 'server_hello'
          ? {
              ...m,
              extensions: m.extensions.map((e) =>
                e.kind === 'pre_shared_key_server_hello' ? { ...e, selectedIdentity: 1 } : e,
              ),
            }
          : m,
    }),
  ).pump();
  assert.equal(p.error('client')?.alert, 'illegal_parameter');
});

test('TLS 1.3: a PSK selected when none was offered is unsupported_extension (RFC 8446 §4.2)', () => {
  const p = Pair.create(
    clientConfig(),
    serverConfig(newKeyring(), {
      customizeServerMessage: (m) =>
        m.kind === 'server_hello'
          ? {
              ...m,
              extensions: [
                ...m.extensions,
                {
                  kind: 'pre_shared_key_server_hello',
                  type: ExtensionType.pre_shared_key,
                  selectedIdentity: 0,
                },
              ],
            }
          : m,
    }),
  ).pump();
  assert.equal(p.error('client')?.alert, 'unsupported_extension');
});

test('a resumed TLS 1.3 handshake does not acknowledge server_name (RFC 6066 §3, as BoringSSL); a full one does', () => {
  const keyring = newKeyring();
  const eeNames: boolean[] = [];
  const onMessage = (
    direction: 'sent' | 'received',
    message: { kind: string; extensions?: readonly { type: number }[] },
  ): void => {
    if (direction === 'received' && message.kind === 'encrypted_extensions')
      eeNames.push((message.extensions ?? []).some((e) => e.type === ExtensionType.server_name));
  };
  const first = Pair.create(clientConfig({ onMessage }), serverConfig(keyring)).pump();
  const session = sessionsOf(first)[0]!;
  const again = Pair.create(clientConfig({ session, onMessage }), serverConfig(keyring)).pump();
  assert.equal(infos(again).server.resumed, true);
  assert.equal(infos(again).server.serverName, SERVER_NAME, 'the session still knows the name');
  assert.deepEqual(eeNames, [true, false]);
});
