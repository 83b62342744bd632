import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deterministicRandom } from '../../../src/prng/deterministic.js';
import type { ClientConfig, ServerConfig } from '../../../src/tls/policy/config.js';
import { NamedGroup } from '../../../src/tls/registry/named-group.js';
import type { Tls12Suite } from '../../../src/tls/registry/suites.js';
import {
  ALL_TLS12_SUITES,
  DHE_RSA_AES128_GCM_SHA256,
  ECDHE_RSA_AES128_GCM_SHA256,
  ECDHE_RSA_AES128_SHA256,
  RSA_AES128_GCM_SHA256,
} from '../../../src/tls/registry/suites.js';
import type { Tls12KeyType } from '../../helpers/tls12-pki.js';
import { SERVER_NAME, Tls12Pki } from '../../helpers/tls12-pki.js';
import { Pair } from '../../helpers/tls-pair.js';
import { CipherSuite } from '../../../src/tls/registry/cipher-suite.js';
import { ExtensionType, HandshakeType } from '../../../src/tls/registry/constants.js';
import type { HandshakeMessage } from '../../../src/tls/codec/handshake.js';
import type { ClientHello } from '../../../src/tls/codec/messages.js';
import { decodeClientHello, DOWNGRADE_TLS12 } from '../../../src/tls/codec/messages.js';
import { editFlight } from './flight.js';
import { TlsConfigError } from '../../../src/tls/error/config-error.js';

let pki: Tls12Pki;
before(() => {
  pki = new Tls12Pki();
});
after(() => pki.cleanup());

const KEY_FOR_AUTH: Record<Tls12Suite['auth'], Tls12KeyType> = {
  rsa: 'rsa',
  dss: 'dsa',
  ecdsa: 'p256',
};

function clientConfig(seed: string, extra: Partial<ClientConfig> = {}): ClientConfig {
  return {
    random: deterministicRandom(`client ${seed}`),
    serverName: SERVER_NAME,
    trustStore: pki.trustStore,
    maxVersion: 'TLSv1.2',
    ...extra,
  };
}

function serverConfig(seed: string, extra: Partial<ServerConfig> = {}): ServerConfig {
  return {
    random: deterministicRandom(`server ${seed}`),
    certificates: [
      pki.servers.rsa.certified,
      pki.servers.dsa.certified,
      pki.servers.p256.certified,
    ],
    ...extra,
  };
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
      const pair = connect(
        clientConfig(suite.name, { tls12CipherSuites: [suite] }),
        serverConfig(suite.name, {
          certificates: [pki.servers[key].certified],
          tls12CipherSuites: ALL_TLS12_SUITES,
        }),
      );
      for (const info of [pair.client.session, pair.server.session]) {
        assert.equal(info?.protocol, 'TLSv1.2');
        assert.equal(info?.cipher, suite);
        assert.equal(info?.extendedMasterSecret, true);
        assert.equal(info?.encryptThenMac, suite.cipher.kind === 'cbc');
      }
      assert.equal(
        pair.client.session?.peerCertificates[0]?.der.length,
        pki.servers[key].certified.chain[0]?.der.length,
      );
      assert.equal(pair.client.session?.verification?.ok, true);
    });
  }
});

