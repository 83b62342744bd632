import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { HmacSha256Key } from '../../src/prng/hmac-sha256.js';
import { toHex } from '../helpers/vectors.js';

test('HMAC-SHA-256 RFC 4231 test case 2 ("Jefe") and a 131-byte key (test case 6)', () => {
  const jefe = new HmacSha256Key(new TextEncoder().encode('Jefe'));
  assert.equal(
    toHex(jefe.mac(new TextEncoder().encode('what do ya want for nothing?'))),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  );
  const long = new HmacSha256Key(new Uint8Array(131).fill(0xaa));
  assert.equal(
    toHex(
      long.mac(new TextEncoder().encode('Test Using Larger Than Block-Size Key - Hash Key First')),
    ),
    '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  );
});

test('HMAC-SHA-256 matches node:crypto for keys of 0..150 bytes and messages split into parts at every padding edge', () => {
  for (let keyLength = 0; keyLength <= 150; keyLength += 3) {
    const key = randomBytes(keyLength);
    const ours = new HmacSha256Key(key);
    for (const total of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 200, randomInt(0, 600)]) {
      const message = randomBytes(total);
      const cut1 = randomInt(0, total + 1);
      const cut2 = randomInt(cut1, total + 1);
      const parts = [
        message.subarray(0, cut1),
        message.subarray(cut1, cut2),
        message.subarray(cut2),
      ];
      const expected = createHmac('sha256', key).update(message).digest('hex');
      assert.equal(
        toHex(ours.mac(...parts)),
        expected,
        `key ${keyLength}, message ${total} cut at ${cut1}/${cut2}`,
      );
      assert.equal(toHex(ours.mac(message)), expected, `key ${keyLength}, message ${total} whole`);
    }
  }
});
