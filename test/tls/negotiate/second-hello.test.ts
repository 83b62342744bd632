import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientHello } from '../../../src/tls/codec/messages.js';
import { decodeClientHello } from '../../../src/tls/codec/messages.js';
import { createClientConnection } from '../../../src/tls/hello/start.js';
import { checkSecondClientHello } from '../../../src/tls/negotiate/second-hello.js';
import { ExtensionType } from '../../../src/tls/registry/constants.js';
import { NamedGroup } from '../../../src/tls/registry/named-group.js';
import { TlsAlert } from '../../../src/tls/error/tls-alert.js';
import type { TlsErrorReason } from '../../../src/tls/error/reasons.js';
import { traceClientConfig } from '../../helpers/rfc8448.js';

const cookie = Uint8Array.of(1, 2, 3, 4);
const want = { group: NamedGroup.secp256r1, cookie };

function firstHello(): ClientHello {
  const client = createClientConnection(
    traceClientConfig({
      groups: [NamedGroup.x25519, NamedGroup.secp256r1],
      keyShareGroups: [NamedGroup.x25519],
    }),
  );
  const record = client.takeOutput()!;
  return decodeClientHello(record.subarray(5 + 4));
}

/** The second ClientHello RFC 8446 §4.1.2 asks for: one share of the requested group, the cookie echoed. */
function secondHello(first: ClientHello): ClientHello {
  const second = structuredClone(first);
  second.extensions = second.extensions.map((e) =>
    e.kind === 'key_share_client_hello'
      ? {
          ...e,
          shares: [{ group: NamedGroup.secp256r1, keyExchange: new Uint8Array(65).fill(4, 0, 1) }],
        }
      : e,
  );
  second.extensions.push({ kind: 'cookie', type: ExtensionType.cookie, cookie });
  return second;
}

function refused(
  first: ClientHello,
  second: ClientHello,
  reason: TlsErrorReason,
  label: string,
): void {
  assert.throws(
    () => checkSecondClientHello(first, second, want),
    (e: unknown) =>
      e instanceof TlsAlert && e.reason === reason && e.description === 'illegal_parameter',
    label,
  );
}

test('RFC 8446 §4.1.2: the second ClientHello may change key_share, cookie, early_data, pre_shared_key and padding', () => {
  const first = firstHello();
  const second = secondHello(first);
  assert.equal(checkSecondClientHello(first, second, want).length, 65);
  const padded = secondHello(first);
  padded.extensions.push({
    kind: 'unknown',
    type: ExtensionType.padding,
    data: new Uint8Array(17),
  });
  assert.doesNotThrow(() => checkSecondClientHello(first, padded, want), 'padding added');
  const withEarly = structuredClone(first);
  withEarly.extensions.push({
    kind: 'unknown',
    type: ExtensionType.early_data,
    data: new Uint8Array(0),
  });
  assert.doesNotThrow(() => checkSecondClientHello(withEarly, second, want), 'early_data removed');
});

test('RFC 8446 §4.1.2: pre_shared_key is updated "if present": adding one is illegal_parameter; dropping it (PSKs incompatible with the retry suite) is allowed', () => {
  const first = firstHello();
  const psk = {
    kind: 'pre_shared_key_client_hello' as const,
    type: ExtensionType.pre_shared_key,
    identities: [{ identity: Uint8Array.of(9, 9, 9), obfuscatedTicketAge: 7 }],
    binders: [new Uint8Array(32)],
  };
  const withPsk = structuredClone(first);
  withPsk.extensions.push(psk);
  const updated = secondHello(withPsk);
  updated.extensions = updated.extensions.map((e) =>
    e.kind === 'pre_shared_key_client_hello'
      ? {
          ...e,
          identities: [{ identity: Uint8Array.of(9, 9, 9), obfuscatedTicketAge: 8 }],
          binders: [new Uint8Array(32).fill(1)],
        }
      : e,
  );
  assert.doesNotThrow(() => checkSecondClientHello(withPsk, updated, want), 'new age and binder');
  const dropped = secondHello(withPsk);
  dropped.extensions = dropped.extensions.filter((e) => e.type !== ExtensionType.pre_shared_key);
  assert.doesNotThrow(
    () => checkSecondClientHello(withPsk, dropped, want),
    'pre_shared_key dropped',
  );
  const added = secondHello(first);
  added.extensions.push(psk);
  refused(first, added, 'retry_hello_changed', 'pre_shared_key added');
});

test('RFC 8446 §4.1.2: anything else that changes is illegal_parameter, with its reason', () => {
  const first = firstHello();
  const edits: [string, (m: ClientHello) => void][] = [
    ['random', (m) => void (m.random = new Uint8Array(32))],
    ['legacy_session_id', (m) => void (m.legacySessionId = new Uint8Array(0))],
    ['cipher suites reordered', (m) => void m.cipherSuites.reverse()],
    ['legacy_version', (m) => void (m.legacyVersion = 0x0301)],
    [
      'supported_groups',
      (m) =>
        void (m.extensions = m.extensions.map((e) =>
          e.kind === 'supported_groups' ? { ...e, groups: [NamedGroup.secp256r1] } : e,
        )),
    ],
    [
      'an extension dropped',
      (m) =>
        void (m.extensions = m.extensions.filter(
          (e) => e.type !== ExtensionType.signature_algorithms,
        )),
    ],
    [
      'an extension added',
      (m) => void m.extensions.push({ kind: 'unknown', type: 0xfafa, data: new Uint8Array(1) }),
    ],
  ];
  for (const [label, edit] of edits) {
    const second = secondHello(first);
    edit(second);
    refused(first, second, 'retry_hello_changed', label);
  }
  const noCookie = secondHello(first);
  noCookie.extensions = noCookie.extensions.filter((e) => e.type !== ExtensionType.cookie);
  refused(first, noCookie, 'retry_cookie_not_echoed', 'cookie missing');
  const twoShares = secondHello(first);
  twoShares.extensions = twoShares.extensions.map((e) =>
    e.kind === 'key_share_client_hello' ? { ...e, shares: [...e.shares, ...e.shares] } : e,
  );
  refused(first, twoShares, 'retry_key_share_wrong', 'two shares');
});