describe('key exchange groups', () => {
  for (const [name, group] of [
    ['x25519', NamedGroup.x25519],
    ['secp256r1', NamedGroup.secp256r1],
    ['secp384r1', NamedGroup.secp384r1],
  ] as const) {
    test(`ECDHE over ${name}`, () => {
      const pair = connect(
        clientConfig(name, { groups: [group], tls12CipherSuites: [ECDHE_RSA_AES128_GCM_SHA256] }),
        serverConfig(name),
      );
      assert.equal(pair.client.session?.group, group);
      assert.equal(pair.server.session?.group, group);
    });
  }

  test('DHE with ffdhe2048 when no parameter file is configured', () => {
    const pair = connect(
      clientConfig('ffdhe', { tls12CipherSuites: [DHE_RSA_AES128_GCM_SHA256] }),
      serverConfig('ffdhe'),
    );
    assert.equal(pair.client.session?.group, NamedGroup.ffdhe2048);
  });

  test('DHE with a 2048-bit parameter file (RFC 3526 group 14)', () => {
    const dhParams = Tls12Pki.loadDh(pki.dh2048File());
    const pair = connect(
      clientConfig('modp', { tls12CipherSuites: [DHE_RSA_AES128_GCM_SHA256] }),
      serverConfig('modp', { dhParams }),
    );
    assert.equal(pair.client.session?.cipher, DHE_RSA_AES128_GCM_SHA256);
    assert.equal(pair.client.session?.group, undefined, 'not an RFC 7919 group');
  });

  test('a 1024-bit parameter file: refused at startup and by the client by default, accepted with the minimum lowered', () => {
    const dhParams = Tls12Pki.loadDh(pki.dh1024File());
    assert.throws(
      () => Pair.create(clientConfig('1024'), serverConfig('1024', { dhParams })),
      (e: unknown) => e instanceof TlsConfigError && e.reason === 'dh_group_too_small',
    );
    const refused = Pair.create(
      clientConfig('1024', { tls12CipherSuites: [DHE_RSA_AES128_GCM_SHA256] }),
      serverConfig('1024', { dhParams, dhMinBits: 1024 }),
    ).pump();
    assert.equal(refused.error('client')?.alert, 'insufficient_security');
    assert.equal(refused.error('server')?.alert, 'insufficient_security');
    assert.throws(
      () => Pair.create(clientConfig('1024', { dhMinBits: 512 }), serverConfig('1024')),
      (e: unknown) => e instanceof TlsConfigError && e.reason === 'dh_min_bits_too_low',
    );
    connect(
      clientConfig('1024', { tls12CipherSuites: [DHE_RSA_AES128_GCM_SHA256], dhMinBits: 1024 }),
      serverConfig('1024', { dhParams, dhMinBits: 1024 }),
    );
  });

  test('the dh512 file parses and validates, and no configuration can use it', () => {
    const dh512 = Tls12Pki.loadDh(pki.dh512File());
    assert.equal(dh512.bits, 512);
    assert.throws(
      () =>
        Pair.create(clientConfig('512'), serverConfig('512', { dhParams: dh512, dhMinBits: 1024 })),
      (e: unknown) => e instanceof TlsConfigError && e.reason === 'dh_group_too_small',
    );
  });
});

describe('RSA key exchange', () => {
  test('a tampered encrypted premaster is not noticed until Finished', () => {
    const pair = Pair.withClientEdit(
      clientConfig('rsa tamper', { tls12CipherSuites: [RSA_AES128_GCM_SHA256] }),
      serverConfig('rsa tamper', { tls12CipherSuites: [RSA_AES128_GCM_SHA256] }),
      (m) => {
        if (m.kind !== 'client_key_exchange_rsa') return m;
        const enc = Uint8Array.from(m.encryptedPreMasterSecret);
        enc[10] = (enc[10] as number) ^ 1;
        return { ...m, encryptedPreMasterSecret: enc };
      },
    ).pump();
    // The server decrypts to a random premaster (no oracle) and then cannot read the client's Finished.
    assert.equal(pair.error('server')?.alert, 'bad_record_mac');
    assert.equal(pair.error('client')?.alert, 'bad_record_mac');
    assert.equal(pair.error('client')?.origin, 'remote');
  });

  test('RSA key exchange is not in the default lists', () => {
    const pair = Pair.create(
      clientConfig('rsa only', { tls12CipherSuites: [RSA_AES128_GCM_SHA256] }),
      serverConfig('rsa only'),
    ).pump();
    assert.equal(pair.error('server')?.alert, 'handshake_failure');
  });
});

