import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPeer } from '../helpers/processes.js';
import { runMain } from '../helpers/run-main.js';

const POSTERN = new URL('../../../bin/postern.js', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'postern-cli-tlsmgr-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Samples the exchange file every 1.5 s (a second plus room for a loaded machine): with tls_random_upd_period = 1s every sample must be new. */
async function expectFreshEverySecond(path: string, samples: number): Promise<void> {
  let previous = readFileSync(path);
  assert.equal(previous.length, 1024);
  for (let i = 0; i < samples; i++) {
    await sleep(1500);
    const now = readFileSync(path);
    assert.equal(now.length, 1024, `sample ${i}: 1024 bytes`);
    assert.notDeepEqual(now, previous, `sample ${i}: rewritten within the second`);
    previous = now;
  }
}

test('postern tlsmgr -c DIR with tls_random_upd_period = 1s keeps a 1,024-byte exchange file that changes every second', async () => {
  const dir = mkdtempSync(join(root, 'conf-'));
  writeFileSync(
    join(dir, 'main.cf'),
    'tls_random_source = dev:/dev/urandom\ntls_random_exchange_name = $config_directory/prng_exch\ntls_random_upd_period = 1s\n',
  );
  const mgr = startPeer(process.execPath, [POSTERN, 'tlsmgr', '-c', dir]);
  await mgr.waitFor(/started: exchange file/);
  assert.match(mgr.stderr(), /creating PRNG exchange file .*prng_exch/);
  await expectFreshEverySecond(join(dir, 'prng_exch'), 3);
  mgr.proc.kill('SIGTERM');
  assert.equal(await mgr.exited, 0);
  assert.match(mgr.stderr(), /stopped on SIGTERM after \d+ exchange file writes/);
});

test('postern tlsmgr with the values as options (--exchange, --source, --upd-period)', async () => {
  const exchange = join(root, 'opt_exch');
  const mgr = startPeer(process.execPath, [
    POSTERN,
    'tlsmgr',
    '--exchange',
    exchange,
    '--source',
    'dev:/dev/urandom',
    '--upd-period',
    '1s',
    '--reseed-period',
    '1m',
  ]);
  await mgr.waitFor(/started: exchange file/);
  assert.match(mgr.stderr(), /update period 1s, reseed period 60s/);
  await expectFreshEverySecond(exchange, 2);
  mgr.proc.kill('SIGINT');
  assert.equal(await mgr.exited, 0);
});

test('postern tlsmgr: usage and configuration errors exit 2 or 1 with the reason, without starting', async () => {
  const none = await runMain(['tlsmgr']);
  assert.equal(none.code, 2);
  assert.match(none.err, /give -c CONFIG_DIR or --exchange FILE/);
  const badTime = await runMain(['tlsmgr', '--exchange', join(root, 'x'), '--upd-period', 'often']);
  assert.equal(badTime.code, 2);
  assert.match(badTime.err, /--upd-period: bad value "often": expected a time/);
  const dir = mkdtempSync(join(root, 'bad-'));
  writeFileSync(join(dir, 'main.cf'), 'tls_random_bytes = lots\n');
  const badCf = await runMain(['tlsmgr', '-c', dir]);
  assert.equal(badCf.code, 1);
  assert.match(
    badCf.err,
    /main\.cf, line 1: parameter tls_random_bytes: bad value "lots": expected an integer/,
  );
  const noDir = await runMain(['tlsmgr', '--exchange', join(root, 'no', 'dir', 'prng_exch')]);
  assert.equal(noDir.code, 1);
  assert.match(noDir.err, /cannot create/);
});
