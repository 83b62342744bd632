import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Table } from '../../../src/mta/tables/table.js';
import type { PolicyVerdict, SessionFacts } from '../../../src/smtp/server/policy.js';
import type { Certificate } from '../../../src/x509/index.js';
import { parseCertificate, parsePem } from '../../../src/x509/index.js';
import { RestrictionPolicy, tableSpecs } from '../../../src/mta/smtpd/restrictions.js';
import { restrictionSettings, DEFAULT_REPLY_CODES } from '../../../src/mta/smtpd/settings.js';
import type { RestrictionSettings } from '../../../src/mta/smtpd/settings.js';
import { parseNetworkList } from '../../../src/mta/smtpd/networks.js';

/** A Map-backed Table, keys folded to lower case as hash: tables do. */
function mapTable(
  spec: string,
  entries: Record<string, string>,
  opts: { fold?: boolean; fail?: boolean } = {},
): Table & { keys: string[] } {
  const fold = opts.fold ?? true;
  const map = new Map(Object.entries(entries).map(([k, v]) => [fold ? k.toLowerCase() : k, v]));
  const keys: string[] = [];
  return {
    spec,
    keys,
    lookup(key) {
      keys.push(key);
      if (opts.fail) throw new Error('table is unreadable');
      return map.get(fold ? key.toLowerCase() : key);
    },
    close: () => undefined,
  };
}

const log: string[] = [];

type Given = Parameters<typeof restrictionSettings>[0];

function settings(over: Partial<Given> = {}): RestrictionSettings {
  return restrictionSettings({
    mynetworks: parseNetworkList('127.0.0.0/8 [::1]/128 10.0.0.0/8'),
    destinations: {
      mydestination: {
        parameter: 'mydestination',
        entries: ['mx.example.org', 'example.org', 'localhost'],
        parentMatches: false,
      },
      relayDomains: {
        parameter: 'relay_domains',
        entries: ['relayed.example'],
        parentMatches: true,
      },
      localAddresses: ['192.0.2.25', '2001:db8::25'],
    },
    log: (l) => log.push(l),
    ...over,
  });
}

function policy(over: Partial<Given> = {}, tables: Table[] = []): RestrictionPolicy {
  const byName = new Map(tables.map((t) => [t.spec, t]));
  return new RestrictionPolicy(settings(over), (spec) => {
    const t = byName.get(spec);
    if (t === undefined) throw new Error(`no such table ${spec}`);
    return t;
  });
}

function facts(stage: SessionFacts['stage'], over: Partial<SessionFacts> = {}): SessionFacts {
  return {
    stage,
    clientAddress: '198.51.100.7',
    clientPort: 40000,
    clientName: 'unknown',
    helo: 'client.example.net',
    sender: 'someone@example.net',
    recipient: stage === 'rcpt' ? 'user@elsewhere.example' : undefined,
    recipients: [],
    pipelined: false,
    ...over,
  };
}

const rcpt = (to: string, over: Partial<SessionFacts> = {}): SessionFacts =>
  facts('rcpt', { recipient: to, ...over });

function rejects(v: PolicyVerdict | Promise<PolicyVerdict>, line: string): void {
  assert.ok(!(v instanceof Promise));
  assert.equal(v.action, 'reject', JSON.stringify(v));
  if (v.action === 'reject') assert.equal(`${v.code} ${v.enhanced} ${v.text}`, line);
}

function permits(v: PolicyVerdict | Promise<PolicyVerdict>): void {
  assert.deepEqual(v, { action: 'permit' });
}

test('default smtpd_relay_restrictions: permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination', () => {
  const p = policy();
  rejects(
    p.check(rcpt('user@elsewhere.example')),
    '454 4.7.1 <user@elsewhere.example>: Relay access denied',
  );
  permits(p.check(rcpt('user@example.org')));
  permits(p.check(rcpt('User@MX.Example.ORG.')));
  permits(p.check(rcpt('user@relayed.example')));
  permits(p.check(rcpt('user@sub.relayed.example')));
  rejects(
    p.check(rcpt('user@sub.example.org')),
    '454 4.7.1 <user@sub.example.org>: Relay access denied',
  );
  permits(p.check(rcpt('user@elsewhere.example', { clientAddress: '10.1.2.3' })));
  permits(p.check(rcpt('user@elsewhere.example', { clientAddress: '::ffff:127.0.0.1' })));
  permits(p.check(rcpt('user@elsewhere.example', { saslUser: 'alice', saslMethod: 'PLAIN' })));
  permits(p.check(rcpt('user@[192.0.2.25]')));
  rejects(p.check(rcpt('user@[192.0.2.26]')), '454 4.7.1 <user@[192.0.2.26]>: Relay access denied');
  permits(p.check(rcpt('user@[IPv6:2001:db8::25]')));
  permits(p.check(rcpt('localuser')));
  rejects(
    p.check(rcpt('victim%evil.example@example.org')),
    '454 4.7.1 <victim%evil.example@example.org>: Relay access denied',
  );
  rejects(
    p.check(rcpt('evil.example!victim@example.org')),
    '454 4.7.1 <evil.example!victim@example.org>: Relay access denied',
  );
});

test('reject_unauth_destination: 554 5.7.1 Relay access denied; relay_domains_reject_code moves both', () => {
  const lists = { smtpd_relay_restrictions: ['permit_mynetworks', 'reject_unauth_destination'] };
  rejects(
    policy({ lists }).check(rcpt('x@y.example')),
    '554 5.7.1 <x@y.example>: Relay access denied',
  );
  const codes = { ...DEFAULT_REPLY_CODES, relay: 550 };
  rejects(
    policy({ lists, codes }).check(rcpt('x@y.example')),
    '550 5.7.1 <x@y.example>: Relay access denied',
  );
  rejects(
    policy({ codes }).check(rcpt('x@y.example')),
    '450 4.7.1 <x@y.example>: Relay access denied',
  );
});

