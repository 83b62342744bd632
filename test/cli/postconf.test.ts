import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runMain } from '../helpers/run-main.js';

const SEED = join(process.cwd(), 'test', 'fixtures', 'seed');
const temporary: string[] = [];
after(() => temporary.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function configDir(main: string, master?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'postern-postconf-'));
  temporary.push(dir);
  writeFileSync(join(dir, 'main.cf'), main);
  if (master !== undefined) writeFileSync(join(dir, 'master.cf'), master);
  return dir;
}

/** The seed's `name = value` lines as postconf -n prints them: sorted, one per name. */
function seedParameters(): string[] {
  const lines = readFileSync(join(SEED, 'main.cf'), 'latin1')
    .split('\n')
    .filter((l) => /^[a-zA-Z]/.test(l));
  return [...new Map(lines.map((l) => [l.split(' = ')[0] as string, l])).values()].sort();
}

test("postconf -c DIR -n prints the seed's parameters back (and config_directory, as Postfix does for -c)", async () => {
  const { code, out, err } = await runMain(['postconf', '-c', SEED, '-n']);
  assert.equal(code, 0);
  assert.equal(err, '');
  assert.deepEqual(
    out.trimEnd().split('\n'),
    [`config_directory = ${SEED}`, ...seedParameters()].sort(),
  );
});

test('postconf NAME…, -h, -x, -d and an unknown name', async () => {
  const dir = configDir(
    'myhostname = mail.example.com\nsmtpd_banner = $myhostname ESMTP\nrelayhost =\n',
    '',
  );
  assert.deepEqual(await runMain(['postconf', '-c', dir, 'smtpd_banner', 'relayhost']), {
    code: 0,
    out: 'smtpd_banner = $myhostname ESMTP\nrelayhost =\n',
    err: '',
  });
  assert.equal(
    (await runMain(['postconf', '-c', dir, '-x', 'smtpd_banner'])).out,
    'smtpd_banner = mail.example.com ESMTP\n',
  );
  assert.equal(
    (await runMain(['postconf', '-c', dir, '-hx', 'smtpd_banner'])).out,
    'mail.example.com ESMTP\n',
  );
  assert.equal(
    (await runMain(['postconf', '-c', dir, '-d', 'smtpd_banner', 'smtpd_tls_key_file'])).out,
    'smtpd_banner = $myhostname ESMTP $mail_name\nsmtpd_tls_key_file = $smtpd_tls_cert_file\n',
  );
  assert.equal(
    (await runMain(['postconf', '-c', dir, '-d', 'smtpd_tls_fingerprint_digest'])).out,
    'smtpd_tls_fingerprint_digest = ${{$compatibility_level} <level {3.6} ? {md5} : {sha256}}\n',
  );
  assert.equal(
    (await runMain(['postconf', '-c', dir, '-dx', 'smtpd_tls_fingerprint_digest'])).out,
    'smtpd_tls_fingerprint_digest = md5\n',
  );
  assert.deepEqual(await runMain(['postconf', '-c', dir, 'no_such_thing', 'relayhost']), {
    code: 0,
    out: 'relayhost =\n',
    err: 'postconf: warning: no_such_thing: unknown parameter\n',
  });
});

test('postconf with no names prints every parameter, sorted', async () => {
  const dir = configDir('relayhost = [relay.example.com]\n', '');
  const { out } = await runMain(['postconf', '-c', dir]);
  const names = out
    .trimEnd()
    .split('\n')
    .map((l) => l.split(' =')[0] as string);
  assert.ok(names.length > 250);
  assert.deepEqual(names, [...names].sort());
  assert.ok(out.includes('\nrelayhost = [relay.example.com]\n'));
  assert.ok(out.includes('\nsmtpd_tls_session_cache_timeout = 3600s\n'));
});

test('unused parameters and a missing master.cf are warned about like Postfix; -n leaves the unused ones out', async () => {
  const dir = configDir('bogus_param = 1\nmynetworks = $my_list\nmy_list = 127.0.0.0/8\n');
  const { code, out, err } = await runMain(['postconf', '-c', dir, '-n']);
  assert.equal(code, 0);
  assert.equal(out, `config_directory = ${dir}\nmy_list = 127.0.0.0/8\nmynetworks = $my_list\n`);
  assert.equal(
    err,
    `postconf: warning: open ${join(dir, 'master.cf')}: No such file or directory\npostconf: warning: ${join(dir, 'main.cf')}, line 1: unused parameter: bogus_param=1\n`,
  );
});

