import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { ensureDefaultConfiguration } from '../../src/mta/defaults/index.js';
import { createSystemRandom } from '../../src/prng/index.js';
import { freePort, run, startPeer } from '../helpers/processes.js';

/** permit_tls_clientcerts with relay_clientcerts = hash:FILE of one client certificate's sha256 fingerprint. Needs openssl and swaks. */

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'postern-relay-ccert-'));
after(() => rmSync(work, { recursive: true, force: true }));

const openssl = (...args: string[]): string =>
  execFileSync('openssl', args, { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function makePki(): void {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '30',
    '-subj',
    '/CN=Test Client CA',
  );
  writeFileSync(
    join(work, 'client.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
  );
  for (const name of ['listed', 'unlisted']) {
    openssl(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${name}.client.example`,
    );
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '30',
      '-extfile',
      'client.ext',
    );
  }
}

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

test('relay_clientcerts: the listed certificate relays to a remote domain, another one gets 554 5.7.1 Relay access denied', async () => {
  makePki();
  // smtpd_tls_fingerprint_digest is sha256 at compatibility_level 3.6 (the default main.cf's).
  const fingerprint =
    /Fingerprint=([0-9A-F:]+)/.exec(
      openssl('x509', '-in', 'listed.pem', '-noout', '-fingerprint', '-sha256'),
    )?.[1] ?? '';
  assert.notEqual(fingerprint, '');
  const root = join(work, 'root');
  const conf = await ensureDefaultConfiguration(root, {
    random: createSystemRandom(),
    log: { info: () => undefined, warn: () => undefined },
    hostname: 'mx.example.test',
  });
  const table = join(conf.configDirectory, 'relay_clientcerts');
  writeFileSync(table, `${fingerprint} listed.client.example\n`);
  const postmap = await run(
    process.execPath,
    [join(repo, 'bin', 'postern.js'), 'postmap', `hash:${table}`],
    '',
    60_000,
  );
  assert.equal(postmap.code, 0, postmap.stdout + postmap.stderr);
  const port = await freePort();
  const defaults = readFileSync(conf.masterCf, 'utf8');
  writeFileSync(
    conf.masterCf,
    `127.0.0.1:${port} inet n - n - - smtpd\n` + defaults.slice(defaults.indexOf('tlsmgr')),
  );
  appendFileSync(
    conf.mainCf,
    `smtpd_tls_ask_ccert = yes\nsmtpd_tls_CAfile = ${join(work, 'ca.pem')}\nsmtpd_relay_restrictions = permit_tls_clientcerts, reject_unauth_destination\nrelay_clientcerts = hash:${table}\n`,
  );

  const postern = startPeer(
    process.execPath,
    [join(repo, 'bin', 'postern.js'), 'start', '-c', conf.configDirectory],
    { cwd: root },
  );
  try {
    await waitListening(port, postern.exited).catch((err: unknown) =>
      assert.fail(`${String(err)}\n${postern.stdout()}${postern.stderr()}`),
    );
    // Stop after RCPT: the answer to RCPT is the relay decision, and no message is left to deliver off loopback.
    const swaks = (cert: string) =>
      run(
        'swaks',
        [
          '--server',
          `127.0.0.1:${port}`,
          '--from',
          'a@example.org',
          '--to',
          'b@remote.example',
          '--helo',
          'client.example',
          '--timeout',
          '30',
          '--tls',
          '--tls-cert',
          join(work, `${cert}.pem`),
          '--tls-key',
          join(work, `${cert}.key`),
          '--quit-after',
          'RCPT',
        ],
        '',
        60_000,
      );
    const listed = await swaks('listed');
    assert.equal(listed.code, 0, listed.stdout + listed.stderr + postern.stderr());
    assert.match(listed.stdout, /~> RCPT TO:<b@remote\.example>\n<~ {2}250 2\.1\.5 /);
    const unlisted = await swaks('unlisted');
    assert.notEqual(unlisted.code, 0, unlisted.stdout);
    assert.match(unlisted.stdout, /<~\* 554 5\.7\.1 <b@remote\.example>: Relay access denied/);
  } finally {
    postern.proc.kill('SIGTERM');
    await postern.exited;
  }
});