test('parent_domain_matches_subdomains off for relay_domains: only .domain matches subdomains', () => {
  const destinations = {
    mydestination: { parameter: 'mydestination', entries: ['example.org'], parentMatches: false },
    relayDomains: {
      parameter: 'relay_domains',
      entries: ['relayed.example', '.dotted.example', '!no.wild.example', 'wild.example'],
      parentMatches: false,
    },
    localAddresses: [],
  };
  const p = policy({ destinations });
  rejects(
    p.check(rcpt('u@sub.relayed.example')),
    '454 4.7.1 <u@sub.relayed.example>: Relay access denied',
  );
  permits(p.check(rcpt('u@a.dotted.example')));
  permits(p.check(rcpt('u@wild.example')));
  rejects(p.check(rcpt('u@no.wild.example')), '454 4.7.1 <u@no.wild.example>: Relay access denied');
  const table = mapTable('hash:/etc/postfix/relay_domains', { 'tabled.example': 'OK' });
  const withTable = policy({
    destinations: {
      ...destinations,
      relayDomains: { parameter: 'relay_domains', entries: [table], parentMatches: true },
    },
  });
  permits(withTable.check(rcpt('u@deep.sub.tabled.example')));
});

test('smtpd_delay_reject = yes: client, HELO and sender lists wait for RCPT; = no: each at its own stage', () => {
  const lists = {
    smtpd_client_restrictions: ['reject'],
    smtpd_helo_restrictions: ['reject_non_fqdn_helo_hostname'],
    smtpd_sender_restrictions: ['reject_non_fqdn_sender'],
  };
  const delayed = policy({ lists });
  permits(delayed.check(facts('connect')));
  permits(delayed.check(facts('helo', { helo: 'localhost' })));
  permits(delayed.check(facts('mail', { sender: 'root@localhost' })));
  rejects(
    delayed.check(rcpt('u@example.org')),
    '554 5.7.1 <unknown[198.51.100.7]>: Client host rejected: Access denied',
  );
  const now = policy({ lists, delayReject: false });
  rejects(
    now.check(facts('connect', { clientName: 'host.example.net' })),
    '554 5.7.1 <host.example.net[198.51.100.7]>: Client host rejected: Access denied',
  );
  rejects(
    now.check(facts('helo', { helo: 'localhost' })),
    '504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname',
  );
  rejects(
    now.check(facts('mail', { sender: 'root@localhost' })),
    '504 5.5.2 <root@localhost>: Sender address rejected: need fully-qualified address',
  );
  permits(now.check(rcpt('u@example.org')));
});

test('at RCPT the lists run in order and a permit ends only its own list', () => {
  const lists = {
    smtpd_client_restrictions: ['permit_mynetworks', 'reject'],
    smtpd_helo_restrictions: ['permit'],
    smtpd_sender_restrictions: ['reject_non_fqdn_sender'],
  };
  const p = policy({ lists });
  rejects(
    p.check(rcpt('u@example.org', { clientAddress: '10.0.0.1', sender: 'me@localhost' })),
    '504 5.5.2 <me@localhost>: Sender address rejected: need fully-qualified address',
  );
  permits(p.check(rcpt('u@example.org', { clientAddress: '10.0.0.1' })));
});

test('HELO checks: reject_non_fqdn_helo_hostname, reject_invalid_helo_hostname, address literals', () => {
  const p = policy({
    lists: {
      smtpd_helo_restrictions: ['reject_invalid_helo_hostname', 'reject_non_fqdn_helo_hostname'],
    },
  });
  const helo = (h: string | undefined): PolicyVerdict =>
    p.check(rcpt('u@example.org', { helo: h })) as PolicyVerdict;
  permits(helo('client.example.net'));
  permits(helo('client.example.net.'));
  permits(helo('[192.0.2.1]'));
  permits(helo('[IPv6:2001:db8::1]'));
  permits(helo(undefined));
  permits(helo('under_score.example'));
  rejects(
    helo('localhost'),
    '504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname',
  );
  rejects(
    helo('bad!name.example'),
    '501 5.5.2 <bad!name.example>: Helo command rejected: Invalid name',
  );
  rejects(helo('-lead.example'), '501 5.5.2 <-lead.example>: Helo command rejected: Invalid name');
  rejects(helo('a..b.example'), '501 5.5.2 <a..b.example>: Helo command rejected: Invalid name');
  rejects(helo('[192.0.2]'), '501 5.5.2 <[192.0.2]>: Helo command rejected: invalid ip address');
  rejects(
    helo('192.0.2.1'),
    '504 5.5.2 <192.0.2.1>: Helo command rejected: need fully-qualified hostname',
  );
});

test('reject_non_fqdn_sender / _recipient: the null sender and address literals pass', () => {
  const p = policy({
    lists: {
      smtpd_sender_restrictions: ['reject_non_fqdn_sender'],
      smtpd_recipient_restrictions: ['reject_non_fqdn_recipient'],
    },
  });
  permits(p.check(rcpt('u@example.org', { sender: '' })));
  permits(p.check(rcpt('u@example.org', { sender: 'me@[192.0.2.1]' })));
  rejects(
    p.check(rcpt('u@example.org', { sender: 'me' })),
    '504 5.5.2 <me>: Sender address rejected: need fully-qualified address',
  );
  rejects(
    p.check(rcpt('postmaster@localhost')),
    '504 5.5.2 <postmaster@localhost>: Recipient address rejected: need fully-qualified address',
  );
  permits(p.check(rcpt('postmaster')));
});

test('permit, reject, defer, and the reply codes they use', () => {
  rejects(
    policy({ lists: { smtpd_recipient_restrictions: ['defer'] } }).check(rcpt('u@example.org')),
    '450 4.3.2 <u@example.org>: Recipient address rejected: Try again later',
  );
  rejects(
    policy({ lists: { smtpd_recipient_restrictions: ['reject'] } }).check(rcpt('u@example.org')),
    '554 5.7.1 <u@example.org>: Recipient address rejected: Access denied',
  );
  rejects(
    policy({
      lists: { smtpd_recipient_restrictions: ['reject'] },
      codes: { ...DEFAULT_REPLY_CODES, reject: 550 },
    }).check(rcpt('u@example.org')),
    '550 5.7.1 <u@example.org>: Recipient address rejected: Access denied',
  );
  permits(
    policy({ lists: { smtpd_recipient_restrictions: ['permit', 'reject'] } }).check(
      rcpt('u@example.org'),
    ),
  );
  rejects(
    policy({
      lists: { smtpd_recipient_restrictions: ['PERMIT_SASL_AUTHENTICATED', 'REJECT'] },
    }).check(rcpt('u@example.org')),
    '554 5.7.1 <u@example.org>: Recipient address rejected: Access denied',
  );
});

