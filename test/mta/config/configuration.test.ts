import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  ConfigError,
  loadConfiguration,
  loadMainParameters,
} from '../../../src/mta/config/index.js';

const SEED = join(process.cwd(), 'test', 'fixtures', 'seed');
const temporary: string[] = [];
after(() => temporary.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A private configuration directory with its own services file. */
function configDir(main: string, master: string): { dir: string; services: string } {
  const dir = mkdtempSync(join(tmpdir(), 'postern-config-'));
  temporary.push(dir);
  writeFileSync(join(dir, 'main.cf'), main);
  writeFileSync(join(dir, 'master.cf'), master);
  const services = join(dir, 'services');
  writeFileSync(
    services,
    'smtp 25/tcp mail\nsubmission 587/tcp\nsubmissions 465/tcp ssmtp smtps\n',
  );
  return { dir, services };
}

test('the seed (its main.cf and master.cf as the sample wrote them) loads', () => {
  const { services } = configDir('', '');
  const config = loadConfiguration(SEED, { services });
  const main = config.main;
  assert.equal(main.string('smtpd_tls_key_file'), '/etc/postfix/server.pem');
  assert.equal(main.string('smtpd_tls_dkey_file'), '/etc/postfix/server-dsa.pem');
  assert.equal(main.bool('smtpd_use_tls'), true);
  assert.equal(main.int('smtpd_tls_ccert_verifydepth'), 5);
  assert.equal(main.time('smtpd_tls_session_cache_timeout'), 3600);
  assert.deepEqual(main.tables('smtpd_tls_session_cache_database'), [
    'sdbm:/etc/postfix/smtpd_scache',
  ]);
  assert.deepEqual(main.tables('smtp_tls_per_site'), ['hash:/etc/postfix/tls_per_site']);
  assert.deepEqual(main.tables('relay_clientcerts'), ['hash:/etc/postfix/relay_clientcerts']);
  assert.equal(
    main.string('tls_random_source'),
    'egd:/var/run/egd-pool',
    'an egd: socket need not exist to load',
  );
  assert.equal(main.time('tls_random_prng_update_period'), 60, "the seed's tls_random_upd_period");
  assert.deepEqual(main.list('smtpd_sasl_tls_security_options'), ['noanonymous']);
  assert.deepEqual(main.list('smtp_sasl_tls_verified_security_options'), [
    'noplaintext',
    'noanonymous',
  ]);
  assert.deepEqual(
    config.services.map((s) => [s.name, s.type, s.address?.port]),
    [
      ['tlsmgr', 'fifo', undefined],
      ['smtps', 'inet', 465],
      ['submission', 'inet', 587],
    ],
  );
  const [, smtps, submission] = config.services;
  assert.ok(smtps && submission);
  assert.equal(config.forService(smtps).bool('smtpd_tls_wrappermode'), true);
  assert.equal(config.forService(smtps).bool('smtpd_sasl_auth_enable'), true);
  assert.equal(config.forService(submission).bool('smtpd_enforce_tls'), true);
  assert.equal(config.forService(submission).bool('smtpd_tls_wrappermode'), false);
  assert.equal(main.bool('smtpd_sasl_auth_enable'), false, 'overrides stay in their service');
  // Every parameter of the seed is registered, the patch-era names too: no warnings.
  assert.deepEqual(
    config.warnings.map((w) => w.message),
    [],
  );
});

test("an override expands in its service's context", () => {
  const { dir, services } = configDir(
    'myhostname = mail.example.com\nsmtpd_banner = $myhostname ESMTP $mail_name\n',
    'submission inet n - n - - smtpd -o myhostname=submit.example.com -o syslog_name=postfix/$service_name\n',
  );
  const config = loadConfiguration(dir, { services });
  const [submission] = config.services;
  assert.ok(submission);
  const params = config.forService(submission);
  assert.equal(params.string('smtpd_banner'), 'submit.example.com ESMTP postern');
  assert.equal(params.string('syslog_name'), 'postfix/submission');
  assert.equal(config.main.string('smtpd_banner'), 'mail.example.com ESMTP postern');
});

test("unknown parameters are warnings in Postfix's words, with file and line; referenced ones are not", () => {
  const { dir, services } = configDir(
    'my_networks_list = 10.0.0.0/8\nmynetworks = $my_networks_list\nbogus_param = 1\n',
    '',
  );
  const config = loadConfiguration(dir, { services });
  assert.deepEqual(
    config.warnings.map((w) => w.message),
    [`${join(dir, 'main.cf')}, line 3: unused parameter: bogus_param=1`],
  );
  assert.equal(config.warnings[0]?.line, 3);
  assert.deepEqual(config.main.list('mynetworks'), ['10.0.0.0/8']);
});

test('a bad value stops loading with file, line, parameter, value and what was expected', () => {
  const { dir, services } = configDir(
    '# TLS\nsmtpd_use_tls = yes\nsmtpd_tls_session_cache_timeout = one hour\n',
    '',
  );
  assert.throws(
    () => loadConfiguration(dir, { services }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(
        [err.file, err.line, err.parameter, err.value],
        [join(dir, 'main.cf'), 3, 'smtpd_tls_session_cache_timeout', 'one hour'],
      );
      assert.equal(
        err.message,
        `${join(dir, 'main.cf')}, line 3: parameter smtpd_tls_session_cache_timeout: bad value "one hour": expected a time: a number with an optional unit s, m, h, d or w`,
      );
      return true;
    },
  );
});

test('a bad -o value names master.cf and its line', () => {
  const { dir, services } = configDir(
    '',
    '# services\nsmtps inet n - n - - smtpd -o smtpd_tls_wrappermode=sure\n',
  );
  assert.throws(
    () => loadConfiguration(dir, { services }),
    new RegExp(
      `master\\.cf, line 2: parameter smtpd_tls_wrappermode: bad value "sure": expected yes or no`,
    ),
  );
});

test('an unterminated ${ is an error with file and line', () => {
  const { dir, services } = configDir(
    'relayhost = [mail.example.com]\nmyorigin = ${mydomain\n',
    '',
  );
  assert.throws(
    () => loadConfiguration(dir, { services }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.line, 2);
      assert.match(
        err.message,
        /main\.cf, line 2: parameter myorigin: bad value "\$\{mydomain": truncated macro reference: "\$\{mydomain"/,
      );
      return true;
    },
  );
});

