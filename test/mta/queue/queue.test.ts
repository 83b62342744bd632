import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deterministicRandom } from '../../../src/prng/index.js';
import {
  MailQueue,
  recoverQueue,
  encodeResult,
  encodeDeferral,
  encodeWarned,
  isQueueId,
  newQueueId,
  queueIdTime,
  QueueFileError,
  decodeQueueFile,
} from '../../../src/mta/queue/index.js';
import { encodeQueueFile } from '../../../src/mta/queue/queue-file.js';
import { decodeRecords, encodeRecord } from '../../../src/mta/queue/record.js';
import type { NewMessage } from '../../../src/mta/queue/index.js';

const utf8 = new TextEncoder();

function sample(n = 0): NewMessage {
  return {
    arrivalTime: 1_700_000_000_000 + n,
    sender: 'alice@example.org',
    ret: 'HDRS',
    envid: 'env' + n,
    client: {
      name: 'client.example.org',
      address: '127.0.0.1',
      helo: 'client.example.org',
      protocol: 'ESMTPS',
      tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' },
    },
    recipients: [
      { address: 'bob@example.com', notify: ['FAILURE'] },
      { address: 'carol@example.com', orcpt: 'rfc822;carol@example.com' },
    ],
    content: utf8.encode(`Subject: test ${n}\r\n\r\nbody ${n}\r\n`),
  };
}

function withDir(run: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postern-queue-'));
    try {
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('queue IDs: the documented shape, sorted by arrival, the arrival time recoverable', () => {
  const r = deterministicRandom('ids');
  const a = newQueueId(1_700_000_000_123_456n, r);
  const b = newQueueId(1_700_000_000_123_457n, r);
  const c = newQueueId(1_700_000_001_000_000n, r);
  for (const id of [a, b, c]) assert.ok(isQueueId(id), id);
  assert.deepEqual([c, a, b].sort(), [a, b, c]);
  assert.equal(queueIdTime(a), 1_700_000_000_123);
  assert.ok(!isQueueId('../etc/passwd'));
  assert.ok(!isQueueId(a + 'x'));
});

test('queue file: round trip of envelope, recipients, content; appended results mark recipients done', () => {
  const chunks = encodeQueueFile(sample(1));
  const file = Buffer.concat([
    ...chunks,
    encodeResult({ index: 1, status: 'sent', dsnStatus: '2.0.0', diagnostic: '250 ok', time: 5 }),
    encodeDeferral({ time: 6, reason: 'x' }),
    encodeWarned(),
  ]);
  const m = decodeQueueFile('id', new Uint8Array(file));
  assert.equal(m.sender, 'alice@example.org');
  assert.equal(m.envid, 'env1');
  assert.equal(m.client?.tls?.protocol, 'TLSv1.3');
  assert.deepEqual(
    m.recipients.map((r) => r.address),
    ['bob@example.com', 'carol@example.com'],
  );
  assert.equal(new TextDecoder().decode(m.content), 'Subject: test 1\r\n\r\nbody 1\r\n');
  assert.deepEqual(
    m.pending.map((p) => p.index),
    [0],
  );
  assert.equal(m.deferrals.length, 1);
  assert.ok(m.warned);
});

test('queue file: a torn last append is ignored; a file without its end record or with an unknown record is refused', () => {
  const whole = Buffer.concat(encodeQueueFile(sample(2)));
  const result = encodeResult({
    index: 0,
    status: 'sent',
    dsnStatus: '2.0.0',
    diagnostic: 'ok',
    time: 1,
  });
  const torn = Buffer.concat([whole, result.subarray(0, result.length - 3)]);
  assert.equal(decodeRecords(new Uint8Array(torn)).tornTail, true);
  assert.equal(decodeQueueFile('id', new Uint8Array(torn)).pending.length, 2);
  const noEnd = Buffer.concat(encodeQueueFile(sample(2)).slice(0, -1));
  assert.throws(
    () => decodeQueueFile('id', new Uint8Array(noEnd)),
    (e: unknown) => e instanceof QueueFileError && /never completely received/.test(e.message),
  );
  const unknown = Buffer.concat([whole, Buffer.from([0x51, 0, 0, 0, 0])]);
  assert.throws(() => decodeQueueFile('id', new Uint8Array(unknown)), /unknown record type 0x51/);
  const badResult = Buffer.concat([
    whole,
    encodeResult({ index: 7, status: 'sent', dsnStatus: '2.0.0', diagnostic: '', time: 1 }),
  ]);
  assert.throws(
    () => decodeQueueFile('id', new Uint8Array(badResult)),
    /recipient 7, which does not exist/,
  );
  const badJson = Buffer.concat([
    Buffer.concat(encodeQueueFile(sample(2)).slice(0, 1)),
    encodeRecord('E', utf8.encode('{')),
    encodeRecord('X', new Uint8Array(0)),
  ]);
  assert.throws(() => decodeQueueFile('id', new Uint8Array(badJson)), /bad envelope record/);
});

test(
  'enqueue: the file is in incoming/ under its ID when the promise resolves, and reads back',
  withDir(async (dir) => {
    const q = await MailQueue.open(dir, { random: deterministicRandom('q1') });
    const id = await q.enqueue(sample(3));
    assert.ok(isQueueId(id));
    assert.deepEqual(await q.list('incoming'), [id]);
    assert.equal((await q.read('incoming', id)).envid, 'env3');
    assert.equal(await q.locate(id), 'incoming');
    assert.deepEqual(await q.listUnfinished(), []);
  }),
);

test(
  'enqueue: concurrent messages share directory fsyncs (group commit)',
  withDir(async (dir) => {
    const q = await MailQueue.open(dir, { random: deterministicRandom('q2') });
    const before = q.directorySyncs();
    const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => q.enqueue(sample(i))));
    assert.equal(new Set(ids).size, 40);
    const syncs = q.directorySyncs() - before;
    assert.ok(syncs >= 1 && syncs < 40, `40 messages took ${syncs} directory fsyncs`);
    assert.equal((await q.list('incoming')).length, 40);
  }),
);