describe('extended master secret and encrypt-then-MAC', () => {
  const strip =
    (type: number) =>
    (m: HandshakeMessage): HandshakeMessage =>
      m.kind === 'client_hello'
        ? { ...m, extensions: m.extensions.filter((e) => e.type !== type) }
        : m;

  test('a client without extended_master_secret gets the RFC 5246 master secret', () => {
    const pair = Pair.withClientEdit(
      clientConfig('no ems', { tls12CipherSuites: [ECDHE_RSA_AES128_GCM_SHA256] }),
      serverConfig('no ems'),
      strip(ExtensionType.extended_master_secret),
    ).pump();
    assert.equal(pair.error('client'), undefined);
    assert.equal(pair.client.session?.extendedMasterSecret, false);
    assert.equal(pair.server.session?.extendedMasterSecret, false);
  });

  test('a client without encrypt_then_mac gets MAC-then-encrypt CBC records', () => {
    const pair = Pair.withClientEdit(
      clientConfig('no etm', { tls12CipherSuites: [ECDHE_RSA_AES128_SHA256] }),
      serverConfig('no etm'),
      strip(ExtensionType.encrypt_then_mac),
    ).pump();
    assert.equal(pair.error('server'), undefined);
    assert.equal(pair.server.session?.encryptThenMac, false);
    pair.client.write(Uint8Array.of(1, 2, 3));
    pair.pump();
    assert.deepEqual([...pair.received('server')], [1, 2, 3]);
  });

  test('encrypt_then_mac is not echoed for an AEAD suite', () => {
    const pair = connect(
      clientConfig('etm aead', {
        tls12CipherSuites: [ECDHE_RSA_AES128_GCM_SHA256, ECDHE_RSA_AES128_SHA256],
      }),
      serverConfig('etm aead'),
    );
    assert.equal(pair.server.session?.encryptThenMac, false);
  });
});

describe('version negotiation', () => {
  test('a TLS 1.3 and 1.2 client and a TLS 1.3 server agree on TLS 1.3', () => {
    const pair = connect(clientConfig('v13', { maxVersion: 'TLSv1.3' }), serverConfig('v13'));
    assert.equal(pair.client.session?.protocol, 'TLSv1.3');
  });

  test('a TLS 1.3 client meets a TLS 1.2-only server', () => {
    const pair = connect(
      clientConfig('v13-12', { maxVersion: 'TLSv1.3' }),
      serverConfig('v13-12', { maxVersion: 'TLSv1.2' }),
    );
    assert.equal(pair.client.session?.protocol, 'TLSv1.2');
  });

  test('a TLS 1.2-only client meets a TLS 1.3 server, which sets the downgrade sentinel', () => {
    let random: Uint8Array | undefined;
    const pair = Pair.create(clientConfig('v12-13'), serverConfig('v12-13'), (from, bytes) => {
      editFlight(bytes, (type, body) => {
        if (from === 'server' && type === HandshakeType.server_hello) random = body.slice(2, 34);
        return body;
      });
      return bytes;
    }).pump();
    assert.equal(pair.client.session?.protocol, 'TLSv1.2');
    assert.deepEqual(Uint8Array.from(random?.subarray(24) ?? []), DOWNGRADE_TLS12);
  });

  test('a TLS 1.2-only client sends neither supported_versions nor key_share nor TLS 1.3 suites', () => {
    let hello: ClientHello | undefined;
    Pair.create(clientConfig('v12 hello'), serverConfig('v12 hello'), (from, bytes) => {
      if (from === 'client' && hello === undefined)
        editFlight(bytes, (type, body) => ((hello = decodeClientHello(body)), body));
      return bytes;
    }).pump();
    assert.ok(hello !== undefined);
    assert.equal(
      hello.extensions.some(
        (e) => e.type === ExtensionType.supported_versions || e.type === ExtensionType.key_share,
      ),
      false,
    );
    assert.equal(
      hello.cipherSuites.some((c) => c >> 8 === 0x13),
      false,
    );
    assert.equal(hello.legacySessionId.length, 0);
  });

  test('a TLS 1.3-capable client detects DOWNGRD\\x01 in a TLS 1.2 ServerHello', () => {
    const pair = Pair.create(
      clientConfig('sentinel', { maxVersion: 'TLSv1.3' }),
      serverConfig('sentinel', { maxVersion: 'TLSv1.2' }),
      (from, bytes) =>
        from === 'client'
          ? bytes
          : editFlight(bytes, (type, body) => {
              if (type !== HandshakeType.server_hello) return body;
              const b = Uint8Array.from(body);
              b.set(DOWNGRADE_TLS12, 2 + 24);
              return b;
            }),
    ).pump();
    assert.equal(pair.error('client')?.alert, 'illegal_parameter');
  });

  test('TLS_FALLBACK_SCSV from a TLS 1.2 client is inappropriate_fallback at a TLS 1.3 server, fine at a 1.2 one', () => {
    const scsv = (m: HandshakeMessage): HandshakeMessage =>
      m.kind === 'client_hello'
        ? { ...m, cipherSuites: [...m.cipherSuites, CipherSuite.TLS_FALLBACK_SCSV] }
        : m;
    const refused = Pair.withClientEdit(clientConfig('scsv'), serverConfig('scsv'), scsv).pump();
    assert.equal(refused.error('server')?.alert, 'inappropriate_fallback');
    const fine = Pair.withClientEdit(
      clientConfig('scsv'),
      serverConfig('scsv', { maxVersion: 'TLSv1.2' }),
      scsv,
    ).pump();
    assert.equal(fine.error('server'), undefined);
    assert.equal(fine.server.session?.protocol, 'TLSv1.2');
  });

  test('a TLS 1.3-only server refuses a TLS 1.2-only client with protocol_version', () => {
    const pair = Pair.create(
      clientConfig('proto'),
      serverConfig('proto', { minVersion: 'TLSv1.3' }),
    ).pump();
    assert.equal(pair.error('server')?.alert, 'protocol_version');
  });
});

