import assert from 'node:assert/strict';
import { X509Error } from '../../src/x509/errors.js';

/** `code: message` of the X509Error `f` throws, or 'no error'; anything else thrown fails the test. */
export function x509Refusal(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof X509Error, `expected an X509Error, got ${String(err)}`);
    return `${err.code}: ${err.message}`;
  }
  return 'no error';
}
