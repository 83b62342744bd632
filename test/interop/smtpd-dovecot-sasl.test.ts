import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { ensureDefaultConfiguration } from '../../src/mta/defaults/index.js';
import { createSystemRandom } from '../../src/prng/index.js';
import { startDovecot } from '../helpers/dovecot.js';
import { freePort, run, startPeer } from '../helpers/processes.js';

/** `postern start` with smtpd_sasl_type = dovecot against a private Dovecot auth socket; swaks AUTH over STARTTLS. Needs dovecot-core and swaks. */

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'postern-smtpd-dovecot-'));
// Dovecot's auth process (user dovecot) must reach its users file: its directory is a temp dir of its own, made world-searchable by startDovecot.
const dovecotDir = mkdtempSync(join(tmpdir(), 'postern-dovecot-'));
after(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(dovecotDir, { recursive: true, force: true });
});

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

test('smtpd_sasl_type = dovecot: swaks --auth PLAIN and LOGIN over --tls; a bad password gets 535 5.7.8; the log names sasl_method and sasl_username', async () => {
  const dovecot = await startDovecot(dovecotDir, 'tim:{PLAIN}tanstaaftanstaaf\n');
  const root = join(work, 'root');
  const conf = await ensureDefaultConfiguration(root, {
    random: createSystemRandom(),
    log: { info: () => undefined, warn: () => undefined },
    hostname: 'mx.example.test',
  });
  const port = await freePort();
  const defaults = readFileSync(conf.masterCf, 'utf8');
  writeFileSync(
    conf.masterCf,
    `127.0.0.1:${port} inet n - n - - smtpd -o smtpd_sasl_auth_enable=yes -o smtpd_tls_auth_only=yes\n` +
      defaults.slice(defaults.indexOf('tlsmgr')),
  );
  const mainCf = readFileSync(conf.mainCf, 'utf8');
  writeFileSync(
    conf.mainCf,
    mainCf
      .replace(
        /^smtpd_sasl_type = postern$/m,
        `smtpd_sasl_type = dovecot\nsmtpd_sasl_path = ${dovecot.socket}`,
      )
      .replace(/^smtpd_sasl_password_maps = .*$/m, ''),
  );

  const postern = startPeer(
    process.execPath,
    [join(repo, 'bin', 'postern.js'), 'start', '-c', conf.configDirectory],
    { cwd: root },
  );
  try {
    await waitListening(port, postern.exited);
    const swaks = (...args: string[]) =>
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
          '--tls',
          ...args,
        ],
        '',
        60_000,
      );
    for (const mechanism of ['PLAIN', 'LOGIN']) {
      const r = await swaks(
        '--auth',
        mechanism,
        '--auth-user',
        'tim',
        '--auth-password',
        'tanstaaftanstaaf',
      );
      assert.equal(r.code, 0, r.stdout + r.stderr + postern.stderr() + dovecot.output());
      assert.match(r.stdout, /235 2\.7\.0 Authentication successful/);
      assert.match(r.stdout, /250 2\.0\.0 Ok: queued as/);
    }
    // Last: Dovecot's auth_penalty delays later requests from an address that failed.
    const bad = await swaks('--auth', 'PLAIN', '--auth-user', 'tim', '--auth-password', 'wrong');
    assert.notEqual(bad.code, 0, bad.stdout);
    assert.match(bad.stdout, /535 5\.7\.8 /);
  } finally {
    postern.proc.kill('SIGTERM');
    await postern.exited;
    await dovecot.stop();
  }
  // maillog_file of the default configuration, complete once the master has exited.
  const log = readFileSync(conf.logFile, 'utf8');
  assert.match(log, /sasl_method=PLAIN, sasl_username=tim/);
  assert.match(log, /sasl_method=LOGIN, sasl_username=tim/);
});
