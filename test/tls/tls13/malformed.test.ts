import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createAead } from '../../../src/crypto/aead.js';
import { deterministicRandom } from '../../../src/prng/deterministic.js';
import { AlertDescription, type AlertDescriptionName } from '../../../src/tls/registry/alert.js';
import type { ClientConfig, ServerConfig } from '../../../src/tls/policy/config.js';
import type { TlsConnection, TlsEvent } from '../../../src/tls/engine/connection.js';
import { createClientConnection, createServerConnection } from '../../../src/tls/hello/start.js';
import { ExtensionType } from '../../../src/tls/registry/constants.js';
import {
  decodeHandshake,
  encodeHandshake,
  type HandshakeMessage,
} from '../../../src/tls/codec/handshake.js';
import { HandshakeAssembler } from '../../../src/tls/record/handshake-assembler.js';
import { NamedGroup } from '../../../src/tls/registry/named-group.js';
import type { Tls13Suite } from '../../../src/tls/registry/suites.js';
import {
  TLS_AES_128_GCM_SHA256,
  TLS_CHACHA20_POLY1305_SHA256,
} from '../../../src/tls/registry/suites.js';
import { trafficKeys } from '../../../src/tls/keys/tls13-key-schedule.js';
import { Tls13RecordOpener, Tls13RecordSealer } from '../../../src/tls/record/tls13-protection.js';
import { Pair, splitRecords } from '../../helpers/tls-pair.js';
import { SERVER_NAME, TlsPki } from '../../helpers/tls-pki.js';

/**
 * The engine's answers to bad input. The bad input is made from real
 * handshakes between our client and server, altered in flight: both sides
 * use deterministic randomness, and the traffic secrets each side installs
 * are captured so protected records can be opened, changed and resealed.
 */

const pki = new TlsPki(['p256']);
after(() => pki.cleanup());

const HANDSHAKE = 22;
const CCS_RECORD = Uint8Array.of(20, 3, 3, 0, 1, 1);

