import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContentType } from '../../../src/tls/registry/constants.js';
import type { HandshakeMessage } from '../../../src/tls/codec/handshake.js';
import { NamedGroup } from '../../../src/tls/registry/named-group.js';
import { Pair, splitRecords } from '../../helpers/tls-pair.js';
import { traceClientConfig, traceServerConfig } from '../../helpers/rfc8448.js';

/** The content types of the records each side sent, in order. */
function recordTypes(p: Pair, from: 'client' | 'server'): number[] {
  return p.flights
    .filter((f) => f.from === from)
    .flatMap((f) => splitRecords(f.bytes).map((r) => r[0] as number));
}

function run(
  middleboxCompat: boolean | undefined,
  serverGroups?: number[],
): { p: Pair; hellos: HandshakeMessage[] } {
  const hellos: HandshakeMessage[] = [];
  const compat = middleboxCompat === undefined ? {} : { middleboxCompat };
  const p = Pair.create(
    traceClientConfig({
      ...compat,
      onMessage: (dir, m) => void (dir === 'sent' && m.kind === 'client_hello' && hellos.push(m)),
    }),
    traceServerConfig(serverGroups ? { groups: serverGroups } : {}),
  ).pump();
  assert.ok(
    p.client.handshakeComplete && p.server.handshakeComplete,
    p.error('client')?.message ?? p.error('server')?.message,
  );
  return { p, hellos };
}

const CCS = ContentType.change_cipher_spec;
const HS = ContentType.handshake;
const APP = ContentType.application_data;

test('compatibility mode by default: a 32-byte legacy_session_id and one change_cipher_spec each way (RFC 8446 §D.4)', () => {
  const { p, hellos } = run(undefined);
  assert.equal(hellos.length, 1);
  assert.ok(hellos[0]!.kind === 'client_hello' && hellos[0]!.legacySessionId.length === 32);
  // Server: ServerHello, CCS, then its protected flight; client: ClientHello, CCS, then its Finished.
  assert.deepEqual(recordTypes(p, 'server'), [HS, CCS, APP]);
  assert.deepEqual(recordTypes(p, 'client'), [HS, CCS, APP]);
});

test('middleboxCompat: false: an empty legacy_session_id and no change_cipher_spec from either side', () => {
  const { p, hellos } = run(false);
  assert.ok(hellos[0]!.kind === 'client_hello' && hellos[0]!.legacySessionId.length === 0);
  assert.deepEqual(recordTypes(p, 'server'), [HS, APP]);
  assert.deepEqual(recordTypes(p, 'client'), [HS, APP]);
});

test('with HelloRetryRequest: the CCS goes before the second ClientHello in compatibility mode, and nowhere without it', () => {
  const on = run(true, [NamedGroup.secp256r1]);
  assert.equal(on.hellos.length, 2);
  assert.ok(on.p.client.session?.helloRetry);
  // Server: HelloRetryRequest, CCS, ServerHello, flight; client: ClientHello, CCS, ClientHello, Finished.
  assert.deepEqual(recordTypes(on.p, 'server'), [HS, CCS, HS, APP]);
  assert.deepEqual(recordTypes(on.p, 'client'), [HS, CCS, HS, APP]);

  const off = run(false, [NamedGroup.secp256r1]);
  assert.equal(off.hellos.length, 2);
  assert.ok(off.hellos.every((h) => h.kind === 'client_hello' && h.legacySessionId.length === 0));
  assert.deepEqual(recordTypes(off.p, 'server'), [HS, HS, APP]);
  assert.deepEqual(recordTypes(off.p, 'client'), [HS, HS, APP]);
});
