import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bigIntToBytes } from '../../../src/crypto/bigint.js';
import { FFDHE2048 } from '../../../src/crypto/dh.js';
import { deterministicRandom } from '../../../src/prng/deterministic.js';
import type { AlertDescriptionName } from '../../../src/tls/registry/alert.js';
import type { ClientConfig, ServerConfig } from '../../../src/tls/policy/config.js';
import { HandshakeType } from '../../../src/tls/registry/constants.js';
import type { HandshakeMessage } from '../../../src/tls/codec/handshake.js';
import {
  decodeServerKeyExchange,
  encodeServerKeyExchangeParams,
} from '../../../src/tls/codec/messages12.js';
import { NamedGroup } from '../../../src/tls/registry/named-group.js';
import { signWithScheme } from '../../../src/tls/keys/signing.js';
import type { Tls12Suite } from '../../../src/tls/registry/suites.js';
import {
  DHE_RSA_AES128_GCM_SHA256,
  ECDHE_RSA_AES128_GCM_SHA256,
  ECDHE_RSA_AES128_SHA256,
  RSA_AES128_GCM_SHA256,
} from '../../../src/tls/registry/suites.js';
import { signedParams } from '../../../src/tls/tls12/common.js';
import { Writer } from '../../../src/tls/wire/writer.js';
import { Pair, splitRecords } from '../../helpers/tls-pair.js';
import { SERVER_NAME, Tls12Pki } from '../../helpers/tls12-pki.js';
import { CHANGE_CIPHER_SPEC, editFlight, record } from './flight.js';

/** Malformed and hostile TLS 1.2 messages: each gets the alert RFC 5246 (and its extensions) names. */

let pki: Tls12Pki;
let dh512: { p: bigint; g: bigint };
before(() => {
  pki = new Tls12Pki();
  dh512 = Tls12Pki.loadDh(pki.dh512File());
});
after(() => pki.cleanup());

function clientConfig(suite: Tls12Suite, extra: Partial<ClientConfig> = {}): ClientConfig {
  return {
    random: deterministicRandom('m client'),
    serverName: SERVER_NAME,
    trustStore: pki.trustStore,
    maxVersion: 'TLSv1.2',
    tls12CipherSuites: [suite],
    ...extra,
  };
}
function serverConfig(extra: Partial<ServerConfig> = {}): ServerConfig {
  return {
    random: deterministicRandom('m server'),
    certificates: [pki.servers.rsa.certified],
    tls12CipherSuites: [
      ECDHE_RSA_AES128_GCM_SHA256,
      DHE_RSA_AES128_GCM_SHA256,
      ECDHE_RSA_AES128_SHA256,
      RSA_AES128_GCM_SHA256,
    ],
    ...extra,
  };
}

function expectFailure(pair: Pair, side: 'client' | 'server', alert: AlertDescriptionName): void {
  pair.pump();
  const err = pair.error(side);
  assert.equal(err?.alert, alert, err?.message);
  assert.equal(err?.origin, 'local');
  assert.equal(
    side === 'client' ? pair.server.handshakeComplete : pair.client.handshakeComplete,
    false,
  );
}

/** A server flight whose ServerKeyExchange `rewrite` changes, re-signed with the server's key (so only the change is wrong). */
function resignedSke(
  suite: Tls12Suite,
  rewrite: (params: Writer, original: ReturnType<typeof decodeServerKeyExchange>) => void,
): Pair {
  let clientRandom = new Uint8Array(32);
  let serverRandom = new Uint8Array(32);
  return Pair.create(clientConfig(suite), serverConfig(), (from, bytes) =>
    editFlight(bytes, (type, body) => {
      if (type === HandshakeType.client_hello) clientRandom = body.slice(2, 34);
      if (type === HandshakeType.server_hello) serverRandom = body.slice(2, 34);
      if (from !== 'server' || type !== HandshakeType.server_key_exchange) return body;
      const original = decodeServerKeyExchange(body, suite.keyExchange);
      const w = new Writer();
      rewrite(w, original);
      const params = Uint8Array.from(w.finish());
      const scheme = original.signed.algorithm;
      const signature = signWithScheme(
        pki.servers.rsa.certified.key,
        scheme,
        signedParams(clientRandom, serverRandom, params),
        deterministicRandom('resign'),
      );
      return Buffer.concat([
        params,
        Uint8Array.of(scheme >> 8, scheme & 0xff, signature.length >> 8, signature.length & 0xff),
        signature,
      ]);
    }),
  );
}

