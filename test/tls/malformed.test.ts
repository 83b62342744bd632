import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, loadVectors } from '../helpers/vectors.js';
import { TlsAlert } from '../../src/tls/error/tls-alert.js';
import {
  decodeHandshake,
  encodeHandshake,
  type DecodeOptions,
  type HandshakeMessage,
} from '../../src/tls/codec/handshake.js';
import { Writer } from '../../src/tls/wire/writer.js';
import { clientHelloBinderPrefix } from '../../src/tls/codec/messages.js';
import {
  decodeTls12ClientHelloExtensions,
  type Extension,
} from '../../src/tls/codec/extensions.js';
import { expectAlert } from './expect-alert.js';
import { samples, clientHelloExtensions } from './samples.js';

const v = loadVectors<{ simple_1rtt: Record<string, string> }>('rfc8448-messages.json');
const v13: DecodeOptions = { version: 'tls1.3' };

/** Decodes as far as a server reads: a ClientHello's TLS 1.2-only extensions too, which the codec decodes only once TLS 1.2 is chosen. */
function decodeRaw(raw: Uint8Array, options: DecodeOptions): HandshakeMessage {
  const m = decodeHandshake(raw[0]!, raw.subarray(4), options);
  return m.kind === 'client_hello'
    ? { ...m, extensions: decodeTls12ClientHelloExtensions(m.extensions) }
    : m;
}

/** As a TLS 1.2 server reads it: a ClientHello's TLS 1.2-only extensions are decoded once that version is chosen. */
function decodeAs12(raw: Uint8Array, options: DecodeOptions): HandshakeMessage {
  const m = decodeRaw(raw, options);
  return m.kind === 'client_hello'
    ? { ...m, extensions: decodeTls12ClientHelloExtensions(m.extensions) }
    : m;
}

/** Decodes the body after `mutate` has changed a copy of the encoded message. */
function mutated(
  m: HandshakeMessage,
  options: DecodeOptions,
  mutate: (raw: Uint8Array) => Uint8Array,
): () => HandshakeMessage {
  const raw = mutate(encodeHandshake(m).slice());
  return () => decodeRaw(raw, options);
}

const sample = (name: string) => {
  const s = samples.find((x) => x.name === name);
  assert.ok(s, name);
  return s;
};

function withExtensions(exts: Extension[]): HandshakeMessage {
  const ch = sample('ClientHello (every extension)').message;
  assert.equal(ch.kind, 'client_hello');
  return { ...ch, extensions: exts } as HandshakeMessage;
}

test('every length prefix of every message, one too long, one too short, all ones: a TlsAlert', () => {
  let checked = 0;
  for (const s of samples) {
    const w = new Writer({ annotate: true });
    const raw = encodeHandshake(s.message, w);
    for (const span of w.spans ?? []) {
      // Vector length prefixes are the spans whose comment the closer completed with "(n bytes)".
      if (!/\(\d+ bytes?\)$/.test(span.comment) || span.offset < 4) continue;
      const read = (b: Uint8Array) =>
        b.subarray(span.offset, span.offset + span.length).reduce((n, x) => n * 256 + x, 0);
      const value = read(raw);
      const max = 2 ** (8 * span.length) - 1;
      for (const bad of [value + 1, value - 1, max]) {
        if (bad < 0 || bad > max || bad === value) continue;
        const b = raw.slice();
        for (let i = span.length - 1, x = bad; i >= 0; i--, x = Math.floor(x / 256))
          b[span.offset + i] = x & 0xff;
        let threw: unknown;
        try {
          decodeAs12(b, s.options);
        } catch (e) {
          threw = e;
        }
        // A shorter inner vector can still parse when what follows re-aligns (e.g. an empty opaque at the end of a list);
        // anything thrown must be a TlsAlert, and an overrun must be caught.
        if (threw !== undefined)
          assert.ok(threw instanceof TlsAlert, `${s.name} ${span.comment}: ${String(threw)}`);
        else assert.ok(bad < value, `${s.name} ${span.comment}=${bad} parsed`);
        checked++;
      }
    }
  }
  assert.ok(checked > 300, `${checked}`);
});

test('every message with its length-checked body truncated at every position: never anything but a TlsAlert', () => {
  for (const s of samples) {
    const raw = encodeHandshake(s.message);
    for (let cut = 4; cut < raw.length; cut++) {
      try {
        decodeRaw(raw.subarray(0, cut), s.options);
      } catch (e) {
        assert.ok(e instanceof TlsAlert, `${s.name} cut at ${cut}: ${String(e)}`);
      }
    }
  }
});

