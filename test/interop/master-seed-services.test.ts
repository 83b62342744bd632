import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { ensureDefaultConfiguration } from '../../src/mta/defaults/index.js';
import { createSystemRandom } from '../../src/prng/index.js';
import { run, startPeer } from '../helpers/processes.js';

/**
 * `postern start -c DIR` with the seed's smtps and submission master.cf lines
 * as they are (service names resolved through /etc/services, so ports 465 and
 * 587: postern has no services-file parameter yet, and this test needs root).
 * Needs `swaks`.
 */

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'postern-seed-master-'));
after(() => rmSync(work, { recursive: true, force: true }));

const SEED_SERVICES = `smtps inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_sasl_auth_enable=yes
submission inet n - n - - smtpd -o smtpd_enforce_tls=yes -o smtpd_sasl_auth_enable=yes
`;

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function waitListening(port: number, exited: Promise<number | null>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; i < 900 && !gone; i++) {
    if (await portAccepts(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`postern never listened on ${port}`);
}

test('seed smtps and submission lines: swaks --tlsc with AUTH, swaks --tls, 530 before STARTTLS, SIGTERM stops cleanly', async () => {
  const root = join(work, 'root');
  const conf = await ensureDefaultConfiguration(root, {
    random: createSystemRandom(),
    log: { info: () => undefined, warn: () => undefined },
    hostname: 'mx.example.test',
  });
  const defaults = readFileSync(conf.masterCf, 'utf8');
  const internal = defaults.slice(defaults.indexOf('tlsmgr'));
  writeFileSync(conf.masterCf, SEED_SERVICES + internal);
  // Postfix: a non-empty smtpd_tls_security_level overrides smtpd_enforce_tls, so main.cf uses the seed's smtpd_use_tls instead.
  const mainCf = readFileSync(conf.mainCf, 'utf8');
  assert.match(mainCf, /^smtpd_tls_security_level = may$/m);
  writeFileSync(
    conf.mainCf,
    mainCf.replace(/^smtpd_tls_security_level = may$/m, 'smtpd_use_tls = yes'),
  );
  const password = /^password: (.*)$/m.exec(readFileSync(conf.firstUserFile, 'utf8'))?.[1] ?? '';
  assert.notEqual(password, '');

  const postern = startPeer(
    process.execPath,
    [join(repo, 'bin', 'postern.js'), 'start', '-c', conf.configDirectory],
    { cwd: root },
  );
  try {
    await waitListening(465, postern.exited);
    await waitListening(587, postern.exited);
    const swaks = (port: number, ...args: string[]) =>
      run(
        'swaks',
        [
          '--server',
          `127.0.0.1:${port}`,
          '--from',
          'a@example.org',
          '--to',
          'postern@mx.example.test',
          '--helo',
          'client.example',
          '--timeout',
          '30',
          ...args,
        ],
        '',
        60_000,
      );
    const auth = ['--auth', 'PLAIN', '--auth-user', 'postern', '--auth-password', password];

    const smtps = await swaks(465, '--tlsc', ...auth);
    assert.equal(smtps.code, 0, smtps.stdout + smtps.stderr + postern.stderr());
    assert.match(smtps.stdout, /235 2\.7\.0 Authentication successful/);
    assert.match(smtps.stdout, /250 2\.0\.0 Ok: queued as/);

    const submission = await swaks(587, '--tls', ...auth);
    assert.equal(submission.code, 0, submission.stdout + submission.stderr);
    assert.match(submission.stdout, /250 2\.0\.0 Ok: queued as/);

    const plain = await swaks(587);
    assert.notEqual(plain.code, 0, plain.stdout);
    assert.match(plain.stdout, /530 5\.7\.0 Must issue a STARTTLS command first/);
  } finally {
    postern.proc.kill('SIGTERM');
  }
  assert.equal(await postern.exited, 0, postern.stdout() + postern.stderr());
});
