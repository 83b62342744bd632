import assert from 'node:assert/strict';
import { type AlertDescriptionName } from '../../src/tls/registry/alert.js';
import { TlsAlert } from '../../src/tls/error/tls-alert.js';

/** Asserts that `fn` throws a TlsAlert with `description`, and nothing else. */
export function expectAlert(
  fn: () => unknown,
  description: AlertDescriptionName,
  label = '',
): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown !== undefined, `${label}: expected ${description}, nothing was thrown`);
  assert.ok(
    thrown instanceof TlsAlert,
    `${label}: expected TlsAlert(${description}), got ${String(thrown)}`,
  );
  assert.equal(thrown.description, description, `${label}: ${thrown.message}`);
}
