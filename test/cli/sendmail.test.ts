import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { deterministicRandom } from '../../src/prng/index.js';
import { MailQueue } from '../../src/mta/queue/index.js';

const bin = fileURLToPath(new URL('../../../bin/postern.js', import.meta.url));

function sendmail(
  args: string[],
  input: string,
  env: NodeJS.ProcessEnv = process.env,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, 'sendmail', ...args], {
    input,
    encoding: 'latin1',
    timeout: 20_000,
    env,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A configuration directory whose main.cf puts the queue inside it. */
function configDir(extra = '', mynetworks = '127.0.0.0/8'): string {
  const dir = mkdtempSync(join(tmpdir(), 'postern-sendmail-'));
  writeFileSync(
    join(dir, 'main.cf'),
    `queue_directory = ${dir}/queue\ndata_directory = ${dir}/data\nmyhostname = mx.example.test\nmydestination = example.test\nmynetworks = ${mynetworks}\nlocal_recipient_maps =\ncompatibility_level = 3.6\n${extra}`,
  );
  return dir;
}

async function incoming(dir: string): Promise<{ queue: MailQueue; ids: string[] }> {
  const queue = await MailQueue.open(join(dir, 'queue'), {
    random: deterministicRandom('sendmail-test'),
  });
  return { queue, ids: await queue.list('incoming') };
}

test('sendmail -bs: SMTP on stdin/stdout, no STARTTLS, the message lands in the queue with its envelope and Received', async () => {
  const dir = configDir('smtpd_tls_security_level = may\n');
  try {
    const r = sendmail(
      ['-bs', '-C', dir],
      'EHLO local\r\nSTARTTLS\r\nMAIL FROM:<me@example.org>\r\nRCPT TO:<you@example.com> NOTIFY=NEVER\r\nDATA\r\nSubject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^220 mx\.example\.test ESMTP postern\r\n/);
    assert.doesNotMatch(r.stdout, /STARTTLS/);
    assert.match(r.stdout, /502 5\.5\.1 Error: command not implemented\r\n/);
    const id = /250 2\.0\.0 Ok: queued as (\w+)\r\n221 2\.0\.0 Bye\r\n$/.exec(r.stdout)?.[1];
    assert.ok(id !== undefined, r.stdout);
    const { queue, ids } = await incoming(dir);
    assert.deepEqual(ids, [id]);
    const m = await queue.read('incoming', id);
    assert.equal(m.sender, 'me@example.org');
    assert.deepEqual(m.recipients, [{ address: 'you@example.com', notify: [] }]);
    assert.equal(m.client?.address, '127.0.0.1');
    assert.equal(m.client?.tls, undefined);
    const text = Buffer.from(m.content).toString('latin1');
    assert.match(
      text,
      new RegExp(
        `^Received: from local \\(localhost \\[127\\.0\\.0\\.1\\]\\)\\r\\n\\tby mx\\.example\\.test \\(postern\\) with ESMTP id ${id}\\r\\n`,
      ),
    );
    assert.match(text, /\r\nSubject: hi\r\n\r\nbody\r\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sendmail -bs: $MAIL_CONFIG is the default; smtpd restrictions apply; a message finished before stdin ends is still queued', async () => {
  const dir = configDir('', '10.0.0.0/8');
  try {
    const r = sendmail(
      ['-bs'],
      'HELO l\r\nMAIL FROM:<>\r\nRCPT TO:<x@elsewhere.example>\r\nRCPT TO:<postmaster@example.test>\r\nDATA\r\n.\r\n',
      { ...process.env, MAIL_CONFIG: dir },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\r\n454 4\.7\.1 <x@elsewhere\.example>: Relay access denied\r\n/);
    const { queue, ids } = await incoming(dir);
    assert.equal(ids.length, 1);
    assert.deepEqual(
      (await queue.read('incoming', ids[0]!)).recipients.map((x) => x.address),
      ['postmaster@example.test'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sendmail: other modes are refused; a missing main.cf is an error naming it', () => {
  const bad = sendmail(['-t'], '');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /only -bs/);
  const missing = sendmail(['-bs', '-C', '/nonexistent/postern'], '');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /\/nonexistent\/postern\/main\.cf/);
});