function serverFlightEdit(
  suite: Tls12Suite,
  type: number,
  edit: (body: Uint8Array) => Uint8Array | undefined,
): Pair {
  return Pair.create(clientConfig(suite), serverConfig(), (from, bytes) =>
    from === 'server' ? editFlight(bytes, (t, body) => (t === type ? edit(body) : body)) : bytes,
  );
}

describe('ServerKeyExchange', () => {
  test('a bad signature is decrypt_error', () => {
    for (const suite of [ECDHE_RSA_AES128_GCM_SHA256, DHE_RSA_AES128_GCM_SHA256]) {
      const pair = serverFlightEdit(suite, HandshakeType.server_key_exchange, (body) => {
        const b = Uint8Array.from(body);
        b[b.length - 1] = (b[b.length - 1] as number) ^ 1;
        return b;
      });
      expectFailure(pair, 'client', 'decrypt_error');
    }
  });

  test('a signature scheme we did not offer is illegal_parameter', () => {
    const pair = Pair.create(
      clientConfig(ECDHE_RSA_AES128_GCM_SHA256, { signatureSchemes: [0x0804] }),
      serverConfig(),
      (from, bytes) =>
        from === 'server'
          ? editFlight(bytes, (t, body) => {
              if (t !== HandshakeType.server_key_exchange) return body;
              const b = Uint8Array.from(body);
              const at = 4 + (b[3] as number);
              b[at] = 0x04;
              b[at + 1] = 0x01;
              return b;
            })
          : bytes,
    );
    expectFailure(pair, 'client', 'illegal_parameter');
  });

  test('a tiny DH group is insufficient_security', () => {
    const pair = resignedSke(DHE_RSA_AES128_GCM_SHA256, (w, o) => {
      if (o.kind !== 'server_key_exchange_dhe') throw new Error('DHE expected');
      encodeServerKeyExchangeParams(w, {
        kind: 'server_key_exchange_dhe',
        dhP: bigIntToBytes(dh512.p),
        dhG: bigIntToBytes(dh512.g),
        dhYs: bigIntToBytes(4n),
      });
    });
    expectFailure(pair, 'client', 'insufficient_security');
  });

  test('a non-prime or even DH modulus is illegal_parameter', () => {
    for (const p of [FFDHE2048.p - 2n, FFDHE2048.p + 1n]) {
      const pair = resignedSke(DHE_RSA_AES128_GCM_SHA256, (w) => {
        encodeServerKeyExchangeParams(w, {
          kind: 'server_key_exchange_dhe',
          dhP: bigIntToBytes(p),
          dhG: Uint8Array.of(2),
          dhYs: bigIntToBytes(4n),
        });
      });
      expectFailure(pair, 'client', 'illegal_parameter');
    }
  });

  test('the DH group is checked only after the signature: a bad signature over a bad group is decrypt_error (issue 13 item 12)', () => {
    const huge = (1n << 12000n) + 1n;
    for (const p of [FFDHE2048.p - 2n, FFDHE2048.p + 1n, huge]) {
      let clientRandom = new Uint8Array(32);
      let serverRandom = new Uint8Array(32);
      const pair = Pair.create(
        clientConfig(DHE_RSA_AES128_GCM_SHA256),
        serverConfig(),
        (from, bytes) =>
          editFlight(bytes, (type, body) => {
            if (type === HandshakeType.client_hello) clientRandom = body.slice(2, 34);
            if (type === HandshakeType.server_hello) serverRandom = body.slice(2, 34);
            if (from !== 'server' || type !== HandshakeType.server_key_exchange) return body;
            const w = new Writer();
            encodeServerKeyExchangeParams(w, {
              kind: 'server_key_exchange_dhe',
              dhP: bigIntToBytes(p),
              dhG: Uint8Array.of(2),
              dhYs: bigIntToBytes(4n),
            });
            const params = Uint8Array.from(w.finish());
            const signature = signWithScheme(
              pki.servers.rsa.certified.key,
              0x0804,
              signedParams(clientRandom, serverRandom, params),
              deterministicRandom('resign'),
            );
            signature[10] = (signature[10] as number) ^ 1;
            return Buffer.concat([
              params,
              Uint8Array.of(0x08, 0x04, signature.length >> 8, signature.length & 0xff),
              signature,
            ]);
          }),
      );
      expectFailure(pair, 'client', 'decrypt_error');
    }
  });

  test('a signed DH group above 10,000 bits is illegal_parameter before any primality test (OpenSSL OPENSSL_DH_MAX_MODULUS_BITS)', () => {
    const p = (1n << 10240n) - 1n;
    const pair = resignedSke(DHE_RSA_AES128_GCM_SHA256, (w) => {
      encodeServerKeyExchangeParams(w, {
        kind: 'server_key_exchange_dhe',
        dhP: bigIntToBytes(p),
        dhG: Uint8Array.of(2),
        dhYs: bigIntToBytes(4n),
      });
    });
    expectFailure(pair, 'client', 'illegal_parameter');
    assert.match(pair.error('client')?.message ?? '', /10240 bits is above the maximum of 10000/);
  });

  test('a DH public value of 1 or p − 1 is illegal_parameter', () => {
    for (const y of [1n, FFDHE2048.p - 1n]) {
      const pair = resignedSke(DHE_RSA_AES128_GCM_SHA256, (w) => {
        encodeServerKeyExchangeParams(w, {
          kind: 'server_key_exchange_dhe',
          dhP: bigIntToBytes(FFDHE2048.p),
          dhG: Uint8Array.of(2),
          dhYs: bigIntToBytes(y),
        });
      });
      expectFailure(pair, 'client', 'illegal_parameter');
    }
  });

  test('an invalid EC point, a compressed point and a curve not offered are illegal_parameter', () => {
    const point = new Uint8Array(65).fill(7);
    point[0] = 4;
    const compressed = new Uint8Array(33).fill(7);
    compressed[0] = 2;
    for (const [curve, publicPoint] of [
      [NamedGroup.secp256r1, point],
      [NamedGroup.secp256r1, compressed],
      [NamedGroup.secp521r1, point],
    ] as const) {
      const pair = resignedSke(ECDHE_RSA_AES128_GCM_SHA256, (w) => {
        encodeServerKeyExchangeParams(w, {
          kind: 'server_key_exchange_ecdhe',
          namedCurve: curve,
          publicPoint,
        });
      });
      expectFailure(pair, 'client', 'illegal_parameter');
    }
  });

  test('a truncated ServerKeyExchange is decode_error; one with RSA key exchange is unexpected_message', () => {
    expectFailure(
      serverFlightEdit(ECDHE_RSA_AES128_GCM_SHA256, HandshakeType.server_key_exchange, (b) =>
        b.subarray(0, b.length - 1),
      ),
      'client',
      'decode_error',
    );
    let ske: Uint8Array | undefined;
    Pair.create(clientConfig(ECDHE_RSA_AES128_GCM_SHA256), serverConfig(), (from, bytes) => {
      if (from === 'server')
        editFlight(
          bytes,
          (t, body) => (
            t === HandshakeType.server_key_exchange && (ske ??= Uint8Array.from(body)),
            body
          ),
        );
      return bytes;
    }).pump();
    const pair = Pair.create(clientConfig(RSA_AES128_GCM_SHA256), serverConfig(), (from, bytes) => {
      if (from !== 'server') return bytes;
      const withoutDone = editFlight(bytes, (t, body) =>
        t === HandshakeType.server_hello_done ? undefined : body,
      );
      return Buffer.concat([
        withoutDone,
        recordOf(HandshakeType.server_key_exchange, ske as Uint8Array),
        recordOf(HandshakeType.server_hello_done, new Uint8Array(0)),
      ]);
    });
    expectFailure(pair, 'client', 'unexpected_message');
  });

  test('a missing ServerKeyExchange is unexpected_message', () => {
    expectFailure(
      serverFlightEdit(
        ECDHE_RSA_AES128_GCM_SHA256,
        HandshakeType.server_key_exchange,
        () => undefined,
      ),
      'client',
      'unexpected_message',
    );
  });
});

