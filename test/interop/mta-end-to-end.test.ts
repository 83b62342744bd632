import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { run } from '../helpers/processes.js';
import { PosternInstance } from '../helpers/postern-instance.js';

/**
 * Issue 14, "End to end": `postern start -c DIR` as a real child process;
 * swaks --tls and Python smtplib (starttls) each send a message, which the
 * queue manager delivers to the Maildir with the Received header's TLS clause
 * (smtpd_tls_received_header = yes); SIGTERM stops every process, exit 0.
 * Needs swaks, python3 and openssl.
 */

// Postfix's smtpd_tls_received_header clause (smtpd/smtpd.c), as our smtpd writes it.
const TLS_CLAUSE =
  /\(using TLSv1\.3 with cipher TLS_[A-Z0-9_]+ \(\d+\/\d+ bits\)\s+key-exchange \S+ server-signature RSA-PSS \(2048 bits\) server-digest SHA256\)/;

const PYTHON_SEND = `
import smtplib, sys
s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=30)
s.ehlo('python.client.test')
s.starttls()
s.ehlo('python.client.test')
s.sendmail('py@example.org', ['bob@localhost'], 'From: py@example.org\\r\\nTo: bob@localhost\\r\\nSubject: from smtplib\\r\\n\\r\\nsent by python smtplib\\r\\n')
s.quit()
`;

async function waitForFiles(dir: string, count: number, timeoutMs = 20_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (names.length >= count || Date.now() > deadline) return names.map((n) => join(dir, n));
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('postern start, end to end', () => {
  let mta: PosternInstance;
  before(async () => {
    mta = await PosternInstance.create();
    await mta.start();
  });
  after(async () => {
    await mta.dispose();
  });

  test('swaks --tls and Python smtplib starttls: both in Maildir/new with the Received TLS clause; SIGTERM exits 0 with no process left', async () => {
    const swaks = await run(
      'swaks',
      [
        '--server',
        `127.0.0.1:${mta.port}`,
        '--tls',
        '--from',
        'swaks@example.org',
        '--to',
        'bob@localhost',
        '--helo',
        'swaks.client.test',
        '--header',
        'Subject: from swaks',
        '--body',
        'sent by swaks',
        '--timeout',
        '30',
      ],
      '',
      60_000,
    );
    assert.equal(swaks.code, 0, swaks.stdout + swaks.stderr);
    assert.match(swaks.stdout, /<~ {2}250 2\.0\.0 Ok: queued as \S+/);
    const py = await run('python3', ['-c', PYTHON_SEND, String(mta.port)], '', 60_000);
    assert.equal(py.code, 0, py.stdout + py.stderr);

    const files = await waitForFiles(mta.maildirNew('bob'), 2);
    assert.equal(files.length, 2, `Maildir new/: ${files.join(', ')}\n${mta.log()}`);
    const messages = files.map((f) => readFileSync(f, 'utf8'));
    const fromSwaks = messages.find((m) => /^Subject: from swaks$/m.test(m));
    const fromPython = messages.find((m) => /^Subject: from smtplib$/m.test(m));
    assert.ok(fromSwaks !== undefined && fromPython !== undefined, messages.join('\n----\n'));
    for (const [m, helo, body] of [
      [fromSwaks, 'swaks.client.test', 'sent by swaks'],
      [fromPython, 'python.client.test', 'sent by python smtplib'],
    ] as const) {
      const received = /^Received: [^\n]*(\n\s[^\n]*)*/m.exec(m)?.[0] ?? '';
      assert.match(
        received,
        new RegExp(
          `^Received: from ${helo.replace(/\./g, '\\.')} \\(unknown \\[127\\.0\\.0\\.1\\]\\)`,
        ),
        received,
      );
      assert.match(received, TLS_CLAUSE, received);
      assert.match(
        received,
        /by mx\.postern\.test \(postern\) with ESMTPS id \S+\s+for <bob@localhost>;/,
        received,
      );
      assert.match(m, /^Delivered-To: bob@localhost$/m);
      assert.ok(m.includes(`\n\n${body}\n`), m);
    }
    assert.match(
      mta.log(),
      /postfix\/smtpd\[\d+\]: Anonymous TLS connection established from unknown\[127\.0\.0\.1\]: TLSv1\.3 with cipher/,
    );

    const pid = mta.pid;
    const exit = await mta.stop();
    assert.deepEqual(
      exit,
      { code: 0, signal: null, leftover: false },
      `postern group ${pid}\n${mta.stdout()}`,
    );
    assert.equal(mta.cli('status').code, 1);
  });
});
