import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as netConnect } from 'node:net';
import { after, describe, test } from 'node:test';
import {
  VirtualAliases,
  VirtualAliasLimitError,
  type VirtualAliasOptions,
} from '../../../src/mta/cleanup/virtual-aliases.js';
import { loadMainParameters } from '../../../src/mta/config/index.js';
import { MailQueue } from '../../../src/mta/queue/index.js';
import { smtpdServerOptions } from '../../../src/mta/smtpd/smtpd-service.js';
import { openTable } from '../../../src/mta/tables/open.js';
import { SmtpServer } from '../../../src/smtp/node/server.js';
import { deterministicRandom } from '../../../src/prng/index.js';
import { ReplyReader } from '../../helpers/smtp-client.js';

const dir = mkdtempSync(join(tmpdir(), 'postern-virtual-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function table(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return `texthash:${file}`;
}

function aliases(text: string, o: Partial<VirtualAliasOptions> = {}): VirtualAliases {
  return new VirtualAliases({
    tables: [
      openTable(table(`t${Math.random().toString(36).slice(2)}`, text), { checkIntervalMs: 0 }),
    ],
    recipientDelimiter: '+',
    propagateExtensions: true,
    isLocalDomain: (d) => d === 'local.example',
    myorigin: 'local.example',
    recursionLimit: 1000,
    expansionLimit: 1000,
    ...o,
  });
}

describe('virtual_alias_maps expansion (virtual(5))', () => {
  test('an address becomes its list, each result rewritten again; unknown addresses stay', () => {
    const v = aliases(
      'sales@virt.example  ann@local.example, bob@virt.example\nbob@virt.example  bob@remote.example\n',
    );
    assert.deepEqual(v.expand('sales@virt.example'), ['ann@local.example', 'bob@remote.example']);
    assert.deepEqual(v.expand('other@virt.example'), ['other@virt.example']);
  });

  test('a result naming the address itself is kept and not expanded again; duplicates are dropped', () => {
    const v = aliases(
      'postmaster@virt.example  postmaster@virt.example, admin@local.example, Admin@local.example\n',
    );
    assert.deepEqual(v.expand('postmaster@virt.example'), [
      'postmaster@virt.example',
      'admin@local.example',
    ]);
  });

  test('key order: user+ext@domain, user@domain, bare user only in local domains, @domain last; +ext propagates', () => {
    const v = aliases(
      'joe+list@virt.example  lists@local.example\njoe@virt.example  joseph@local.example\n@virt.example  catchall@local.example\nfred  frederick\n',
    );
    assert.deepEqual(v.expand('joe+list@virt.example'), ['lists@local.example']);
    assert.deepEqual(v.expand('joe+news@virt.example'), ['joseph+news@local.example']);
    assert.deepEqual(v.expand('nobody@virt.example'), ['catchall@local.example']);
    assert.deepEqual(
      v.expand('fred@local.example'),
      ['frederick@local.example'],
      'the bare key, and myorigin for a result without a domain',
    );
    assert.deepEqual(
      v.expand('fred@virt.example'),
      ['catchall@local.example'],
      'the bare key is not used for a virtual domain',
    );
    const plain = aliases('joe@virt.example  joseph@local.example\n', {
      propagateExtensions: false,
    });
    assert.deepEqual(plain.expand('joe+news@virt.example'), ['joseph@local.example']);
  });

  test('a loop or an oversized expansion throws, so the message is deferred', () => {
    const loop = aliases('a@virt.example  b@virt.example\nb@virt.example  a@virt.example\n', {
      recursionLimit: 20,
    });
    assert.throws(
      () => loop.expand('a@virt.example'),
      (e: unknown) => e instanceof VirtualAliasLimitError && /nesting for/.test(e.message),
    );
    const big = aliases('all@virt.example  a@x.example b@x.example c@x.example d@x.example\n', {
      expansionLimit: 3,
    });
    assert.throws(
      () => big.expand('all@virt.example'),
      (e: unknown) =>
        e instanceof VirtualAliasLimitError &&
        /expansion size for all@virt\.example/.test(e.message),
    );
  });
});

describe('smtpd with virtual_alias_maps over loopback', () => {
  test('a virtual alias domain takes only listed users (550 5.1.1), the queue holds the rewritten recipients with ORCPT', async () => {
    const conf = join(dir, 'conf');
    const virtual = table(
      'virtual',
      'sales@virt.example  ann@local.example, bob@remote.example\nvirt.example  anything\n',
    );
    writeFileSync(join(dir, 'local-users'), 'ann x\n');
    const main = [
      'compatibility_level = 3.6',
      `queue_directory = ${join(dir, 'queue')}`,
      'myhostname = mx.local.example',
      'mydestination = local.example',
      `local_recipient_maps = texthash:${join(dir, 'local-users')}`,
      `virtual_alias_maps = ${virtual}`,
      'smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination',
      'mynetworks = 192.0.2.0/24',
    ];
    mkdirSync(conf, { recursive: true });
    writeFileSync(join(conf, 'main.cf'), main.join('\n') + '\n');
    const params = loadMainParameters(conf).main;
    const random = deterministicRandom('virtual');
    const queue = await MailQueue.open(params.string('queue_directory'), { random });
    const log: string[] = [];
    const server = new SmtpServer(
      await smtpdServerOptions({
        params,
        queue,
        random,
        openTable: (spec) => openTable(spec, { baseDirectory: conf }),
        log: (l) => log.push(l),
        queued: () => {},
      }),
    );
    const { port } = await server.listen(0);
    try {
      const r = new ReplyReader(netConnect({ host: '127.0.0.1', port }));
      await r.next();
      await r.command('EHLO client.example');
      assert.equal((await r.command('MAIL FROM:<s@client.example>')).code, 250);
      assert.deepEqual(await r.command('RCPT TO:<nobody@virt.example>'), {
        code: 550,
        enhanced: '5.1.1',
        lines: [
          '<nobody@virt.example>: Recipient address rejected: User unknown in virtual alias table',
        ],
      });
      assert.equal(
        (await r.command('RCPT TO:<sales@virt.example>')).code,
        250,
        'a listed virtual user, though not a local user and not a relay domain',
      );
      assert.equal((await r.command('RCPT TO:<ann@local.example>')).code, 250);
      assert.equal((await r.command('DATA')).code, 354);
      const done = await r.command('Subject: v\r\n\r\nbody\r\n.');
      assert.equal(done.code, 250, done.lines.join());
      await r.command('QUIT');
      const [id] = await queue.list('incoming');
      assert.ok(id !== undefined);
      const m = await queue.read('incoming', id);
      assert.deepEqual(
        m.recipients.map((x) => [x.address, x.orcpt]),
        [
          ['ann@local.example', 'rfc822;sales@virt.example'],
          ['bob@remote.example', 'rfc822;sales@virt.example'],
        ],
      );
      assert.ok(
        log.some((l) =>
          l.endsWith(
            `${id}: from=<s@client.example>, size=${'Subject: v\r\n\r\nbody\r\n'.length}, nrcpt=2 (queue active)`,
          ),
        ),
        log.join('\n'),
      );
    } finally {
      await server.close();
    }
  });
});
