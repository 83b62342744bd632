import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HandshakeMessage } from '../../../src/tls/codec/handshake.js';
import type { ClientHello } from '../../../src/tls/codec/messages.js';
import { CipherSuite } from '../../../src/tls/registry/cipher-suite.js';
import { Pair } from '../../helpers/tls-pair.js';
import { traceClientConfig, traceServerConfig } from '../../helpers/rfc8448.js';

function editHello(
  edit: (ch: ClientHello) => ClientHello,
): (m: HandshakeMessage) => HandshakeMessage {
  return (m) => (m.kind === 'client_hello' ? edit(m) : m);
}

function withLegacyVersion(version: number): (m: HandshakeMessage) => HandshakeMessage {
  return editHello((ch) => ({ ...ch, legacyVersion: version }));
}

/** A TLS 1.1 client (RFC 4346): legacy_version 0x0302 and no supported_versions. */
function asTls11Client(extraSuites: number[]): (m: HandshakeMessage) => HandshakeMessage {
  return editHello((ch) => ({
    ...ch,
    legacyVersion: 0x0302,
    cipherSuites: [...ch.cipherSuites, ...extraSuites],
    extensions: ch.extensions.filter((e) => e.kind !== 'supported_versions_client_hello'),
  }));
}

test('a TLS 1.3 ClientHello with legacy_version below 0x0303 gets protocol_version (RFC 8446 §4.1.2, App. D.5), though supported_versions lists TLS 1.3', () => {
  for (const version of [0x0302, 0x0301, 0x0300, 0x0200, 0x0000]) {
    const p = Pair.withClientEdit(
      traceClientConfig(),
      traceServerConfig(),
      withLegacyVersion(version),
    ).pump();
    assert.equal(
      p.error('server')?.alert,
      'protocol_version',
      `legacy_version 0x${version.toString(16)}`,
    );
    assert.equal(p.error('server')?.reason, 'legacy_version_too_low');
    assert.equal(p.error('client')?.alert, 'protocol_version');
    assert.equal(p.server.session, undefined);
  }
});

test('legacy_version 0x0300 or below is protocol_version also when supported_versions offers only TLS 1.2 (RFC 8446 App. D.5)', () => {
  const p = Pair.withClientEdit(
    traceClientConfig({ maxVersion: 'TLSv1.2' }),
    traceServerConfig(),
    editHello((ch) => ({
      ...ch,
      legacyVersion: 0x0300,
      extensions: [
        ...ch.extensions.filter((e) => e.kind !== 'supported_versions_client_hello'),
        { kind: 'supported_versions_client_hello', type: 43, versions: [0x0303] },
      ],
    })),
  ).pump();
  assert.equal(p.error('server')?.alert, 'protocol_version');
});

test('legacy_version 0x0303 and a higher one still negotiate (RFC 8446 §4.2.1: supported_versions decides)', () => {
  for (const version of [0x0303, 0x0304, 0x0400]) {
    const p = Pair.withClientEdit(
      traceClientConfig(),
      traceServerConfig(),
      withLegacyVersion(version),
    ).pump();
    assert.equal(p.error('server'), undefined, `legacy_version 0x${version.toString(16)}`);
    assert.equal(p.server.session?.protocol, 'TLSv1.3');
  }
});

test('TLS_FALLBACK_SCSV in a TLS 1.1 ClientHello is protocol_version, not inappropriate_fallback (RFC 7507 §3, RFC 8446 App. D.2)', () => {
  for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
    const p = Pair.withClientEdit(
      traceClientConfig({ maxVersion: 'TLSv1.2' }),
      traceServerConfig({ maxVersion }),
      asTls11Client([CipherSuite.TLS_FALLBACK_SCSV]),
    ).pump();
    assert.equal(p.error('server')?.alert, 'protocol_version', `server up to ${maxVersion}`);
    assert.equal(p.error('server')?.reason, 'no_common_version');
  }
  const plain = Pair.withClientEdit(
    traceClientConfig({ maxVersion: 'TLSv1.2' }),
    traceServerConfig(),
    asTls11Client([]),
  ).pump();
  assert.equal(plain.error('server')?.alert, 'protocol_version', 'without the SCSV too');
});

test('TLS_FALLBACK_SCSV from a TLS 1.2 client at a TLS 1.3 server stays inappropriate_fallback (RFC 7507 §3)', () => {
  const p = Pair.withClientEdit(
    traceClientConfig({ maxVersion: 'TLSv1.2' }),
    traceServerConfig(),
    editHello((ch) => ({
      ...ch,
      cipherSuites: [...ch.cipherSuites, CipherSuite.TLS_FALLBACK_SCSV],
    })),
  ).pump();
  assert.equal(p.error('server')?.alert, 'inappropriate_fallback');
});