test('a trailing byte after any message but Finished is decode_error', () => {
  for (const s of samples) {
    if (s.message.kind === 'finished') continue;
    const raw = encodeHandshake(s.message);
    const longer = new Uint8Array(raw.length + 1);
    longer.set(raw);
    // A TLS 1.2 hello without extensions would read the extra byte as a truncated extensions block: still decode_error.
    expectAlert(() => decodeRaw(longer, s.options), 'decode_error', s.name);
  }
  for (const k of [
    'client_hello',
    'server_hello',
    'encrypted_extensions',
    'certificate',
    'certificate_verify',
    'new_session_ticket',
  ]) {
    const raw = hex(v.simple_1rtt[k]! + '00');
    expectAlert(() => decodeRaw(raw, v13), 'decode_error', k);
  }
});

test('ClientHello: session id over 32 bytes, empty or odd cipher_suites, no null compression', () => {
  const ch = sample('ClientHello (every extension)').message;
  assert.equal(ch.kind, 'client_hello');
  if (ch.kind !== 'client_hello') return;
  expectAlert(
    () => decodeRaw(encodeHandshake({ ...ch, legacySessionId: new Uint8Array(33) }), v13),
    'decode_error',
    'session id 33',
  );
  expectAlert(
    () => decodeRaw(encodeHandshake({ ...ch, cipherSuites: [] }), v13),
    'decode_error',
    'no suites',
  );
  expectAlert(
    () => decodeRaw(encodeHandshake({ ...ch, legacyCompressionMethods: [] }), v13),
    'decode_error',
    'no compression methods',
  );
  expectAlert(
    () => decodeRaw(encodeHandshake({ ...ch, legacyCompressionMethods: [1] }), v13),
    'illegal_parameter',
    'no null',
  );
  // cipher_suites of odd length: the RFC 8448 ClientHello with its 6-byte list declared as 5.
  const odd = hex(v.simple_1rtt.client_hello!);
  assert.equal(odd[40], 0x06);
  odd[40] = 0x05;
  expectAlert(() => decodeRaw(odd, v13), 'decode_error', 'odd suites');
});

test('extensions: duplicates and pre_shared_key not last are illegal_parameter (RFC 8446 §4.2, §4.2.11)', () => {
  const sni = clientHelloExtensions[0]!;
  const psk = clientHelloExtensions[clientHelloExtensions.length - 1]!;
  expectAlert(
    () => decodeRaw(encodeHandshake(withExtensions([sni, sni])), v13),
    'illegal_parameter',
    'duplicate',
  );
  expectAlert(
    () => decodeRaw(encodeHandshake(withExtensions([psk, sni])), v13),
    'illegal_parameter',
    'psk first',
  );
  const ee: HandshakeMessage = { kind: 'encrypted_extensions', extensions: [sni, sni] };
  expectAlert(() => decodeRaw(encodeHandshake(ee), v13), 'illegal_parameter', 'duplicate in EE');
  const unknown: Extension = { kind: 'unknown', type: 0x7777, data: new Uint8Array(0) };
  expectAlert(
    () => decodeRaw(encodeHandshake(withExtensions([unknown, unknown])), v13),
    'illegal_parameter',
    'duplicate unknown',
  );
});

