import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deterministicRandom } from '../../../src/prng/deterministic.js';
import type { SessionInfo } from '../../../src/tls/engine/connection.js';
import type { HandshakeMessage } from '../../../src/tls/codec/handshake.js';
import type { ClientConfig, ServerConfig } from '../../../src/tls/policy/config.js';
import { DEFAULT_SIGNATURE_SCHEMES } from '../../../src/tls/policy/defaults.js';
import { SignatureScheme as S } from '../../../src/tls/registry/signature-scheme.js';
import {
  ALL_TLS12_SUITES,
  ECDHE_ECDSA_AES128_GCM_SHA256,
  ECDHE_RSA_AES128_GCM_SHA256,
  RSA_AES128_GCM_SHA256,
} from '../../../src/tls/registry/suites.js';
import {
  isTls13SignatureScheme,
  schemeFitsKey,
  usableSchemes,
} from '../../../src/tls/keys/signing.js';
import { keyFitsAuth } from '../../../src/tls/tls12/common.js';
import { publicKeyOf } from '../../../src/x509/private-key.js';
import { Pair } from '../../helpers/tls-pair.js';
import { SERVER_NAME, TlsPki, type TlsKeyType } from '../../helpers/tls-pki.js';

/**
 * Issue 13 items 13 and 14, TLS side: rsa_pss_pss_* for id-RSASSA-PSS keys
 * only and within their own parameters (RFC 8446 §4.2.3, RFC 4055 §3.1);
 * Ed25519 certificates in TLS 1.2 ECDHE-ECDSA suites (RFC 8422 §5.3, §5.10);
 * ecdsa_secp521r1_sha512 in TLS 1.2 (ECDSA with SHA-512 on any curve); and
 * a client that accepts every scheme it offers.
 */

const pki = new TlsPki([
  'rsa',
  'p256',
  'p384',
  'ed25519',
  'rsa-pss',
  'rsa-pss-sha384',
  'rsa-pss-salt64',
  'dsa',
]);
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
function serverConfig(type: TlsKeyType, extra: Partial<ServerConfig> = {}): ServerConfig {
  return {
    random: deterministicRandom(`server ${seed++}`),
    certificates: [pki.servers[type].certified],
    trustStore: pki.trustStore,
    tls12CipherSuites: ALL_TLS12_SUITES,
    ...extra,
  };
}
const TLS12 = { maxVersion: 'TLSv1.2' } as const;

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

function hex(scheme: number | undefined): string {
  return `0x${(scheme ?? 0).toString(16).padStart(4, '0')}`;
}

/** The key each scheme we offer signs with: TLS 1.2 lets ECDSA schemes name only the hash (RFC 8422 §5.1.3). */
const KEY_FOR_SCHEME = new Map<number, TlsKeyType>([
  [S.ecdsa_secp256r1_sha256, 'p256'],
  [S.ecdsa_secp384r1_sha384, 'p384'],
  [S.ed25519, 'ed25519'],
  [S.rsa_pss_pss_sha256, 'rsa-pss'],
  [S.rsa_pss_pss_sha384, 'rsa-pss'],
  [S.rsa_pss_pss_sha512, 'rsa-pss'],
  [S.rsa_pss_rsae_sha256, 'rsa'],
  [S.rsa_pss_rsae_sha384, 'rsa'],
  [S.rsa_pss_rsae_sha512, 'rsa'],
  [S.rsa_pkcs1_sha256, 'rsa'],
  [S.rsa_pkcs1_sha384, 'rsa'],
  [S.rsa_pkcs1_sha512, 'rsa'],
  [S.rsa_pkcs1_sha1, 'rsa'],
  [S.dsa_sha256, 'dsa'],
  [S.dsa_sha384, 'dsa'],
  [S.dsa_sha512, 'dsa'],
  [S.dsa_sha1, 'dsa'],
  [S.ecdsa_sha1, 'p256'],
]);
const TLS12_KEY_FOR_SCHEME = new Map<number, TlsKeyType>([
  ...KEY_FOR_SCHEME,
  [S.ecdsa_secp521r1_sha512, 'p256'],
]);

