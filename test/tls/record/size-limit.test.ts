import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientConfig, ServerConfig } from '../../../src/tls/policy/config.js';
import { ContentType, ExtensionType } from '../../../src/tls/registry/constants.js';
import { createClientConnection, createServerConnection } from '../../../src/tls/hello/start.js';
import type { Extension } from '../../../src/tls/codec/extensions.js';
import { findExtension } from '../../../src/tls/codec/extensions.js';
import type { HandshakeMessage } from '../../../src/tls/codec/handshake.js';
import {
  RecordProtectionError,
  Tls13RecordOpener,
  Tls13RecordSealer,
} from '../../../src/tls/record/tls13-protection.js';
import { TLS_AES_128_GCM_SHA256 } from '../../../src/tls/registry/suites.js';
import { Pair, splitRecords } from '../../helpers/tls-pair.js';
import { traceClientConfig, traceServerConfig } from '../../helpers/rfc8448.js';
import { TlsConfigError } from '../../../src/tls/error/config-error.js';

/** The fragment lengths of the protected records one side sent (RFC 8449 limits only those, §4). */
function protectedLengths(p: Pair, from: 'client' | 'server'): number[] {
  return p.flights
    .filter((f) => f.from === from)
    .flatMap((f) => splitRecords(f.bytes))
    .filter((r) => r[0] === ContentType.application_data)
    .map((r) => r.length - 5);
}

/** What the client saw of record_size_limit in EncryptedExtensions (1.3) or ServerHello (1.2). */
function serverLimitSeen(messages: HandshakeMessage[]): number | undefined {
  for (const m of messages) {
    if (m.kind === 'encrypted_extensions' || m.kind === 'server_hello') {
      const e = findExtension(m.extensions, 'record_size_limit');
      if (e !== undefined) return e.limit;
    }
  }
  return undefined;
}

function handshake(
  client: Partial<ClientConfig>,
  server: Partial<ServerConfig>,
): { p: Pair; received: HandshakeMessage[] } {
  const received: HandshakeMessage[] = [];
  const p = Pair.create(
    traceClientConfig({
      ...client,
      onMessage: (dir, m) => void (dir === 'received' && received.push(m)),
    }),
    traceServerConfig(server),
  ).pump();
  assert.ok(
    p.client.handshakeComplete && p.server.handshakeComplete,
    p.error('client')?.message ?? p.error('server')?.message,
  );
  return { p, received };
}

const bulk = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i & 0xff);
/** TLS 1.3 overhead per record: the content type byte and a 16-byte tag. */
const TAG = 16;

test('TLS 1.3: the client offers 256, the server answers 2^14 + 1 and sends no record plaintext over 255 + 1', () => {
  const { p, received } = handshake({ recordSizeLimit: 256 }, {});
  assert.equal(serverLimitSeen(received), 0x4001);
  p.server.write(bulk(5000));
  p.pump();
  assert.deepEqual(p.received('client'), Buffer.from(bulk(5000)));
  const lengths = protectedLengths(p, 'server');
  assert.ok(
    lengths.every((n) => n <= 256 + TAG),
    `server records ${lengths.join(' ')}`,
  );
  // The encrypted flight (about 700 bytes) was cut too, and the data went in ⌈5000 / 255⌉ records.
  assert.ok(lengths.length >= 3 + Math.ceil(5000 / 255));
  assert.ok(lengths.includes(256 + TAG));
  // The client was not limited beyond the protocol: the server has no smaller limit.
  p.client.write(bulk(20000));
  p.pump();
  assert.ok(protectedLengths(p, 'client').includes(2 ** 14 + 1 + TAG));
});

test('TLS 1.3: a server limit of 100 caps the client records to 99 bytes of content', () => {
  const { p, received } = handshake({ recordSizeLimit: 0x4001 }, { recordSizeLimit: 100 });
  assert.equal(serverLimitSeen(received), 100);
  p.client.write(bulk(1000));
  p.pump();
  assert.deepEqual(p.received('server'), Buffer.from(bulk(1000)));
  const lengths = protectedLengths(p, 'client');
  assert.ok(
    lengths.every((n) => n <= 100 + TAG),
    `client records ${lengths.join(' ')}`,
  );
  assert.ok(lengths.length >= 1 + Math.ceil(1000 / 99));
});

test('not offered: no record_size_limit from the server and full-size records', () => {
  const { p, received } = handshake({}, { recordSizeLimit: 100 });
  assert.equal(serverLimitSeen(received), undefined);
  p.server.write(bulk(20000));
  p.pump();
  assert.ok(protectedLengths(p, 'server').includes(2 ** 14 + 1 + TAG));
});