test('check_client_access: by name and parent domains, then by address and parent networks', () => {
  const table = mapTable('hash:/etc/postfix/client_access', {
    'trusted.example': 'OK',
    'spam.example': 'REJECT go away',
    '203.0.113': 'REJECT',
    '203.0.113.9': 'DUNNO',
    '2001:db8:bad': '550 5.7.0 IPv6 neighbourhood refused',
  });
  const p = policy(
    {
      lists: {
        smtpd_client_restrictions: ['check_client_access', 'hash:/etc/postfix/client_access'],
        smtpd_relay_restrictions: ['reject_unauth_destination'],
      },
    },
    [table],
  );
  permits(p.check(rcpt('u@example.org', { clientName: 'mx.trusted.example' })));
  rejects(
    p.check(rcpt('u@example.org', { clientName: 'a.b.spam.example' })),
    '554 5.7.1 <a.b.spam.example[198.51.100.7]>: Client host rejected: go away',
  );
  rejects(
    p.check(rcpt('u@example.org', { clientAddress: '203.0.113.50' })),
    '554 5.7.1 <unknown[203.0.113.50]>: Client host rejected: Access denied',
  );
  permits(p.check(rcpt('u@example.org', { clientAddress: '203.0.113.9' })));
  rejects(
    p.check(rcpt('u@example.org', { clientAddress: '2001:db8:bad::1' })),
    '550 5.7.0 <unknown[2001:db8:bad::1]>: Client host rejected: IPv6 neighbourhood refused',
  );
  // OK in the client list ends that list only: the relay check still runs.
  rejects(
    p.check(rcpt('u@elsewhere.example', { clientName: 'mx.trusted.example' })),
    '554 5.7.1 <u@elsewhere.example>: Relay access denied',
  );
});

test('access(5) results: DEFER, 4NN/5NN text, a DSN in the text, numbers, PERMIT, nested lists and classes', () => {
  const table = mapTable('hash:/etc/postfix/rcpt_access', {
    'defer@example.org': 'DEFER',
    'deferred@example.org': 'DEFER come back tomorrow',
    'code@example.org': '421 4.7.0 closing',
    'bounce@example.org': 'REJECT 5.1.1 no such user here',
    'number@example.org': '1700000000',
    'permit@example.org': 'PERMIT',
    'nested@example.org': 'permit_mynetworks, reject',
    'klass@example.org': 'only_mynetworks',
    'bare-code@example.org': '550',
  });
  const p = policy(
    {
      lists: {
        smtpd_recipient_restrictions: [
          'check_recipient_access',
          'hash:/etc/postfix/rcpt_access',
          'reject',
        ],
        smtpd_relay_restrictions: [],
      },
      restrictionClasses: new Map([['only_mynetworks', ['permit_mynetworks', 'defer']]]),
    },
    [table],
  );
  rejects(
    p.check(rcpt('defer@example.org')),
    '450 4.7.1 <defer@example.org>: Recipient address rejected: Access denied',
  );
  rejects(
    p.check(rcpt('deferred@example.org')),
    '450 4.7.1 <deferred@example.org>: Recipient address rejected: come back tomorrow',
  );
  rejects(
    p.check(rcpt('code@example.org')),
    '421 4.7.0 <code@example.org>: Recipient address rejected: closing',
  );
  rejects(
    p.check(rcpt('bounce@example.org')),
    '554 5.1.1 <bounce@example.org>: Recipient address rejected: no such user here',
  );
  permits(p.check(rcpt('number@example.org')));
  permits(p.check(rcpt('permit@example.org')));
  permits(p.check(rcpt('nested@example.org', { clientAddress: '10.9.9.9' })));
  rejects(
    p.check(rcpt('nested@example.org')),
    '554 5.7.1 <nested@example.org>: Recipient address rejected: Access denied',
  );
  rejects(
    p.check(rcpt('klass@example.org')),
    '450 4.3.2 <klass@example.org>: Recipient address rejected: Try again later',
  );
  permits(p.check(rcpt('klass@example.org', { clientAddress: '127.0.0.1' })));
  // Postfix checks "all digits" before "4NN/5NN text": a bare 550 is an OK (a time stamp to it).
  permits(p.check(rcpt('bare-code@example.org')));
});

test('the access-table REJECT default and access_map_reject_code / access_map_defer_code', () => {
  const table = mapTable('hash:/etc/postfix/rcpt_access', {
    'x@example.org': 'REJECT',
    'y@example.org': 'DEFER',
  });
  const lists = {
    smtpd_recipient_restrictions: ['check_recipient_access', 'hash:/etc/postfix/rcpt_access'],
  };
  rejects(
    policy({ lists }, [table]).check(rcpt('x@example.org')),
    '554 5.7.1 <x@example.org>: Recipient address rejected: Access denied',
  );
  const codes = { ...DEFAULT_REPLY_CODES, accessMapReject: 550, accessMapDefer: 451 };
  rejects(
    policy({ lists, codes }, [table]).check(rcpt('x@example.org')),
    '550 5.7.1 <x@example.org>: Recipient address rejected: Access denied',
  );
  rejects(
    policy({ lists, codes }, [table]).check(rcpt('y@example.org')),
    '451 4.7.1 <y@example.org>: Recipient address rejected: Access denied',
  );
  log.length = 0;
  rejects(
    policy({ lists, codes: { ...codes, accessMapReject: 250 } }, [table]).check(
      rcpt('x@example.org'),
    ),
    '450 4.7.1 Service unavailable',
  );
  assert.ok(log.some((l) => /SMTP reply code configuration error: 250/.test(l)));
});

