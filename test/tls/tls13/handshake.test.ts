import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { deterministicRandom } from '../../../src/prng/deterministic.js';
import type { ClientConfig, ServerConfig } from '../../../src/tls/policy/config.js';
import type { SessionInfo } from '../../../src/tls/engine/connection.js';
import { NamedGroup } from '../../../src/tls/registry/named-group.js';
import { SignatureScheme } from '../../../src/tls/registry/signature-scheme.js';
import {
  TLS_AES_128_GCM_SHA256,
  TLS_AES_256_GCM_SHA384,
  TLS_CHACHA20_POLY1305_SHA256,
} from '../../../src/tls/registry/suites.js';
import { DEFAULT_TLS13_SUITES } from '../../../src/tls/policy/defaults.js';
import { Pair } from '../../helpers/tls-pair.js';
import { KEY_TYPES, SERVER_NAME, TlsPki, type DefaultKeyType } from '../../helpers/tls-pki.js';

const pki = new TlsPki();
after(() => pki.cleanup());

let seed = 0;
function clientConfig(extra: Partial<ClientConfig> = {}): ClientConfig {
  return {
    random: deterministicRandom(`client ${seed++}`),
    serverName: SERVER_NAME,
    trustStore: pki.trustStore,
    ...extra,
  };
}
function serverConfig(extra: Partial<ServerConfig> = {}): ServerConfig {
  return {
    random: deterministicRandom(`server ${seed++}`),
    certificates: [pki.servers.p256.certified],
    trustStore: pki.trustStore,
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

/** Sends a message each way and checks it arrives intact. */
function exchange(p: Pair, label: string): void {
  const before = { c: p.received('client').length, s: p.received('server').length };
  const toServer = new TextEncoder().encode(`${label}: client to server`);
  const toClient = new TextEncoder().encode(`${label}: server to client`);
  p.client.write(toServer);
  p.server.write(toClient);
  p.pump();
  assert.deepEqual(p.received('server').subarray(before.s), Buffer.from(toServer), label);
  assert.deepEqual(p.received('client').subarray(before.c), Buffer.from(toClient), label);
}

const GROUPS: readonly [string, number][] = [
  ['x25519', NamedGroup.x25519],
  ['secp256r1', NamedGroup.secp256r1],
  ['secp384r1', NamedGroup.secp384r1],
  ['ffdhe2048', NamedGroup.ffdhe2048],
  ['ffdhe3072', NamedGroup.ffdhe3072],
];
const EXPECTED_SCHEME: Record<DefaultKeyType, number> = {
  rsa: SignatureScheme.rsa_pss_rsae_sha256,
  p256: SignatureScheme.ecdsa_secp256r1_sha256,
  p384: SignatureScheme.ecdsa_secp384r1_sha384,
  ed25519: SignatureScheme.ed25519,
};

test('every suite x group x certificate type completes and carries data both ways', () => {
  for (const suite of DEFAULT_TLS13_SUITES) {
    for (const [groupName, group] of GROUPS) {
      for (const type of KEY_TYPES) {
        const label = `${suite.name} ${groupName} ${type}`;
        const p = Pair.create(
          clientConfig({ cipherSuites: [suite], groups: [group] }),
          serverConfig({
            cipherSuites: [suite],
            groups: [group],
            certificates: [pki.servers[type].certified],
          }),
        ).pump();
        const { client, server } = sessions(p);
        for (const info of [client, server]) {
          assert.equal(info.protocol, 'TLSv1.3', label);
          assert.equal(info.cipher, suite, label);
          assert.equal(info.group, group, label);
          assert.equal(info.helloRetry, false, label);
        }
        assert.equal(client.peerSignatureScheme, EXPECTED_SCHEME[type], label);
        assert.equal(client.verification?.ok, true, label);
        assert.equal(client.peerCertificates.length, 1, label);
        assert.equal(server.serverName, SERVER_NAME, label);
        assert.equal(server.peerCertificates.length, 0, label);
        exchange(p, label);
      }
    }
  }
});

test('RSA certificates sign with each rsa_pss_rsae scheme the client asks for', () => {
  for (const scheme of [
    SignatureScheme.rsa_pss_rsae_sha256,
    SignatureScheme.rsa_pss_rsae_sha384,
    SignatureScheme.rsa_pss_rsae_sha512,
  ]) {
    const p = Pair.create(
      clientConfig({ signatureSchemes: [scheme] }),
      serverConfig({ certificates: [pki.servers.rsa.certified] }),
    ).pump();
    assert.equal(sessions(p).client.peerSignatureScheme, scheme);
  }
  // rsa_pkcs1_* is not allowed in a TLS 1.3 CertificateVerify (RFC 8446 §4.2.3): no certificate fits.
  const p = Pair.create(
    clientConfig({ signatureSchemes: [SignatureScheme.rsa_pkcs1_sha256] }),
    serverConfig({ certificates: [pki.servers.rsa.certified] }),
  ).pump();
  assert.equal(p.error('server')?.alert, 'handshake_failure');
  assert.equal(p.error('client')?.origin, 'remote');
});

test('the server picks the certificate that fits the client signature_algorithms', () => {
  const all = KEY_TYPES.map((t) => pki.servers[t].certified);
  for (const type of KEY_TYPES) {
    const p = Pair.create(
      clientConfig({ signatureSchemes: [EXPECTED_SCHEME[type]] }),
      serverConfig({ certificates: all }),
    ).pump();
    const { client } = sessions(p);
    assert.equal(client.peerSignatureScheme, EXPECTED_SCHEME[type], type);
    assert.ok(
      client.peerCertificates[0]!.der.every(
        (b, i) => b === pki.servers[type].certified.chain[0]!.der[i],
      ),
      type,
    );
  }
});

test('HelloRetryRequest: the client shares a group the server does not take', () => {
  for (const [name, group] of GROUPS.filter(([, g]) => g !== NamedGroup.x25519)) {
    const p = Pair.create(
      clientConfig({ groups: [NamedGroup.x25519, group], keyShareGroups: [NamedGroup.x25519] }),
      serverConfig({ groups: [group] }),
    ).pump();
    const { client, server } = sessions(p);
    assert.equal(client.helloRetry, true, name);
    assert.equal(server.helloRetry, true, name);
    assert.equal(client.group, group, name);
    exchange(p, `HRR ${name}`);
  }
});

test('server preference: ChaCha20 when the client lists AES first, and the preferred group among the shares', () => {
  const p = Pair.create(
    clientConfig({
      cipherSuites: [TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256],
      groups: [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1],
      keyShareGroups: [NamedGroup.x25519, NamedGroup.secp256r1],
    }),
    serverConfig({ groups: [NamedGroup.secp384r1, NamedGroup.secp256r1, NamedGroup.x25519] }),
  ).pump();
  const { client } = sessions(p);
  assert.equal(client.cipher, TLS_CHACHA20_POLY1305_SHA256);
  // secp384r1 would cost a round trip; of the groups with a share, the server's first.
  assert.equal(client.group, NamedGroup.secp256r1);
  assert.equal(client.helloRetry, false);

  const q = Pair.create(
    clientConfig({ cipherSuites: [TLS_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256] }),
    serverConfig(),
  ).pump();
  assert.equal(sessions(q).client.cipher, TLS_AES_128_GCM_SHA256);
  const none = Pair.create(
    clientConfig({ cipherSuites: [TLS_AES_256_GCM_SHA384] }),
    serverConfig({ cipherSuites: [TLS_CHACHA20_POLY1305_SHA256] }),
  ).pump();
  assert.equal(none.error('server')?.alert, 'handshake_failure');
  assert.equal(none.error('client')?.alert, 'handshake_failure');
  assert.equal(none.error('client')?.origin, 'remote');
});

test('client certificate required: present is verified and reported, absent is certificate_required', () => {
  const p = Pair.create(
    clientConfig({ certificate: pki.client.certified }),
    serverConfig({ clientAuth: 'required' }),
  ).pump();
  const { server } = sessions(p);
  assert.equal(server.peerCertificates.length, 1);
  assert.equal(server.verification?.ok, true);
  assert.equal(server.peerSignatureScheme, SignatureScheme.ecdsa_secp256r1_sha256);
  exchange(p, 'client cert required');

  const q = Pair.create(clientConfig(), serverConfig({ clientAuth: 'required' })).pump();
  assert.equal(q.error('server')?.alert, 'certificate_required');
  assert.equal(q.error('server')?.origin, 'local');
  assert.equal(q.error('client')?.alert, 'certificate_required');
  assert.equal(q.error('client')?.origin, 'remote');
  assert.equal(
    q.serverEvents.some((e) => e.type === 'handshake'),
    false,
  );
});

test('client certificate optional: absent completes, present is verified and reported', () => {
  const p = Pair.create(clientConfig(), serverConfig({ clientAuth: 'optional' })).pump();
  assert.equal(sessions(p).server.peerCertificates.length, 0);
  assert.equal(sessions(p).server.verification, undefined);
  exchange(p, 'optional, absent');

  const q = Pair.create(
    clientConfig({ certificate: pki.client.certified }),
    serverConfig({ clientAuth: 'optional' }),
  ).pump();
  assert.equal(sessions(q).server.peerCertificates.length, 1);
  assert.equal(sessions(q).server.verification?.ok, true);
  exchange(q, 'optional, present');

  // A client certificate from a CA the server does not trust is refused with unknown_ca.
  const bad = Pair.create(
    clientConfig({ certificate: pki.wrongCaServer.certified }),
    serverConfig({ clientAuth: 'optional' }),
  ).pump();
  assert.equal(bad.error('server')?.alert, 'unknown_ca');
  assert.equal(bad.error('client')?.origin, 'remote');
});

test('wrong-CA server certificate: the client sends unknown_ca, the server sees it', () => {
  const p = Pair.create(
    clientConfig(),
    serverConfig({ certificates: [pki.wrongCaServer.certified] }),
  ).pump();
  const c = p.error('client');
  const s = p.error('server');
  assert.equal(c?.alert, 'unknown_ca');
  assert.equal(c?.origin, 'local');
  assert.match(c?.message ?? '', /unable to get local issuer certificate/);
  assert.equal(s?.alert, 'unknown_ca');
  assert.equal(s?.origin, 'remote');
  assert.equal(
    p.clientEvents.some((e) => e.type === 'handshake'),
    false,
  );
  assert.equal(
    p.serverEvents.some((e) => e.type === 'handshake'),
    false,
  );
});

test('rejectUnauthorized: false completes and reports the failed verification', () => {
  const p = Pair.create(
    clientConfig({ rejectUnauthorized: false }),
    serverConfig({ certificates: [pki.wrongCaServer.certified] }),
  ).pump();
  const v = sessions(p).client.verification;
  assert.equal(v?.ok, false);
  assert.equal(v?.ok === false ? v.reason : undefined, 'unable_to_get_local_issuer_certificate');
  exchange(p, 'unverified');
});

test('host-name mismatch is bad_certificate; an empty verifyHostname skips the name check', () => {
  const p = Pair.create(clientConfig({ serverName: 'other.example.com' }), serverConfig()).pump();
  assert.equal(p.error('client')?.alert, 'bad_certificate');
  assert.match(p.error('client')?.message ?? '', /hostname mismatch/i);
  assert.equal(p.error('server')?.origin, 'remote');

  const q = Pair.create(
    clientConfig({ serverName: 'other.example.com', verifyHostname: SERVER_NAME }),
    serverConfig(),
  ).pump();
  assert.equal(sessions(q).client.verification?.ok, true);
  assert.equal(sessions(q).server.serverName, 'other.example.com');
  const r = Pair.create(
    clientConfig({ serverName: 'other.example.com', verifyHostname: '' }),
    serverConfig(),
  ).pump();
  assert.equal(sessions(r).client.verification?.ok, true);
});

test('ALPN: the server picks by its preference; no protocol in common is no_application_protocol', () => {
  const p = Pair.create(
    clientConfig({ alpnProtocols: ['h2', 'smtp', 'imap'] }),
    serverConfig({ alpnProtocols: ['imap', 'smtp'] }),
  ).pump();
  assert.equal(sessions(p).client.alpnProtocol, 'imap');
  assert.equal(sessions(p).server.alpnProtocol, 'imap');

  const none = Pair.create(
    clientConfig({ alpnProtocols: ['h2'] }),
    serverConfig({ alpnProtocols: ['smtp'] }),
  ).pump();
  assert.equal(none.error('server')?.alert, 'no_application_protocol');
  assert.equal(none.error('server')?.origin, 'local');
  assert.equal(none.error('client')?.alert, 'no_application_protocol');
  assert.equal(none.error('client')?.origin, 'remote');

  // Only one side configured: no ALPN at all.
  const one = Pair.create(clientConfig({ alpnProtocols: ['smtp'] }), serverConfig()).pump();
  assert.equal(sessions(one).client.alpnProtocol, undefined);
  const other = Pair.create(clientConfig(), serverConfig({ alpnProtocols: ['smtp'] })).pump();
  assert.equal(sessions(other).client.alpnProtocol, undefined);
});

test('KeyUpdate both ways, with and without a request; data still flows after each', () => {
  const p = Pair.create(clientConfig(), serverConfig()).pump();
  sessions(p);
  exchange(p, 'before');
  p.client.updateKeys(false);
  p.pump();
  exchange(p, 'client updated');
  p.client.updateKeys(true);
  p.pump();
  exchange(p, 'client updated, server asked to');
  p.server.updateKeys(false);
  p.pump();
  exchange(p, 'server updated');
  p.server.updateKeys(true);
  p.pump();
  exchange(p, 'server updated, client asked to');
  // Many updates in a row before the peer reads any of them.
  for (let i = 0; i < 5; i++) p.client.updateKeys(i % 2 === 0);
  p.client.write(new TextEncoder().encode('after five'));
  p.pump();
  exchange(p, 'after many');
  assert.equal(p.error('client'), undefined);
  assert.equal(p.error('server'), undefined);
});

test('close_notify both ways: each side reads to the close, the other may still send', () => {
  const p = Pair.create(clientConfig(), serverConfig()).pump();
  sessions(p);
  p.client.write(new TextEncoder().encode('last words'));
  p.client.close();
  p.pump();
  assert.deepEqual(
    p.serverEvents.slice(-2).map((e) => e.type),
    ['data', 'close'],
  );
  assert.equal(p.server.closedByPeer, true);
  assert.throws(() => p.client.write(new Uint8Array(1)), /after close/);
  p.server.write(new TextEncoder().encode('reply after your close'));
  p.server.close();
  p.pump();
  assert.equal(new TextDecoder().decode(p.received('client')), 'reply after your close');
  assert.equal(p.clientEvents.at(-1)?.type, 'close');
  assert.equal(p.error('client'), undefined);
  assert.equal(p.error('server'), undefined);

  const q = Pair.create(clientConfig(), serverConfig()).pump();
  q.server.close();
  q.pump();
  assert.equal(q.clientEvents.at(-1)?.type, 'close');
  exchangeOneWay(q);
});

/** After the server closed, the client can still send to it. */
function exchangeOneWay(p: Pair): void {
  p.client.write(new TextEncoder().encode('still talking'));
  p.pump();
  assert.equal(new TextDecoder().decode(p.received('server')), 'still talking');
}

test('large writes are cut into records of at most 2^14 bytes and arrive whole', () => {
  const p = Pair.create(clientConfig(), serverConfig()).pump();
  sessions(p);
  const big = new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff);
  p.client.write(big);
  p.pump();
  assert.deepEqual(p.received('server'), Buffer.from(big));
});

test('deterministic randomness: the same seeds give the same bytes on the wire', () => {
  const run = (): Uint8Array[] => {
    const p = Pair.create(
      {
        random: deterministicRandom('same client'),
        serverName: SERVER_NAME,
        trustStore: pki.trustStore,
        now: () => new Date('2030-01-01T00:00:00Z'),
      },
      { random: deterministicRandom('same server'), certificates: [pki.servers.ed25519.certified] },
    ).pump();
    return p.flights.map((f) => f.bytes);
  };
  assert.deepEqual(run(), run());
});
