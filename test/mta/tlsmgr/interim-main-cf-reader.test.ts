import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MainCfError, parsePositiveInt, parseTime, readTlsRandomParameters, tlsRandomDefaults } from '../../../src/mta/tlsmgr/interim-main-cf-reader.js';

const root = mkdtempSync(join(tmpdir(), 'postern-maincf-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function configDir(mainCf: string | undefined): string {
  const dir = join(root, `c${n++}`);
  mkdirSync(dir);
  if (mainCf !== undefined) writeFileSync(join(dir, 'main.cf'), mainCf);
  return dir;
}

test('no main.cf: the seed\'s defaults, the exchange file in the configuration directory', () => {
  const dir = configDir(undefined);
  assert.deepEqual(readTlsRandomParameters(dir), {
    tlsRandomSource: 'dev:/dev/urandom',
    tlsRandomBytes: 32,
    tlsRandomReseedPeriod: 3600,
    tlsRandomExchangeName: join(dir, 'prng_exch'),
    tlsRandomUpdPeriod: 60,
    tlsDaemonRandomSource: '',
    tlsDaemonRandomBytes: 32,
  });
  assert.deepEqual(readTlsRandomParameters(dir), tlsRandomDefaults(dir));
});

test('the seed\'s lines, with units, comments, continuation lines and other parameters ignored', () => {
  const dir = configDir(
    [
      '# randomness',
      'myhostname = mail.example',
      'tls_random_source = egd:/var/run/egd-pool',
      'tls_random_bytes = 64',
      'tls_random_reseed_period = 2h',
      'tls_random_exchange_name =',
      '    $config_directory/prng_exch',
      'tls_random_upd_period = 1s',
      '  # an indented comment',
      'tls_daemon_random_source = dev:/dev/urandom',
      'tls_daemon_random_bytes = 16',
      'smtpd_tls_loglevel = bogus but not ours',
    ].join('\n'),
  );
  assert.deepEqual(readTlsRandomParameters(dir), {
    tlsRandomSource: 'egd:/var/run/egd-pool',
    tlsRandomBytes: 64,
    tlsRandomReseedPeriod: 7200,
    tlsRandomExchangeName: `${dir}/prng_exch`,
    tlsRandomUpdPeriod: 1,
    tlsDaemonRandomSource: 'dev:/dev/urandom',
    tlsDaemonRandomBytes: 16,
  });
});

test('tls_random_prng_update_period (the later name) wins over tls_random_upd_period wherever it stands', () => {
  const dir = configDir('tls_random_prng_update_period = 5m\ntls_random_upd_period = 7s\n');
  assert.equal(readTlsRandomParameters(dir).tlsRandomUpdPeriod, 300);
});

test('${data_directory} comes from main.cf; other $names are refused by name', () => {
  const dir = configDir('data_directory = /var/lib/postern\ntls_random_exchange_name = ${data_directory}/prng_exch\n');
  assert.equal(readTlsRandomParameters(dir).tlsRandomExchangeName, '/var/lib/postern/prng_exch');
  const bad = configDir('tls_random_source = $queue_directory/x\n');
  assert.throws(() => readTlsRandomParameters(bad), (e: unknown) => e instanceof MainCfError && /line 1: tls_random_source: \$queue_directory/.test(e.message));
});

test('bad values stop with the file, line and parameter named', () => {
  const dir = configDir('\n\ntls_random_upd_period = soon\n');
  assert.throws(() => readTlsRandomParameters(dir), (e: unknown) => e instanceof MainCfError && e.message.startsWith(`${join(dir, 'main.cf')}, line 3: tls_random_upd_period: bad time value "soon"`));
  assert.throws(() => readTlsRandomParameters(configDir('tls_random_bytes = 0\n')), /line 1: tls_random_bytes: bad number "0"/);
  assert.throws(() => readTlsRandomParameters(configDir('this is not a parameter line\n')), /line 1: this: not a "name = value" line/);
});

test('time and number syntax', () => {
  assert.equal(parseTime('45'), 45);
  assert.equal(parseTime('3m'), 180);
  assert.equal(parseTime('1d'), 86400);
  assert.equal(parseTime('1w'), 604800);
  assert.throws(() => parseTime('0s'), /at least 1s/);
  assert.throws(() => parseTime('1.5s'), RangeError);
  assert.throws(() => parseTime('5ms'), RangeError);
  assert.equal(parsePositiveInt('32'), 32);
  assert.throws(() => parsePositiveInt('-1'), RangeError);
});
