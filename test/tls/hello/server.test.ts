import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientHelloQuestion } from '../../../src/tls/engine/client-hello-question.js';
import type { TlsEvent } from '../../../src/tls/engine/connection.js';
import type { SessionState } from '../../../src/tls/session/state.js';
import { ContentType, ExtensionType } from '../../../src/tls/registry/constants.js';
import type { HandshakeMessage } from '../../../src/tls/codec/handshake.js';
import { Pair } from '../../helpers/tls-pair.js';
import { createServerConnection } from '../../../src/tls/hello/start.js';
import { traceClientConfig, traceIdentity, traceServerConfig } from '../../helpers/rfc8448.js';

function question(events: readonly TlsEvent[]): ClientHelloQuestion | undefined {
  const e = events.find((x) => x.type === 'client_hello');
  return e?.type === 'client_hello' ? e.question : undefined;
}

function handshakeDone(events: readonly TlsEvent[]): boolean {
  return events.some((e) => e.type === 'handshake');
}

/** Cuts every handshake record of a flight into records of at most `size` bytes of fragment. */
function resplit(flight: Uint8Array, size: number): Uint8Array {
  const out: number[] = [];
  for (let o = 0; o + 5 <= flight.length;) {
    const type = flight[o] as number;
    const length = ((flight[o + 3] as number) << 8) | (flight[o + 4] as number);
    const body = flight.subarray(o + 5, o + 5 + length);
    const step = type === ContentType.handshake ? size : body.length;
    for (let at = 0; at < body.length; at += step) {
      const part = body.subarray(at, Math.min(body.length, at + step));
      out.push(
        type,
        flight[o + 1] as number,
        flight[o + 2] as number,
        part.length >> 8,
        part.length & 0xff,
        ...part,
      );
    }
    o += 5 + length;
  }
  return Uint8Array.from(out);
}

test('askCaller: the server pauses after the ClientHello with the SNI name, session ID and ALPN, and goes on with the certificates it is given', () => {
  const p = Pair.create(
    traceClientConfig({ alpnProtocols: ['smtp'] }),
    traceServerConfig({
      certificates: [],
      askCaller: { certificates: true },
      alpnProtocols: ['smtp'],
    }),
  ).pump();
  const q = question(p.serverEvents);
  assert.ok(q !== undefined, 'a client_hello question');
  assert.equal(q.serverName, 'server');
  assert.deepEqual(q.alpnProtocols, ['smtp']);
  assert.equal(handshakeDone(p.clientEvents), false, 'nothing before the answer');
  p.server.answerClientHello({ certificates: [traceIdentity()] });
  p.pump();
  assert.equal(p.client.session?.protocol, 'TLSv1.3');
  assert.equal(p.server.session?.serverName, 'server');
  assert.equal(p.server.session?.alpnProtocol, 'smtp');
});

test('askCaller: a ClientHello in 50-byte records, and a compatibility CCS after it, are held while paused and replayed in order', () => {
  let first = true;
  const tap = (from: 'client' | 'server', bytes: Uint8Array): Uint8Array => {
    if (from !== 'client' || !first) return bytes;
    first = false;
    const ccs = Uint8Array.of(ContentType.change_cipher_spec, 3, 3, 0, 1, 1);
    const split = resplit(bytes, 50);
    const all = new Uint8Array(split.length + ccs.length);
    all.set(split);
    all.set(ccs, split.length);
    return all;
  };
  const p = Pair.create(
    traceClientConfig(),
    traceServerConfig({ askCaller: { certificates: true } }),
    tap,
  ).pump();
  assert.ok(question(p.serverEvents) !== undefined);
  p.server.answerClientHello({});
  p.pump();
  assert.equal(p.error('server'), undefined);
  assert.equal(
    p.client.session?.protocol,
    'TLSv1.3',
    'an empty answer keeps the configured certificates',
  );
});

test('askCaller: no certificate for the name is unrecognized_name (RFC 6066 §3), a reason, and the caller may reject', () => {
  const p = Pair.create(
    traceClientConfig(),
    traceServerConfig({ certificates: [], askCaller: { certificates: true } }),
  ).pump();
  p.server.answerClientHello({ certificates: [] });
  p.pump();
  assert.equal(p.error('server')?.alert, 'unrecognized_name');
  assert.equal(p.error('server')?.reason, 'no_certificate_for_name');
  assert.equal(p.error('server')?.kind, 'peer_incompatible');
  assert.equal(p.error('client')?.alert, 'unrecognized_name');
  const q = Pair.create(
    traceClientConfig(),
    traceServerConfig({ askCaller: { certificates: true } }),
  ).pump();
  q.server.rejectClientHello('the SNI map is unreachable');
  q.pump();
  assert.equal(q.error('server')?.alert, 'internal_error');
  assert.equal(q.error('server')?.kind, 'local');
  assert.throws(
    () => createServerConnection(traceServerConfig()).answerClientHello({}),
    /without a client_hello question/,
  );
});