describe('the client accepts every scheme it offers', () => {
  test('every scheme of our signature_algorithms has a key in these tables (TLS 1.2), or is named here as TLS 1.3 with P-521', () => {
    for (const scheme of DEFAULT_SIGNATURE_SCHEMES)
      assert.ok(TLS12_KEY_FOR_SCHEME.has(scheme), hex(scheme));
    // x509 has no P-521 keys, and in TLS 1.3 0x0603 names that curve (RFC 8446 §4.2.3).
    assert.deepEqual(
      DEFAULT_SIGNATURE_SCHEMES.filter((s) => !KEY_FOR_SCHEME.has(s)),
      [S.ecdsa_secp521r1_sha512],
    );
  });

  for (const scheme of DEFAULT_SIGNATURE_SCHEMES) {
    const key12 = TLS12_KEY_FOR_SCHEME.get(scheme) as TlsKeyType;
    test(`TLS 1.2: a server signing with ${hex(scheme)} (${key12} key)`, () => {
      const { client, server } = sessions(
        Pair.create(
          clientConfig(TLS12),
          serverConfig(key12, { signatureSchemes: [scheme] }),
        ).pump(),
      );
      assert.equal(client.protocol, 'TLSv1.2');
      assert.equal(hex(client.peerSignatureScheme), hex(scheme));
      assert.equal(hex(server.localSignatureScheme), hex(scheme));
    });
    const key13 = KEY_FOR_SCHEME.get(scheme);
    if (key13 === undefined || !isTls13SignatureScheme(scheme)) continue;
    test(`TLS 1.3: a server signing with ${hex(scheme)} (${key13} key)`, () => {
      const { client } = sessions(
        Pair.create(clientConfig(), serverConfig(key13, { signatureSchemes: [scheme] })).pump(),
      );
      assert.equal(client.protocol, 'TLSv1.3');
      assert.equal(hex(client.peerSignatureScheme), hex(scheme));
    });
  }
});

