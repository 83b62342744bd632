/**
 * customizeClientHello / customizeServerMessage: what the client offered is
 * read from the ClientHello as sent, so a server choosing something only the
 * hook added, which postern cannot do, is refused cleanly (handshake_failure),
 * and a choice never offered stays illegal_parameter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientConfig, ServerConfig } from '../../../src/tls/policy/config.js';
import { ExtensionType } from '../../../src/tls/registry/constants.js';
import type { Extension } from '../../../src/tls/codec/extensions.js';
import type { HandshakeMessage } from '../../../src/tls/codec/handshake.js';
import type { ClientHello } from '../../../src/tls/codec/messages.js';
import { NamedGroup } from '../../../src/tls/registry/named-group.js';
import { SignatureScheme } from '../../../src/tls/registry/signature-scheme.js';
import { Pair } from '../../helpers/tls-pair.js';
import { traceClientConfig, traceServerConfig } from '../../helpers/rfc8448.js';

/** RFC 8446 §B.4 TLS_AES_128_CCM_SHA256: a real suite postern does not implement. */
const CCM = 0x1304;
/** RFC 8422 §6 TLS_ECDHE_ECDSA_WITH_AES_128_CCM: a TLS 1.2 suite postern does not implement. */
const CCM12 = 0xc0ac;

function withExtension(
  hello: ClientHello,
  kind: Extension['kind'],
  change: (e: Extension) => Extension,
): ClientHello {
  return { ...hello, extensions: hello.extensions.map((e) => (e.kind === kind ? change(e) : e)) };
}

/** Adds secp521r1 to supported_groups. */
function offerP521(hello: ClientHello): ClientHello {
  return withExtension(hello, 'supported_groups', (e) =>
    e.kind === 'supported_groups' ? { ...e, groups: [...e.groups, NamedGroup.secp521r1] } : e,
  );
}

function failure(
  client: Partial<ClientConfig>,
  server: Partial<ServerConfig>,
): { alert: string; message: string; serverSaw: string | undefined } {
  const p = Pair.create(traceClientConfig(client), traceServerConfig(server)).pump();
  const err = p.error('client');
  assert.ok(err !== undefined, 'the client accepted the handshake');
  assert.equal(err.origin, 'local');
  return { alert: err.alert, message: err.message, serverSaw: p.error('server')?.alert };
}

const HOOKED = /customizeClientHello/;

test('a HelloRetryRequest for a group only the hook offered (secp521r1) is handshake_failure; one never offered is illegal_parameter', () => {
  const toP521 = (m: HandshakeMessage): HandshakeMessage =>
    m.kind === 'hello_retry_request'
      ? {
          ...m,
          extensions: m.extensions.map((e): Extension =>
            e.kind === 'key_share_hello_retry_request'
              ? { ...e, selectedGroup: NamedGroup.secp521r1 }
              : e,
          ),
        }
      : m;
  // The client shares x25519, the server wants secp256r1: a HelloRetryRequest, rewritten to ask for secp521r1.
  const server = { groups: [NamedGroup.secp256r1], customizeServerMessage: toP521 };
  const hooked = failure({ customizeClientHello: offerP521 }, server);
  assert.equal(hooked.alert, 'handshake_failure');
  assert.match(hooked.message, HOOKED);
  assert.equal(hooked.serverSaw, 'handshake_failure');
  const plain = failure({}, server);
  assert.equal(plain.alert, 'illegal_parameter');
  assert.match(plain.message, /not offered/);
});

test('a ServerHello key share for a group whose share only the hook added is handshake_failure', () => {
  const addShare = (h: ClientHello): ClientHello =>
    withExtension(offerP521(h), 'key_share_client_hello', (e) =>
      e.kind === 'key_share_client_hello'
        ? {
            ...e,
            shares: [
              ...e.shares,
              { group: NamedGroup.secp521r1, keyExchange: new Uint8Array(133).fill(4) },
            ],
          }
        : e,
    );
  const toP521 = (m: HandshakeMessage): HandshakeMessage =>
    m.kind === 'server_hello'
      ? {
          ...m,
          extensions: m.extensions.map((e): Extension =>
            e.kind === 'key_share_server_hello'
              ? { ...e, share: { ...e.share, group: NamedGroup.secp521r1 } }
              : e,
          ),
        }
      : m;
  const hooked = failure({ customizeClientHello: addShare }, { customizeServerMessage: toP521 });
  assert.equal(hooked.alert, 'handshake_failure');
  assert.match(hooked.message, HOOKED);
  const plain = failure({}, { customizeServerMessage: toP521 });
  assert.equal(plain.alert, 'illegal_parameter');
});

