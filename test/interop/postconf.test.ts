import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { registry } from '../../src/mta/config/index.js';
import { transportParameters } from '../../src/mta/config/registry/per-transport.js';
import { runMain } from '../helpers/run-main.js';

/**
 * postern postconf against Postfix's own postconf (Debian 12: Postfix 3.7,
 * installed in "No configuration" mode: apt-get install postfix). Every
 * parameter both know has the same `postconf -d` default, except those listed
 * in DIFFERENT with the reason.
 */
const POSTCONF = '/usr/sbin/postconf';
const SEED = join(process.cwd(), 'test', 'fixtures', 'seed');

const DIFFERENT: Readonly<Record<string, string>> = {
  myhostname: 'depends on the host (its name)',
  mydomain: 'depends on the host (its name)',
  mynetworks: 'depends on the host (its interface addresses)',
  mail_name: 'this mail system is postern, not Postfix',
  process_name: "the running program's name (postconf there, postern here)",
  process_id: "the running process's ID",
  smtpd_forbid_bare_newline:
    'postern has the Postfix 3.9 default (normalize); the 3.7 backport defaults to no',
};

const dir = mkdtempSync(join(tmpdir(), 'postern-postconf-interop-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'main.cf'), '');
writeFileSync(join(dir, 'master.cf'), '');

function requirePostconf(): void {
  assert.ok(
    existsSync(POSTCONF),
    `${POSTCONF} is missing: install Postfix (apt-get install postfix, "No configuration") to run this test`,
  );
}

function parse(output: string): Map<string, string> {
  return new Map(
    output
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => [l.split(' =')[0] as string, l]),
  );
}

test('postconf -d NAME agrees with Postfix for every parameter both know', async () => {
  requirePostconf();
  const postfix = parse(execFileSync(POSTCONF, ['-c', dir, '-d'], { encoding: 'latin1' }));
  const shared = [...registry.keys()]
    .filter((name) => postfix.has(name) && !(name in DIFFERENT))
    .sort();
  assert.ok(shared.length > 250, `${shared.length} parameters in common`);
  const ours = await runMain(['postconf', '-c', dir, '-d', ...shared]);
  assert.equal(ours.err, '');
  const mine = parse(ours.out);
  const disagreements = shared
    .filter((name) => mine.get(name) !== postfix.get(name))
    .map((name) => `postern: ${mine.get(name)}\npostfix: ${postfix.get(name)}`);
  assert.deepEqual(disagreements, []);
  for (const name of Object.keys(DIFFERENT))
    assert.ok(
      registry.has(name) && postfix.has(name),
      `${name} is in DIFFERENT but not known to both`,
    );
});

test("the per-transport parameters of master.cf's delivery services agree with Postfix", async () => {
  requirePostconf();
  const transportDir = mkdtempSync(join(dir, 'transport-'));
  writeFileSync(join(transportDir, 'main.cf'), 'relay_destination_concurrency_limit = 5\n');
  writeFileSync(
    join(transportDir, 'master.cf'),
    'relay unix - - n - - smtp\nlocal unix - n n - - local\nmailman unix - n n - - pipe flags=FRX user=list argv=/bin/true\n',
  );
  const postfix = execFileSync(POSTCONF, ['-c', transportDir, '-d'], { encoding: 'latin1' });
  const known = parse(postfix);
  const names = ['relay', 'local', 'mailman']
    .flatMap((t) => transportParameters(t).map((d) => d.name))
    .filter((name) => !registry.has(name));
  assert.deepEqual(
    names.filter((name) => !known.has(name)),
    [],
    'Postfix knows each of them too',
  );
  const ours = await runMain(['postconf', '-c', transportDir, '-d', ...names]);
  const theirs = execFileSync(POSTCONF, ['-c', transportDir, '-d', ...names], {
    encoding: 'latin1',
  });
  assert.equal(ours.out, theirs);
  assert.equal(
    (await runMain(['postconf', '-c', transportDir, '-n'])).err,
    '',
    'relay_destination_concurrency_limit is known, not unused',
  );
});

test('postconf -d -x expands compatibility-level defaults as Postfix does', async () => {
  requirePostconf();
  const names = [
    'smtpd_tls_fingerprint_digest',
    'smtputf8_enable',
    'relay_domains',
    'mynetworks_style',
    'smtpd_relay_restrictions',
    'smtp_tls_dane_insecure_mx_policy',
    'tls_random_exchange_name',
    'smtpd_timeout',
  ];
  for (const level of ['0', '3.6']) {
    const levelDir = mkdtempSync(join(dir, 'level-'));
    writeFileSync(
      join(levelDir, 'main.cf'),
      `compatibility_level = ${level}\nmyhostname = mail.example.com\nmydomain = example.com\n`,
    );
    writeFileSync(join(levelDir, 'master.cf'), '');
    const postfix = execFileSync(POSTCONF, ['-c', levelDir, '-x', ...names], {
      encoding: 'latin1',
    });
    const ours = await runMain(['postconf', '-c', levelDir, '-x', ...names]);
    assert.equal(ours.out, postfix, `compatibility_level = ${level}`);
  }
});

test('postconf -c DIR -n on the seed prints what Postfix prints, plus the patch-era names Postfix 3.x no longer knows', async () => {
  requirePostconf();
  const seedDir = mkdtempSync(join(dir, 'seed-'));
  copyFileSync(join(SEED, 'main.cf'), join(seedDir, 'main.cf'));
  copyFileSync(join(SEED, 'master.cf'), join(seedDir, 'master.cf'));
  const postfix = parse(
    execFileSync(POSTCONF, ['-c', seedDir, '-n'], {
      encoding: 'latin1',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );
  const ours = parse((await runMain(['postconf', '-c', seedDir, '-n'])).out);
  for (const [name, line] of postfix) assert.equal(ours.get(name), line, name);
  const extra = [...ours.keys()].filter((name) => !postfix.has(name)).sort();
  assert.deepEqual(extra, [
    'smtp_tls_cipherlist',
    'smtpd_tls_cipherlist',
    'tls_daemon_random_source',
    'tls_random_upd_period',
  ]);
});

test("postconf -M and -P print the seed's master.cf as Postfix does", async () => {
  requirePostconf();
  const seedDir = mkdtempSync(join(dir, 'master-'));
  copyFileSync(join(SEED, 'main.cf'), join(seedDir, 'main.cf'));
  const extra =
    '127.0.0.1:2525 inet n - n - - smtpd\n  -o { smtpd_banner = $myhostname test } -v\n[::1]:2526 inet n - n - - smtpd -o syslog_name=postfix/$service_name\n';
  writeFileSync(
    join(seedDir, 'master.cf'),
    readFileSync(join(SEED, 'master.cf'), 'latin1') + extra,
  );
  for (const flags of [['-M'], ['-P'], ['-Px']]) {
    const postfix = execFileSync(POSTCONF, ['-c', seedDir, ...flags], {
      encoding: 'latin1',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const ours = await runMain(['postconf', '-c', seedDir, ...flags]);
    assert.equal(ours.out, postfix, flags.join(' '));
  }
});

const DIST = '/usr/share/postfix';

test("Postfix's own main.cf.dist, main.cf.tls and master.cf.dist read the same: postconf -n, -nx, -M and -P", async () => {
  requirePostconf();
  for (const main of ['main.cf.dist', 'main.cf.tls']) {
    assert.ok(
      existsSync(join(DIST, main)),
      `${join(DIST, main)} is missing: it comes with the postfix package`,
    );
    const distDir = mkdtempSync(join(dir, 'dist-'));
    copyFileSync(join(DIST, main), join(distDir, 'main.cf'));
    copyFileSync(join(DIST, 'master.cf.dist'), join(distDir, 'master.cf'));
    for (const flags of [['-n'], ['-nx'], ['-M'], ['-P'], ['-Px']]) {
      const postfix = execFileSync(POSTCONF, ['-c', distDir, ...flags], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const ours = (await runMain(['postconf', '-c', distDir, ...flags])).out;
      // smtpd_banner says $mail_name and debugger_command $process_name $process_id: they differ (see DIFFERENT).
      const processIndependent = (text: string): string =>
        text
          .replace(/ESMTP Postfix/g, 'ESMTP postern')
          .replace(/ddd (\S+)\/\w+ \d+ &/, 'ddd $1/PROCESS PID &');
      assert.equal(
        processIndependent(ours),
        processIndependent(postfix),
        `${main} ${flags.join(' ')}`,
      );
    }
  }
});