describe('certificate choice by suite', () => {
  const all = (): ServerConfig =>
    serverConfig('multi', {
      certificates: [
        pki.servers.rsa.certified,
        pki.servers.dsa.certified,
        pki.servers.p256.certified,
      ],
    });
  for (const [auth, kind] of [
    ['rsa', 'rsa'],
    ['dss', 'dsa'],
    ['ecdsa', 'ec'],
  ] as const) {
    test(`an ${auth}-only client gets the ${kind} certificate`, () => {
      const suites = ALL_TLS12_SUITES.filter((s) => s.auth === auth && s.keyExchange !== 'rsa');
      const pair = connect(clientConfig(`only ${auth}`, { tls12CipherSuites: suites }), all());
      assert.equal(pair.client.session?.peerCertificates[0]?.publicKey.key.kind, kind);
    });
  }

  test('a client with the default list gets the RSA certificate', () => {
    const pair = connect(clientConfig('default'), all());
    assert.equal(pair.client.session?.peerCertificates[0]?.publicKey.key.kind, 'rsa');
    assert.equal(pair.client.session?.cipher.opensslName, 'ECDHE-RSA-CHACHA20-POLY1305');
  });
});

describe('client certificates', () => {
  for (const who of ['client', 'clientRsa'] as const) {
    test(`required, and sent (${who})`, () => {
      const pair = connect(
        clientConfig(`cc ${who}`, { certificate: pki[who].certified }),
        serverConfig(`cc ${who}`, {
          clientAuth: 'required',
          trustStore: pki.trustStore,
          clientCaNames: [],
        }),
      );
      assert.equal(pair.server.session?.peerCertificates.length, 1);
      assert.equal(pair.server.session?.verification?.ok, true);
      assert.ok(pair.server.session?.peerSignatureScheme !== undefined);
    });
  }

  test('required and not sent: handshake_failure (RFC 5246 §7.4.6)', () => {
    const pair = Pair.create(
      clientConfig('cc none'),
      serverConfig('cc none', { clientAuth: 'required', trustStore: pki.trustStore }),
    ).pump();
    assert.equal(pair.error('server')?.alert, 'handshake_failure');
  });

  test('optional and not sent', () => {
    const pair = connect(
      clientConfig('cc opt'),
      serverConfig('cc opt', { clientAuth: 'optional', trustStore: pki.trustStore }),
    );
    assert.equal(pair.server.session?.peerCertificates.length, 0);
  });
});

describe('during the handshake', () => {
  test('a HelloRequest while the client negotiates is ignored (RFC 5246 §7.4.1.1)', () => {
    let first = true;
    // After the server's first flight, a plaintext HelloRequest record (type 22, hello_request, empty body).
    const pair = Pair.create(
      clientConfig('hr during'),
      serverConfig('hr during'),
      (from, bytes) => {
        if (from !== 'server' || !first) return bytes;
        first = false;
        const out = new Uint8Array(bytes.length + 9);
        out.set(bytes);
        out.set([22, 3, 3, 0, 4, HandshakeType.hello_request, 0, 0, 0], bytes.length);
        return out;
      },
    ).pump();
    assert.equal(pair.error('client'), undefined);
    assert.equal(pair.error('server'), undefined);
    assert.equal(pair.client.session?.protocol, 'TLSv1.2');
  });
});