function cat(...parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

function plainRecord(type: number, content: Uint8Array, version = 0x0303): Uint8Array {
  return cat(
    Uint8Array.of(type, version >> 8, version & 0xff, content.length >> 8, content.length & 0xff),
    content,
  );
}

/** A handshake message with its 4-byte header. */
function frame(type: number, body: Uint8Array): Uint8Array {
  return cat(
    Uint8Array.of(type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff),
    body,
  );
}

function messages(content: Uint8Array): Uint8Array[] {
  return new HandshakeAssembler().push(content).map((f) => Uint8Array.from(f.raw));
}

function decode(raw: Uint8Array): HandshakeMessage {
  return decodeHandshake(raw[0] as number, raw.subarray(4), { version: 'tls1.3' });
}

/** Seals inner plaintexts exactly as given (content, type byte, padding), bypassing the sealer's own limits. */
function rawSeal(
  suite: Tls13Suite,
  secret: Uint8Array,
  seq: number,
  inner: Uint8Array,
): Uint8Array {
  const keys = trafficKeys(suite.hash, secret, suite.keyLength);
  const nonce = Uint8Array.from(keys.iv);
  for (let i = 0, s = seq; i < 8; i++, s = Math.floor(s / 256))
    nonce[11 - i] = (nonce[11 - i] as number) ^ (s & 0xff);
  const length = inner.length + 16;
  const header = Uint8Array.of(23, 3, 3, length >> 8, length & 0xff);
  return cat(header, createAead(suite.aead, keys.key).seal(nonce, inner, header));
}

/** Protected records under one traffic secret, from sequence number 0. */
class Sealer {
  private readonly sealer: Tls13RecordSealer;
  constructor(
    readonly suite: Tls13Suite,
    secret: Uint8Array,
  ) {
    this.sealer = new Tls13RecordSealer(suite, secret);
  }
  handshake(...msgs: Uint8Array[]): Uint8Array {
    return this.sealer.seal(HANDSHAKE, cat(...msgs));
  }
  record(type: number, content: Uint8Array): Uint8Array {
    return this.sealer.seal(type, content);
  }
}

/** Installs a spy on the secrets a connection installs for writing, in order. */
function captureWriteSecrets(conn: TlsConnection): Uint8Array[] {
  const secrets: Uint8Array[] = [];
  const original = conn.setWriteKeys.bind(conn);
  conn.setWriteKeys = (suite, secret) => {
    secrets.push(secret);
    original(suite, secret);
  };
  return secrets;
}

let seed = 0;
const suite = TLS_CHACHA20_POLY1305_SHA256;
function clientConfig(extra: Partial<ClientConfig> = {}): ClientConfig {
  return {
    random: deterministicRandom(`malformed client ${seed++}`),
    serverName: SERVER_NAME,
    trustStore: pki.trustStore,
    cipherSuites: [suite],
    groups: [NamedGroup.x25519],
    ...extra,
  };
}
function serverConfig(extra: Partial<ServerConfig> = {}): ServerConfig {
  return {
    random: deterministicRandom(`malformed server ${seed++}`),
    certificates: [pki.servers.p256.certified],
    trustStore: pki.trustStore,
    cipherSuites: [suite],
    ...extra,
  };
}

/** A client waiting for the server's first flight, and that flight taken apart. */
interface ServerFlight {
  client: TlsConnection;
  clientHello: Uint8Array;
  serverHello: Uint8Array;
  /** EncryptedExtensions, [CertificateRequest], Certificate, CertificateVerify, Finished. */
  encrypted: Uint8Array[];
  serverHandshakeSecret: Uint8Array;
  server: TlsConnection;
  serverSecrets: Uint8Array[];
}

function serverFlight(c: Partial<ClientConfig> = {}, s: Partial<ServerConfig> = {}): ServerFlight {
  const client = createClientConnection(clientConfig(c));
  const server = createServerConnection(serverConfig(s));
  const serverSecrets = captureWriteSecrets(server);
  const clientHello = client.takeOutput()!;
  server.receive(clientHello);
  const records = splitRecords(server.takeOutput()!);
  assert.equal(records.length, 3, 'ServerHello, CCS, one protected record');
  const serverHandshakeSecret = serverSecrets[0]!;
  const opened = new Tls13RecordOpener(suite, serverHandshakeSecret).open(
    23,
    0x0303,
    records[2]!.subarray(5),
  );
  return {
    client,
    clientHello,
    serverHello: records[0]!.subarray(5),
    encrypted: messages(opened.content),
    serverHandshakeSecret,
    server,
    serverSecrets,
  };
}

/** The server's first flight as bytes, from its ServerHello message and groups of protected messages (one record per group). */
function flightBytes(f: ServerFlight, serverHello: Uint8Array, groups: Uint8Array[][]): Uint8Array {
  const sealer = new Sealer(suite, f.serverHandshakeSecret);
  return cat(
    plainRecord(HANDSHAKE, serverHello),
    CCS_RECORD,
    ...groups.map((g) => sealer.handshake(...g)),
  );
}

/** A server that has sent its flight, and the client's answering flight taken apart. */
interface ClientFlight {
  server: TlsConnection;
  client: TlsConnection;
  /** [Certificate, CertificateVerify,] Finished. */
  encrypted: Uint8Array[];
  clientHandshakeSecret: Uint8Array;
  clientSecrets: Uint8Array[];
  serverSecrets: Uint8Array[];
}

function clientFlight(c: Partial<ClientConfig> = {}, s: Partial<ServerConfig> = {}): ClientFlight {
  const client = createClientConnection(clientConfig(c));
  const server = createServerConnection(serverConfig(s));
  const clientSecrets = captureWriteSecrets(client);
  const serverSecrets = captureWriteSecrets(server);
  server.receive(client.takeOutput()!);
  client.receive(server.takeOutput()!);
  assert.equal(client.error, undefined, client.error?.message);
  const records = splitRecords(client.takeOutput()!);
  assert.deepEqual(records[0], CCS_RECORD);
  const clientHandshakeSecret = clientSecrets[0]!;
  const opened = new Tls13RecordOpener(suite, clientHandshakeSecret).open(
    23,
    0x0303,
    records[1]!.subarray(5),
  );
  return {
    server,
    client,
    encrypted: messages(opened.content),
    clientHandshakeSecret,
    clientSecrets,
    serverSecrets,
  };
}

function clientFlightBytes(f: ClientFlight, groups: Uint8Array[][]): Uint8Array {
  const sealer = new Sealer(suite, f.clientHandshakeSecret);
  return cat(CCS_RECORD, ...groups.map((g) => sealer.handshake(...g)));
}

/**
 * Feeds `bytes` and asserts the connection failed with `alert` (origin
 * local), sent that alert (checked on the wire when it went out in the
 * clear), and is closed: more input is ignored, writing throws.
 */
function expectFatal(
  conn: TlsConnection,
  bytes: Uint8Array | Uint8Array[],
  alert: AlertDescriptionName,
  label: string,
): void {
  const events: TlsEvent[] = [];
  for (const b of Array.isArray(bytes) ? bytes : [bytes]) {
    assert.doesNotThrow(() => conn.receive(b), label);
    events.push(...conn.takeEvents());
  }
  const errors = events.filter((e) => e.type === 'error');
  assert.equal(
    errors.length,
    1,
    `${label}: one error event, got ${events.map((e) => e.type).join(',')}`,
  );
  const error = errors[0]!.type === 'error' ? errors[0]!.error : undefined;
  assert.equal(error?.alert, alert, `${label}: ${error?.message}`);
  assert.equal(error?.origin, 'local', label);
  const out = conn.takeOutput();
  assert.ok(out !== undefined, `${label}: an alert was sent`);
  const last = splitRecords(out).at(-1)!;
  if (last[0] === 21) assert.deepEqual([...last.subarray(5)], [2, AlertDescription[alert]], label);
  else assert.equal(last[0], 23, `${label}: the alert is a protected record`);
  assert.doesNotThrow(() => conn.receive(Uint8Array.of(23, 3, 3, 0, 1, 0)), label);
  assert.deepEqual(conn.takeEvents(), [], `${label}: nothing after the failure`);
  assert.equal(conn.takeOutput(), undefined, label);
  assert.throws(() => conn.write(new Uint8Array(1)), label);
}

function rewrite(raw: Uint8Array, change: (m: HandshakeMessage) => HandshakeMessage): Uint8Array {
  return Uint8Array.from(encodeHandshake(change(decode(raw))));
}

test('sanity: the unaltered flights complete the handshake', () => {
  const f = serverFlight();
  f.client.receive(flightBytes(f, f.serverHello, [f.encrypted]));
  assert.equal(f.client.takeEvents()[0]?.type, 'handshake');
  const g = clientFlight({ certificate: pki.client.certified }, { clientAuth: 'required' });
  assert.equal(g.encrypted.length, 3);
  g.server.receive(clientFlightBytes(g, [g.encrypted]));
  assert.equal(g.server.takeEvents()[0]?.type, 'handshake');
});

test('the server first flight, one record cut short at every byte position: the RFC alert, never an exception', () => {
  const f = serverFlight();
  // The plaintext ServerHello record cut at k: the partial message waits for a continuation that never comes.
  for (let k = 0; k < f.serverHello.length; k++) {
    const g = serverFlight();
    const cut = plainRecord(HANDSHAKE, g.serverHello.subarray(0, k));
    expectFatal(
      g.client,
      [cut, CCS_RECORD, new Sealer(suite, g.serverHandshakeSecret).handshake(cat(...g.encrypted))],
      'unexpected_message',
      `ServerHello cut at ${k}`,
    );
  }
  // The protected record cut at k (its length header agreeing): authentication fails.
  const length = f.encrypted.reduce((n, m) => n + m.length, 0) + 1 + 16;
  for (let k = 0; k < length; k++) {
    const g = serverFlight();
    const rec = new Sealer(suite, g.serverHandshakeSecret).handshake(cat(...g.encrypted));
    // ECDSA signatures vary in length from seed to seed: cut this record at most one byte short.
    const at = Math.min(k, rec.length - 6);
    const cut = cat(Uint8Array.of(23, 3, 3, at >> 8, at & 0xff), rec.subarray(5, 5 + at));
    expectFatal(
      g.client,
      cat(plainRecord(HANDSHAKE, g.serverHello), CCS_RECORD, cut),
      'bad_record_mac',
      `protected record cut at ${k}`,
    );
  }
});

test('the ClientHello cut at every byte position, then another record: unexpected_message, never an exception', () => {
  const client = createClientConnection(clientConfig());
  const hello = splitRecords(client.takeOutput()!)[0]!.subarray(5);
  for (let k = 0; k < hello.length; k++) {
    const server = createServerConnection(serverConfig());
    // RFC 8446 §5.1: nothing may come between the fragments of a handshake message; a zero-length handshake record is not allowed either.
    const next =
      k % 2 === 0 ? plainRecord(21, Uint8Array.of(1, 0)) : plainRecord(23, Uint8Array.of(1, 2, 3));
    expectFatal(
      server,
      cat(plainRecord(HANDSHAKE, hello.subarray(0, k), 0x0301), next),
      'unexpected_message',
      `ClientHello cut at ${k}`,
    );
  }
});

test('every handshake message the client receives, with a bad length: decode_error', () => {
  const cases = (f: ServerFlight): { name: string; sh: Uint8Array; enc: Uint8Array[] }[] => {
    const out: { name: string; sh: Uint8Array; enc: Uint8Array[] }[] = [];
    const names = ['EncryptedExtensions', 'Certificate', 'CertificateVerify', 'Finished'];
    const body = (m: Uint8Array): Uint8Array => m.subarray(4);
    out.push({
      name: 'ServerHello short',
      sh: frame(2, body(f.serverHello).subarray(0, body(f.serverHello).length - 1)),
      enc: f.encrypted,
    });
    out.push({
      name: 'ServerHello long',
      sh: frame(2, cat(body(f.serverHello), Uint8Array.of(0))),
      enc: f.encrypted,
    });
    f.encrypted.forEach((m, i) => {
      const short = [...f.encrypted];
      short[i] = frame(m[0] as number, body(m).subarray(0, body(m).length - 1));
      out.push({ name: `${names[i]} short`, sh: f.serverHello, enc: short });
      const long = [...f.encrypted];
      long[i] = frame(m[0] as number, cat(body(m), Uint8Array.of(0)));
      out.push({ name: `${names[i]} long`, sh: f.serverHello, enc: long });
    });
    return out;
  };
  const count = cases(serverFlight()).length;
  for (let i = 0; i < count; i++) {
    const f = serverFlight();
    const c = cases(f)[i]!;
    expectFatal(f.client, flightBytes(f, c.sh, [c.enc]), 'decode_error', c.name);
  }
  // CertificateRequest, in a flight that has one.
  for (const delta of [-1, 1]) {
    const f = serverFlight({}, { clientAuth: 'optional' });
    const cr = f.encrypted[1]!;
    assert.equal(cr[0], 13);
    const body = cr.subarray(4);
    const bad = frame(
      13,
      delta < 0 ? body.subarray(0, body.length - 1) : cat(body, Uint8Array.of(0)),
    );
    expectFatal(
      f.client,
      flightBytes(f, f.serverHello, [[f.encrypted[0]!, bad, ...f.encrypted.slice(2)]]),
      'decode_error',
      `CertificateRequest ${delta}`,
    );
  }
});

test('every handshake message the server receives, with a bad length: decode_error', () => {
  for (const delta of [-1, 1]) {
    const client = createClientConnection(clientConfig());
    const hello = splitRecords(client.takeOutput()!)[0]!.subarray(5);
    const body = hello.subarray(4);
    const bad = frame(
      1,
      delta < 0 ? body.subarray(0, body.length - 1) : cat(body, Uint8Array.of(0)),
    );
    expectFatal(
      createServerConnection(serverConfig()),
      plainRecord(HANDSHAKE, bad, 0x0301),
      'decode_error',
      `ClientHello ${delta}`,
    );
    const names = ['Certificate', 'CertificateVerify', 'Finished'];
    for (let i = 0; i < 3; i++) {
      const g = clientFlight({ certificate: pki.client.certified }, { clientAuth: 'required' });
      const m = g.encrypted[i]!;
      const b = m.subarray(4);
      const msgs = [...g.encrypted];
      msgs[i] = frame(
        m[0] as number,
        delta < 0 ? b.subarray(0, b.length - 1) : cat(b, Uint8Array.of(0)),
      );
      expectFatal(
        g.server,
        clientFlightBytes(g, [msgs]),
        'decode_error',
        `client ${names[i]} ${delta}`,
      );
    }
  }
});

test('messages out of order: unexpected_message', () => {
  const orders: [string, (e: Uint8Array[], sh: Uint8Array) => Uint8Array[]][] = [
    ['Finished before Certificate', (e) => [e[0]!, e[3]!]],
    ['Certificate twice', (e) => [e[0]!, e[1]!, e[1]!, e[2]!, e[3]!]],
    ['CertificateVerify before Certificate', (e) => [e[0]!, e[2]!, e[1]!, e[3]!]],
    ['Certificate before EncryptedExtensions', (e) => [e[1]!, e[0]!, e[2]!, e[3]!]],
    ['ServerHello again', (e, sh) => [e[0]!, sh, e[1]!]],
    ['EncryptedExtensions twice', (e) => [e[0]!, e[0]!, e[1]!, e[2]!, e[3]!]],
  ];
  for (const [name, reorder] of orders) {
    const f = serverFlight();
    const enc = reorder(f.encrypted, f.serverHello);
    expectFatal(f.client, flightBytes(f, f.serverHello, [enc]), 'unexpected_message', name);
  }
  // A CertificateRequest after the Certificate.
  const f = serverFlight({}, { clientAuth: 'optional' });
  const [ee, cr, cert, cv, fin] = f.encrypted as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  expectFatal(
    f.client,
    flightBytes(f, f.serverHello, [[ee, cert, cr, cv, fin]]),
    'unexpected_message',
    'CertificateRequest after Certificate',
  );

  // Server side: a client Certificate nobody asked for, and Finished before CertificateVerify.
  const g = clientFlight({ certificate: pki.client.certified }, { clientAuth: 'required' });
  const h = clientFlight();
  expectFatal(
    h.server,
    clientFlightBytes(h, [[g.encrypted[0]!, h.encrypted[0]!]]),
    'unexpected_message',
    'unrequested client Certificate',
  );
  expectFatal(
    g.server,
    clientFlightBytes(g, [[g.encrypted[0]!, g.encrypted[2]!]]),
    'unexpected_message',
    'client Finished before CertificateVerify',
  );
});

test('ClientHello after the handshake, and handshake messages the server never takes: unexpected_message', () => {
  const p = Pair.create(clientConfig(), serverConfig());
  const clientSecrets = captureWriteSecrets(p.client);
  p.pump();
  const clientApp = clientSecrets[1]!;
  const hello = p.flights[0]!.bytes.subarray(5);
  expectFatal(
    p.server,
    new Sealer(suite, clientApp).handshake(hello),
    'unexpected_message',
    'ClientHello after the handshake',
  );

  const q = Pair.create(clientConfig(), serverConfig());
  const qSecrets = captureWriteSecrets(q.client);
  q.pump();
  // A NewSessionTicket is for clients only (RFC 8446 §4.6.1).
  const ticket = encodeHandshake({
    kind: 'new_session_ticket_13',
    ticketLifetime: 60,
    ticketAgeAdd: 0,
    ticketNonce: new Uint8Array(1),
    ticket: new Uint8Array(8),
    extensions: [],
  });
  expectFatal(
    q.server,
    new Sealer(suite, qSecrets[1]!).handshake(Uint8Array.from(ticket)),
    'unexpected_message',
    'NewSessionTicket to a server',
  );
});

test('unknown record content types, clear or protected: unexpected_message', () => {
  for (const type of [0, 19, 24, 99, 255]) {
    expectFatal(
      createServerConnection(serverConfig()),
      plainRecord(type, Uint8Array.of(1, 2, 3)),
      'unexpected_message',
      `clear type ${type}`,
    );
  }
  for (const type of [24, 99]) {
    const f = serverFlight();
    const sealer = new Sealer(suite, f.serverHandshakeSecret);
    expectFatal(
      f.client,
      cat(
        plainRecord(HANDSHAKE, f.serverHello),
        CCS_RECORD,
        sealer.record(type, Uint8Array.of(1, 2)),
      ),
      'unexpected_message',
      `protected type ${type}`,
    );
  }
  // A protected record of nothing but zeros has no content type (RFC 8446 §5.4).
  const f = serverFlight();
  expectFatal(
    f.client,
    cat(
      plainRecord(HANDSHAKE, f.serverHello),
      rawSeal(suite, f.serverHandshakeSecret, 0, new Uint8Array(20)),
    ),
    'unexpected_message',
    'all-zero inner plaintext',
  );
});

test('oversized records: record_overflow', () => {
  // RFC 8446 §5.2: TLSCiphertext over 2^14 + 256.
  const big = (1 << 14) + 257;
  expectFatal(
    createServerConnection(serverConfig()),
    Uint8Array.of(23, 3, 3, big >> 8, big & 0xff),
    'record_overflow',
    'ciphertext header',
  );
  // RFC 8446 §5.1: a TLSPlaintext over 2^14.
  expectFatal(
    createServerConnection(serverConfig()),
    plainRecord(HANDSHAKE, new Uint8Array((1 << 14) + 1)),
    'record_overflow',
    'plaintext handshake record',
  );
  // A protected record whose inner content is over 2^14.
  const f = serverFlight();
  const inner = cat(new Uint8Array((1 << 14) + 1), Uint8Array.of(HANDSHAKE));
  expectFatal(
    f.client,
    cat(plainRecord(HANDSHAKE, f.serverHello), rawSeal(suite, f.serverHandshakeSecret, 0, inner)),
    'record_overflow',
    'protected content over 2^14',
  );
  // RFC 8446 §5.4: with padding, the whole TLSInnerPlaintext must still be at most 2^14 + 1.
  const g = serverFlight();
  const padded = cat(g.encrypted[0]!, Uint8Array.of(HANDSHAKE), new Uint8Array(1 << 14));
  expectFatal(
    g.client,
    cat(plainRecord(HANDSHAKE, g.serverHello), rawSeal(suite, g.serverHandshakeSecret, 0, padded)),
    'record_overflow',
    'padding over 2^14 + 1',
  );
  // Exactly 2^14 + 1 with padding is fine: the flight completes.
  const h = serverFlight();
  const first = cat(h.encrypted[0]!, Uint8Array.of(HANDSHAKE));
  const exact = cat(first, new Uint8Array((1 << 14) + 1 - first.length));
  const sealer = new Tls13RecordSealer(suite, h.serverHandshakeSecret);
  sealer.seal(HANDSHAKE, new Uint8Array(0));
  h.client.receive(
    cat(
      plainRecord(HANDSHAKE, h.serverHello),
      rawSeal(suite, h.serverHandshakeSecret, 0, exact),
      sealer.seal(HANDSHAKE, cat(...h.encrypted.slice(1))),
    ),
  );
  assert.equal(h.client.takeEvents()[0]?.type, 'handshake');
});

test('a handshake message spanning a key change: unexpected_message', () => {
  // RFC 8446 §5.1: the ServerHello must end its record; EncryptedExtensions in the same clear record is refused.
  const f = serverFlight();
  expectFatal(
    f.client,
    plainRecord(HANDSHAKE, cat(f.serverHello, f.encrypted[0]!)),
    'unexpected_message',
    'EncryptedExtensions in the ServerHello record',
  );
  const g = serverFlight();
  expectFatal(
    g.client,
    plainRecord(HANDSHAKE, cat(g.serverHello, g.encrypted[0]!.subarray(0, 3))),
    'unexpected_message',
    'part of a message after ServerHello',
  );
  // The server's Finished must end its record: the client switches keys after it.
  const h = serverFlight();
  const keyUpdate = Uint8Array.from(encodeHandshake({ kind: 'key_update', requestUpdate: 0 }));
  expectFatal(
    h.client,
    flightBytes(h, h.serverHello, [[...h.encrypted, keyUpdate]]),
    'unexpected_message',
    'a message after the server Finished',
  );
  // The client's Finished likewise, and a KeyUpdate after the handshake.
  const i = clientFlight();
  expectFatal(
    i.server,
    clientFlightBytes(i, [[...i.encrypted, keyUpdate]]),
    'unexpected_message',
    'a message after the client Finished',
  );
  const p = Pair.create(clientConfig(), serverConfig());
  const secrets = captureWriteSecrets(p.client);
  p.pump();
  expectFatal(
    p.server,
    new Sealer(suite, secrets[1]!).handshake(keyUpdate, keyUpdate),
    'unexpected_message',
    'a message after a KeyUpdate',
  );
});

test('change_cipher_spec: not 0x01, too long, protected, before the ClientHello, or after the handshake: unexpected_message', () => {
  const f = serverFlight();
  expectFatal(
    f.client,
    cat(plainRecord(HANDSHAKE, f.serverHello), plainRecord(20, Uint8Array.of(2))),
    'unexpected_message',
    'CCS 0x02',
  );
  const g = serverFlight();
  expectFatal(
    g.client,
    cat(plainRecord(HANDSHAKE, g.serverHello), plainRecord(20, Uint8Array.of(1, 1))),
    'unexpected_message',
    'CCS of two bytes',
  );
  const h = serverFlight();
  expectFatal(
    h.client,
    cat(
      plainRecord(HANDSHAKE, h.serverHello),
      new Sealer(suite, h.serverHandshakeSecret).record(20, Uint8Array.of(1)),
    ),
    'unexpected_message',
    'protected CCS',
  );
  expectFatal(
    createServerConnection(serverConfig()),
    CCS_RECORD,
    'unexpected_message',
    'CCS before the ClientHello',
  );
  const p = Pair.create(clientConfig(), serverConfig()).pump();
  expectFatal(p.server, CCS_RECORD, 'unexpected_message', 'CCS after the handshake');
});

test('application data before the handshake completes: unexpected_message', () => {
  expectFatal(
    createServerConnection(serverConfig()),
    plainRecord(23, Uint8Array.of(1)),
    'unexpected_message',
    'clear data to a server',
  );
  const f = serverFlight();
  const sealer = new Sealer(suite, f.serverHandshakeSecret);
  expectFatal(
    f.client,
    cat(
      plainRecord(HANDSHAKE, f.serverHello),
      sealer.handshake(f.encrypted[0]!),
      sealer.record(23, Uint8Array.of(1)),
    ),
    'unexpected_message',
    'data after EncryptedExtensions',
  );
  const g = clientFlight();
  const gs = new Sealer(suite, g.clientHandshakeSecret);
  expectFatal(
    g.server,
    cat(gs.record(23, Uint8Array.of(1))),
    'unexpected_message',
    'client data before its Finished',
  );
});

test('records after close_notify are ignored (RFC 8446 §6.1)', () => {
  const p = Pair.create(clientConfig(), serverConfig());
  const serverSecrets = captureWriteSecrets(p.server);
  p.pump();
  p.server.write(new TextEncoder().encode('one'));
  p.server.close();
  const out = p.server.takeOutput()!;
  const sealer = new Tls13RecordSealer(suite, serverSecrets[1]!);
  sealer.seal(23, new Uint8Array(0));
  sealer.seal(21, new Uint8Array(0));
  const afterClose = sealer.seal(23, new TextEncoder().encode('after close'));
  assert.doesNotThrow(() =>
    p.client.receive(cat(out, afterClose, Uint8Array.of(99, 9, 9, 0, 1, 0))),
  );
  assert.doesNotThrow(() => p.client.receive(plainRecord(21, Uint8Array.of(2, 10))));
  const types = p.client.takeEvents().map((e) => e.type);
  assert.deepEqual(types.slice(-2), ['data', 'close']);
  assert.equal(p.client.error, undefined);
  assert.equal(new TextDecoder().decode(p.received('client')), '');
});

test('a zero-length protected alert record: unexpected_message (RFC 8446 §5.4), during and after the handshake', () => {
  const f = serverFlight();
  const sealer = new Sealer(suite, f.serverHandshakeSecret);
  expectFatal(
    f.client,
    cat(
      plainRecord(HANDSHAKE, f.serverHello),
      sealer.handshake(f.encrypted[0]!),
      sealer.record(21, new Uint8Array(0)),
    ),
    'unexpected_message',
    'in the server flight',
  );
  const p = Pair.create(clientConfig(), serverConfig());
  const serverSecrets = captureWriteSecrets(p.server);
  p.pump();
  const application = new Tls13RecordSealer(suite, serverSecrets[1]!);
  expectFatal(
    p.client,
    application.seal(21, new Uint8Array(0)),
    'unexpected_message',
    'after the handshake',
  );
  const q = Pair.create(clientConfig(), serverConfig());
  const qSecrets = captureWriteSecrets(q.server);
  q.pump();
  expectFatal(
    q.client,
    new Tls13RecordSealer(suite, qSecrets[1]!).seal(21, Uint8Array.of(1)),
    'decode_error',
    'a one-byte alert stays decode_error',
  );
});

test('a bad Finished or CertificateVerify: decrypt_error', () => {
  const flip = (m: Uint8Array, at: number): Uint8Array => {
    const c = Uint8Array.from(m);
    c[at] = (c[at] as number) ^ 1;
    return c;
  };
  const f = serverFlight();
  expectFatal(
    f.client,
    flightBytes(f, f.serverHello, [[...f.encrypted.slice(0, 3), flip(f.encrypted[3]!, 10)]]),
    'decrypt_error',
    'server Finished',
  );
  const g = serverFlight();
  const cv = g.encrypted[2]!;
  expectFatal(
    g.client,
    flightBytes(g, g.serverHello, [
      [g.encrypted[0]!, g.encrypted[1]!, flip(cv, cv.length - 3), g.encrypted[3]!],
    ]),
    'decrypt_error',
    'server CertificateVerify',
  );
  const h = clientFlight({ certificate: pki.client.certified }, { clientAuth: 'required' });
  const hcv = h.encrypted[1]!;
  expectFatal(
    h.server,
    clientFlightBytes(h, [[h.encrypted[0]!, flip(hcv, hcv.length - 3), h.encrypted[2]!]]),
    'decrypt_error',
    'client CertificateVerify',
  );
  const i = clientFlight();
  expectFatal(
    i.server,
    clientFlightBytes(i, [[flip(i.encrypted[0]!, 6)]]),
    'decrypt_error',
    'client Finished',
  );
  // A CertificateVerify with a scheme that does not fit the key is illegal_parameter (RFC 8446 §4.4.3).
  const j = serverFlight();
  const other = rewrite(j.encrypted[2]!, (m) =>
    m.kind === 'certificate_verify' ? { ...m, algorithm: 0x0804 } : m,
  );
  expectFatal(
    j.client,
    flightBytes(j, j.serverHello, [[j.encrypted[0]!, j.encrypted[1]!, other, j.encrypted[3]!]]),
    'illegal_parameter',
    'scheme not fitting the key',
  );
});

test('a ServerHello selecting what was not offered: suite, group, version; and a downgrade sentinel', () => {
  const change = (
    name: string,
    edit: (m: HandshakeMessage) => HandshakeMessage,
    alert: AlertDescriptionName,
    client: Partial<ClientConfig> = {},
  ): void => {
    const f = serverFlight(client);
    expectFatal(f.client, flightBytes(f, rewrite(f.serverHello, edit), [f.encrypted]), alert, name);
  };
  const sh =
    (edit: (m: Extract<HandshakeMessage, { kind: 'server_hello' }>) => void) =>
    (m: HandshakeMessage): HandshakeMessage => {
      assert.equal(m.kind, 'server_hello');
      const copy = structuredClone(m) as Extract<HandshakeMessage, { kind: 'server_hello' }>;
      edit(copy);
      return copy;
    };
  change(
    'unoffered suite',
    sh((m) => {
      m.cipherSuite = TLS_AES_128_GCM_SHA256.code;
    }),
    'illegal_parameter',
  );
  change(
    'unknown suite',
    sh((m) => {
      m.cipherSuite = 0x1304;
    }),
    'illegal_parameter',
  );
  change(
    'unoffered group',
    sh((m) => {
      for (const e of m.extensions)
        if (e.kind === 'key_share_server_hello')
          e.share = { group: NamedGroup.secp256r1, keyExchange: new Uint8Array(65).fill(4, 0, 1) };
    }),
    'illegal_parameter',
  );
  change(
    'TLS 1.2 in supported_versions',
    sh((m) => {
      for (const e of m.extensions)
        if (e.kind === 'supported_versions_server_hello') e.selectedVersion = 0x0303;
    }),
    'illegal_parameter',
  );
  change(
    'session id not echoed',
    sh((m) => {
      m.legacySessionIdEcho = new Uint8Array(32);
    }),
    'illegal_parameter',
  );
  change(
    'no key_share',
    sh((m) => {
      m.extensions = m.extensions.filter((e) => e.type !== ExtensionType.key_share);
    }),
    'missing_extension',
  );
  change(
    'an extension not offered',
    sh((m) => {
      m.extensions.push({ kind: 'cookie', type: ExtensionType.cookie, cookie: new Uint8Array(4) });
    }),
    'unsupported_extension',
  );
  // No supported_versions: the server chose TLS 1.2. A TLS 1.3-only client refuses the version itself;
  // one that offers TLS 1.2 too refuses the TLS 1.3 suite in a TLS 1.2 ServerHello.
  const noVersions = sh((m) => {
    m.extensions = m.extensions.filter((e) => e.type !== ExtensionType.supported_versions);
  });
  change('no supported_versions, TLS 1.3-only client', noVersions, 'protocol_version', {
    minVersion: 'TLSv1.3',
  });
  change('no supported_versions, TLS 1.2 offered', noVersions, 'illegal_parameter');
  // RFC 8446 §4.1.3: "DOWNGRD\x01" in the random of a TLS 1.2 answer is illegal_parameter.
  for (const last of [1, 0]) {
    change(
      `downgrade sentinel ${last}`,
      sh((m) => {
        m.random.set([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, last], 24);
        m.extensions = m.extensions.filter((e) => e.type !== ExtensionType.supported_versions);
      }),
      'illegal_parameter',
    );
  }
  // An invalid key share (an x25519 point of the wrong size).
  change(
    'a bad key share',
    sh((m) => {
      for (const e of m.extensions)
        if (e.kind === 'key_share_server_hello')
          e.share = { group: e.share.group, keyExchange: new Uint8Array(31) };
    }),
    'illegal_parameter',
  );
});

test('HelloRetryRequest: a second one, one that changes nothing, one for a group already shared or never offered', () => {
  const hrrSetup = (): { client: TlsConnection; hrr: Uint8Array; rest: Uint8Array } => {
    const client = createClientConnection(
      clientConfig({
        groups: [NamedGroup.x25519, NamedGroup.secp256r1],
        keyShareGroups: [NamedGroup.x25519],
      }),
    );
    const server = createServerConnection(serverConfig({ groups: [NamedGroup.secp256r1] }));
    server.receive(client.takeOutput()!);
    const records = splitRecords(server.takeOutput()!);
    return { client, hrr: records[0]!.subarray(5), rest: cat(...records.slice(1)) };
  };
  const a = hrrSetup();
  a.client.receive(plainRecord(HANDSHAKE, a.hrr));
  assert.ok(a.client.takeOutput() !== undefined, 'second ClientHello sent');
  expectFatal(
    a.client,
    plainRecord(HANDSHAKE, a.hrr),
    'unexpected_message',
    'second HelloRetryRequest',
  );

  const hrrEdit =
    (edit: (m: Extract<HandshakeMessage, { kind: 'hello_retry_request' }>) => void) =>
    (m: HandshakeMessage): HandshakeMessage => {
      assert.equal(m.kind, 'hello_retry_request');
      const copy = structuredClone(m) as Extract<HandshakeMessage, { kind: 'hello_retry_request' }>;
      edit(copy);
      return copy;
    };
  const cases: [string, (m: HandshakeMessage) => HandshakeMessage, AlertDescriptionName][] = [
    [
      'changes nothing',
      hrrEdit((m) => {
        m.extensions = m.extensions.filter((e) => e.type === ExtensionType.supported_versions);
      }),
      'illegal_parameter',
    ],
    [
      'group already shared',
      hrrEdit((m) => {
        m.extensions = m.extensions.filter((e) => e.type !== ExtensionType.cookie);
        for (const e of m.extensions)
          if (e.kind === 'key_share_hello_retry_request') e.selectedGroup = NamedGroup.x25519;
      }),
      'illegal_parameter',
    ],
    [
      'group never offered',
      hrrEdit((m) => {
        for (const e of m.extensions)
          if (e.kind === 'key_share_hello_retry_request') e.selectedGroup = NamedGroup.secp384r1;
      }),
      'illegal_parameter',
    ],
    [
      'suite never offered',
      hrrEdit((m) => {
        m.cipherSuite = TLS_AES_128_GCM_SHA256.code;
      }),
      'illegal_parameter',
    ],
  ];
  for (const [name, edit, alert] of cases) {
    const b = hrrSetup();
    expectFatal(b.client, plainRecord(HANDSHAKE, rewrite(b.hrr, edit)), alert, name);
  }
  // A ServerHello after HRR with another suite than the HRR named.
  const c = hrrSetup();
  c.client.receive(plainRecord(HANDSHAKE, c.hrr));
  assert.ok(c.client.takeOutput() !== undefined);
  const f = serverFlight();
  expectFatal(
    c.client,
    plainRecord(HANDSHAKE, f.serverHello),
    'illegal_parameter',
    'ServerHello that ignores the HelloRetryRequest',
  );
});

test('property: random mutations of the message stream give an error event, never an exception', () => {
  const mutation = fc.record({
    flight: fc.nat({ max: 4 }),
    kind: fc.constantFrom('flip', 'truncate', 'insert', 'duplicate', 'drop-record', 'swap-records'),
    at: fc.nat(),
    value: fc.integer({ min: 1, max: 255 }),
  });
  let errors = 0;
  let runs = 0;
  fc.assert(
    fc.property(mutation, (m) => {
      runs++;
      let index = 0;
      // Flights: ClientHello; HelloRetryRequest; ClientHello again; the server flight; the client flight.
      const p = Pair.create(
        clientConfig({
          groups: [NamedGroup.x25519, NamedGroup.secp256r1],
          keyShareGroups: [NamedGroup.x25519],
          certificate: pki.client.certified,
        }),
        serverConfig({ groups: [NamedGroup.secp256r1], clientAuth: 'optional' }),
        (_from, bytes) => (index++ === m.flight ? mutate(bytes, m) : bytes),
      );
      p.pump();
      index = -1;
      const failed = p.error('client') !== undefined || p.error('server') !== undefined;
      if (failed) {
        errors++;
        return;
      }
      // A mutation the protocol does not notice (a record version byte, a dropped CCS) must leave a working connection.
      const hs =
        p.clientEvents.some((e) => e.type === 'handshake') &&
        p.serverEvents.some((e) => e.type === 'handshake');
      if (!hs) return;
      p.client.write(Uint8Array.of(1, 2, 3));
      p.pump();
      assert.deepEqual([...p.received('server')], [1, 2, 3]);
    }),
    { numRuns: 300, seed: 8446 },
  );
  // The rest either went unnoticed (a record version byte, a duplicated CCS) or left a side waiting for bytes that were cut away.
  assert.ok(errors > runs / 3, `only ${errors} of ${runs} mutations gave an error`);
});

function mutate(bytes: Uint8Array, m: { kind: string; at: number; value: number }): Uint8Array {
  const at = m.at % bytes.length;
  switch (m.kind) {
    case 'flip': {
      const c = Uint8Array.from(bytes);
      c[at] = (c[at] as number) ^ m.value;
      return c;
    }
    case 'truncate':
      return bytes.subarray(0, at);
    case 'insert':
      return cat(bytes.subarray(0, at), Uint8Array.of(m.value), bytes.subarray(at));
    default: {
      const records = splitRecords(bytes);
      const i = at % records.length;
      if (m.kind === 'duplicate') records.splice(i, 0, records[i]!);
      else if (m.kind === 'drop-record') records.splice(i, 1);
      else if (records.length > 1)
        [records[i], records[(i + 1) % records.length]] = [
          records[(i + 1) % records.length]!,
          records[i]!,
        ];
      return cat(...records);
    }
  }
}
