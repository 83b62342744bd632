// master.cf's smtp lines as transports of the queue manager: the service
// name is the transport name, its -o overrides reach the smtp_* parameters,
// and per-recipient answers end as the local transport's do (sent, deferred
// with back-off, bounced with a DSN to the sender), logged as smtp(8) does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deterministicRandom } from '../../../src/prng/index.js';
import { loadConfiguration } from '../../../src/mta/config/index.js';
import { createSmtpTransports } from '../../../src/mta/delivery/smtp-service.js';
import { createQmgrService } from '../../../src/mta/qmgr/qmgr-service.js';
import { openTable } from '../../../src/mta/tables/open.js';
import { planServices } from '../../../src/mta/master/service-plan.js';
import { ScriptedPeer, upToData } from './scripted-peer.js';
import type { PeerLink } from './scripted-peer.js';

/** A server answering each RCPT by its local part: ok 250, soft 450, hard 550; records the message. */
function answeringPeer(): ScriptedPeer & { messages: string[] } {
  const messages: string[] = [];
  const peer = new ScriptedPeer(async (link: PeerLink) => {
    link.send('220 peer.example ESMTP');
    for (;;) {
      const line = await link.line();
      if (/^EHLO/i.test(line)) link.send('250-peer.example\r\n250 8BITMIME');
      else if (/^MAIL/i.test(line)) link.send('250 2.1.0 Ok');
      else if (/^RCPT TO:<ok/i.test(line)) link.send('250 2.1.5 Ok');
      else if (/^RCPT TO:<soft/i.test(line))
        link.send('450 4.2.0 <soft@remote.example>: Recipient address rejected: try later');
      else if (/^RCPT TO:<hard/i.test(line))
        link.send('550 5.1.1 <hard@remote.example>: Recipient address rejected: User unknown');
      else if (/^DATA/i.test(line)) {
        link.send('354 go ahead');
        const body: string[] = [];
        for (let l = await link.line(); l !== '.'; l = await link.line()) body.push(l);
        messages.push(body.join('\n'));
        link.send('250 2.0.0 Ok: queued as PEER1');
      } else if (/^QUIT/i.test(line)) {
        link.send('221 2.0.0 Bye');
        link.socket.end();
        return;
      } else link.send('250 Ok');
    }
  });
  return Object.assign(peer, { messages });
}

interface Rig {
  dir: string;
  lines: string[];
  close(): Promise<void>;
}