test('a cipher suite only the hook offered (TLS_AES_128_CCM_SHA256, or a TLS 1.2 CCM suite) is handshake_failure', () => {
  const toSuite =
    (code: number) =>
    (m: HandshakeMessage): HandshakeMessage =>
      m.kind === 'server_hello' ? { ...m, cipherSuite: code } : m;
  const addSuite =
    (code: number) =>
    (h: ClientHello): ClientHello => ({ ...h, cipherSuites: [...h.cipherSuites, code] });
  const hooked = failure(
    { customizeClientHello: addSuite(CCM) },
    { customizeServerMessage: toSuite(CCM) },
  );
  assert.equal(hooked.alert, 'handshake_failure');
  assert.match(hooked.message, HOOKED);
  assert.equal(failure({}, { customizeServerMessage: toSuite(CCM) }).alert, 'illegal_parameter');

  const tls12 = { maxVersion: 'TLSv1.2' as const };
  const hooked12 = failure(
    { ...tls12, customizeClientHello: addSuite(CCM12) },
    { customizeServerMessage: toSuite(CCM12) },
  );
  assert.equal(hooked12.alert, 'handshake_failure');
  assert.match(hooked12.message, HOOKED);
  assert.equal(
    failure(tls12, { customizeServerMessage: toSuite(CCM12) }).alert,
    'illegal_parameter',
  );
});

test('a CertificateVerify with a scheme only the hook offered (ed448) is handshake_failure', () => {
  const addScheme = (h: ClientHello): ClientHello =>
    withExtension(h, 'signature_algorithms', (e) =>
      e.kind === 'signature_algorithms'
        ? { ...e, schemes: [...e.schemes, SignatureScheme.ed448] }
        : e,
    );
  const toScheme = (m: HandshakeMessage): HandshakeMessage =>
    m.kind === 'certificate_verify' ? { ...m, algorithm: SignatureScheme.ed448 } : m;
  const hooked = failure({ customizeClientHello: addScheme }, { customizeServerMessage: toScheme });
  assert.equal(hooked.alert, 'handshake_failure');
  assert.match(hooked.message, HOOKED);
  assert.equal(failure({}, { customizeServerMessage: toScheme }).alert, 'illegal_parameter');
});

test('what the hook adds and postern can do is negotiated: ALPN offered only by the hook is accepted from the server', () => {
  const addAlpn = (h: ClientHello): ClientHello => ({
    ...h,
    extensions: [
      ...h.extensions,
      {
        kind: 'application_layer_protocol_negotiation',
        type: ExtensionType.application_layer_protocol_negotiation,
        protocols: [new TextEncoder().encode('smtp')],
      },
    ],
  });
  const p = Pair.create(
    traceClientConfig({ customizeClientHello: addAlpn }),
    traceServerConfig({ alpnProtocols: ['smtp'] }),
  ).pump();
  assert.equal(p.error('client'), undefined, p.error('client')?.message);
  assert.equal(p.client.session?.alpnProtocol, 'smtp');
});

test('the hook rewrites every ClientHello, the second one after HelloRetryRequest too', () => {
  const seen: number[] = [];
  const count = (h: ClientHello): ClientHello => {
    seen.push(h.cipherSuites.length);
    return h;
  };
  const p = Pair.create(
    traceClientConfig({ customizeClientHello: count }),
    traceServerConfig({ groups: [NamedGroup.secp256r1] }),
  ).pump();
  assert.ok(p.client.handshakeComplete, p.error('client')?.message);
  assert.equal(seen.length, 2);
});

test('customizeServerMessage reorders what the server sends, and the client accepts the order', () => {
  const order: string[][] = [];
  const reverse = (m: HandshakeMessage): HandshakeMessage =>
    m.kind === 'server_hello' || m.kind === 'encrypted_extensions'
      ? { ...m, extensions: [...m.extensions].reverse() }
      : m;
  const p = Pair.create(
    traceClientConfig({
      recordSizeLimit: 1000,
      onMessage: (dir, m) =>
        void (
          dir === 'received' &&
          (m.kind === 'server_hello' || m.kind === 'encrypted_extensions') &&
          order.push(m.extensions.map((e) => e.kind))
        ),
    }),
    traceServerConfig({ customizeServerMessage: reverse }),
  ).pump();
  assert.ok(p.client.handshakeComplete && p.server.handshakeComplete, p.error('client')?.message);
  assert.deepEqual(order, [
    ['key_share_server_hello', 'supported_versions_server_hello'],
    ['record_size_limit', 'server_name'],
  ]);
});