function recordOf(type: number, body: Uint8Array): Uint8Array {
  const m = Buffer.concat([
    Uint8Array.of(type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff),
    body,
  ]);
  return Buffer.concat([Uint8Array.of(22, 3, 3, m.length >> 8, m.length & 0xff), m]);
}

describe('ServerHello and Certificate', () => {
  test('a suite not offered is illegal_parameter', () => {
    const pair = serverFlightEdit(
      ECDHE_RSA_AES128_GCM_SHA256,
      HandshakeType.server_hello,
      (body) => {
        const b = Uint8Array.from(body);
        const at = 2 + 32 + 1 + (b[34] as number);
        b[at] = 0xc0;
        b[at + 1] = 0x30;
        return b;
      },
    );
    expectFailure(pair, 'client', 'illegal_parameter');
  });

  test('a certificate whose key does not fit the suite is unsupported_certificate', () => {
    const pair = Pair.create(
      clientConfig(ECDHE_RSA_AES128_GCM_SHA256),
      serverConfig(),
      (from, bytes) =>
        from === 'server'
          ? editFlight(bytes, (t, body) => {
              if (t !== HandshakeType.certificate) return body;
              const der = pki.servers.p256.certified.chain[0]?.der as Uint8Array;
              const n = der.length;
              return Buffer.concat([
                Uint8Array.of(0, (n + 3) >> 8, (n + 3) & 0xff, 0, n >> 8, n & 0xff),
                der,
              ]);
            })
          : bytes,
    );
    expectFailure(pair, 'client', 'unsupported_certificate');
  });

  test('an early ChangeCipherSpec is unexpected_message, at either side', () => {
    let serverFirst = true;
    const atClient = Pair.create(
      clientConfig(ECDHE_RSA_AES128_GCM_SHA256),
      serverConfig(),
      (from, bytes) => {
        if (from !== 'server' || !serverFirst) return bytes;
        serverFirst = false;
        // One record per message, and a ChangeCipherSpec right after ServerHello.
        const records = splitRecords(editFlight(bytes, (_t, body) => body));
        return Buffer.concat([records[0] as Uint8Array, CHANGE_CIPHER_SPEC, ...records.slice(1)]);
      },
    );
    expectFailure(atClient, 'client', 'unexpected_message');
    let first = true;
    const atServer = Pair.create(
      clientConfig(ECDHE_RSA_AES128_GCM_SHA256),
      serverConfig(),
      (from, bytes) => {
        if (from !== 'client' || first) {
          first = from === 'client' ? false : first;
          return bytes;
        }
        return Buffer.concat([CHANGE_CIPHER_SPEC, bytes]);
      },
    );
    expectFailure(atServer, 'server', 'unexpected_message');
  });
});

