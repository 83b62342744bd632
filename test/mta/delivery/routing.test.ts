import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MxResolver } from '../../../src/mta/delivery/mx-lookup.js';
import { parseNexthop } from '../../../src/mta/delivery/nexthop.js';
import { routeRecipient } from '../../../src/mta/delivery/routing.js';
import type { Table } from '../../../src/mta/tables/table.js';
import { TestDnsServer } from '../../helpers/dns-server.js';

const table = (entries: Record<string, string>): Table => {
  const m = new Map(Object.entries(entries));
  return { spec: 'inline:test', lookup: (k) => m.get(k), close: () => undefined };
};

const dns = new TestDnsServer({
  mx: {
    'example.com': [
      { preference: 20, exchange: 'backup.example.com' },
      { preference: 10, exchange: 'mx1.example.com' },
      { preference: 10, exchange: 'mx2.example.com' },
    ],
    'null.example': [{ preference: 0, exchange: '' }],
  },
  a: {
    'mx1.example.com': ['127.0.0.1'],
    'mx2.example.com': ['127.0.0.2'],
    'backup.example.com': ['127.0.0.3'],
    'nomx.example': ['127.0.0.9'],
  },
  servfail: ['broken.example'],
});
before(() => dns.start());
after(() => dns.stop());

test('MX order by preference, random order among equal preferences (RFC 5321 §5.1)', async () => {
  const seen = new Set<string>();
  for (const r of [0.1, 0.9]) {
    let n = 0;
    const resolver = new MxResolver({
      servers: [dns.server],
      families: [4],
      random: () => ((n++ % 2 === 0) === r < 0.5 ? 0.1 : 0.9),
    });
    const answer = await resolver.mx('example.com');
    assert.equal(answer.kind, 'hosts');
    if (answer.kind !== 'hosts') return;
    assert.equal(answer.hosts[2]?.name, 'backup.example.com');
    seen.add(
      answer.hosts
        .slice(0, 2)
        .map((h) => h.name)
        .join(','),
    );
  }
  assert.deepEqual([...seen].sort(), [
    'mx1.example.com,mx2.example.com',
    'mx2.example.com,mx1.example.com',
  ]);
});

test('no MX: the domain itself (A/AAAA); null MX; NXDOMAIN; SERVFAIL is temporary', async () => {
  const resolver = new MxResolver({
    servers: [dns.server],
    families: [4],
    tries: 1,
    timeoutMs: 500,
  });
  assert.deepEqual(await resolver.mx('nomx.example'), {
    kind: 'hosts',
    hosts: [{ name: 'nomx.example', preference: 0 }],
    implicit: true,
  });
  assert.deepEqual(await resolver.addresses('nomx.example'), {
    ok: true,
    addresses: ['127.0.0.9'],
  });
  assert.equal((await resolver.mx('null.example')).kind, 'null-mx');
  assert.equal((await resolver.mx('nowhere.example')).kind, 'not-found');
  assert.equal((await resolver.mx('broken.example')).kind, 'temporary');
  const missing = await resolver.addresses('nowhere.example');
  assert.ok(!missing.ok && missing.permanent);
});

test('next-hop syntax: [host]:port means no MX lookup; service names', () => {
  assert.deepEqual(parseNexthop('[relay.example.com]:587'), {
    host: 'relay.example.com',
    port: 587,
    mxLookup: false,
  });
  assert.deepEqual(parseNexthop('example.com'), { host: 'example.com', port: 25, mxLookup: true });
  assert.deepEqual(parseNexthop('example.com:submission'), {
    host: 'example.com',
    port: 587,
    mxLookup: true,
  });
  assert.deepEqual(parseNexthop('[127.0.0.1]'), { host: '127.0.0.1', port: 25, mxLookup: false });
  assert.throws(() => parseNexthop('[x]:99999'), /bad port/);
});

test('routing: transport_maps by address, domain, parent domain; relayhost; the recipient domain', () => {
  const maps = [
    table({
      'vip@example.com': 'smtp:[vip.example.net]:2525',
      'example.org': ':[org-relay.example.net]',
      '.sub.example': 'relay:',
      '*': '',
    }),
  ];
  assert.deepEqual(routeRecipient('vip@example.com', { transportMaps: maps }), {
    transport: 'smtp',
    nexthop: '[vip.example.net]:2525',
  });
  assert.deepEqual(routeRecipient('a@example.org', { transportMaps: maps }), {
    transport: 'smtp',
    nexthop: '[org-relay.example.net]',
  });
  assert.deepEqual(routeRecipient('a@x.sub.example', { transportMaps: maps }), {
    transport: 'relay',
    nexthop: 'x.sub.example',
  });
  assert.deepEqual(routeRecipient('a@example.com', { relayhost: '[smarthost.example]:587' }), {
    transport: 'smtp',
    nexthop: '[smarthost.example]:587',
  });
  assert.deepEqual(routeRecipient('a@Example.COM', {}), {
    transport: 'smtp',
    nexthop: 'example.com',
  });
  assert.deepEqual(
    routeRecipient('a@relayed.example', { isRelayDomain: (d) => d === 'relayed.example' }),
    { transport: 'relay', nexthop: 'relayed.example' },
  );
});