test('an expansion loop in main.cf is an error at the line of the parameter that closes it', () => {
  const { dir, services } = configDir('a = $b\nb = $a\n', '');
  assert.throws(
    () => loadConfiguration(dir, { services }),
    /main\.cf, line \d: parameter [ab]: .*parameter expansion loop: (a -> b -> a|b -> a -> b)/,
  );
});

test("master.cf is required, as Postfix's master requires it", () => {
  const { dir, services } = configDir('', '');
  rmSync(join(dir, 'master.cf'));
  assert.throws(
    () => loadConfiguration(dir, { services }),
    /master\.cf: cannot open: no such file \(Postfix requires master\.cf too\)/,
  );
});

test('a master.cf service name the services file lacks stops loading', () => {
  const { dir, services } = configDir('', 'sieve inet n - n - - smtpd\n');
  assert.throws(
    () => loadConfiguration(dir, { services }),
    new RegExp(`master\\.cf, line 1: service "sieve" is not in ${services.replace(/[.]/g, '\\.')}`),
  );
  copyFileSync(join(SEED, 'master.cf'), join(dir, 'master.cf'));
  assert.equal(loadConfiguration(dir, { services }).services.length, 3);
});

test('each delivery transport of master.cf has its own scheduling parameters', () => {
  const { dir, services } = configDir(
    'relay_destination_concurrency_limit = 5\nrelay_destination_rate_delay = 1m\ndefault_destination_recipient_limit = 10\n',
    'relay unix - - n - - smtp\nlocal unix - n n - - local\n',
  );
  const config = loadConfiguration(dir, { services });
  assert.deepEqual(config.warnings, []);
  assert.equal(config.main.int('relay_destination_concurrency_limit'), 5);
  assert.equal(config.main.time('relay_destination_rate_delay'), 60);
  assert.equal(
    config.main.int('relay_destination_recipient_limit'),
    10,
    'falls back to default_destination_recipient_limit',
  );
  assert.equal(
    config.main.int('local_destination_recipient_limit'),
    1,
    "the registry's own declaration wins",
  );
  assert.throws(
    () => config.main.int('smtp_destination_concurrency_limit'),
    /unknown parameter/,
    'no smtp service in this master.cf',
  );
  const bad = configDir(
    'relay_destination_concurrency_limit = lots\n',
    'relay unix - - n - - smtp\n',
  );
  assert.throws(
    () => loadConfiguration(bad.dir, { services: bad.services }),
    /line 1: parameter relay_destination_concurrency_limit: bad value "lots": expected an integer/,
  );
});

test('loadMainParameters reads and checks main.cf alone', () => {
  const { dir } = configDir(
    'tls_random_source = egd:/var/run/egd-pool\ntls_random_upd_period = 60s\ndata_directory = /var/lib/postern\nstray = 1\n',
    '',
  );
  rmSync(join(dir, 'master.cf'));
  const { main, warnings } = loadMainParameters(dir);
  assert.equal(main.string('tls_random_source'), 'egd:/var/run/egd-pool');
  assert.equal(main.time('tls_random_prng_update_period'), 60);
  assert.equal(main.string('tls_random_exchange_name'), '/var/lib/postern/prng_exch');
  assert.deepEqual(
    warnings.map((w) => w.message),
    [`${join(dir, 'main.cf')}, line 4: unused parameter: stray=1`],
  );
  writeFileSync(join(dir, 'main.cf'), 'tls_random_reseed_period = 0\n');
  assert.throws(
    () => loadMainParameters(dir),
    /line 1: parameter tls_random_reseed_period: bad value "0": expected a time of at least 1s/,
  );
});