test('check_sender_access: the null sender as <>, user@, domains; sender DSNs are fixed', () => {
  const table = mapTable('hash:/etc/postfix/sender_access', {
    '<>': 'REJECT no bounces here',
    'example.net': 'REJECT 5.1.1 sender domain refused',
    'root@': 'REJECT',
    'good@example.net': 'OK',
  });
  const p = policy(
    {
      lists: {
        smtpd_sender_restrictions: ['check_sender_access', 'hash:/etc/postfix/sender_access'],
      },
    },
    [table],
  );
  rejects(
    p.check(rcpt('u@example.org', { sender: '' })),
    '554 5.7.1 <>: Sender address rejected: no bounces here',
  );
  rejects(
    p.check(rcpt('u@example.org', { sender: 'x@mail.example.net' })),
    '554 5.1.8 <x@mail.example.net>: Sender address rejected: sender domain refused',
  );
  rejects(
    p.check(rcpt('u@example.org', { sender: 'root@other.example' })),
    '554 5.7.1 <root@other.example>: Sender address rejected: Access denied',
  );
  permits(p.check(rcpt('u@example.org', { sender: 'good@example.net' })));
  assert.ok(
    table.keys.includes('root@other.example') &&
      table.keys.includes('other.example') &&
      table.keys.includes('root@'),
  );
});

test("check_helo_access, and a bare type:name meaning the list's own access check", () => {
  const table = mapTable('hash:/etc/postfix/helo_access', {
    'forged.example': '550 5.7.1 You are not me',
  });
  const p = policy({ lists: { smtpd_helo_restrictions: ['hash:/etc/postfix/helo_access'] } }, [
    table,
  ]);
  rejects(
    p.check(rcpt('u@example.org', { helo: 'host.forged.example' })),
    '550 5.7.1 <host.forged.example>: Helo command rejected: You are not me',
  );
  const q = policy(
    { lists: { smtpd_helo_restrictions: ['check_helo_access', 'hash:/etc/postfix/helo_access'] } },
    [table],
  );
  permits(q.check(rcpt('u@example.org')));
  assert.deepEqual(
    tableSpecs(
      settings({
        lists: {
          smtpd_helo_restrictions: ['check_helo_access', 'hash:/a'],
          smtpd_data_restrictions: ['cidr:/b'],
        },
      }),
    ),
    ['hash:/a', 'cidr:/b'],
  );
});

test('HOLD and DISCARD: hold lets later checks reject, discard ends everything', () => {
  const table = mapTable('hash:/etc/postfix/access', {
    'hold@example.org': 'HOLD look at this',
    'drop@example.org': 'DISCARD',
    'info@example.org': 'WARN noted',
  });
  const p = policy(
    {
      lists: {
        smtpd_recipient_restrictions: [
          'check_recipient_access',
          'hash:/etc/postfix/access',
          'reject_non_fqdn_sender',
        ],
      },
    },
    [table],
  );
  assert.deepEqual(p.check(rcpt('hold@example.org')), {
    action: 'hold',
    text: '<hold@example.org>: Recipient address look at this',
  });
  rejects(
    p.check(rcpt('hold@example.org', { sender: 'me@localhost' })),
    '504 5.5.2 <me@localhost>: Sender address rejected: need fully-qualified address',
  );
  assert.deepEqual(p.check(rcpt('drop@example.org', { sender: 'me@localhost' })), {
    action: 'discard',
    text: '<drop@example.org>: Recipient address triggers DISCARD action',
  });
  log.length = 0;
  permits(p.check(rcpt('info@example.org')));
  assert.ok(
    log.some((l) => l.startsWith('warn: RCPT from unknown[198.51.100.7]: noted;')),
    log.join('\n'),
  );
});

test('configuration errors: 451 4.3.5 Server configuration error, and the log names the cause', () => {
  const cases: [Partial<RestrictionSettings['lists']>, RegExp][] = [
    [
      { smtpd_recipient_restrictions: ['reject_everything_bad'] },
      /unknown smtpd restriction: "reject_everything_bad"/,
    ],
    [
      { smtpd_recipient_restrictions: ['reject_rbl_client', 'zen.example'] },
      /restriction reject_rbl_client is not supported by postern/,
    ],
    [{ smtpd_recipient_restrictions: ['check_recipient_access'] }, /needs an argument/],
    [
      { smtpd_recipient_restrictions: ['check_recipient_access', 'nocolon'] },
      /bad argument "nocolon": need maptype:mapname/,
    ],
    [
      { smtpd_data_restrictions: ['hash:/etc/postfix/x'] },
      /specify one of .* before Data command restriction "hash:\/etc\/postfix\/x"/,
    ],
  ];
  for (const [lists, why] of cases) {
    log.length = 0;
    const tables = tableSpecs({
      lists: settings({ lists }).lists,
      restrictionClasses: new Map(),
    }).map((s) => mapTable(s, {}));
    const p = policy({ lists }, tables);
    const stage = lists.smtpd_data_restrictions ? facts('data') : rcpt('u@example.org');
    rejects(p.check(stage), '451 4.3.5 Server configuration error');
    assert.ok(
      log.some((l) => why.test(l)),
      `${why}: ${log.join('\n')}`,
    );
    assert.ok(
      log.some((l) =>
        /^reject: (RCPT|DATA) from unknown\[198\.51\.100\.7\]: 451 4\.3\.5 Server configuration error/.test(
          l,
        ),
      ),
      log.join('\n'),
    );
  }
});

test('access-table values: a lookup table inside, an unsupported action, a failing table', () => {
  const table = mapTable('hash:/etc/postfix/access', {
    'a@example.org': 'check_client_access hash:/other',
    'b@example.org': 'FILTER smtp:[127.0.0.1]:10025',
  });
  const p = policy(
    {
      lists: {
        smtpd_recipient_restrictions: ['check_recipient_access', 'hash:/etc/postfix/access'],
      },
    },
    [table],
  );
  log.length = 0;
  rejects(p.check(rcpt('a@example.org')), '451 4.3.5 Server configuration error');
  assert.ok(log.some((l) => /has entry with lookup table/.test(l)));
  rejects(p.check(rcpt('b@example.org')), '451 4.3.5 Server configuration error');
  assert.ok(log.some((l) => /action FILTER is not supported by postern/.test(l)));
  const broken = mapTable('hash:/etc/postfix/broken', {}, { fail: true });
  const q = policy(
    { lists: { smtpd_client_restrictions: ['check_client_access', 'hash:/etc/postfix/broken'] } },
    [broken],
  );
  rejects(
    q.check(rcpt('u@example.org')),
    '451 4.3.5 <unknown[198.51.100.7]>: Client host rejected: Server configuration error',
  );
  assert.ok(log.some((l) => /hash:\/etc\/postfix\/broken: lookup error/.test(l)));
});