describe('id-RSASSA-PSS keys (RFC 8446 §4.2.3, RFC 4055)', () => {
  test('only rsa_pss_pss_* fit a PSS key, and never an rsaEncryption key; a restricted key fits only its own hash', () => {
    const rsa = publicKeyOf(pki.servers.rsa.certified.key);
    const pss = publicKeyOf(pki.servers['rsa-pss'].certified.key);
    const pss384 = publicKeyOf(pki.servers['rsa-pss-sha384'].certified.key);
    const salt64 = publicKeyOf(pki.servers['rsa-pss-salt64'].certified.key);
    for (const tls13 of [true, false]) {
      assert.deepEqual(usableSchemes(pss, DEFAULT_SIGNATURE_SCHEMES, tls13), [
        S.rsa_pss_pss_sha256,
        S.rsa_pss_pss_sha384,
        S.rsa_pss_pss_sha512,
      ]);
      assert.deepEqual(usableSchemes(pss384, DEFAULT_SIGNATURE_SCHEMES, tls13), [
        S.rsa_pss_pss_sha384,
      ]);
      // The salt of a TLS PSS signature is as long as the hash (RFC 8446 §4.2.3): 32 bytes is below this key's 64.
      assert.deepEqual(usableSchemes(salt64, DEFAULT_SIGNATURE_SCHEMES, tls13), []);
      assert.ok(
        !usableSchemes(rsa, DEFAULT_SIGNATURE_SCHEMES, tls13).some(
          (s) => s >= S.rsa_pss_pss_sha256 && s <= S.rsa_pss_pss_sha512,
        ),
      );
      for (const scheme of [S.rsa_pss_rsae_sha256, S.rsa_pkcs1_sha256, S.rsa_pkcs1_sha1])
        assert.equal(schemeFitsKey(scheme, pss, tls13), false, hex(scheme));
    }
  });

  test('TLS 1.3: a PSS certificate signs with rsa_pss_pss_sha256, a SHA-384-restricted one with rsa_pss_pss_sha384', () => {
    assert.equal(
      hex(
        sessions(Pair.create(clientConfig(), serverConfig('rsa-pss')).pump()).client
          .peerSignatureScheme,
      ),
      hex(S.rsa_pss_pss_sha256),
    );
    assert.equal(
      hex(
        sessions(Pair.create(clientConfig(), serverConfig('rsa-pss-sha384')).pump()).client
          .peerSignatureScheme,
      ),
      hex(S.rsa_pss_pss_sha384),
    );
  });

  test('a PSS certificate is not chosen when the client offers only rsa_pss_rsae_* (handshake_failure), in both versions', () => {
    for (const version of [{}, TLS12]) {
      const p = Pair.create(
        clientConfig({
          ...version,
          signatureSchemes: [S.rsa_pss_rsae_sha256, S.rsa_pss_rsae_sha384, S.rsa_pss_rsae_sha512],
        }),
        serverConfig('rsa-pss'),
      ).pump();
      assert.equal(p.error('server')?.alert, 'handshake_failure');
    }
  });

  test('a PSS key whose salt minimum no scheme meets is not used: the server with only that certificate fails with handshake_failure', () => {
    assert.equal(
      Pair.create(clientConfig(), serverConfig('rsa-pss-salt64')).pump().error('server')?.alert,
      'handshake_failure',
    );
  });

  test('TLS 1.2: a PSS key serves ECDHE-RSA but never RSA key exchange (RFC 4055 §1.2: it signs only)', () => {
    const pss = publicKeyOf(pki.servers['rsa-pss'].certified.key);
    assert.equal(keyFitsAuth(pss, RSA_AES128_GCM_SHA256), false);
    assert.equal(keyFitsAuth(pss, ECDHE_RSA_AES128_GCM_SHA256), true);
    const chosen = sessions(
      Pair.create(
        clientConfig({
          ...TLS12,
          tls12CipherSuites: [RSA_AES128_GCM_SHA256, ECDHE_RSA_AES128_GCM_SHA256],
        }),
        serverConfig('rsa-pss', {
          tls12CipherSuites: [RSA_AES128_GCM_SHA256, ECDHE_RSA_AES128_GCM_SHA256],
        }),
      ).pump(),
    );
    assert.equal(chosen.client.cipher, ECDHE_RSA_AES128_GCM_SHA256);
    assert.equal(hex(chosen.client.peerSignatureScheme), hex(S.rsa_pss_pss_sha256));
    const p = Pair.create(
      clientConfig({ ...TLS12, tls12CipherSuites: [RSA_AES128_GCM_SHA256] }),
      serverConfig('rsa-pss', { tls12CipherSuites: [RSA_AES128_GCM_SHA256] }),
    ).pump();
    assert.equal(p.error('server')?.alert, 'handshake_failure');
  });

  const relabel =
    (from: number, to: number) =>
    (m: HandshakeMessage): HandshakeMessage => {
      if (m.kind === 'certificate_verify' && m.algorithm === from) return { ...m, algorithm: to };
      if (
        (m.kind === 'server_key_exchange_ecdhe' || m.kind === 'server_key_exchange_dhe') &&
        m.signed.algorithm === from
      )
        return { ...m, signed: { ...m.signed, algorithm: to } };
      return m;
    };

  test('the client refuses a PSS key signing as rsa_pss_rsae_*, an RSA key as rsa_pss_pss_*, a restricted key with another hash (illegal_parameter)', () => {
    const cases: [TlsKeyType, number, number][] = [
      ['rsa-pss', S.rsa_pss_pss_sha256, S.rsa_pss_rsae_sha256],
      ['rsa', S.rsa_pss_rsae_sha256, S.rsa_pss_pss_sha256],
      ['rsa-pss-sha384', S.rsa_pss_pss_sha384, S.rsa_pss_pss_sha256],
    ];
    for (const version of [{}, TLS12]) {
      for (const [type, from, to] of cases) {
        const p = Pair.withServerEdit(
          clientConfig(version),
          serverConfig(type),
          relabel(from, to),
        ).pump();
        assert.equal(
          p.error('client')?.alert,
          'illegal_parameter',
          `${type} ${hex(from)} as ${hex(to)} ${JSON.stringify(version)}: ${p.error('client')?.message}`,
        );
      }
    }
  });
});

