import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deterministicRandom } from '../../../src/prng/index.js';
import {
  MailQueue,
  encodeDeferral,
  encodeResult,
  type NewMessage,
} from '../../../src/mta/queue/index.js';
import { formatMailq } from '../../../src/mta/queue/listing.js';
import { formatPostcat } from '../../../src/mta/queue/postcat-format.js';
import {
  deleteMessages,
  flushMessages,
  holdMessages,
  listQueue,
  releaseMessages,
  requeueMessages,
} from '../../../src/mta/queue/queue-admin.js';

const msg = (sender: string, rcpts: string[]): NewMessage => ({
  arrivalTime: Date.UTC(2026, 11, 2, 18, 35, 19),
  sender,
  recipients: rcpts.map((address) => ({ address })),
  content: new TextEncoder().encode('Subject: s\r\n\r\nb\r\n'),
  client: { name: 'c.example', address: '192.0.2.1', protocol: 'ESMTP' },
});

async function withQueue(run: (q: MailQueue) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'postern-qadmin-'));
  try {
    await run(await MailQueue.open(dir, { random: deterministicRandom(dir) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('mailq: empty queue, then showq layout with marks, deferral reasons right-aligned, pending recipients only', async () => {
  await withQueue(async (q) => {
    assert.equal(formatMailq(await listQueue(q, () => {})), 'Mail queue is empty\n');
    const a = await q.enqueue(msg('alice@example.org', ['bob@example.com', 'carol@example.com']));
    const b = await q.enqueue(msg('', ['dave@example.com']));
    await q.move(b, 'incoming', 'active');
    await q.append(
      'active',
      b,
      encodeDeferral({
        time: 1,
        reason: 'connect to mx.example.com[192.0.2.9]:25: Connection refused',
      }),
    );
    await q.move(b, 'active', 'deferred');
    await q.append(
      'incoming',
      a,
      encodeResult({ index: 0, status: 'sent', dsnStatus: '2.0.0', diagnostic: 'ok', time: 2 }),
    );
    const items = await listQueue(q, () => {});
    const out = formatMailq(items);
    const lines = out.split('\n');
    assert.equal(lines[0], '-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------');
    assert.match(
      lines[1]!,
      new RegExp(`^${a}  +\\d+ Wed Dec  2 \\d\\d:\\d5:19  alice@example.org$`),
    );
    assert.equal(lines[2], ' '.repeat(42) + 'carol@example.com');
    assert.equal(lines[3], '');
    assert.match(lines[4]!, new RegExp(`^${b}  +\\d+ .{20} MAILER-DAEMON$`));
    assert.equal(
      lines[5],
      '(connect to mx.example.com[192.0.2.9]:25: Connection refused)'.padStart(78),
    );
    assert.equal(lines[6], ' '.repeat(42) + 'dave@example.com');
    const kb = Math.floor(items.reduce((n, i) => n + i.size, 0) / 1024);
    assert.equal(lines.at(-2), `-- ${kb} Kbytes in 2 Requests.`);
  });
});

test('postsuper -h/-H/-r/-d and postqueue -f/-i move whole files between queues', async () => {
  await withQueue(async (q) => {
    const a = await q.enqueue(msg('a@x', ['b@y']));
    const b = await q.enqueue(msg('a@x', ['c@y']));
    assert.equal(await holdMessages(q, [a]), 1);
    assert.equal(await q.locate(a), 'hold');
    assert.match(formatMailq(await listQueue(q, () => {})), new RegExp(`^${a}!`, 'm'));
    assert.equal(await releaseMessages(q, ['ALL']), 1);
    assert.equal(await q.locate(a), 'incoming');
    await q.move(b, 'incoming', 'deferred');
    assert.equal(await flushMessages(q, [b]), 1);
    assert.equal(await q.locate(b), 'incoming');
    await q.move(b, 'incoming', 'deferred');
    assert.equal(await requeueMessages(q, ['ALL']), 1);
    assert.equal(await q.locate(b), 'incoming');
    await assert.rejects(deleteMessages(q, [a, 'not-an-id']), /invalid mail queue id: not-an-id/);
    assert.equal(await q.locate(a), 'incoming', 'nothing was done');
    assert.equal(await deleteMessages(q, [a]), 1);
    assert.equal(await deleteMessages(q, ['ALL']), 1);
    assert.equal(formatMailq(await listQueue(q, () => {})), 'Mail queue is empty\n');
  });
});

test('postcat: envelope, content and appended records of a queue file', async () => {
  await withQueue(async (q) => {
    const id = await q.enqueue({
      ...msg('alice@example.org', ['bob@example.com']),
      envid: 'E9',
      recipients: [
        { address: 'bob@example.com', notify: ['SUCCESS'], orcpt: 'rfc822;bob@example.com' },
      ],
    });
    await q.append(
      'incoming',
      id,
      encodeResult({
        index: 0,
        status: 'sent',
        dsnStatus: '2.0.0',
        diagnostic: 'delivered to maildir',
        time: 3,
      }),
    );
    const out = formatPostcat('incoming', await q.read('incoming', id));
    assert.match(out, new RegExp(`^\\*\\*\\* ENVELOPE RECORDS incoming/${id} \\*\\*\\*\\n`));
    assert.match(out, /named_attribute: client_address=192\.0\.2\.1\n/);
    assert.match(
      out,
      /dsn_envelope_id: E9\nsender: alice@example\.org\noriginal_recipient: rfc822;bob@example\.com\ndsn_notify_flags: SUCCESS\nrecipient: bob@example\.com\n/,
    );
    assert.match(out, /\*\*\* MESSAGE CONTENTS .*\*\*\*\nSubject: s\n\nb\n\*\*\* HEADER EXTRACTED/);
    assert.match(
      out,
      /done_recipient: bob@example\.com: sent 2\.0\.0 \(delivered to maildir\)\n\*\*\* MESSAGE FILE END/,
    );
  });
});