test('warn_if_reject logs the next rejection as reject_warning and goes on', () => {
  const p = policy({
    lists: {
      smtpd_recipient_restrictions: [
        'warn_if_reject',
        'reject_non_fqdn_sender',
        'reject_non_fqdn_recipient',
      ],
    },
  });
  log.length = 0;
  permits(p.check(rcpt('u@example.org', { sender: 'me@localhost' })));
  assert.ok(
    log.some(
      (l) =>
        l ===
        'reject_warning: RCPT from unknown[198.51.100.7]: 504 5.5.2 <me@localhost>: Sender address rejected: need fully-qualified address; from=<me@localhost> to=<u@example.org> helo=<client.example.net>',
    ),
    log.join('\n'),
  );
  rejects(
    p.check(rcpt('u@localhost')),
    '504 5.5.2 <u@localhost>: Recipient address rejected: need fully-qualified address',
  );
  const q = policy({
    lists: { smtpd_recipient_restrictions: ['warn_if_reject', 'unknown_thing'] },
  });
  rejects(q.check(rcpt('u@example.org')), '451 4.3.5 Server configuration error');
});

test('smtpd_relay_before_recipient_checks decides which list answers first', () => {
  const table = mapTable('hash:/r', { 'x@elsewhere.example': 'REJECT not here' });
  const lists = { smtpd_recipient_restrictions: ['check_recipient_access', 'hash:/r'] };
  rejects(
    policy({ lists }, [table]).check(rcpt('x@elsewhere.example')),
    '454 4.7.1 <x@elsewhere.example>: Relay access denied',
  );
  rejects(
    policy({ lists, relayBeforeRecipientChecks: false }, [table]).check(
      rcpt('x@elsewhere.example'),
    ),
    '554 5.7.1 <x@elsewhere.example>: Recipient address rejected: not here',
  );
});

test('an OK from check_recipient_access for a source-routed recipient counts for nothing', () => {
  const table = mapTable('hash:/r', { 'example.org': 'OK' });
  const p = policy(
    {
      lists: {
        smtpd_relay_restrictions: [
          'check_recipient_access',
          'hash:/r',
          'reject_unauth_destination',
        ],
      },
    },
    [table],
  );
  permits(p.check(rcpt('u@example.org')));
  rejects(
    p.check(rcpt('u%evil.example@example.org')),
    '554 5.7.1 <u%evil.example@example.org>: Relay access denied',
  );
});

test('DATA and END-OF-MESSAGE restrictions: reject_unauth_pipelining and friends', () => {
  const p = policy({
    lists: {
      smtpd_data_restrictions: ['reject_unauth_pipelining'],
      smtpd_end_of_data_restrictions: ['permit_sasl_authenticated', 'reject'],
    },
  });
  permits(p.check(facts('data', { recipients: ['a@example.org'] })));
  rejects(
    p.check(facts('data', { pipelined: true })),
    '503 5.5.0 <DATA>: Data command rejected: Improper use of SMTP command pipelining',
  );
  rejects(
    p.check(facts('end-of-data')),
    '554 5.7.1 <END-OF-MESSAGE>: End-of-data rejected: Access denied',
  );
  permits(p.check(facts('end-of-data', { saslUser: 'alice' })));
  permits(policy().check(facts('data')));
});

test('the bare postmaster recipient is never refused at RCPT', () => {
  const p = policy({ lists: { smtpd_client_restrictions: ['reject'] } });
  permits(p.check(rcpt('postmaster')));
  permits(p.check(rcpt('PostMaster')));
  rejects(
    p.check(rcpt('postmaster@elsewhere.example')),
    '554 5.7.1 <unknown[198.51.100.7]>: Client host rejected: Access denied',
  );
});

// TLS client certificates: two self-signed ones made with openssl for this file.
let pkiDir = '';
let certA: Certificate;
let certB: Certificate;
let derA: Buffer;

function makeCert(name: string): { cert: Certificate; der: Buffer } {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ed25519',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-days',
      '2',
      '-keyout',
      join(pkiDir, `${name}.key`),
      '-out',
      join(pkiDir, `${name}.pem`),
    ],
    { stdio: 'pipe' },
  );
  const pem = readFileSync(join(pkiDir, `${name}.pem`), 'latin1');
  const block = parsePem(pem)[0];
  if (block === undefined) throw new Error('no PEM block');
  return { cert: parseCertificate(block.der), der: Buffer.from(block.der) };
}

before(() => {
  pkiDir = mkdtempSync(join(tmpdir(), 'postern-ccert-'));
  const a = makeCert('client-a');
  certA = a.cert;
  derA = a.der;
  certB = makeCert('client-b').cert;
});

after(() => rmSync(pkiDir, { recursive: true, force: true }));

const tlsFacts = (cert: Certificate, verified: boolean): SessionFacts['tls'] => ({
  protocol: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  peerCertificates: [cert],
  peerVerified: verified,
});

/** node:crypto as the reference for both fingerprints. */
function referencePrints(der: Buffer, digest: 'sha256' | 'md5'): { cert: string; pkey: string } {
  const x = new X509Certificate(der);
  const spki = x.publicKey.export({ type: 'spki', format: 'der' });
  const colon = (b: Buffer): string =>
    b.toString('hex').toUpperCase().match(/../g)?.join(':') ?? '';
  return {
    cert: colon(createHash(digest).update(der).digest()),
    pkey: colon(createHash(digest).update(spki).digest()),
  };
}