async function rig(
  port: number,
  extraMain = '',
): Promise<Rig & Awaited<ReturnType<typeof createQmgrService>> & { transports: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'postern-smtp-service-'));
  writeFileSync(
    join(dir, 'main.cf'),
    [
      'myhostname = client.example',
      'mydomain = client.example',
      'mydestination = client.example',
      `queue_directory = ${dir}/queue`,
      `data_directory = ${dir}/data`,
      'local_recipient_maps =',
      'alias_maps =',
      `transport_maps = inline:{ remote.example=smtp:[127.0.0.1]:${port}, relayed.example=relay:[127.0.0.1]:${port} }`,
      'minimal_backoff_time = 300s',
      extraMain,
    ].join('\n') + '\n',
  );
  writeFileSync(
    join(dir, 'master.cf'),
    [
      'smtp      unix  -       -       n       -       -       smtp',
      'relay     unix  -       -       n       -       -       smtp',
      '  -o smtp_helo_name=relay-client.example',
      'local     unix  -       n       n       -       -       local',
    ].join('\n') + '\n',
  );
  const config = loadConfiguration(dir);
  const lines: string[] = [];
  const log = (l: string): void => void lines.push(l);
  const open = (spec: string) => openTable(spec, { baseDirectory: dir, warn: log });
  const transports = await createSmtpTransports(config, {
    openTable: open,
    log: () => (l) => lines.push(`smtp: ${l}`),
  });
  const service = await createQmgrService({
    params: config.main,
    random: deterministicRandom(dir),
    openTable: open,
    log,
    transports,
  });
  return {
    ...service,
    dir,
    lines,
    transports: transports.map((t) => t.name),
    close: async () => {
      await service.manager.stop();
      await Promise.all(transports.map((t) => t.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function maildirFiles(dir: string, user: string): string[] {
  const folder = join(dir, 'data', 'mail', user, 'Maildir', 'new');
  return existsSync(folder)
    ? readdirSync(folder).map((f) => readFileSync(join(folder, f), 'utf8'))
    : [];
}

test('master.cf smtp lines are transports named after the service; the plan no longer calls smtp missing', async () => {
  const peer = answeringPeer();
  await peer.start();
  const r = await rig(peer.port);
  try {
    assert.deepEqual(r.transports, ['smtp', 'relay']);
    const plan = planServices(loadConfiguration(r.dir));
    assert.ok(!plan.notices.some((n) => /smtp/.test(n)), plan.notices.join('\n'));
  } finally {
    await r.close();
    await peer.stop();
  }
});

test('the queue manager delivers through smtp: 250 sent, 450 deferred with back-off, 550 bounced with a DSN; smtp(8) log lines', async () => {
  const peer = answeringPeer();
  await peer.start();
  const r = await rig(peer.port);
  try {
    const id = await r.queue.enqueue({
      arrivalTime: Date.now(),
      sender: 'alice@client.example',
      recipients: [
        { address: 'ok@remote.example' },
        { address: 'soft@remote.example' },
        { address: 'hard@remote.example' },
      ],
      content: new Uint8Array(Buffer.from('Subject: hello\r\n\r\nHi there.\r\n')),
    });
    await r.manager.start();
    await r.manager.idle();
    await r.manager.idle();
    assert.equal(peer.messages.length, 1);
    assert.match(peer.messages[0] ?? '', /Hi there\./);
    const relay = `127.0.0.1\\[127\\.0\\.0\\.1\\]:${peer.port}`;
    assert.ok(
      r.lines.some((l) =>
        new RegExp(
          `^smtp: ${id}: to=<ok@remote\\.example>, relay=${relay}, delay=\\d+\\.\\d\\d, dsn=2\\.0\\.0, status=sent \\(250 2\\.0\\.0 Ok: queued as PEER1\\)$`,
        ).test(l),
      ),
      r.lines.join('\n'),
    );
    assert.equal(
      r.lines.filter((l) => l.includes('to=<ok@remote.example>')).length,
      1,
      'one line per recipient and attempt',
    );
    assert.ok(
      r.lines.some((l) =>
        new RegExp(
          `^smtp: ${id}: to=<soft@remote\\.example>, relay=${relay}, delay=\\S+, dsn=4\\.2\\.0, status=deferred \\(host 127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\] said: 450 4\\.2\\.0`,
        ).test(l),
      ),
      r.lines.join('\n'),
    );
    assert.ok(
      r.lines.some((l) =>
        new RegExp(
          `^smtp: ${id}: to=<hard@remote\\.example>, relay=${relay}, delay=\\S+, dsn=5\\.1\\.1, status=bounced`,
        ).test(l),
      ),
      r.lines.join('\n'),
    );
    // The soft recipient keeps the message queued in deferred/, due after minimal_backoff_time.
    assert.deepEqual(await r.queue.list('deferred'), [id]);
    const left = await r.queue.read('deferred', id);
    assert.deepEqual(
      left.pending.map((p) => p.recipient.address),
      ['soft@remote.example'],
    );
    assert.ok((await r.queue.nextAttempt('deferred', id)) >= Date.now() + 250_000);
    // The bounce reaches the (local) sender as an RFC 3464 report naming the remote reply.
    const notices = maildirFiles(r.dir, 'alice');
    assert.equal(notices.length, 1, r.lines.join('\n'));
    assert.match(notices[0] ?? '', /multipart\/report; report-type=delivery-status/);
    assert.match(notices[0] ?? '', /Final-Recipient: rfc822; ?hard@remote\.example/);
    assert.match(notices[0] ?? '', /Status: 5\.1\.1/);
    assert.match(notices[0] ?? '', /550 5\.1\.1 <hard@remote\.example>/);
  } finally {
    await r.close();
    await peer.stop();
  }
});

test('a relay: route goes through the relay service with its -o smtp_helo_name', async () => {
  const peer = answeringPeer();
  await peer.start();
  const r = await rig(peer.port);
  try {
    await r.queue.enqueue({
      arrivalTime: Date.now(),
      sender: 'alice@client.example',
      recipients: [{ address: 'ok@relayed.example' }],
      content: new Uint8Array(Buffer.from('Subject: r\r\n\r\nvia relay\r\n')),
    });
    await r.manager.start();
    await r.manager.idle();
    assert.equal(peer.messages.length, 1);
    assert.ok(peer.received.includes('EHLO relay-client.example'), peer.received.join('\n'));
    assert.deepEqual(await r.queue.list('deferred'), []);
    assert.deepEqual(await r.queue.list('active'), []);
  } finally {
    await r.close();
    await peer.stop();
  }
});

test('default_transport: mail for a domain with no transport_maps entry goes to smtp via the DNS servers of smtp_dns_servers', async () => {
  const { TestDnsServer } = await import('../../helpers/dns-server.js');
  const peer = answeringPeer();
  await peer.start();
  const dns = new TestDnsServer({
    mx: { 'dns.example': [{ preference: 10, exchange: 'mx.dns.example' }] },
    a: { 'mx.dns.example': ['127.0.0.1'] },
  });
  await dns.start();
  const r = await rig(
    peer.port,
    `smtp_dns_servers = ${dns.server}\nsmtp_tcp_port = ${peer.port}\ninet_protocols = ipv4`,
  );
  try {
    await r.queue.enqueue({
      arrivalTime: Date.now(),
      sender: 'alice@client.example',
      recipients: [{ address: 'ok@dns.example' }],
      content: new Uint8Array(Buffer.from('Subject: d\r\n\r\nvia MX\r\n')),
    });
    await r.manager.start();
    await r.manager.idle();
    assert.equal(peer.messages.length, 1, r.lines.join('\n'));
    assert.ok(
      r.lines.some((l) =>
        l.includes(`to=<ok@dns.example>, relay=mx.dns.example[127.0.0.1]:${peer.port}`),
      ),
      r.lines.join('\n'),
    );
  } finally {
    await r.close();
    await peer.stop();
    await dns.stop();
  }
});

test(
  'bad peers through the queue manager: mid-DATA close, garbage, a stall past smtp_helo_timeout, a failed STARTTLS handshake at encrypt: the message stays deferred with the reason',
  { timeout: 60_000 },
  async () => {
    const cases: [string, (link: PeerLink) => Promise<void>, RegExp, string][] = [
      [
        'mid-DATA close',
        async (link) => {
          await upToData(link);
          await link.line();
          link.socket.destroy();
        },
        /lost connection with .* while sending end of data/,
        '',
      ],
      ['garbage', async (link) => link.send('SSH-2.0-OpenSSH_9.2'), /protocol error/, ''],
      [
        'stall',
        async () => new Promise<void>((resolve) => setTimeout(resolve, 3000)),
        /timed out while receiving the initial server greeting/,
        'smtp_helo_timeout = 1s',
      ],
      [
        'broken STARTTLS',
        async (link) => {
          link.send('220 peer.example ESMTP');
          await link.line();
          link.send('250-peer.example\r\n250 STARTTLS');
          await link.line();
          link.send('220 2.0.0 Ready to start TLS');
          link.send('this is no TLS record at all');
        },
        /TLS|handshake/i,
        'smtp_tls_security_level = encrypt',
      ],
    ];
    for (const [name, script, reason, extra] of cases) {
      const peer = new ScriptedPeer(script);
      await peer.start();
      const r = await rig(peer.port, extra);
      try {
        const id = await r.queue.enqueue({
          arrivalTime: Date.now(),
          sender: 'alice@client.example',
          recipients: [{ address: 'ok@remote.example' }],
          content: new Uint8Array(Buffer.from('Subject: bad\r\n\r\nbad peer\r\n')),
        });
        await r.manager.start();
        await r.manager.idle();
        assert.deepEqual(await r.queue.list('deferred'), [id], `${name}: ${r.lines.join('\n')}`);
        const left = await r.queue.read('deferred', id);
        assert.deepEqual(
          left.pending.map((p) => p.recipient.address),
          ['ok@remote.example'],
          name,
        );
        assert.match(left.deferrals.at(-1)?.reason ?? '', reason, `${name}: ${r.lines.join('\n')}`);
      } finally {
        await r.close();
        await peer.stop();
      }
    }
  },
);