describe('ChangeCipherSpec records', () => {
  /** The client's second flight with its CCS record's content replaced by `content`. */
  const clientCcs = (content: Uint8Array): Pair => {
    let flights = 0;
    return Pair.create(clientConfig(ECDHE_RSA_AES128_GCM_SHA256), serverConfig(), (from, bytes) => {
      if (from !== 'client' || flights++ !== 1) return bytes;
      return Buffer.concat(splitRecords(bytes).map((r) => (r[0] === 20 ? record(20, content) : r)));
    });
  };

  test('two CCS messages in one record: the second is unexpected_message (RFC 5246 §6.2.1 lets them share a record)', () => {
    expectFailure(clientCcs(Uint8Array.of(1, 1)), 'server', 'unexpected_message');
    expectFailure(clientCcs(Uint8Array.of(1, 1, 1)), 'server', 'unexpected_message');
  });

  test('a CCS byte other than 1, or an empty CCS record, is decode_error', () => {
    expectFailure(clientCcs(Uint8Array.of(2)), 'server', 'decode_error');
    expectFailure(clientCcs(Uint8Array.of(1, 2)), 'server', 'decode_error');
    expectFailure(clientCcs(new Uint8Array(0)), 'server', 'decode_error');
  });

  test('sanity: the unaltered CCS completes the handshake', () => {
    const pair = clientCcs(Uint8Array.of(1)).pump();
    assert.equal(pair.error('server'), undefined);
    assert.equal(pair.server.handshakeComplete, true);
  });
});

