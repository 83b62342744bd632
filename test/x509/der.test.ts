import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex } from '../helpers/vectors.js';
import { parseDer } from '../../src/x509/der.js';
import { integer, oid, time } from '../../src/x509/der-read.js';
import { derInteger, derOid, derSetOf, derUtf8String } from '../../src/x509/der-write.js';
import { X509Error } from '../../src/x509/errors.js';

function malformed(h: string): void {
  assert.throws(
    () => parseDer(hex(h)),
    (e: unknown) => e instanceof X509Error && e.code === 'malformed_der',
    h,
  );
}

test('X.690 §10: non-DER encodings are refused', () => {
  malformed('3080020100 0000'); // indefinite length
  malformed('308103020100'); // long-form length below 128
  malformed('30820003020100'); // length with a leading zero byte
  malformed('02020001'); // INTEGER with a needless leading 00
  malformed('0202ff80'); // INTEGER with a needless leading ff
  malformed('010101'); // BOOLEAN that is neither 00 nor ff
  malformed('0500' + '00'); // trailing byte after the object
  malformed('050100'); // NULL with content
  malformed('030207ff'); // BIT STRING with non-zero padding bits
  malformed('030108'); // BIT STRING padding count above 7
  malformed('2403040100'); // constructed OCTET STRING
  malformed('06028001'); // OID arc with a leading 0x80 group
  malformed('1f0101'); // low tag number written in the long form
  malformed('');
  malformed('30'); // truncated
  malformed('3005020100'); // length beyond the input
});

test('asn1js limits: nesting depth, node count, content length', () => {
  let nested: Uint8Array = hex('0500');
  for (let i = 0; i < 20; i++) nested = Uint8Array.of(0x30, nested.length, ...nested);
  assert.ok(parseDer(nested), '21 levels are within the default limit');
  for (let i = 0; i < 20; i++) nested = Uint8Array.of(0x30, nested.length, ...nested);
  assert.throws(
    () => parseDer(nested),
    (e: unknown) => e instanceof X509Error && e.code === 'malformed_der',
  );
  const many = Uint8Array.of(
    0x30,
    0x82,
    0x4e,
    0x20,
    ...new Array<number>(20000).fill(0).flatMap((_, i) => (i % 2 === 0 ? [0x05] : [0x00])),
  );
  assert.throws(
    () => parseDer(many, { maxDepth: 8, maxNodes: 100, maxContentLength: 1 << 20 }),
    /node count/,
  );
  assert.throws(
    () => parseDer(hex('0403010203'), { maxDepth: 8, maxNodes: 100, maxContentLength: 2 }),
    X509Error,
  );
});

test('readers: INTEGER sign, OID arcs, RFC 5280 times', () => {
  assert.equal(integer(parseDer(hex('020100')), 'x'), 0n);
  assert.equal(integer(parseDer(hex('0201ff')), 'x'), -1n);
  assert.equal(integer(parseDer(hex('02020080')), 'x'), 128n);
  assert.equal(oid(parseDer(hex('06092a864886f70d010101')), 'x'), '1.2.840.113549.1.1.1');
  assert.equal(oid(parseDer(hex('0603551d13')), 'x'), '2.5.29.19');
  assert.equal(
    time(parseDer(hex('170d3439313233313233353935395a')), 'x').toISOString(),
    '2049-12-31T23:59:59.000Z',
  );
  assert.equal(
    time(parseDer(hex('170d3530303130313030303030305a')), 'x').toISOString(),
    '1950-01-01T00:00:00.000Z',
  );
  assert.equal(
    time(parseDer(hex('180f32303530303130313030303030305a')), 'x').toISOString(),
    '2050-01-01T00:00:00.000Z',
  );
  assert.throws(() => time(parseDer(hex('170b3439313233313233355a')), 'x'), X509Error); // no seconds
  assert.throws(() => time(parseDer(hex('170d3439303233303030303030305a')), 'x'), X509Error); // 30 February
});

test('writer: minimal INTEGERs, OIDs, sorted SET OF, round trips', () => {
  for (const v of [0n, 1n, 127n, 128n, 255n, 256n, -1n, -128n, -129n, 2n ** 64n]) {
    assert.equal(integer(parseDer(derInteger(v)), 'x'), v);
  }
  assert.deepEqual(derInteger(128n), hex('02020080'));
  assert.deepEqual(derOid('1.2.840.113549.1.1.1'), hex('06092a864886f70d010101'));
  assert.deepEqual(derSetOf([derUtf8String('b'), derUtf8String('a')]), hex('31060c01610c0162'));
});
