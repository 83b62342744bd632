import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { createClientConnection, createServerConnection } from '../../../src/tls/hello/start.js';
import { TlsConfigError, type TlsConfigReason } from '../../../src/tls/error/config-error.js';
import {
  resolveClientConfig,
  resolveServerConfig,
} from '../../../src/tls/policy/resolve-config.js';
import {
  DEFAULT_GROUPS,
  DEFAULT_SIGNATURE_SCHEMES,
  DEFAULT_TLS12_SUITES,
  DEFAULT_TLS13_SUITES,
} from '../../../src/tls/policy/defaults.js';
import { NamedGroup } from '../../../src/tls/registry/named-group.js';
import { createServer, startTlsClient } from '../../../src/tls/index.js';
import { traceClientConfig, traceServerConfig } from '../../helpers/rfc8448.js';

const because = (reason: TlsConfigReason) => (e: unknown) =>
  e instanceof TlsConfigError && e.reason === reason && e.kind === 'configuration';

test('resolveConfig fills in every default once', () => {
  const c = resolveClientConfig(traceClientConfig());
  assert.equal(c.minVersion, 'TLSv1.2');
  assert.equal(c.maxVersion, 'TLSv1.3');
  assert.equal(c.cipherSuites, DEFAULT_TLS13_SUITES);
  assert.equal(c.tls12CipherSuites, DEFAULT_TLS12_SUITES);
  assert.equal(c.groups, DEFAULT_GROUPS);
  assert.equal(c.signatureSchemes, DEFAULT_SIGNATURE_SCHEMES);
  assert.equal(c.dhMinBits, 2048);
  const s = resolveServerConfig(traceServerConfig());
  assert.equal(s.sessionTimeout, 3600);
  assert.equal(s.ticketCount, 2);
  assert.ok(
    DEFAULT_TLS12_SUITES.every((suite) => suite.keyExchange !== 'rsa'),
    'RSA key exchange only when a cipher list asks for it',
  );
});

test('a client with minVersion above maxVersion throws a configuration error before any byte is written', () => {
  assert.throws(
    () =>
      createClientConnection(traceClientConfig({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' })),
    because('version_range_empty'),
  );
  assert.throws(
    () =>
      createServerConnection(traceServerConfig({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' })),
    because('version_range_empty'),
  );
  // The Node adapter throws too, and the transport sees nothing.
  const written: Buffer[] = [];
  const transport = new Duplex({
    read() {},
    write(chunk: Buffer, _e, cb) {
      written.push(chunk);
      cb();
    },
  });
  assert.throws(
    () =>
      startTlsClient(transport, {
        ...traceClientConfig(),
        minVersion: 'TLSv1.3',
        maxVersion: 'TLSv1.2',
      }),
    because('version_range_empty'),
  );
  assert.equal(written.length, 0);
  transport.destroy();
});

test('a server without a certificate, or with a DH group below its minimum, is a configuration error, also in createServer', () => {
  assert.throws(
    () => createServerConnection(traceServerConfig({ certificates: [] })),
    because('no_certificate'),
  );
  assert.throws(
    () => createServer({ ...traceServerConfig(), certificates: [] }),
    because('no_certificate'),
  );
  assert.throws(
    () =>
      createServerConnection(traceServerConfig({ dhParams: { p: 2n ** 1023n + 1155n, g: 2n } })),
    because('dh_group_too_small'),
  );
  assert.throws(
    () => createClientConnection(traceClientConfig({ dhMinBits: 512 })),
    because('dh_min_bits_too_low'),
  );
  assert.throws(
    () => createClientConnection(traceClientConfig({ groups: [NamedGroup.x448] })),
    because('no_supported_group'),
  );
});