describe('after the handshake', () => {
  test('a warning alert other than close_notify does not end a TLS 1.2 connection (RFC 5246 §7.2.2); user_canceled is ignored too', () => {
    for (const alert of ['unrecognized_name', 'user_canceled', 'bad_certificate'] as const) {
      const pair = connect(clientConfig(`warn ${alert}`), serverConfig(`warn ${alert}`));
      pair.client.sendWarningAlert(alert);
      pair.client.write(Uint8Array.of(7));
      pair.pump();
      assert.equal(pair.error('server'), undefined, `${alert}: ${pair.error('server')?.message}`);
      assert.equal(pair.received('server').at(-1), 7, alert);
    }
  });

  test("more than 4 warning alerts in a row, or more than 32 empty records, are unexpected_message (BoringSSL's limits); data between them resets the count", () => {
    const warnings = connect(clientConfig('warn many'), serverConfig('warn many'));
    for (let i = 0; i < 4; i++) warnings.client.sendWarningAlert('unrecognized_name');
    warnings.client.write(Uint8Array.of(1));
    for (let i = 0; i < 4; i++) warnings.client.sendWarningAlert('unrecognized_name');
    warnings.pump();
    assert.equal(warnings.error('server'), undefined, 'four, data, four');
    warnings.client.sendWarningAlert('unrecognized_name');
    warnings.pump();
    assert.equal(warnings.error('server')?.alert, 'unexpected_message');
    const empty = connect(clientConfig('empty many'), serverConfig('empty many'));
    for (let i = 0; i < 32; i++) empty.client.write(new Uint8Array(0));
    empty.client.write(Uint8Array.of(1));
    for (let i = 0; i < 32; i++) empty.client.write(new Uint8Array(0));
    empty.pump();
    assert.equal(empty.error('server'), undefined, '32, data, 32');
    empty.client.write(new Uint8Array(0));
    empty.pump();
    assert.equal(empty.error('server')?.alert, 'unexpected_message');
  });

  test('a HelloRequest gets a no_renegotiation warning from the client, which carries on', () => {
    const pair = connect(clientConfig('hr'), serverConfig('hr'));
    pair.server.send({ kind: 'hello_request' });
    pair.server.receive(new Uint8Array(0));
    pair.pump();
    assert.equal(pair.error('client'), undefined);
    // Our server never sends HelloRequest itself; told no, it ends the connection.
    assert.equal(pair.error('server')?.alert, 'no_renegotiation');
    assert.equal(pair.error('server')?.origin, 'remote');
  });

  test('a ClientHello gets a no_renegotiation warning from the server, which carries on', () => {
    const pair = connect(clientConfig('ch'), serverConfig('ch'));
    pair.client.send({
      kind: 'client_hello',
      legacyVersion: 0x0303,
      random: new Uint8Array(32),
      legacySessionId: new Uint8Array(0),
      cipherSuites: [ECDHE_RSA_AES128_GCM_SHA256.code],
      legacyCompressionMethods: [0],
      extensions: [],
      extensionsPresent: false,
    });
    pair.client.receive(new Uint8Array(0));
    pair.pump();
    assert.equal(pair.error('server'), undefined);
    assert.equal(pair.error('client')?.alert, 'no_renegotiation');
    pair.server.write(Uint8Array.of(7));
    assert.ok(pair.server.takeOutput() !== undefined);
  });

  test('KeyUpdate does not exist in TLS 1.2', () => {
    const pair = connect(clientConfig('ku'), serverConfig('ku'));
    assert.throws(() => pair.client.updateKeys(false), /KeyUpdate does not exist in TLS 1.2/);
  });

  test('close_notify both ways', () => {
    const pair = connect(clientConfig('close'), serverConfig('close'));
    pair.client.close();
    pair.pump();
    assert.ok(pair.server.closedByPeer);
    pair.server.close();
    pair.pump();
    assert.ok(pair.client.closedByPeer);
  });
});
