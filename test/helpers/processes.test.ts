import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, run, startPeer } from './processes.js';

test('run: captures output and exit code', async () => {
  const r = await run('sh', ['-c', 'cat; echo err >&2; exit 3'], 'hello');
  assert.equal(r.code, 3);
  assert.equal(r.stdout, 'hello');
  assert.equal(r.stderr, 'err\n');
});

test('startPeer: waitFor sees output, stop ends the process', async () => {
  const p = startPeer('sh', ['-c', 'echo ready; sleep 30']);
  await p.waitFor(/ready/);
  await p.stop();
  assert.notEqual(p.proc.signalCode ?? p.proc.exitCode, null);
});

test('startPeer: waitFor rejects when the process exits first', async () => {
  const p = startPeer('sh', ['-c', 'echo nope']);
  await assert.rejects(p.waitFor(/never/), /exited/);
});

test('freePort: a loopback port number', async () => {
  const port = await freePort();
  assert.ok(port > 0 && port < 65536);
});
