import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FailedLogins, withFailureDelay } from '../../../src/smtp/sasl/failure-delay.js';
import type { SaslBackend, SaslContext, SaslStep } from '../../../src/smtp/sasl/backend.js';

const ctx = (clientAddress: string): SaslContext => ({
  clientAddress,
  secured: true,
  service: 'smtp',
});

/** A back end that answers each start with the next scripted step. */
function scripted(steps: SaslStep[]): SaslBackend {
  return {
    mechanisms: () => ['PLAIN'],
    start: async () => ({
      exchange: { respond: async () => steps.shift() as SaslStep, abort: () => undefined },
      first: steps.shift() as SaslStep,
    }),
    close: () => undefined,
  };
}

test('FailedLogins: delays double per failure up to the cap, per client, forgotten after the window', () => {
  let now = 0;
  const f = new FailedLogins({
    baseDelayMs: 1000,
    maxDelayMs: 5000,
    forgetAfterMs: 60_000,
    now: () => now,
  });
  assert.deepEqual([f.fail('a'), f.fail('a'), f.fail('a'), f.fail('a')], [1000, 2000, 4000, 5000]);
  assert.equal(f.fail('b'), 1000, 'another client starts over');
  assert.equal(f.failures('a'), 4);
  now = 60_000;
  assert.equal(f.failures('a'), 0);
  f.fail('c');
  f.succeed('c');
  assert.equal(f.failures('c'), 0);
});

test('withFailureDelay: a failure waits before it is answered; success and temporary failures do not', async () => {
  const sleeps: number[] = [];
  const fail: SaslStep = { kind: 'failure', reason: 'authentication failure', temporary: false };
  const temp: SaslStep = {
    kind: 'failure',
    reason: 'Connection lost to authentication server',
    temporary: true,
  };
  const inner = scripted([fail, fail, temp, { kind: 'success', user: 'u' }, fail]);
  const b = withFailureDelay(inner, {
    baseDelayMs: 100,
    maxDelayMs: 1000,
    forgetAfterMs: 1000,
    now: () => 0,
    sleep: async (ms) => void sleeps.push(ms),
  });
  assert.deepEqual((await b.start('PLAIN', undefined, ctx('x'))).first, fail);
  assert.deepEqual((await b.start('PLAIN', undefined, ctx('x'))).first, fail);
  assert.deepEqual((await b.start('PLAIN', undefined, ctx('x'))).first, temp);
  assert.deepEqual(sleeps, [100, 200]);
  assert.equal(b.failed.failures('x'), 2);
  assert.deepEqual((await b.start('PLAIN', undefined, ctx('x'))).first, {
    kind: 'success',
    user: 'u',
  });
  assert.equal(b.failed.failures('x'), 0);
  await b.start('PLAIN', undefined, ctx('x'));
  assert.deepEqual(sleeps, [100, 200, 100]);
  assert.deepEqual(b.mechanisms(ctx('x')), ['PLAIN']);
});

test('withFailureDelay: a failure inside a multi-step exchange is delayed too', async () => {
  const sleeps: number[] = [];
  const inner = scripted([
    { kind: 'challenge', challenge: new Uint8Array(0) },
    { kind: 'failure', reason: 'authentication failure', temporary: false },
  ]);
  const b = withFailureDelay(inner, {
    baseDelayMs: 50,
    maxDelayMs: 50,
    forgetAfterMs: 1000,
    now: () => 0,
    sleep: async (ms) => void sleeps.push(ms),
  });
  const { exchange, first } = await b.start('LOGIN', undefined, ctx('y'));
  assert.equal(first.kind, 'challenge');
  assert.deepEqual(sleeps, []);
  assert.equal((await exchange.respond(new Uint8Array(0))).kind, 'failure');
  assert.deepEqual(sleeps, [50]);
});
