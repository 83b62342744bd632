import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { loadVectors, hex, toHex } from '../helpers/vectors.js';
import { HandshakeAssembler } from '../../src/tls/record/handshake-assembler.js';
import { RecordSplitter } from '../../src/tls/record/splitter.js';
import {
  decodeHandshake,
  encodeHandshake,
  type HandshakeMessage,
} from '../../src/tls/codec/handshake.js';
import { clientHelloBinderPrefix, messageHash } from '../../src/tls/codec/messages.js';
import { findExtension } from '../../src/tls/codec/extensions.js';
import { CipherSuite } from '../../src/tls/registry/cipher-suite.js';
import { NamedGroup } from '../../src/tls/registry/named-group.js';
import { SignatureScheme } from '../../src/tls/registry/signature-scheme.js';
import {
  ContentType,
  ProtocolVersion,
  PskKeyExchangeMode,
} from '../../src/tls/registry/constants.js';

interface Vectors {
  simple_1rtt: Record<string, string>;
  resumed_0rtt: {
    client_hello: string;
    binders_prefix_length: number;
    binder_hash: string;
    binder: string;
  };
  hello_retry_request: Record<string, string>;
}
const v = loadVectors<Vectors>('rfc8448-messages.json');
const s = v.simple_1rtt;
const hrr = v.hello_retry_request;

