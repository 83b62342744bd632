import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { deterministicRandom } from '../../../src/prng/deterministic.js';
import type { SessionInfo } from '../../../src/tls/engine/connection.js';
import type { HandshakeMessage } from '../../../src/tls/codec/handshake.js';
import type { ClientHello } from '../../../src/tls/codec/messages.js';
import type { ClientConfig, ServerConfig } from '../../../src/tls/policy/config.js';
import { DEFAULT_GROUPS, defaultKeyShareGroups } from '../../../src/tls/policy/defaults.js';
import { NamedGroup as G } from '../../../src/tls/registry/named-group.js';
import {
  X25519MLKEM768_CLIENT_SHARE_BYTES,
  X25519MLKEM768_SERVER_SHARE_BYTES,
} from '../../../src/crypto/x25519-mlkem768.js';
import { Pair } from '../../helpers/tls-pair.js';
import { SERVER_NAME, TlsPki } from '../../helpers/tls-pki.js';

/**
 * Issue 13 item 16: X25519MLKEM768 (0x11EC, draft-ietf-tls-ecdhe-mlkem §3)
 * in the TLS 1.3 key exchange, both sides: in the default groups with an
 * X25519 share beside it, preferred by the server, HelloRetryRequest both
 * ways with a peer that lacks it, and the share sizes enforced.
 */

const pki = new TlsPki(['p256']);
after(() => pki.cleanup());

let seed = 0;
function clientConfig(extra: Partial<ClientConfig> = {}): ClientConfig {
  return {
    random: deterministicRandom(`mlkem client ${seed++}`),
    serverName: SERVER_NAME,
    trustStore: pki.trustStore,
    ...extra,
  };
}
function serverConfig(extra: Partial<ServerConfig> = {}): ServerConfig {
  return {
    random: deterministicRandom(`mlkem server ${seed++}`),
    certificates: [pki.servers.p256.certified],
    ...extra,
  };
}

