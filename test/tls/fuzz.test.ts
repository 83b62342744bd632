import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hex, loadVectors } from '../helpers/vectors.js';
import { decodeAlert } from '../../src/tls/codec/alert.js';
import { TlsAlert } from '../../src/tls/error/tls-alert.js';
import {
  decodeHandshake,
  encodeHandshake,
  type DecodeOptions,
} from '../../src/tls/codec/handshake.js';
import { HandshakeAssembler } from '../../src/tls/record/handshake-assembler.js';
import { RecordSplitter } from '../../src/tls/record/splitter.js';
import { clientHelloBinderPrefix } from '../../src/tls/codec/messages.js';
import { samples } from './samples.js';

const v = loadVectors<{
  simple_1rtt: Record<string, string>;
  resumed_0rtt: { client_hello: string };
  hello_retry_request: Record<string, string>;
}>('rfc8448-messages.json');

/** Runs `fn`; a TlsAlert counts as a proper answer, anything else fails the property. */
function valueOrAlert(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (e instanceof TlsAlert) return true;
    throw e;
  }
}

const optionsList: DecodeOptions[] = [
  { version: 'tls1.3' },
  { version: 'tls1.2', keyExchange: 'ecdhe' },
  { version: 'tls1.2', keyExchange: 'dhe' },
  { version: 'tls1.2', keyExchange: 'rsa' },
];
const types = [0, 1, 2, 4, 5, 8, 11, 12, 13, 14, 15, 16, 20, 24];

/** Seeds: the RFC 8448 messages and one encoded sample of every kind. */
const seeds: { raw: Uint8Array; options: DecodeOptions }[] = [
  ...Object.entries(v.simple_1rtt)
    .filter(([k]) => !k.startsWith('hash') && !k.endsWith('_key') && !k.endsWith('record'))
    .map(([, h]) => ({ raw: hex(h), options: optionsList[0]! })),
  { raw: hex(v.resumed_0rtt.client_hello), options: optionsList[0]! },
  ...Object.entries(v.hello_retry_request)
    .filter(([k]) => !k.startsWith('hash'))
    .map(([, h]) => ({ raw: hex(h), options: optionsList[0]! })),
  ...samples.map((s) => ({ raw: encodeHandshake(s.message), options: s.options })),
];

const mutation = fc.record({
  seed: fc.nat({ max: seeds.length - 1 }),
  edits: fc.array(
    fc.tuple(
      fc.nat(),
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom('set', 'insert', 'delete', 'truncate'),
    ),
    { minLength: 1, maxLength: 4 },
  ),
});

function applyEdits(raw: Uint8Array, edits: [number, number, string][]): Uint8Array {
  let b = Array.from(raw);
  for (const [pos, value, op] of edits) {
    const i = b.length === 0 ? 0 : pos % b.length;
    if (op === 'set') b[i] = value;
    else if (op === 'insert') b.splice(i, 0, value);
    else if (op === 'delete') b.splice(i, 1);
    else b = b.slice(0, i);
  }
  return Uint8Array.from(b);
}

test('random bytes to every decoder: a value or a TlsAlert', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...types),
      fc.nat({ max: 3 }),
      fc.uint8Array({ maxLength: 300 }),
      (type, o, body) => valueOrAlert(() => decodeHandshake(type, body, optionsList[o]!)),
    ),
    { numRuns: 3000 },
  );
});

test('mutated RFC 8448 and sample messages: a value or a TlsAlert, and a value re-encodes', () => {
  fc.assert(
    fc.property(mutation, ({ seed, edits }) => {
      const { raw, options } = seeds[seed]!;
      const b = applyEdits(raw, edits);
      if (b.length < 4) return true;
      return valueOrAlert(() => {
        const m = decodeHandshake(b[0]!, b.subarray(4), options);
        // Whatever decodes must encode again without error.
        assert.ok(encodeHandshake(m).length >= 4);
      });
    }),
    { numRuns: 3000 },
  );
});

test('mutated messages through the framing layers and the PSK prefix helper: a value or a TlsAlert', () => {
  fc.assert(
    fc.property(
      mutation,
      fc.array(fc.nat({ max: 600 }), { maxLength: 5 }),
      ({ seed, edits }, cuts) => {
        const b = applyEdits(seeds[seed]!.raw, edits);
        const record = Uint8Array.from([22, 3, 3, b.length >> 8, b.length & 0xff, ...b]);
        const points = [...new Set(cuts.map((c) => c % (record.length + 1)))].sort((x, y) => x - y);
        return valueOrAlert(() => {
          const sp = new RecordSplitter();
          const asm = new HandshakeAssembler();
          let last = 0;
          for (const p of [...points, record.length]) {
            for (const r of sp.push(record.subarray(last, p))) asm.push(r.fragment);
            last = p;
          }
          clientHelloBinderPrefix(b);
          decodeAlert(b.subarray(0, 2));
        });
      },
    ),
    { numRuns: 1500 },
  );
});

test('random streams to the record splitter: records or a TlsAlert', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) =>
      valueOrAlert(() => {
        const sp = new RecordSplitter();
        for (const c of chunks) sp.push(c);
      }),
    ),
    { numRuns: 2000 },
  );
});