describe('client certificates of every signing key type', () => {
  // TLS 1.2 ECDSA schemes name only the hash, so P-384 signs with our first, SHA-256 (RFC 8422 §5.1.3).
  const cases: [TlsKeyType, number, number][] = [
    ['rsa-pss', S.rsa_pss_pss_sha256, S.rsa_pss_pss_sha256],
    ['ed25519', S.ed25519, S.ed25519],
    ['p384', S.ecdsa_secp384r1_sha384, S.ecdsa_secp256r1_sha256],
  ];
  for (const [type, scheme13, scheme12] of cases) {
    const identity = pki.clientOf(type);
    for (const version of [{}, TLS12]) {
      const scheme = version === TLS12 ? scheme12 : scheme13;
      test(`${type} client certificate, ${version === TLS12 ? 'TLS 1.2' : 'TLS 1.3'}: signed with ${hex(scheme)}`, () => {
        const { server } = sessions(
          Pair.create(
            clientConfig({ ...version, certificate: identity.certified }),
            serverConfig('p256', { clientAuth: 'required' }),
          ).pump(),
        );
        assert.equal(hex(server.peerSignatureScheme), hex(scheme));
        assert.equal(server.verification?.ok, true);
      });
    }
  }
});

describe('TLS 1.2 ECDHE-ECDSA with Ed25519 and ECDSA-SHA512 (RFC 8422 §5.3, §5.10)', () => {
  test('an Ed25519 certificate serves ECDHE-ECDSA suites, signing with ed25519', () => {
    const pair = Pair.create(
      clientConfig({ ...TLS12, tls12CipherSuites: [ECDHE_ECDSA_AES128_GCM_SHA256] }),
      serverConfig('ed25519'),
    ).pump();
    const { client } = sessions(pair);
    assert.equal(client.cipher, ECDHE_ECDSA_AES128_GCM_SHA256);
    assert.equal(hex(client.peerSignatureScheme), hex(S.ed25519));
    pair.client.write(new TextEncoder().encode('EHLO client.example.com\r\n'));
    pair.pump();
    assert.equal(new TextDecoder().decode(pair.received('server')), 'EHLO client.example.com\r\n');
  });

  test('ecdsa_secp521r1_sha512 is ECDSA with SHA-512 on P-256 and P-384 in TLS 1.2, and does not fit them in TLS 1.3', () => {
    for (const type of ['p256', 'p384'] as const) {
      const key = publicKeyOf(pki.servers[type].certified.key);
      assert.equal(schemeFitsKey(S.ecdsa_secp521r1_sha512, key, false), true);
      assert.equal(schemeFitsKey(S.ecdsa_secp521r1_sha512, key, true), false);
      const { client } = sessions(
        Pair.create(
          clientConfig({ ...TLS12, signatureSchemes: [S.ecdsa_secp521r1_sha512] }),
          serverConfig(type),
        ).pump(),
      );
      assert.equal(hex(client.peerSignatureScheme), hex(S.ecdsa_secp521r1_sha512));
    }
    const p = Pair.create(
      clientConfig({ minVersion: 'TLSv1.3', signatureSchemes: [S.ecdsa_secp521r1_sha512] }),
      serverConfig('p256'),
    ).pump();
    assert.equal(p.error('server')?.alert, 'handshake_failure');
  });
});
