import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deterministicRandom } from '../../../src/prng/deterministic.js';
import type { ClientConfig, ServerConfig } from '../../../src/tls/config.js';
import { NamedGroup } from '../../../src/tls/named-group.js';
import type { Tls12Suite } from '../../../src/tls/suites.js';
import { ALL_TLS12_SUITES, DHE_RSA_AES128_GCM_SHA256, ECDHE_RSA_AES128_GCM_SHA256, ECDHE_RSA_AES128_SHA256, RSA_AES128_GCM_SHA256 } from '../../../src/tls/suites.js';
import type { Tls12KeyType } from '../../helpers/tls12-pki.js';
import { SERVER_NAME, Tls12Pki } from '../../helpers/tls12-pki.js';
import { Pair } from '../../helpers/tls12-pair.js';

let pki: Tls12Pki;
before(() => {
  pki = new Tls12Pki();
});
after(() => pki.cleanup());

const KEY_FOR_AUTH: Record<Tls12Suite['auth'], Tls12KeyType> = { rsa: 'rsa', dss: 'dsa', ecdsa: 'p256' };

function clientConfig(seed: string, extra: Partial<ClientConfig> = {}): ClientConfig {
  return { random: deterministicRandom(`client ${seed}`), serverName: SERVER_NAME, trustStore: pki.trustStore, maxVersion: 'TLSv1.2', ...extra };
}

function serverConfig(seed: string, extra: Partial<ServerConfig> = {}): ServerConfig {
  return { random: deterministicRandom(`server ${seed}`), certificates: [pki.servers.rsa.certified, pki.servers.dsa.certified, pki.servers.p256.certified], ...extra };
}

/** Handshake, then data both ways; returns the pair for further checks. */
function connect(client: ClientConfig, server: ServerConfig): Pair {
  const pair = Pair.create(client, server).pump();
  assert.equal(pair.error('client'), undefined, `client: ${pair.error('client')?.message}`);
  assert.equal(pair.error('server'), undefined, `server: ${pair.error('server')?.message}`);
  assert.ok(pair.client.handshakeComplete && pair.server.handshakeComplete);
  pair.client.write(new TextEncoder().encode('EHLO client.example.com\r\n'));
  pair.server.write(new Uint8Array(20000).fill(0x42));
  pair.pump();
  assert.equal(new TextDecoder().decode(pair.received('server')), 'EHLO client.example.com\r\n');
  assert.equal(pair.received('client').length, 20000);
  return pair;
}

describe('every TLS 1.2 suite, in memory, with the certificate that fits it', () => {
  for (const suite of ALL_TLS12_SUITES) {
    test(suite.opensslName, () => {
      const key = KEY_FOR_AUTH[suite.auth];
      const pair = connect(clientConfig(suite.name, { tls12CipherSuites: [suite] }), serverConfig(suite.name, { certificates: [pki.servers[key].certified], tls12CipherSuites: ALL_TLS12_SUITES }));
      for (const info of [pair.client.session, pair.server.session]) {
        assert.equal(info?.protocol, 'TLSv1.2');
        assert.equal(info?.cipher, suite);
        assert.equal(info?.extendedMasterSecret, true);
        assert.equal(info?.encryptThenMac, suite.cipher.kind === 'cbc');
      }
      assert.equal(pair.client.session?.peerCertificates[0]?.der.length, pki.servers[key].certified.chain[0]?.der.length);
      assert.equal(pair.client.session?.verification?.ok, true);
    });
  }
});