test("an unknown -o parameter is warned about with master.cf's line; one used by reference is not", async () => {
  const dir = configDir(
    'mua_restrictions = permit_sasl_authenticated, reject\n',
    '# services\nsubmission inet n - n - - smtpd -o smtpd_client_restrictions=$mua_restrictions -o bogus_o=1\n',
  );
  const { out, err } = await runMain(['postconf', '-c', dir, '-n']);
  assert.equal(
    out,
    `config_directory = ${dir}\nmua_restrictions = permit_sasl_authenticated, reject\n`,
  );
  assert.equal(
    err,
    `postconf: warning: ${join(dir, 'master.cf')}, line 2: unused parameter: bogus_o=1\n`,
  );
});

test('postconf -e and -X edit main.cf in place, keeping comments and order', async () => {
  const dir = configDir(
    '# mail\nmyhostname = a.example\n# tls\nsmtpd_use_tls = no\nrelayhost = x\n',
    '',
  );
  assert.equal(
    (await runMain(['postconf', '-c', dir, '-e', 'smtpd_use_tls=yes', 'mydomain = example.org']))
      .code,
    0,
  );
  assert.equal((await runMain(['postconf', '-c', dir, '-X', 'relayhost'])).code, 0);
  assert.equal(
    readFileSync(join(dir, 'main.cf'), 'latin1'),
    '# mail\nmyhostname = a.example\n# tls\nsmtpd_use_tls = yes\nmydomain = example.org\n',
  );
  const bad = await runMain(['postconf', '-c', dir, '-e', 'novalue']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /-e needs name=value, not "novalue"/);
});

test("postconf -M prints master.cf services in Postfix's columns, -P their -o parameters", async () => {
  const dir = configDir('myhostname = mail.example.com\n', '');
  copyFileSync(join(SEED, 'master.cf'), join(dir, 'master.cf'));
  writeFileSync(
    join(dir, 'master.cf'),
    readFileSync(join(dir, 'master.cf'), 'latin1') +
      '127.0.0.1:2525 inet n - n - - smtpd\n  -o { smtpd_banner = $myhostname test } -v\n',
  );
  const services = await runMain(['postconf', '-c', dir, '-M']);
  assert.equal(
    services.out,
    [
      'tlsmgr     fifo  -       -       y       300     1       tlsmgr',
      'smtps      inet  n       -       y       -       -       smtpd -o smtpd_tls_wrappermode=yes -o smtpd_sasl_auth_enable=yes',
      'submission inet  n       -       y       -       -       smtpd -o smtpd_enforce_tls=yes -o smtpd_sasl_auth_enable=yes',
      '127.0.0.1:2525 inet n    -       n       -       -       smtpd -o {smtpd_banner=$myhostname test} -v',
      '',
    ].join('\n'),
  );
  assert.equal(
    (await runMain(['postconf', '-c', dir, '-M', 'smtps/inet'])).out
      .split('\n')[0]
      ?.startsWith('smtps '),
    true,
  );
  const parameters = await runMain(['postconf', '-c', dir, '-P']);
  assert.equal(
    parameters.out,
    [
      'smtps/inet/smtpd_sasl_auth_enable = yes',
      'smtps/inet/smtpd_tls_wrappermode = yes',
      'submission/inet/smtpd_enforce_tls = yes',
      'submission/inet/smtpd_sasl_auth_enable = yes',
      '127.0.0.1:2525/inet/smtpd_banner = $myhostname test',
      '',
    ].join('\n'),
  );
  assert.equal(
    (await runMain(['postconf', '-c', dir, '-Px', '127.0.0.1:2525/inet/smtpd_banner'])).out,
    '127.0.0.1:2525/inet/smtpd_banner = mail.example.com test\n',
  );
});

test('usage errors', async () => {
  assert.equal((await runMain(['postconf', '-q'])).code, 2);
  assert.equal((await runMain(['postconf', '-M', '-P'])).code, 2);
  assert.equal((await runMain(['postconf', '-c'])).code, 2);
  const missing = await runMain(['postconf', '-c', '/nonexistent-postern-dir', '-n']);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /\/nonexistent-postern-dir\/main\.cf: cannot open: no such file/);
});