test('permit_tls_clientcerts: a certificate or public-key fingerprint listed in relay_clientcerts relays, another does not', () => {
  const prints = referencePrints(derA, 'sha256');
  const lists = {
    smtpd_relay_restrictions: [
      'permit_mynetworks',
      'permit_tls_clientcerts',
      'reject_unauth_destination',
    ],
  };
  for (const key of [prints.cert, prints.pkey]) {
    const relayClientcerts = mapTable('hash:/etc/postfix/relay_clientcerts', {
      [key]: 'client-a.example',
    });
    const p = policy({ lists, relayClientcerts });
    permits(p.check(rcpt('u@elsewhere.example', { tls: tlsFacts(certA, true) })));
    // Postfix 3.x: the fingerprint itself is the trust; the chain need not verify.
    permits(p.check(rcpt('u@elsewhere.example', { tls: tlsFacts(certA, false) })));
    rejects(
      p.check(rcpt('u@elsewhere.example', { tls: tlsFacts(certB, true) })),
      '554 5.7.1 <u@elsewhere.example>: Relay access denied',
    );
    rejects(
      p.check(rcpt('u@elsewhere.example')),
      '554 5.7.1 <u@elsewhere.example>: Relay access denied',
    );
  }
  const md5 = referencePrints(derA, 'md5');
  const old = policy({
    lists,
    fingerprintDigest: 'md5',
    relayClientcerts: mapTable('hash:/rc', { [md5.cert]: 'a' }),
  });
  permits(old.check(rcpt('u@elsewhere.example', { tls: tlsFacts(certA, true) })));
  const sha256Table = policy({
    lists,
    fingerprintDigest: 'md5',
    relayClientcerts: mapTable('hash:/rc', { [prints.cert]: 'a' }),
  });
  rejects(
    sha256Table.check(rcpt('u@elsewhere.example', { tls: tlsFacts(certA, true) })),
    '554 5.7.1 <u@elsewhere.example>: Relay access denied',
  );
  const failing = policy({ lists, relayClientcerts: mapTable('hash:/rc', {}, { fail: true }) });
  rejects(
    failing.check(rcpt('u@elsewhere.example', { tls: tlsFacts(certA, true) })),
    '451 4.3.0 <unknown[198.51.100.7]>: Temporary lookup failure',
  );
});

test('permit_tls_all_clientcerts: any verified certificate, never an unverified one', () => {
  const p = policy({
    lists: {
      smtpd_relay_restrictions: ['permit_tls_all_clientcerts', 'reject_unauth_destination'],
    },
  });
  permits(p.check(rcpt('u@elsewhere.example', { tls: tlsFacts(certB, true) })));
  rejects(
    p.check(rcpt('u@elsewhere.example', { tls: tlsFacts(certB, false) })),
    '554 5.7.1 <u@elsewhere.example>: Relay access denied',
  );
  rejects(
    p.check(
      rcpt('u@elsewhere.example', {
        tls: { protocol: 'TLSv1.3', cipher: 'x', peerCertificates: [], peerVerified: false },
      }),
    ),
    '554 5.7.1 <u@elsewhere.example>: Relay access denied',
  );
});

test('tables are opened once when the policy is built, and closed with it', () => {
  const opened: string[] = [];
  let closed = 0;
  const p = new RestrictionPolicy(
    settings({
      lists: {
        smtpd_client_restrictions: [
          'check_client_access',
          'cidr:/a',
          'check_client_access',
          'cidr:/a',
        ],
        smtpd_sender_restrictions: ['hash:/b'],
      },
    }),
    (spec) => {
      opened.push(spec);
      return { spec, lookup: () => undefined, close: () => void closed++ };
    },
  );
  assert.deepEqual(opened, ['cidr:/a', 'hash:/b']);
  p.close();
  assert.equal(closed, 2);
  assert.throws(
    () =>
      new RestrictionPolicy(
        settings({
          lists: { smtpd_client_restrictions: ['check_client_access', 'btree:/missing'] },
        }),
        () => {
          throw new Error('btree:/missing: no such file');
        },
      ),
    /no such file/,
  );
});

test('regexp: and pcre: tables are asked the whole key only', () => {
  const table = mapTable('regexp:/etc/postfix/helo.regexp', {}, { fold: false });
  const p = policy(
    {
      lists: { smtpd_helo_restrictions: ['check_helo_access', 'regexp:/etc/postfix/helo.regexp'] },
    },
    [table],
  );
  permits(p.check(rcpt('u@example.org', { helo: 'a.b.example' })));
  assert.deepEqual(table.keys, ['a.b.example']);
});

test('reject_plaintext_session, permit_inet_interfaces, reject_multi_recipient_bounce, check_sasl_access', () => {
  const tls = {
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_128_GCM_SHA256',
    peerCertificates: [],
    peerVerified: false,
  };
  const plain = policy({ lists: { smtpd_recipient_restrictions: ['reject_plaintext_session'] } });
  rejects(plain.check(rcpt('u@example.org')), '450 4.7.1 Session encryption is required');
  permits(plain.check(rcpt('u@example.org', { tls })));
  const own = policy({
    lists: { smtpd_relay_restrictions: ['permit_inet_interfaces', 'reject_unauth_destination'] },
  });
  permits(own.check(rcpt('u@elsewhere.example', { clientAddress: '192.0.2.25' })));
  permits(own.check(rcpt('u@elsewhere.example', { clientAddress: '::ffff:192.0.2.25' })));
  rejects(
    own.check(rcpt('u@elsewhere.example', { clientAddress: '192.0.2.26' })),
    '554 5.7.1 <u@elsewhere.example>: Relay access denied',
  );
  const bounce = policy({
    lists: {
      smtpd_recipient_restrictions: ['reject_multi_recipient_bounce'],
      smtpd_data_restrictions: ['reject_multi_recipient_bounce'],
    },
  });
  permits(bounce.check(rcpt('a@example.org', { sender: '', recipients: [] })));
  rejects(
    bounce.check(rcpt('b@example.org', { sender: '', recipients: ['a@example.org'] })),
    '550 5.5.3 <b@example.org>: Recipient address rejected: Multi-recipient bounce',
  );
  permits(
    bounce.check(rcpt('b@example.org', { sender: 'x@example.net', recipients: ['a@example.org'] })),
  );
  permits(bounce.check(facts('data', { sender: '', recipients: ['a@example.org'] })));
  rejects(
    bounce.check(facts('data', { sender: '', recipients: ['a@example.org', 'b@example.org'] })),
    '550 5.5.3 <DATA>: Data command rejected: Multi-recipient bounce',
  );
  const users = mapTable('hash:/etc/postfix/sasl_access', {
    mallory: 'REJECT account suspended',
    alice: 'OK',
  });
  const sasl = policy(
    {
      lists: {
        smtpd_relay_restrictions: [
          'check_sasl_access',
          'hash:/etc/postfix/sasl_access',
          'permit_sasl_authenticated',
          'reject_unauth_destination',
        ],
      },
    },
    [users],
  );
  rejects(
    sasl.check(rcpt('u@elsewhere.example', { saslUser: 'mallory' })),
    '554 5.7.1 <mallory>: SASL login name rejected: account suspended',
  );
  permits(sasl.check(rcpt('u@elsewhere.example', { saslUser: 'alice' })));
  permits(sasl.check(rcpt('u@elsewhere.example', { saslUser: 'bob' })));
  rejects(
    sasl.check(rcpt('u@elsewhere.example')),
    '554 5.7.1 <u@elsewhere.example>: Relay access denied',
  );
});