const sha256 = (...parts: string[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(hex(p));
  return h.digest('hex');
};

function decodeRaw(raw: Uint8Array): HandshakeMessage {
  const frames = new HandshakeAssembler().push(raw);
  assert.equal(frames.length, 1);
  return decodeHandshake(frames[0]!.type, frames[0]!.body, { version: 'tls1.3' });
}

/** Decodes, checks re-encoding is byte-exact, returns the message. */
function roundTrip(hexMessage: string): HandshakeMessage {
  const raw = hex(hexMessage);
  const m = decodeRaw(raw);
  assert.equal(toHex(encodeHandshake(m)), toHex(raw));
  return m;
}

test('RFC 8448 transcription agrees with the hashes and Finished values the RFC prints', () => {
  assert.equal(sha256(s.client_hello!, s.server_hello!), s.hash_client_hello_to_server_hello);
  const toCv = [
    s.client_hello!,
    s.server_hello!,
    s.encrypted_extensions!,
    s.certificate!,
    s.certificate_verify!,
  ];
  const serverVerify = createHmac('sha256', hex(s.server_finished_key!))
    .update(hex(sha256(...toCv)))
    .digest('hex');
  assert.equal(serverVerify, s.server_finished!.slice(8));
  assert.equal(sha256(...toCv, s.server_finished!), s.hash_client_hello_to_server_finished);
  const clientVerify = createHmac('sha256', hex(s.client_finished_key!))
    .update(hex(sha256(...toCv, s.server_finished!)))
    .digest('hex');
  assert.equal(clientVerify, s.client_finished!.slice(8));
  assert.equal(
    sha256(...toCv, s.server_finished!, s.client_finished!),
    s.hash_client_hello_to_client_finished,
  );
});

test('RFC 8448 §3 ClientHello', () => {
  const m = roundTrip(s.client_hello!);
  assert.equal(m.kind, 'client_hello');
  if (m.kind !== 'client_hello') return;
  assert.equal(m.legacyVersion, ProtocolVersion.tls1_2);
  assert.equal(m.legacySessionId.length, 0);
  assert.deepEqual(m.cipherSuites, [
    CipherSuite.TLS_AES_128_GCM_SHA256,
    CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
    CipherSuite.TLS_AES_256_GCM_SHA384,
  ]);
  assert.deepEqual(m.legacyCompressionMethods, [0]);
  assert.equal(
    toHex(findExtension(m.extensions, 'server_name')!.serverNames![0]!.name),
    toHex(new TextEncoder().encode('server')),
  );
  assert.ok(findExtension(m.extensions, 'renegotiation_info'));
  assert.deepEqual(findExtension(m.extensions, 'supported_groups')!.groups, [
    NamedGroup.x25519,
    NamedGroup.secp256r1,
    NamedGroup.secp384r1,
    NamedGroup.secp521r1,
    NamedGroup.ffdhe2048,
    NamedGroup.ffdhe3072,
    NamedGroup.ffdhe4096,
    NamedGroup.ffdhe6144,
    NamedGroup.ffdhe8192,
  ]);
  assert.equal(findExtension(m.extensions, 'session_ticket')!.ticket.length, 0);
  const ks = findExtension(m.extensions, 'key_share_client_hello')!;
  assert.equal(ks.shares.length, 1);
  assert.equal(ks.shares[0]!.group, NamedGroup.x25519);
  assert.equal(ks.shares[0]!.keyExchange.length, 32);
  assert.deepEqual(findExtension(m.extensions, 'supported_versions_client_hello')!.versions, [
    ProtocolVersion.tls1_3,
  ]);
  const sa = findExtension(m.extensions, 'signature_algorithms')!.schemes;
  assert.equal(sa.length, 15);
  assert.ok(
    sa.includes(SignatureScheme.rsa_pss_rsae_sha256) && sa.includes(SignatureScheme.dsa_sha256),
  );
  assert.deepEqual(findExtension(m.extensions, 'psk_key_exchange_modes')!.modes, [
    PskKeyExchangeMode.psk_dhe_ke,
  ]);
  assert.equal(findExtension(m.extensions, 'record_size_limit')!.limit, 0x4001);
});

test('RFC 8448 §3 ServerHello', () => {
  const m = roundTrip(s.server_hello!);
  assert.equal(m.kind, 'server_hello');
  if (m.kind !== 'server_hello') return;
  assert.equal(m.cipherSuite, CipherSuite.TLS_AES_128_GCM_SHA256);
  assert.equal(
    findExtension(m.extensions, 'supported_versions_server_hello')!.selectedVersion,
    ProtocolVersion.tls1_3,
  );
  const share = findExtension(m.extensions, 'key_share_server_hello')!.share;
  assert.equal(share.group, NamedGroup.x25519);
  assert.equal(
    toHex(share.keyExchange),
    'c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f',
  );
});

test('RFC 8448 §3 EncryptedExtensions, Certificate, CertificateVerify, Finished, NewSessionTicket', () => {
  const ee = roundTrip(s.encrypted_extensions!);
  assert.equal(ee.kind, 'encrypted_extensions');
  if (ee.kind === 'encrypted_extensions') {
    assert.equal(findExtension(ee.extensions, 'supported_groups')!.groups.length, 9);
    assert.equal(findExtension(ee.extensions, 'record_size_limit')!.limit, 0x4001);
    assert.equal(findExtension(ee.extensions, 'server_name')!.serverNames, null);
  }
  const cert = roundTrip(s.certificate!);
  assert.equal(cert.kind, 'certificate_13');
  if (cert.kind === 'certificate_13') {
    assert.equal(cert.certificateRequestContext.length, 0);
    assert.equal(cert.certificateList.length, 1);
    assert.equal(cert.certificateList[0]!.certData.length, 0x1b0);
    assert.equal(cert.certificateList[0]!.certData[0], 0x30);
    assert.equal(cert.certificateList[0]!.extensions.length, 0);
  }
  const cv = roundTrip(s.certificate_verify!);
  assert.equal(cv.kind, 'certificate_verify');
  if (cv.kind === 'certificate_verify') {
    assert.equal(cv.algorithm, SignatureScheme.rsa_pss_rsae_sha256);
    assert.equal(cv.signature.length, 128);
  }
  for (const f of [s.server_finished!, s.client_finished!]) {
    const fin = roundTrip(f);
    assert.equal(fin.kind, 'finished');
    if (fin.kind === 'finished') assert.equal(toHex(fin.verifyData), f.slice(8));
  }
  const nst = roundTrip(s.new_session_ticket!);
  assert.equal(nst.kind, 'new_session_ticket_13');
  if (nst.kind === 'new_session_ticket_13') {
    assert.equal(nst.ticketLifetime, 30);
    assert.equal(nst.ticketAgeAdd, 0xfad6aac5);
    assert.equal(toHex(nst.ticketNonce), '0000');
    assert.equal(nst.ticket.length, 0xb2);
    assert.equal(
      findExtension(nst.extensions, 'early_data_new_session_ticket')!.maxEarlyDataSize,
      0x400,
    );
  }
});

test('RFC 8448 §3 records: the printed records split into the messages', () => {
  for (const [record, message] of [
    [s.client_hello_record!, s.client_hello!],
    [s.server_hello_record!, s.server_hello!],
  ] as const) {
    const recs = new RecordSplitter().push(hex(record));
    assert.equal(recs.length, 1);
    assert.equal(recs[0]!.type, ContentType.handshake);
    assert.equal(toHex(recs[0]!.fragment), message);
  }
  assert.equal(new RecordSplitter().push(hex(s.client_hello_record!))[0]!.version, 0x0301);
});

test('RFC 8448 §4 resumption ClientHello: pre_shared_key, and the prefix its binder hashes', () => {
  const r = v.resumed_0rtt;
  const m = roundTrip(r.client_hello);
  assert.equal(m.kind, 'client_hello');
  if (m.kind !== 'client_hello') return;
  const psk = findExtension(m.extensions, 'pre_shared_key_client_hello')!;
  assert.equal(m.extensions[m.extensions.length - 1], psk);
  assert.equal(psk.identities.length, 1);
  assert.equal(psk.identities[0]!.identity.length, 0xb2);
  assert.equal(psk.identities[0]!.obfuscatedTicketAge, 0xfad6aacb);
  assert.equal(toHex(psk.binders[0]!), r.binder);
  assert.ok(findExtension(m.extensions, 'early_data'));
  const prefix = clientHelloBinderPrefix(hex(r.client_hello));
  assert.equal(prefix.length, r.binders_prefix_length);
  assert.equal(createHash('sha256').update(prefix).digest('hex'), r.binder_hash);
});

test('RFC 8448 §5 HelloRetryRequest flight', () => {
  const ch1 = roundTrip(hrr.client_hello_1!);
  assert.equal(ch1.kind, 'client_hello');
  const h = roundTrip(hrr.hello_retry_request!);
  assert.equal(h.kind, 'hello_retry_request');
  let cookie = '';
  if (h.kind === 'hello_retry_request') {
    assert.equal(h.cipherSuite, CipherSuite.TLS_AES_128_GCM_SHA256);
    assert.equal(
      findExtension(h.extensions, 'key_share_hello_retry_request')!.selectedGroup,
      NamedGroup.secp256r1,
    );
    cookie = toHex(findExtension(h.extensions, 'cookie')!.cookie);
    assert.equal(cookie.length / 2, 0x72);
    assert.equal(
      findExtension(h.extensions, 'supported_versions_server_hello')!.selectedVersion,
      ProtocolVersion.tls1_3,
    );
  }
  const ch2 = roundTrip(hrr.client_hello_2!);
  assert.equal(ch2.kind, 'client_hello');
  if (ch2.kind === 'client_hello') {
    assert.equal(toHex(findExtension(ch2.extensions, 'cookie')!.cookie), cookie);
    const share = findExtension(ch2.extensions, 'key_share_client_hello')!.shares;
    assert.equal(share.length, 1);
    assert.equal(share[0]!.group, NamedGroup.secp256r1);
    assert.equal(share[0]!.keyExchange.length, 65);
    assert.equal(share[0]!.keyExchange[0], 0x04);
    assert.equal(findExtension(ch2.extensions, 'unknown')!.type, 21);
  }
  const sh = roundTrip(hrr.server_hello!);
  assert.equal(sh.kind, 'server_hello');
  if (sh.kind === 'server_hello')
    assert.equal(
      findExtension(sh.extensions, 'key_share_server_hello')!.share.keyExchange.length,
      65,
    );
  // RFC 8446 §4.4.1: the transcript after HRR starts with message_hash(Hash(ClientHello1)).
  const mh = messageHash(createHash('sha256').update(hex(hrr.client_hello_1!)).digest());
  const transcript = createHash('sha256').update(mh);
  for (const k of ['hello_retry_request', 'client_hello_2', 'server_hello'])
    transcript.update(hex(hrr[k]!));
  assert.equal(transcript.digest('hex'), hrr.hash_message_hash_to_server_hello);
});

const flight = (): string[] => [
  s.client_hello!,
  s.server_hello!,
  s.encrypted_extensions!,
  s.certificate!,
  s.certificate_verify!,
  s.server_finished!,
  s.client_finished!,
  s.new_session_ticket!,
];

test('HandshakeAssembler: the RFC 8448 §3 messages in one stream, split at every byte position', () => {
  const all = hex(flight().join(''));
  for (let cut = 0; cut <= all.length; cut++) {
    const a = new HandshakeAssembler();
    const frames = [...a.push(all.subarray(0, cut)), ...a.push(all.subarray(cut))];
    assert.deepEqual(
      frames.map((f) => toHex(f.raw)),
      flight(),
    );
    assert.ok(a.isEmpty);
  }
});

test('HandshakeAssembler: one byte at a time, and isEmpty mid-message', () => {
  const a = new HandshakeAssembler();
  const all = hex(flight().join(''));
  const frames = [];
  let sawPartial = false;
  for (let i = 0; i < all.length; i++) {
    frames.push(...a.push(all.subarray(i, i + 1)));
    if (!a.isEmpty) sawPartial = true;
  }
  assert.ok(sawPartial);
  assert.deepEqual(
    frames.map((f) => toHex(f.raw)),
    flight(),
  );
});

test('RecordSplitter: the RFC 8448 §3 messages as records, split at every byte position', () => {
  const records = flight().map((m) => {
    const body = hex(m);
    const r = new Uint8Array(5 + body.length);
    r.set([22, 3, 3, body.length >> 8, body.length & 0xff]);
    r.set(body, 5);
    return r;
  });
  const stream = new Uint8Array(records.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of records) {
    stream.set(r, at);
    at += r.length;
  }
  for (let cut = 0; cut <= stream.length; cut++) {
    const sp = new RecordSplitter();
    const got = [...sp.push(stream.subarray(0, cut)), ...sp.push(stream.subarray(cut))];
    assert.deepEqual(
      got.map((r) => toHex(r.fragment)),
      flight(),
    );
    assert.equal(sp.buffered, 0);
  }
});