describe('ClientKeyExchange', () => {
  const editCke = (suite: Tls12Suite, edit: (m: HandshakeMessage) => HandshakeMessage): Pair =>
    Pair.withClientEdit(clientConfig(suite), serverConfig(), edit);

  test('an invalid EC point is illegal_parameter', () => {
    const pair = editCke(ECDHE_RSA_AES128_GCM_SHA256, (m) =>
      m.kind === 'client_key_exchange_ecdhe' ? { ...m, publicPoint: new Uint8Array(32) } : m,
    );
    expectFailure(pair, 'server', 'illegal_parameter');
  });

  test('a DH public value out of range is illegal_parameter', () => {
    for (const y of [
      Uint8Array.of(1),
      bigIntToBytes(FFDHE2048.p - 1n),
      bigIntToBytes(FFDHE2048.p + 5n),
    ]) {
      const pair = editCke(DHE_RSA_AES128_GCM_SHA256, (m) =>
        m.kind === 'client_key_exchange_dhe' ? { ...m, dhYc: y } : m,
      );
      expectFailure(pair, 'server', 'illegal_parameter');
    }
  });

  test('trailing bytes are decode_error', () => {
    let first = true;
    const pair = Pair.create(
      clientConfig(ECDHE_RSA_AES128_GCM_SHA256),
      serverConfig(),
      (from, bytes) => {
        if (from !== 'client' || first) {
          if (from === 'client') first = false;
          return bytes;
        }
        return editFlight(bytes, (t, body) =>
          t === HandshakeType.client_key_exchange ? Buffer.concat([body, Uint8Array.of(0)]) : body,
        );
      },
    );
    expectFailure(pair, 'server', 'decode_error');
  });
});

describe('Finished', () => {
  const flip = (m: HandshakeMessage): HandshakeMessage => {
    if (m.kind !== 'finished') return m;
    const v = Uint8Array.from(m.verifyData);
    v[0] = (v[0] as number) ^ 0x80;
    return { ...m, verifyData: v };
  };

  test('a wrong client Finished is decrypt_error at the server', () => {
    expectFailure(
      Pair.withClientEdit(clientConfig(ECDHE_RSA_AES128_GCM_SHA256), serverConfig(), flip),
      'server',
      'decrypt_error',
    );
  });

  test('a wrong server Finished is decrypt_error at the client', () => {
    const pair = Pair.withServerEdit(
      clientConfig(ECDHE_RSA_AES128_SHA256),
      serverConfig(),
      flip,
    ).pump();
    assert.equal(pair.error('client')?.alert, 'decrypt_error');
  });

  test('a Finished of the wrong length is decode_error', () => {
    expectFailure(
      Pair.withClientEdit(clientConfig(ECDHE_RSA_AES128_GCM_SHA256), serverConfig(), (m) =>
        m.kind === 'finished' ? { ...m, verifyData: m.verifyData.subarray(0, 11) } : m,
      ),
      'server',
      'decode_error',
    );
  });
});

describe('CBC records', () => {
  for (const etm of [true, false]) {
    for (const [what, offsetFromEnd] of [
      ['padding', 1],
      ['MAC', 30],
    ] as const) {
      test(`${etm ? 'encrypt-then-MAC' : 'MAC-then-encrypt'}: a record with a bad ${what} byte is bad_record_mac`, () => {
        const edit = (m: HandshakeMessage): HandshakeMessage =>
          m.kind === 'client_hello' && !etm
            ? { ...m, extensions: m.extensions.filter((e) => e.kind !== 'encrypt_then_mac') }
            : m;
        const pair = Pair.withClientEdit(
          clientConfig(ECDHE_RSA_AES128_SHA256),
          serverConfig(),
          edit,
        ).pump();
        assert.equal(pair.server.session?.encryptThenMac, etm);
        pair.client.write(new Uint8Array(100).fill(0x61));
        const rec = Uint8Array.from(pair.client.takeOutput() as Uint8Array);
        rec[rec.length - offsetFromEnd] = (rec[rec.length - offsetFromEnd] as number) ^ 0x01;
        pair.server.receive(rec);
        pair.serverEvents.push(...pair.server.takeEvents());
        assert.equal(pair.error('server')?.alert, 'bad_record_mac');
        assert.equal(pair.received('server').length, 0);
      });
    }
  }
});
