import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../../helpers/vectors.js';
import {
  decodeHandshake,
  encodeHandshake,
  handshakeTypeOf,
} from '../../../src/tls/codec/handshake.js';
import { HandshakeAssembler } from '../../../src/tls/record/handshake-assembler.js';
import { Writer } from '../../../src/tls/wire/writer.js';
import { samples } from '../samples.js';

function decodeEncoded(raw: Uint8Array, options: (typeof samples)[number]['options']) {
  const frames = new HandshakeAssembler().push(raw);
  assert.equal(frames.length, 1);
  return decodeHandshake(frames[0]!.type, frames[0]!.body, options);
}

for (const s of samples) {
  test(`round trip: ${s.name}`, () => {
    const raw = encodeHandshake(s.message);
    assert.equal(raw[0], handshakeTypeOf(s.message));
    assert.equal((raw[1]! << 16) | (raw[2]! << 8) | raw[3]!, raw.length - 4);
    const back = decodeEncoded(raw, s.options);
    assert.deepEqual(back, s.message);
    assert.equal(toHex(encodeHandshake(back)), toHex(raw));
    // The annotating writer must produce the same bytes as the plain one.
    assert.equal(toHex(encodeHandshake(s.message, new Writer({ annotate: true }))), toHex(raw));
  });
}