test(
  'enqueue: an ID already taken is never overwritten; a new one is drawn',
  withDir(async (dir) => {
    let calls = 0;
    // The same microsecond and the same random digits twice, then different ones.
    const fixed = {
      bytes: (n: number) => new Uint8Array(n).fill(calls++ < 2 ? 7 : calls),
      fill: (b: Uint8Array) => void b.fill(calls++),
    };
    const q = await MailQueue.open(dir, { random: fixed, nowMicros: () => 1_700_000_000_000_000n });
    const first = await q.enqueue(sample(1));
    const second = await q.enqueue(sample(2));
    assert.notEqual(first, second);
    assert.equal((await q.read('incoming', first)).envid, 'env1');
    assert.equal((await q.read('incoming', second)).envid, 'env2');
  }),
);

test(
  'move into the hashed deferred queue and back; append; remove',
  withDir(async (dir) => {
    const q = await MailQueue.open(dir, { random: deterministicRandom('q3') });
    const id = await q.enqueue(sample(4));
    await q.move(id, 'incoming', 'active');
    await q.move(id, 'active', 'deferred');
    assert.ok(existsSync(join(dir, 'deferred', id.charAt(9), id)));
    assert.deepEqual(await q.list('deferred'), [id]);
    await q.append(
      'deferred',
      id,
      encodeResult({ index: 0, status: 'sent', dsnStatus: '2.0.0', diagnostic: 'ok', time: 2 }),
    );
    assert.deepEqual(
      (await q.read('deferred', id)).pending.map((p) => p.index),
      [1],
    );
    await q.remove('deferred', id);
    assert.equal(await q.locate(id), undefined);
    assert.throws(() => q.path('active', '../../x'), /not a queue ID/);
  }),
);

test(
  'recovery: unfinished writes and unacknowledged files removed, corrupt files moved aside, active requeued',
  withDir(async (dir) => {
    const q = await MailQueue.open(dir, { random: deterministicRandom('q4') });
    const good = await q.enqueue(sample(5));
    const inFlight = await q.enqueue(sample(6));
    await q.move(inFlight, 'incoming', 'active');
    const r = deterministicRandom('other');
    const incompleteId = newQueueId(1_700_000_000_000_001n, r);
    writeFileSync(
      join(dir, 'incoming', incompleteId),
      Buffer.concat(encodeQueueFile(sample(7)).slice(0, -1)),
    );
    const corruptId = newQueueId(1_700_000_000_000_002n, r);
    writeFileSync(
      join(dir, 'active', corruptId),
      Buffer.concat([
        ...encodeQueueFile(sample(8)).slice(0, 1),
        encodeRecord('R', utf8.encode('not json')),
        encodeRecord('X', new Uint8Array(0)),
      ]),
    );
    writeFileSync(
      join(dir, 'incoming', '.tmp-' + newQueueId(1_700_000_000_000_003n, r)),
      'partial',
    );
    const lines: string[] = [];
    const report = await recoverQueue(q, (l) => lines.push(l));
    assert.deepEqual(report, {
      removedUnfinished: 1,
      removedIncomplete: 1,
      corrupt: 1,
      requeued: 1,
    });
    assert.deepEqual((await q.list('incoming')).sort(), [good, inFlight].sort());
    assert.deepEqual(await q.list('corrupt'), [corruptId]);
    assert.deepEqual(readdirSync(join(dir, 'active')), []);
    assert.ok(
      lines.some((l) => l.includes(corruptId) && l.includes('corrupt')),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => l.includes(incompleteId) && l.includes('never completely received')),
    );
    const again = await recoverQueue(q, () => {});
    assert.deepEqual(again, {
      removedUnfinished: 0,
      removedIncomplete: 0,
      corrupt: 0,
      requeued: 0,
    });
  }),
);

test(
  'recovery leaves the temporary file of a live writer alone (another process enqueues while the queue manager restarts)',
  withDir(async (dir) => {
    const q = await MailQueue.open(dir, { random: deterministicRandom('q5') });
    const r = deterministicRandom('writers');
    const live = `.tmp-${process.pid}-${newQueueId(1_700_000_000_000_004n, r)}`;
    // Above Linux's largest pid_max (2^22): no process has it.
    const dead = `.tmp-${2 ** 31 - 1}-${newQueueId(1_700_000_000_000_005n, r)}`;
    writeFileSync(join(dir, 'incoming', live), 'being written');
    writeFileSync(join(dir, 'incoming', dead), 'left by a crash');
    assert.deepEqual(await q.listUnfinished(), [dead]);
    const report = await recoverQueue(q, () => {});
    assert.equal(report.removedUnfinished, 1);
    assert.deepEqual(readdirSync(join(dir, 'incoming')), [live]);
  }),
);
