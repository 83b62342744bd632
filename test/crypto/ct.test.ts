import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  constantTimeEqual,
  constantTimeIsZero,
  ctIsZeroByte,
  ctSelectByte,
} from '../../src/crypto/ct.js';

test('constantTimeEqual', () => {
  assert.equal(constantTimeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3)), true);
  assert.equal(constantTimeEqual(new Uint8Array(0), new Uint8Array(0)), true);
  assert.equal(constantTimeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 4)), false);
  assert.equal(constantTimeEqual(Uint8Array.of(0x80, 2, 3), Uint8Array.of(0, 2, 3)), false);
  assert.equal(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 3)), false);
});

test('ctIsZeroByte, ctSelectByte, constantTimeIsZero over every byte value', () => {
  for (let x = 0; x < 256; x++) {
    assert.equal(ctIsZeroByte(x), x === 0 ? 0xff : 0);
    assert.equal(ctSelectByte(0xff, x, 255 - x), x);
    assert.equal(ctSelectByte(0x00, x, 255 - x), 255 - x);
    assert.equal(constantTimeIsZero(Uint8Array.of(0, 0, x)), x === 0);
  }
});