test('extensions: bad contents', () => {
  // decodeAs12: the TLS 1.2-only extensions fail once TLS 1.2 is chosen (issue 13 item 7), not while TLS 1.3 may still be.
  const x = (e: Extension) => () => decodeAs12(encodeHandshake(withExtensions([e])), v13);
  expectAlert(
    x({ kind: 'record_size_limit', type: 28, limit: 63 }),
    'illegal_parameter',
    'record_size_limit 63',
  );
  expectAlert(
    x({
      kind: 'key_share_client_hello',
      type: 51,
      shares: [
        { group: 29, keyExchange: new Uint8Array(32) },
        { group: 29, keyExchange: new Uint8Array(32) },
      ],
    }),
    'illegal_parameter',
    'two shares one group',
  );
  expectAlert(
    x({
      kind: 'pre_shared_key_client_hello',
      type: 41,
      identities: [{ identity: new Uint8Array(4), obfuscatedTicketAge: 1 }],
      binders: [new Uint8Array(32), new Uint8Array(32)],
    }),
    'illegal_parameter',
    'binders count',
  );
  expectAlert(
    x({
      kind: 'pre_shared_key_client_hello',
      type: 41,
      identities: [{ identity: new Uint8Array(4), obfuscatedTicketAge: 1 }],
      binders: [new Uint8Array(31)],
    }),
    'decode_error',
    'binder < 32',
  );
  expectAlert(
    x({ kind: 'supported_groups', type: 10, groups: [] }),
    'decode_error',
    'empty groups',
  );
  expectAlert(
    x({ kind: 'signature_algorithms', type: 13, schemes: [] }),
    'decode_error',
    'empty schemes',
  );
  expectAlert(
    x({ kind: 'supported_versions_client_hello', type: 43, versions: [] }),
    'decode_error',
    'no versions',
  );
  expectAlert(
    x({ kind: 'psk_key_exchange_modes', type: 45, modes: [] }),
    'decode_error',
    'no modes',
  );
  expectAlert(
    x({ kind: 'cookie', type: 44, cookie: new Uint8Array(0) }),
    'decode_error',
    'empty cookie',
  );
  expectAlert(
    x({ kind: 'application_layer_protocol_negotiation', type: 16, protocols: [new Uint8Array(0)] }),
    'decode_error',
    'empty protocol',
  );
  expectAlert(
    x({ kind: 'server_name', type: 0, serverNames: [] }),
    'decode_error',
    'empty server_name list',
  );
  expectAlert(
    x({ kind: 'ec_point_formats', type: 11, formats: [] }),
    'decode_error',
    'no point formats',
  );
  // Until TLS 1.2 is chosen, a malformed TLS 1.2-only extension is kept raw (it does not apply to TLS 1.3).
  const early = decodeHandshake(
    1,
    encodeHandshake(withExtensions([{ kind: 'ec_point_formats', type: 11, formats: [] }])).subarray(
      4,
    ),
    v13,
  );
  assert.deepEqual(early.kind === 'client_hello' ? early.extensions : [], [
    { kind: 'unknown', type: 11, data: Uint8Array.of(0) },
  ]);
  expectAlert(
    x({ kind: 'certificate_authorities', type: 47, authorities: [] }),
    'decode_error',
    'no authorities',
  );
  // Data in extensions that must be empty, and extra bytes after a fixed-size body.
  for (const type of [23, 22, 42])
    expectAlert(
      x({ kind: 'unknown', type, data: Uint8Array.from([0]) }),
      'decode_error',
      `type ${type} not empty`,
    );
  expectAlert(
    x({ kind: 'unknown', type: 28, data: Uint8Array.from([0x40, 0, 0]) }),
    'decode_error',
    'record_size_limit 3 bytes',
  );
  const sh = sample('ServerHello (TLS 1.3)').message;
  const shExt = (e: Extension) => () =>
    decodeRaw(encodeHandshake({ ...sh, extensions: [e] } as HandshakeMessage), v13);
  expectAlert(
    shExt({ kind: 'unknown', type: 43, data: Uint8Array.from([3, 4, 0]) }),
    'decode_error',
    'selected_version 3 bytes',
  );
  expectAlert(
    shExt({ kind: 'unknown', type: 51, data: Uint8Array.from([0, 29, 0, 0]) }),
    'decode_error',
    'empty key_exchange',
  );
  expectAlert(
    shExt({ kind: 'unknown', type: 41, data: Uint8Array.from([0]) }),
    'decode_error',
    'selected_identity 1 byte',
  );
});

test('ServerHello: compression, HRR without extensions', () => {
  const sh = sample('ServerHello (TLS 1.3)').message;
  expectAlert(
    () =>
      decodeRaw(encodeHandshake({ ...sh, legacyCompressionMethod: 1 } as HandshakeMessage), v13),
    'illegal_parameter',
    'compression',
  );
  expectAlert(
    () =>
      decodeRaw(
        encodeHandshake({ ...sh, legacySessionIdEcho: new Uint8Array(33) } as HandshakeMessage),
        v13,
      ),
    'decode_error',
    'session id',
  );
  const hrr = sample('HelloRetryRequest').message;
  const raw = encodeHandshake(hrr);
  // Cut the HRR right after legacy_compression_method.
  const bare = raw.slice(0, 4 + 2 + 32 + 1 + 32 + 2 + 1);
  bare[3] = bare.length - 4;
  expectAlert(() => decodeRaw(bare, v13), 'decode_error', 'HRR without extensions');
});

