import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deterministicRandom } from '../../src/prng/index.js';
import { MailQueue } from '../../src/mta/queue/index.js';
import { runMain } from '../helpers/run-main.js';

test('mailq, postsuper, postcat, postqueue over the queue of main.cf', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-qtools-'));
  try {
    writeFileSync(join(dir, 'main.cf'), `queue_directory = ${dir}/queue\n`);
    assert.equal((await runMain(['mailq', '-c', dir])).out, 'Mail queue is empty\n');
    const queue = await MailQueue.open(join(dir, 'queue'), { random: deterministicRandom('qt') });
    const id = await queue.enqueue({
      arrivalTime: Date.now(),
      sender: 'a@example.org',
      recipients: [{ address: 'b@example.com' }],
      content: new TextEncoder().encode('Subject: x\r\n\r\ny\r\n'),
    });
    const listed = await runMain(['mailq', '-c', dir]);
    assert.match(
      listed.out,
      new RegExp(
        `^${id} .* a@example\\.org\\n {42}b@example\\.com\\n\\n-- 0 Kbytes in 1 Request\\.\\n$`,
        'm',
      ),
    );
    assert.equal(
      (await runMain(['postsuper', '-c', dir, '-h', id])).err,
      'postsuper: Placed on hold: 1 message\n',
    );
    assert.match((await runMain(['postqueue', '-c', dir, '-p'])).out, new RegExp(`^${id}!`, 'm'));
    assert.match(
      (await runMain(['postcat', '-c', dir, '-q', id])).out,
      new RegExp(
        `^\\*\\*\\* ENVELOPE RECORDS hold/${id} \\*\\*\\*\\n[\\s\\S]*recipient: b@example\\.com\\n`,
      ),
    );
    const bad = await runMain(['postsuper', '-c', dir, '-d', 'nonsense']);
    assert.equal(bad.code, 1);
    assert.equal(bad.err, 'postsuper: fatal: invalid mail queue id: nonsense\n');
    assert.equal(
      (await runMain(['postsuper', '-c', dir, '-d', 'ALL'])).err,
      'postsuper: Deleted: 1 message\n',
    );
    assert.equal((await runMain(['mailq', '-c', dir])).out, 'Mail queue is empty\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