test('a restriction class that names itself is stopped at a depth of 100, as Postfix does', () => {
  log.length = 0;
  const p = policy({
    lists: { smtpd_recipient_restrictions: ['loop'] },
    restrictionClasses: new Map([['loop', ['warn_if_reject', 'loop']]]),
  });
  rejects(p.check(rcpt('u@example.org')), '451 4.3.5 Server configuration error');
  assert.ok(
    log.some((l) => /nesting deeper than 100/.test(l)),
    log.join('\n'),
  );
});

test('the open-relay guard: relay or recipient restrictions must be able to refuse, as Postfix insists at startup', async () => {
  const { checkRelayRestrictions, RestrictionConfigError } =
    await import('../../../src/mta/smtpd/restrictions.js');
  const lists = (relay: string[], rcptList: string[]): RestrictionSettings['lists'] =>
    settings({ lists: { smtpd_relay_restrictions: relay, smtpd_recipient_restrictions: rcptList } })
      .lists;
  const classes = new Map([['strict', ['permit_mynetworks', 'reject_unauth_destination']]]);
  for (const [relay, rcptList] of [
    [['defer_unauth_destination'], []],
    [[], ['permit_mynetworks', 'reject']],
    [['strict'], []],
    [['warn_if_reject', 'reject', 'defer'], []],
  ]) {
    assert.doesNotThrow(
      () =>
        checkRelayRestrictions({
          lists: lists(relay as string[], rcptList as string[]),
          restrictionClasses: classes,
        }),
      JSON.stringify([relay, rcptList]),
    );
  }
  for (const [relay, rcptList] of [
    [[], []],
    [['permit', 'reject_unauth_destination'], ['permit_mynetworks']],
    [['warn_if_reject', 'reject'], []],
  ]) {
    assert.throws(
      () =>
        checkRelayRestrictions({
          lists: lists(relay as string[], rcptList as string[]),
          restrictionClasses: classes,
        }),
      (e: unknown) =>
        e instanceof RestrictionConfigError &&
        /^in parameter smtpd_relay_restrictions or smtpd_recipient_restrictions, specify at least one working instance of: reject_unauth_destination, defer_unauth_destination, reject or defer$/.test(
          e.message,
        ),
      JSON.stringify([relay, rcptList]),
    );
  }
  assert.throws(() => policy({ lists: { smtpd_relay_restrictions: [] } }), RestrictionConfigError);
});

test('smtpd_sender_login_maps: not owned by user, not logged in, known senders only', () => {
  const maps = mapTable('hash:/etc/postfix/sender_login', {
    'alice@example.org': 'alice, alice2',
    '@example.net': 'netadmin',
    bob: 'bob',
  });
  const base = { senderLoginMaps: maps, saslAuthEnable: true };
  const strict = policy({
    ...base,
    lists: { smtpd_sender_restrictions: ['reject_sender_login_mismatch'] },
  });
  permits(strict.check(rcpt('u@example.org', { sender: 'alice@example.org', saslUser: 'Alice2' })));
  rejects(
    strict.check(rcpt('u@example.org', { sender: 'alice@example.org', saslUser: 'mallory' })),
    '553 5.7.1 <alice@example.org>: Sender address rejected: not owned by user mallory',
  );
  rejects(
    strict.check(rcpt('u@example.org', { sender: 'nobody@else.example', saslUser: 'mallory' })),
    '553 5.7.1 <nobody@else.example>: Sender address rejected: not owned by user mallory',
  );
  rejects(
    strict.check(rcpt('u@example.org', { sender: 'alice@example.org' })),
    '553 5.7.1 <alice@example.org>: Sender address rejected: not logged in',
  );
  permits(strict.check(rcpt('u@example.org', { sender: 'stranger@else.example' })));
  permits(strict.check(rcpt('u@example.org', { sender: 'x@example.net', saslUser: 'netadmin' })));
  // A bare local part owns the address in our own domains.
  permits(strict.check(rcpt('u@example.org', { sender: 'bob@example.org', saslUser: 'bob' })));
  rejects(
    strict.check(rcpt('u@example.org', { sender: 'bob@else.example', saslUser: 'bob' })),
    '553 5.7.1 <bob@else.example>: Sender address rejected: not owned by user bob',
  );
  permits(strict.check(rcpt('u@example.org', { sender: '', saslUser: 'mallory' })));
  const known = policy({
    ...base,
    lists: { smtpd_sender_restrictions: ['reject_known_sender_login_mismatch'] },
  });
  permits(
    known.check(rcpt('u@example.org', { sender: 'nobody@else.example', saslUser: 'mallory' })),
  );
  rejects(
    known.check(rcpt('u@example.org', { sender: 'alice@example.org', saslUser: 'mallory' })),
    '553 5.7.1 <alice@example.org>: Sender address rejected: not owned by user mallory',
  );
  const authOnly = policy({
    ...base,
    lists: { smtpd_sender_restrictions: ['reject_authenticated_sender_login_mismatch'] },
  });
  permits(authOnly.check(rcpt('u@example.org', { sender: 'alice@example.org' })));
  log.length = 0;
  const off = policy({
    ...base,
    saslAuthEnable: false,
    lists: { smtpd_sender_restrictions: ['reject_sender_login_mismatch'] },
  });
  permits(off.check(rcpt('u@example.org', { sender: 'alice@example.org' })));
  assert.ok(
    log.some(
      (l) => l === "warning: restriction `reject_sender_login_mismatch' ignored: no SASL support",
    ),
    log.join('\n'),
  );
  const broken = policy({
    senderLoginMaps: mapTable('hash:/x', {}, { fail: true }),
    saslAuthEnable: true,
    lists: { smtpd_sender_restrictions: ['reject_sender_login_mismatch'] },
  });
  rejects(
    broken.check(rcpt('u@example.org', { sender: 'alice@example.org', saslUser: 'alice' })),
    '451 4.3.0 <alice@example.org>: Temporary lookup failure',
  );
});