test('TLS 1.2: the limit comes in ServerHello and caps the protected records both ways', () => {
  const { p, received } = handshake(
    { maxVersion: 'TLSv1.2', recordSizeLimit: 256 },
    { recordSizeLimit: 100 },
  );
  assert.equal(p.client.session?.protocol, 'TLSv1.2');
  assert.equal(serverLimitSeen(received), 100);
  p.server.write(bulk(5000));
  p.client.write(bulk(1000));
  p.pump();
  assert.deepEqual(p.received('client'), Buffer.from(bulk(5000)));
  assert.deepEqual(p.received('server'), Buffer.from(bulk(1000)));
  // TLS 1.2 AEAD records add at most 8 explicit nonce bytes and a 16-byte tag; the limit counts plaintext only.
  const server = protectedLengths(p, 'server');
  const client = protectedLengths(p, 'client');
  assert.ok(
    server.every((n) => n <= 256 + 24) && server.length >= Math.ceil(5000 / 256),
    `server records ${server.join(' ')}`,
  );
  assert.ok(
    client.every((n) => n <= 100 + 24) && client.length >= Math.ceil(1000 / 100),
    `client records ${client.join(' ')}`,
  );
});

/** A server that advertises 16385 while holding to its configured 64 (customizeServerMessage changes only the wire). */
function lyingAboutLimit(m: HandshakeMessage): HandshakeMessage {
  if (m.kind !== 'encrypted_extensions' && m.kind !== 'server_hello') return m;
  return {
    ...m,
    extensions: m.extensions.map((e): Extension =>
      e.kind === 'record_size_limit' ? { ...e, limit: 0x4001 } : e,
    ),
  } as HandshakeMessage;
}

for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
  test(`${version}: a record over the limit we advertised is record_overflow`, () => {
    const { p } = handshake(
      { maxVersion: version, recordSizeLimit: 0x4001 },
      { recordSizeLimit: 64, customizeServerMessage: lyingAboutLimit },
    );
    p.client.write(bulk(65));
    p.pump();
    assert.equal(p.error('server')?.alert, 'record_overflow');
    assert.equal(p.error('server')?.origin, 'local');
    assert.equal(p.error('client')?.alert, 'record_overflow');
    assert.equal(p.error('client')?.origin, 'remote');
  });
}

test('TLS 1.3 record opener: the limit counts the content type byte (RFC 8449 §4)', () => {
  const secret = new Uint8Array(32).fill(1);
  const sealer = new Tls13RecordSealer(TLS_AES_128_GCM_SHA256, secret);
  const opener = new Tls13RecordOpener(TLS_AES_128_GCM_SHA256, secret);
  opener.plaintextLimit = 256;
  const open = (n: number): number => {
    const r = sealer.seal(ContentType.application_data, bulk(n));
    return opener.open(r[0]!, 0x0303, r.subarray(5)).content.length;
  };
  assert.equal(open(255), 255);
  assert.throws(
    () => open(256),
    (e: unknown) => e instanceof RecordProtectionError && e.alert === 'record_overflow',
  );
});

test('illegal limits: a configuration outside 64–65535 is refused on both sides', () => {
  for (const bad of [63, 0, 65536, 100.5]) {
    assert.throws(
      () => createClientConnection(traceClientConfig({ recordSizeLimit: bad })),
      (e: unknown) => e instanceof TlsConfigError && e.reason === 'bad_record_size_limit',
      `client ${bad}`,
    );
    assert.throws(
      () => createServerConnection(traceServerConfig({ recordSizeLimit: bad })),
      (e: unknown) => e instanceof TlsConfigError && e.reason === 'bad_record_size_limit',
      `server ${bad}`,
    );
  }
  for (const ok of [64, 65535])
    assert.equal(
      createClientConnection(traceClientConfig({ recordSizeLimit: ok })).error,
      undefined,
    );
});

test('illegal limits from the peer: below 64 is illegal_parameter, from a client or from a server', () => {
  const low = (extensions: Extension[]): Extension[] =>
    extensions.map((e) =>
      e.type === ExtensionType.record_size_limit
        ? { kind: 'record_size_limit', type: ExtensionType.record_size_limit, limit: 63 }
        : e,
    );
  const fromClient = Pair.create(
    traceClientConfig({
      recordSizeLimit: 64,
      customizeClientHello: (h) => ({ ...h, extensions: low(h.extensions) }),
    }),
    traceServerConfig(),
  ).pump();
  assert.equal(fromClient.error('server')?.alert, 'illegal_parameter');
  assert.match(fromClient.error('server')?.message ?? '', /record_size_limit 63/);

  const fromServer = Pair.create(
    traceClientConfig({ recordSizeLimit: 64 }),
    traceServerConfig({
      customizeServerMessage: (m) =>
        m.kind === 'encrypted_extensions' ? { ...m, extensions: low(m.extensions) } : m,
    }),
  ).pump();
  assert.equal(fromServer.error('client')?.alert, 'illegal_parameter');
  assert.match(fromServer.error('client')?.message ?? '', /record_size_limit 63/);
});
