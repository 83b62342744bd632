import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deterministicRandom } from '../../../src/prng/index.js';
import { MailQueue, encodeResult, type NewMessage } from '../../../src/mta/queue/index.js';
import { LocalTransport } from '../../../src/mta/delivery/local-transport.js';
import type { Transport } from '../../../src/mta/delivery/transport.js';
import { QueueManager, type QueueManagerOptions } from '../../../src/mta/qmgr/queue-manager.js';
import { createNotifier } from '../../../src/mta/qmgr/notifier.js';
import type { Table } from '../../../src/mta/tables/table.js';

function mapTable(entries: Record<string, string>): Table {
  const m = new Map(Object.entries(entries));
  return { spec: 'test:map', lookup: (k) => m.get(k), close: () => {} };
}

interface Rig {
  dir: string;
  queue: MailQueue;
  qmgr: QueueManager;
  lines: string[];
  clock: { now: number };
  mailbox(user: string): string[];
  close(): Promise<void>;
}

async function rig(
  opts: {
    aliases?: Record<string, string>;
    users?: string[];
    transports?: Transport[];
    qm?: Partial<QueueManagerOptions>;
  } = {},
): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'postern-qmgr-'));
  const clock = { now: 1_800_000_000_000 };
  const lines: string[] = [];
  const log = (l: string): void => void lines.push(l);
  const queue = await MailQueue.open(join(dir, 'queue'), {
    random: deterministicRandom(dir),
    nowMicros: () => BigInt(clock.now) * 1000n + BigInt(lines.length),
  });
  const isLocalDomain = (d: string): boolean => d === 'example.com' || d === 'localhost';
  let qmgr: QueueManager | undefined;
  const local = new LocalTransport({
    aliasMaps: [mapTable(opts.aliases ?? {})],
    recipientDelimiter: '+',
    mailRoot: join(dir, 'mail'),
    homeMailbox: 'Maildir/',
    isLocalDomain,
    ...(opts.users !== undefined
      ? { localRecipientMaps: [mapTable(Object.fromEntries(opts.users.map((u) => [u, 'x'])))] }
      : {}),
    resubmit: async (m, recipients) => {
      await queue.enqueue({
        arrivalTime: clock.now,
        sender: m.sender,
        recipients: recipients.map((address) => ({ address })),
        content: m.content,
      });
      qmgr?.wake();
    },
    log,
  });
  const transports = new Map<string, Transport>([
    ['local', local],
    ...(opts.transports ?? []).map((t) => [t.name, t] as [string, Transport]),
  ]);
  qmgr = new QueueManager({
    queue,
    route: (address) => {
      const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
      return isLocalDomain(domain)
        ? { transport: 'local', nexthop: 'example.com' }
        : { transport: 'smtp', nexthop: domain };
    },
    transports,
    minimalBackoffTime: 300,
    maximalBackoffTime: 4000,
    maximalQueueLifetime: 5 * 86400,
    bounceQueueLifetime: 5 * 86400,
    delayWarningTime: 0,
    queueRunDelay: 300,
    destinationConcurrencyLimit: 2,
    destinationRecipientLimit: 50,
    notify: createNotifier({
      queue,
      reportingMta: 'mx.example.com',
      bounceSizeLimit: 50000,
      now: () => clock.now,
      log,
      queued: () => qmgr?.wake(),
    }),
    log,
    now: () => clock.now,
    incomingPollMs: 50,
    ...opts.qm,
  });
  const mailbox = (user: string): string[] => {
    try {
      const d = join(dir, 'mail', user, 'Maildir', 'new');
      return readdirSync(d)
        .sort()
        .map((f) => readFileSync(join(d, f), 'utf8'));
    } catch {
      return [];
    }
  };
  return {
    dir,
    queue,
    qmgr,
    lines,
    clock,
    mailbox,
    close: async () => {
      await qmgr?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function message(
  sender: string,
  recipients: string[],
  extra: Partial<NewMessage> = {},
): NewMessage {
  return {
    arrivalTime: 1_800_000_000_000,
    sender,
    recipients: recipients.map((address) => ({ address })),
    content: new TextEncoder().encode('Subject: hi\r\nMessage-ID: <1@x>\r\n\r\nhello\r\n'),
    ...extra,
  };
}

test('qmgr: a local message lands in the Maildir with Return-Path and Delivered-To, and leaves the queue', async () => {
  const r = await rig();
  try {
    await r.qmgr.start();
    const id = await r.queue.enqueue(message('alice@example.org', ['bob+tag@example.com']));
    r.qmgr.wake();
    await r.qmgr.idle();
    const [mail] = r.mailbox('bob');
    assert.ok(
      mail?.startsWith(
        'Return-Path: <alice@example.org>\nDelivered-To: bob+tag@example.com\nSubject: hi\n',
      ),
      mail,
    );
    assert.equal(await r.queue.locate(id), undefined);
    assert.ok(
      r.lines.some(
        (l) => l.startsWith(`${id}: to=<bob+tag@example.com>`) && l.includes('status=sent'),
      ),
      r.lines.join('\n'),
    );
  } finally {
    await r.close();
  }
});

test('qmgr: an unknown user bounces with an RFC 3464 report to the sender; a bounce of a bounce is never sent', async () => {
  const r = await rig({ users: ['alice', 'bob'] });
  try {
    await r.qmgr.start();
    await r.queue.enqueue(
      message('alice@example.com', ['nobody@example.com'], {
        envid: 'E1',
        recipients: [{ address: 'nobody@example.com', orcpt: 'rfc822;nobody@example.com' }],
      }),
    );
    await r.queue.enqueue(message('', ['ghost@example.com']));
    r.qmgr.wake();
    await r.qmgr.idle();
    await r.qmgr.idle();
    const [report, ...more] = r.mailbox('alice');
    assert.equal(more.length, 0);
    assert.match(report ?? '', /^Return-Path: <>\n/);
    assert.match(report ?? '', /Subject: Undelivered Mail Returned to Sender/);
    assert.match(report ?? '', /Content-Type: multipart\/report; report-type=delivery-status;/);
    assert.match(report ?? '', /Original-Envelope-Id: E1/);
    assert.match(
      report ?? '',
      /Final-Recipient: rfc822; nobody@example.com\nOriginal-Recipient: rfc822;nobody@example.com\nAction: failed\nStatus: 5\.1\.1/,
    );
    assert.match(report ?? '', /Content-Type: message\/rfc822\n\nSubject: hi/);
    assert.equal(
      (await r.queue.list('incoming')).length + (await r.queue.list('deferred')).length,
      0,
    );
  } finally {
    await r.close();
  }
});

test('qmgr: mail for a transport postern lacks is deferred with the reason, retried after back-off, and expires into a bounce', async () => {
  const r = await rig();
  try {
    await r.qmgr.start();
    const id = await r.queue.enqueue(
      message('alice@example.com', ['carol@remote.example', 'bob@example.com']),
    );
    r.qmgr.wake();
    await r.qmgr.idle();
    assert.equal(r.mailbox('bob').length, 1);
    assert.deepEqual(await r.queue.list('deferred'), [id]);
    assert.equal(await r.queue.nextAttempt('deferred', id), r.clock.now + 300_000);
    assert.ok(
      r.lines.some((l) =>
        l.includes(
          'status=deferred (mail transport unavailable: postern has no "smtp" delivery agent)',
        ),
      ),
      r.lines.join('\n'),
    );
    await r.qmgr.flush();
    await r.qmgr.idle();
    assert.equal(r.mailbox('bob').length, 1, 'the delivered recipient is not delivered again');
    assert.deepEqual(await r.queue.list('deferred'), [id]);
    r.clock.now += 6 * 86400_000;
    await r.qmgr.flush();
    await r.qmgr.idle();
    await r.qmgr.idle();
    assert.equal(await r.queue.locate(id), undefined);
    const report = r.mailbox('alice').join('');
    assert.match(
      report,
      /Final-Recipient: rfc822; carol@remote.example\nAction: failed\nStatus: 4\.3\.0/,
    );
    assert.match(report, /message delivery time expired/);
  } finally {
    await r.close();
  }
});

test('qmgr: a recorded delivery is not repeated after a crash; the rest is delivered', async () => {
  const r = await rig();
  try {
    const id = await r.queue.enqueue(
      message('alice@example.org', ['bob@example.com', 'carol@example.com']),
    );
    await r.queue.move(id, 'incoming', 'active');
    await r.queue.append(
      'active',
      id,
      encodeResult({
        index: 0,
        status: 'sent',
        dsnStatus: '2.0.0',
        diagnostic: 'delivered before the crash',
        time: 1,
      }),
    );
    await r.qmgr.start();
    await r.qmgr.idle();
    assert.equal(r.mailbox('bob').length, 0);
    assert.equal(r.mailbox('carol').length, 1);
    assert.equal(await r.queue.locate(id), undefined);
  } finally {
    await r.close();
  }
});

test('qmgr: aliases expand to local users (once each) and remote addresses go out as a new message', async () => {
  const r = await rig({
    aliases: {
      staff: 'bob, carol, dave@remote.example, staff',
      postmaster: 'bob',
      loop: 'loop2',
      loop2: 'loop',
    },
  });
  try {
    await r.qmgr.start();
    await r.queue.enqueue(
      message('alice@example.org', [
        'staff@example.com',
        'postmaster@example.com',
        'loop@example.com',
      ]),
    );
    r.qmgr.wake();
    await r.qmgr.idle();
    await r.qmgr.idle();
    assert.equal(r.mailbox('bob').length, 2);
    assert.equal(r.mailbox('carol').length, 1);
    assert.equal(
      r.mailbox('staff').length,
      1,
      'an alias naming itself is delivered to its mailbox',
    );
    assert.ok(
      r.lines.some(
        (l) =>
          l.includes('to=<loop@example.com>') &&
          l.includes('status=bounced (alias expansion of loop@example.com loops back on itself)'),
      ),
      r.lines.join('\n'),
    );
    // Deferred (no smtp transport here): the forwarded copy, and the loop's bounce to the remote sender.
    const deferred = await Promise.all(
      (await r.queue.list('deferred')).map((id) => r.queue.read('deferred', id)),
    );
    assert.deepEqual(
      deferred.map((m) => `${m.sender} -> ${m.recipients.map((x) => x.address).join(',')}`).sort(),
      [' -> alice@example.org', 'alice@example.org -> dave@remote.example'],
    );
  } finally {
    await r.close();
  }
});

test('qmgr: a delay warning goes once, with headers only, after delay_warning_time', async () => {
  const r = await rig({ qm: { delayWarningTime: 3600 } });
  try {
    await r.qmgr.start();
    await r.queue.enqueue(message('alice@example.com', ['carol@remote.example']));
    r.qmgr.wake();
    await r.qmgr.idle();
    assert.equal(r.mailbox('alice').length, 0);
    r.clock.now += 2 * 3600_000;
    await r.qmgr.flush();
    await r.qmgr.idle();
    await r.qmgr.idle();
    r.clock.now += 2 * 3600_000;
    await r.qmgr.flush();
    await r.qmgr.idle();
    await r.qmgr.idle();
    const notices = r.mailbox('alice');
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /Subject: Delayed Mail \(still being retried\)/);
    assert.match(notices[0]!, /Action: delayed/);
    assert.match(notices[0]!, /Content-Type: text\/rfc822-headers/);
  } finally {
    await r.close();
  }
});

test('qmgr: per-destination concurrency is bounded and recipients are split by the recipient limit', async () => {
  let active = 0;
  let peak = 0;
  const sizes: number[] = [];
  const slow: Transport = {
    name: 'smtp',
    deliver: async (req) => {
      active++;
      peak = Math.max(peak, active);
      sizes.push(req.recipients.length);
      await new Promise((res) => setTimeout(res, 20));
      active--;
      return req.recipients.map((x) => ({
        index: x.index,
        status: 'sent',
        dsnStatus: '2.0.0',
        diagnostic: '250 ok',
      }));
    },
  };
  const r = await rig({ transports: [slow], qm: { destinationRecipientLimit: 3 } });
  try {
    await r.qmgr.start();
    for (let i = 0; i < 4; i++)
      await r.queue.enqueue(
        message(
          'alice@example.org',
          Array.from({ length: 7 }, (_, j) => `u${i}.${j}@remote.example`),
        ),
      );
    r.qmgr.wake();
    await r.qmgr.idle();
    assert.equal(peak, 2);
    assert.deepEqual([...sizes].sort(), Array(4).fill([3, 3, 1]).flat().sort());
    assert.equal(
      (await r.queue.list('incoming')).length + (await r.queue.list('active')).length,
      0,
    );
  } finally {
    await r.close();
  }
});