test('other messages: out-of-range values', () => {
  expectAlert(
    () => decodeRaw(encodeHandshake({ kind: 'key_update', requestUpdate: 2 }), v13),
    'illegal_parameter',
    'key_update 2',
  );
  expectAlert(
    () =>
      decodeRaw(
        encodeHandshake({
          kind: 'certificate_request_13',
          certificateRequestContext: new Uint8Array(0),
          extensions: [],
        }),
        v13,
      ),
    'missing_extension',
    'CR without sigalgs',
  );
  const ske = sample('ServerKeyExchange (ECDHE)');
  expectAlert(
    mutated(ske.message, ske.options, (b) => ((b[4] = 1), b)),
    'illegal_parameter',
    'explicit curve',
  );
  expectAlert(
    () => decodeHandshake(12, new Uint8Array(0), { version: 'tls1.2', keyExchange: 'rsa' }),
    'unexpected_message',
    'SKE with RSA',
  );
  expectAlert(
    () => decodeHandshake(12, new Uint8Array(0), { version: 'tls1.2' }),
    'internal_error',
    'SKE without key exchange',
  );
  expectAlert(
    () =>
      decodeRaw(
        encodeHandshake({
          kind: 'new_session_ticket_13',
          ticketLifetime: 1,
          ticketAgeAdd: 1,
          ticketNonce: new Uint8Array(0),
          ticket: new Uint8Array(0),
          extensions: [],
        }),
        v13,
      ),
    'decode_error',
    'empty 1.3 ticket',
  );
  expectAlert(
    () =>
      decodeRaw(
        encodeHandshake({
          kind: 'certificate_13',
          certificateRequestContext: new Uint8Array(0),
          certificateList: [{ certData: new Uint8Array(0), extensions: [] }],
        }),
        v13,
      ),
    'decode_error',
    'empty cert_data',
  );
  expectAlert(
    () =>
      decodeRaw(encodeHandshake({ kind: 'certificate_12', certificateList: [new Uint8Array(0)] }), {
        version: 'tls1.2',
      }),
    'decode_error',
    'empty ASN.1Cert',
  );
  expectAlert(
    () =>
      decodeRaw(
        encodeHandshake({ kind: 'client_key_exchange_ecdhe', publicPoint: new Uint8Array(0) }),
        { version: 'tls1.2', keyExchange: 'ecdhe' },
      ),
    'decode_error',
    'empty point',
  );
  expectAlert(
    () =>
      decodeRaw(
        encodeHandshake({
          kind: 'certificate_request_12',
          certificateTypes: [],
          supportedSignatureAlgorithms: [0x0401],
          certificateAuthorities: [],
        }),
        { version: 'tls1.2' },
      ),
    'decode_error',
    'no certificate types',
  );
});

test('decodeHandshake: types from the other version, and unknown types, are unexpected_message', () => {
  for (const t of [0, 12, 14, 16])
    expectAlert(
      () => decodeHandshake(t, new Uint8Array(0), v13),
      'unexpected_message',
      `type ${t} in 1.3`,
    );
  for (const t of [5, 8, 24])
    expectAlert(
      () => decodeHandshake(t, new Uint8Array(0), { version: 'tls1.2' }),
      'unexpected_message',
      `type ${t} in 1.2`,
    );
  for (const t of [3, 6, 7, 21, 22, 99, 254, 255])
    expectAlert(
      () => decodeHandshake(t, new Uint8Array(0), v13),
      'unexpected_message',
      `type ${t}`,
    );
  for (const t of [5, 14, 0]) {
    const opts: DecodeOptions = t === 5 ? v13 : { version: 'tls1.2' };
    expectAlert(
      () => decodeHandshake(t, Uint8Array.from([0]), opts),
      'decode_error',
      `empty-bodied type ${t} with a byte`,
    );
  }
});

test('clientHelloBinderPrefix: refuses what is not a ClientHello with pre_shared_key', () => {
  expectAlert(
    () => clientHelloBinderPrefix(hex(v.simple_1rtt.client_hello!)),
    'decode_error',
    'no psk',
  );
  expectAlert(
    () => clientHelloBinderPrefix(hex(v.simple_1rtt.server_hello!)),
    'decode_error',
    'server hello',
  );
  expectAlert(() => clientHelloBinderPrefix(new Uint8Array(0)), 'decode_error', 'empty');
});