test('check_ccert_access: certificate then public-key fingerprint as access(5) keys; the reply names the CN', () => {
  const a = referencePrints(derA, 'sha256');
  const table = mapTable('hash:/etc/postfix/ccert_access', { [a.pkey]: 'REJECT revoked key' });
  const p = policy(
    {
      lists: {
        smtpd_client_restrictions: ['check_ccert_access', 'hash:/etc/postfix/ccert_access'],
      },
    },
    [table],
  );
  rejects(
    p.check(rcpt('u@example.org', { tls: tlsFacts(certA, false) })),
    '554 5.7.1 <client-a>: Client certificate rejected: revoked key',
  );
  assert.deepEqual(table.keys.slice(-2), [a.cert, a.pkey], 'certificate fingerprint first');
  permits(p.check(rcpt('u@example.org', { tls: tlsFacts(certB, true) })));
  permits(p.check(rcpt('u@example.org')));
  const ok = policy(
    {
      lists: {
        smtpd_relay_restrictions: ['check_ccert_access', 'hash:/ok', 'reject_unauth_destination'],
      },
    },
    [mapTable('hash:/ok', { [a.cert]: 'OK' })],
  );
  permits(ok.check(rcpt('u@elsewhere.example', { tls: tlsFacts(certA, true) })));
  rejects(
    ok.check(rcpt('u@elsewhere.example', { tls: tlsFacts(certB, true) })),
    '554 5.7.1 <u@elsewhere.example>: Relay access denied',
  );
});

test('defer_if_permit: a later permit becomes 450; a reject still rejects; it carries from the client list to RCPT', () => {
  const p = policy(
    {
      lists: {
        smtpd_client_restrictions: ['defer_if_permit'],
        smtpd_recipient_restrictions: ['check_recipient_access', 'hash:/r'],
      },
    },
    [mapTable('hash:/r', { 'bad@example.org': 'REJECT' })],
  );
  rejects(
    p.check(rcpt('u@example.org')),
    '450 4.7.0 <unknown[198.51.100.7]>: Client host rejected: defer_if_permit requested',
  );
  rejects(
    p.check(rcpt('bad@example.org')),
    '554 5.7.1 <bad@example.org>: Recipient address rejected: Access denied',
  );
  permits(p.check(facts('connect')));
  const data = policy({ lists: { smtpd_data_restrictions: ['defer_if_permit', 'permit'] } });
  rejects(
    data.check(facts('data')),
    '450 4.7.0 <DATA>: Data command rejected: defer_if_permit requested',
  );
  const warned = policy({
    lists: { smtpd_recipient_restrictions: ['warn_if_reject', 'defer_if_permit'] },
  });
  permits(warned.check(rcpt('u@example.org')));
  assert.throws(
    () => policy({ delayReject: false, lists: { smtpd_client_restrictions: ['defer_if_permit'] } }),
    /defer_if_permit with smtpd_delay_reject = no is not supported by postern/,
  );
});

test('defer_if_reject: the next 5xx of the same list becomes 450; other lists are not affected', () => {
  const lists = {
    smtpd_helo_restrictions: ['defer_if_reject', 'reject_non_fqdn_helo_hostname'],
    smtpd_recipient_restrictions: ['reject_non_fqdn_recipient'],
  };
  const p = policy({ lists });
  rejects(
    p.check(rcpt('u@example.org', { helo: 'localhost' })),
    '450 4.7.0 <localhost>: Helo command rejected: defer_if_reject requested',
  );
  rejects(
    p.check(rcpt('u@localhost')),
    '504 5.5.2 <u@localhost>: Recipient address rejected: need fully-qualified address',
  );
  permits(p.check(rcpt('u@example.org')));
});

test('access actions DEFER_IF_PERMIT and DEFER_IF_REJECT, with their default text', () => {
  const table = mapTable('hash:/a', {
    'maybe.example': 'DEFER_IF_PERMIT',
    'soft.example': 'DEFER_IF_REJECT 4.7.2 greylisted',
  });
  const p = policy(
    {
      lists: {
        smtpd_sender_restrictions: ['check_sender_access', 'hash:/a', 'reject_non_fqdn_sender'],
        smtpd_relay_restrictions: ['reject_unauth_destination'],
      },
    },
    [table],
  );
  rejects(
    p.check(rcpt('u@example.org', { sender: 'x@maybe.example' })),
    '450 4.7.1 <x@maybe.example>: Sender address rejected: Service unavailable',
  );
  rejects(
    p.check(rcpt('u@elsewhere.example', { sender: 'x@maybe.example' })),
    '554 5.7.1 <u@elsewhere.example>: Relay access denied',
  );
  permits(p.check(rcpt('u@example.org', { sender: 'x@soft.example' })));
  const q = policy(
    { lists: { smtpd_sender_restrictions: ['check_sender_access', 'hash:/a', 'reject'] } },
    [table],
  );
  rejects(
    q.check(rcpt('u@example.org', { sender: 'x@soft.example' })),
    '450 4.7.2 <x@soft.example>: Sender address rejected: greylisted',
  );
});