function sessions(p: Pair): { client: SessionInfo; server: SessionInfo } {
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

function exchange(p: Pair): void {
  p.client.write(new TextEncoder().encode('EHLO client.example.com\r\n'));
  p.server.write(new TextEncoder().encode('250 ok\r\n'));
  p.pump();
  assert.equal(new TextDecoder().decode(p.received('server')), 'EHLO client.example.com\r\n');
  assert.equal(new TextDecoder().decode(p.received('client')), '250 ok\r\n');
}

/** The ClientHellos the client sent, as built (the hook only records them). */
function recording(extra: Partial<ClientConfig> = {}): {
  config: ClientConfig;
  hellos: ClientHello[];
} {
  const hellos: ClientHello[] = [];
  return {
    config: clientConfig({ ...extra, customizeClientHello: (h) => (hellos.push(h), h) }),
    hellos,
  };
}

function shares(h: ClientHello | undefined): { group: number; length: number }[] {
  const e = h?.extensions.find((x) => x.kind === 'key_share_client_hello');
  return e?.kind === 'key_share_client_hello'
    ? e.shares.map((s) => ({ group: s.group, length: s.keyExchange.length }))
    : [];
}

test('defaults: X25519MLKEM768 first, and the client shares it and X25519 (as OpenSSL 3.5)', () => {
  assert.equal(DEFAULT_GROUPS[0], G.X25519MLKEM768);
  assert.deepEqual(defaultKeyShareGroups(DEFAULT_GROUPS), [G.X25519MLKEM768, G.x25519]);
  assert.deepEqual(defaultKeyShareGroups([G.X25519MLKEM768, G.secp256r1]), [G.X25519MLKEM768]);
  assert.deepEqual(defaultKeyShareGroups([G.secp256r1, G.x25519]), [G.secp256r1]);
});

test('our client and our server with defaults agree on X25519MLKEM768 in one round trip; shares are 1216 and 1120 bytes', () => {
  const { config, hellos } = recording();
  let serverShare = -1;
  const p = Pair.withServerEdit(config, serverConfig(), (m) => {
    const ks =
      m.kind === 'server_hello'
        ? m.extensions.find((e) => e.kind === 'key_share_server_hello')
        : undefined;
    if (ks?.kind === 'key_share_server_hello') serverShare = ks.share.keyExchange.length;
    return m;
  }).pump();
  const { client, server } = sessions(p);
  assert.equal(client.group, G.X25519MLKEM768);
  assert.equal(server.group, G.X25519MLKEM768);
  assert.equal(client.helloRetry, false);
  assert.deepEqual(shares(hellos[0]), [
    { group: G.X25519MLKEM768, length: X25519MLKEM768_CLIENT_SHARE_BYTES },
    { group: G.x25519, length: 32 },
  ]);
  assert.equal(X25519MLKEM768_CLIENT_SHARE_BYTES, 1216);
  assert.equal(serverShare, X25519MLKEM768_SERVER_SHARE_BYTES);
  assert.equal(serverShare, 1120);
  exchange(p);
});

test('a server without X25519MLKEM768 takes the X25519 share: no HelloRetryRequest', () => {
  const { client } = sessions(
    Pair.create(clientConfig(), serverConfig({ groups: [G.x25519, G.secp256r1] })).pump(),
  );
  assert.equal(client.group, G.x25519);
  assert.equal(client.helloRetry, false);
});

test('HelloRetryRequest from our server: a client that lists X25519MLKEM768 but shares only X25519 is asked for it', () => {
  const { config, hellos } = recording({ keyShareGroups: [G.x25519] });
  const p = Pair.create(config, serverConfig()).pump();
  const { client } = sessions(p);
  assert.equal(client.group, G.X25519MLKEM768);
  assert.equal(client.helloRetry, true);
  assert.deepEqual(shares(hellos[1]), [{ group: G.X25519MLKEM768, length: 1216 }]);
  exchange(p);
});

test('HelloRetryRequest to our client: it shares only X25519MLKEM768, the server lacks it and asks for P-256', () => {
  const p = Pair.create(
    clientConfig({ groups: [G.X25519MLKEM768, G.secp256r1], keyShareGroups: [G.X25519MLKEM768] }),
    serverConfig({ groups: [G.secp256r1] }),
  ).pump();
  const { client } = sessions(p);
  assert.equal(client.group, G.secp256r1);
  assert.equal(client.helloRetry, true);
  exchange(p);
});

test('a client without X25519MLKEM768 is served X25519 by a server that prefers the hybrid', () => {
  const { client } = sessions(
    Pair.create(clientConfig({ groups: [G.x25519, G.secp256r1] }), serverConfig()).pump(),
  );
  assert.equal(client.group, G.x25519);
  assert.equal(client.helloRetry, false);
});

test('TLS 1.2 never uses X25519MLKEM768 (draft §3: TLS 1.3 only): ECDHE takes X25519', () => {
  const { client } = sessions(
    Pair.create(clientConfig({ maxVersion: 'TLSv1.2' }), serverConfig()).pump(),
  );
  assert.equal(client.protocol, 'TLSv1.2');
  assert.equal(client.group, G.x25519);
});

function resizeShare<T extends HandshakeMessage | ClientHello>(
  m: T,
  group: number,
  delta: number,
): T {
  const resize = (k: Uint8Array): Uint8Array =>
    delta < 0 ? k.subarray(0, k.length + delta) : Uint8Array.from([...k, ...new Uint8Array(delta)]);
  if (m.kind === 'client_hello') {
    return {
      ...m,
      extensions: m.extensions.map((e) =>
        e.kind === 'key_share_client_hello'
          ? {
              ...e,
              shares: e.shares.map((s) =>
                s.group === group ? { ...s, keyExchange: resize(s.keyExchange) } : s,
              ),
            }
          : e,
      ),
    };
  }
  if (m.kind === 'server_hello') {
    return {
      ...m,
      extensions: m.extensions.map((e) =>
        e.kind === 'key_share_server_hello'
          ? { ...e, share: { ...e.share, keyExchange: resize(e.share.keyExchange) } }
          : e,
      ),
    };
  }
  return m;
}

test('a client share one byte short or long is illegal_parameter from the server', () => {
  for (const delta of [-1, 1]) {
    const p = Pair.withClientEdit(clientConfig(), serverConfig(), (m) =>
      resizeShare(m, G.X25519MLKEM768, delta),
    ).pump();
    assert.equal(
      p.error('server')?.alert,
      'illegal_parameter',
      `delta ${delta}: ${p.error('server')?.message}`,
    );
    assert.match(
      p.error('server')?.message ?? '',
      /X25519MLKEM768 client share of \d+ bytes, expected 1216/,
    );
  }
});

test('a server share one byte short or long is illegal_parameter from the client', () => {
  for (const delta of [-1, 1]) {
    const p = Pair.withServerEdit(clientConfig(), serverConfig(), (m) =>
      resizeShare(m, G.X25519MLKEM768, delta),
    ).pump();
    assert.equal(
      p.error('client')?.alert,
      'illegal_parameter',
      `delta ${delta}: ${p.error('client')?.message}`,
    );
    assert.match(
      p.error('client')?.message ?? '',
      /X25519MLKEM768 server share of \d+ bytes, expected 1120/,
    );
  }
});

test('an encapsulation key failing the FIPS 203 modulus check is illegal_parameter', () => {
  const breakKey = (m: HandshakeMessage): HandshakeMessage => {
    if (m.kind !== 'client_hello') return m;
    return {
      ...m,
      extensions: m.extensions.map((e) => {
        if (e.kind !== 'key_share_client_hello') return e;
        return {
          ...e,
          shares: e.shares.map((s) =>
            s.group === G.X25519MLKEM768
              ? { ...s, keyExchange: Uint8Array.from(s.keyExchange).fill(0xff, 0, 3) }
              : s,
          ),
        };
      }),
    };
  };
  const p = Pair.withClientEdit(clientConfig(), serverConfig(), breakKey).pump();
  assert.equal(p.error('server')?.alert, 'illegal_parameter');
  assert.match(p.error('server')?.message ?? '', /modulus check/);
});
