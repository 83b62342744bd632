import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMainParameters, ParameterSet } from '../../../src/mta/config/index.js';
import { tlsRandomParameters } from '../../../src/mta/tlsmgr/tls-random-parameters.js';

const root = mkdtempSync(join(tmpdir(), 'postern-tls-random-'));
after(() => rmSync(root, { recursive: true, force: true }));

function fromMainCf(text: string): ReturnType<typeof tlsRandomParameters> {
  const dir = mkdtempSync(join(root, 'conf-'));
  writeFileSync(join(dir, 'main.cf'), text);
  return tlsRandomParameters(loadMainParameters(dir).main);
}

test("no settings: the Postfix 3.x defaults of the registry, not the seed's", () => {
  const p = tlsRandomParameters(new ParameterSet(new Map()));
  assert.equal(p.tlsRandomSource, 'dev:/dev/urandom');
  assert.equal(p.tlsRandomBytes, 32);
  assert.equal(p.tlsRandomReseedPeriod, 3600);
  assert.equal(p.tlsRandomUpdPeriod, 3600);
  assert.match(p.tlsRandomExchangeName, /\/prng_exch$/);
  assert.equal(p.tlsDaemonRandomBytes, 32);
});

test("the seed's lines with units, $data_directory expanded and the patch's tls_random_upd_period honoured", () => {
  const p = fromMainCf(
    'data_directory = /srv/postern-data\ntls_random_source = egd:/var/run/egd-pool\ntls_random_bytes = 64\n' +
      'tls_random_reseed_period = 2h\ntls_random_upd_period = 1m\ntls_random_exchange_name = $data_directory/prng_exch\n' +
      'tls_daemon_random_source = dev:/dev/urandom\n',
  );
  assert.equal(p.tlsRandomSource, 'egd:/var/run/egd-pool');
  assert.equal(p.tlsRandomBytes, 64);
  assert.equal(p.tlsRandomReseedPeriod, 7200);
  assert.equal(p.tlsRandomUpdPeriod, 60);
  assert.equal(p.tlsRandomExchangeName, '/srv/postern-data/prng_exch');
  assert.equal(p.tlsDaemonRandomSource, 'dev:/dev/urandom');
});

test('tls_random_prng_update_period (the Postfix 2.2 name) wins over tls_random_upd_period', () => {
  assert.equal(
    fromMainCf('tls_random_prng_update_period = 5s\ntls_random_upd_period = 1m\n')
      .tlsRandomUpdPeriod,
    5,
  );
});

test('a bad value stops with the file and parameter named', () => {
  assert.throws(() => fromMainCf('tls_random_bytes = lots\n'), /tls_random_bytes/);
});
