import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, loadVectors } from '../../helpers/vectors.js';
import { dumpHandshake, dumpRecordHeader } from '../../../src/tls/codec/dump.js';
import { decodeHandshake } from '../../../src/tls/codec/handshake.js';
import { samples } from '../samples.js';

const v = loadVectors<{ simple_1rtt: Record<string, string> }>('rfc8448-messages.json');

test('ClientHello dump: field names, code point names, hex and ASCII, indented by depth', () => {
  const raw = hex(v.simple_1rtt.client_hello!);
  const text = dumpHandshake(decodeHandshake(raw[0]!, raw.subarray(4), { version: 'tls1.3' }));
  const lines = text.split('\n');
  assert.match(lines[0]!, /^0000  01 +\. +msg_type: client_hello \(0x01\)$/);
  assert.match(lines[1]!, /^0001  00 00 c0 +\.\.\. +length \(192 bytes\)$/);
  assert.match(text, /0004 {2}03 03 .* legacy_version: tls1_2 \(0x0303\)/);
  assert.match(text, /0006 {2}cb 34 ec b1 e7 81 63 ba 1c 38 c6 da cb 19 6a 6d .* random/);
  assert.match(text, /13 01 +\.\. +TLS_AES_128_GCM_SHA256 \(0x1301\)/);
  assert.match(text, /extension_type: server_name \(0x0000\)/);
  assert.match(text, /73 65 72 76 65 72 +server +host_name: "server"$/m);
  assert.match(text, /extension_type: key_share \(0x0033\)/);
  assert.match(text, /group: x25519 \(0x001d\)/);
  assert.match(text, /ecdsa_secp256r1_sha256 \(0x0403\)/);
  assert.match(text, /psk_dhe_ke \(0x01\)/);
  assert.match(text, /record_size_limit: 16385/);
  // Deeper fields are indented further than their vector.
  const ext = lines.find((l) => l.includes('extension_type: server_name'))!;
  const host = lines.find((l) => l.includes('host_name: "server"'))!;
  assert.ok(host.indexOf('host_name') > ext.indexOf('extension_type'));
  // Every byte of the message appears in the dump.
  const dumped = lines
    .map((l) => l.slice(6, 6 + 48).trim())
    .filter((s) => s.length > 0)
    .join(' ');
  assert.equal(dumped.replace(/ /g, ''), v.simple_1rtt.client_hello);
});

test('every message kind dumps without unannotated bytes', () => {
  for (const s of samples) {
    const text = dumpHandshake(s.message);
    assert.ok(!text.includes('(unannotated)'), s.name);
    assert.match(text, /msg_type: /, s.name);
  }
});

test('record header dump', () => {
  const text = dumpRecordHeader({ type: 22, version: 0x0301, length: 196 });
  assert.equal(
    text,
    [
      `0000  16${' '.repeat(46)} .${' '.repeat(15)}  content type: handshake (0x16)`,
      `0001  03 01${' '.repeat(43)} ..${' '.repeat(14)}  legacy_record_version: 0x0301`,
      `0003  00 c4${' '.repeat(43)} ..${' '.repeat(14)}  length: 196`,
    ].join('\n'),
  );
});