test('askCaller.session: the TLS 1.2 session named by the ClientHello comes from the answer, and resumes', () => {
  const tls12 = { maxVersion: 'TLSv1.2' as const };
  const full = Pair.create(
    traceClientConfig(tls12),
    traceServerConfig({ ...tls12, askCaller: { session: true } }),
  ).pump();
  const empty = question(full.serverEvents);
  assert.ok(empty !== undefined);
  assert.equal(empty.sessionId.length, 0, 'a first visit names no session');
  full.server.answerClientHello({});
  full.pump();
  const saved = full.serverEvents.find((e) => e.type === 'session');
  const given = full.clientEvents.find((e) => e.type === 'session');
  assert.ok(
    saved?.type === 'session' && saved.id !== undefined,
    'the server reports the session and its ID',
  );
  assert.ok(given?.type === 'session');
  const state: SessionState = given.state;
  const again = Pair.create(
    traceClientConfig({ ...tls12, session: state }),
    traceServerConfig({ ...tls12, askCaller: { session: true } }),
  ).pump();
  const q = question(again.serverEvents);
  assert.ok(q !== undefined);
  assert.deepEqual(q.sessionId, saved.id);
  again.server.answerClientHello({ session: saved.state });
  again.pump();
  assert.equal(again.client.session?.resumed, true);
  assert.equal(again.server.session?.resumed, true);
});

/** Replaces (or adds) one raw extension in the ClientHello the client sends. */
function withRawExtension(
  type: number,
  data: Uint8Array,
): (m: HandshakeMessage) => HandshakeMessage {
  return (m) =>
    m.kind === 'client_hello'
      ? {
          ...m,
          extensions: [
            { kind: 'unknown', type, data },
            ...m.extensions.filter((e) => e.type !== type),
          ],
        }
      : m;
}

const MALFORMED_TLS12_ONLY: readonly [string, number, Uint8Array][] = [
  ['an empty ec_point_formats list', ExtensionType.ec_point_formats, Uint8Array.of(0)],
  [
    'an ec_point_formats list of the wrong length',
    ExtensionType.ec_point_formats,
    Uint8Array.of(3, 0),
  ],
  ['extended_master_secret with a body', ExtensionType.extended_master_secret, Uint8Array.of(1)],
  ['encrypt_then_mac with a body', ExtensionType.encrypt_then_mac, Uint8Array.of(1)],
  ['a truncated renegotiation_info', ExtensionType.renegotiation_info, Uint8Array.of(4, 0)],
];

test('a TLS 1.2-only ClientHello extension that is malformed does not fail a TLS 1.3 handshake (it does not apply to the negotiated version)', () => {
  for (const [label, type, data] of MALFORMED_TLS12_ONLY) {
    const p = Pair.withClientEdit(
      traceClientConfig(),
      traceServerConfig(),
      withRawExtension(type, data),
    ).pump();
    assert.equal(p.error('server'), undefined, `${label}: ${p.error('server')?.message}`);
    assert.equal(p.server.session?.protocol, 'TLSv1.3', label);
  }
});

test('the same extensions in a ClientHello negotiating TLS 1.2 are decode_error', () => {
  for (const [label, type, data] of MALFORMED_TLS12_ONLY) {
    for (const server of [traceServerConfig({ maxVersion: 'TLSv1.2' }), traceServerConfig()]) {
      const client = traceClientConfig({ maxVersion: server.maxVersion ?? 'TLSv1.2' });
      const p = Pair.withClientEdit(client, server, withRawExtension(type, data)).pump();
      assert.equal(
        p.error('server')?.alert,
        'decode_error',
        `${label}, server up to ${server.maxVersion ?? 'TLSv1.3'}`,
      );
    }
  }
});

test('a well-formed ClientHello above 64 KiB (many suites, large padding) is accepted, in both versions', () => {
  const big = (m: HandshakeMessage): HandshakeMessage => {
    if (m.kind !== 'client_hello') return m;
    const unknownSuites = Array.from({ length: 20_000 }, (_, i) => 0x7000 + i);
    return {
      ...m,
      cipherSuites: [...m.cipherSuites, ...unknownSuites],
      extensions: [{ kind: 'unknown', type: 21, data: new Uint8Array(30_000) }, ...m.extensions],
    };
  };
  for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
    const p = Pair.withClientEdit(
      traceClientConfig({ maxVersion }),
      traceServerConfig(),
      big,
    ).pump();
    const hello = p.flights[0]!.bytes;
    assert.ok(hello.length > 70_000, `${hello.length} bytes`);
    assert.equal(p.error('server'), undefined, p.error('server')?.message);
    assert.equal(p.server.session?.protocol, maxVersion);
  }
});
