import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Table } from '../../../src/mta/tables/table.js';
import {
  classifyRecipient,
  matchDomainList,
  parseDomainList,
} from '../../../src/mta/smtpd/destinations.js';
import {
  DEFAULT_PARENT_DOMAIN_MATCHES_SUBDOMAINS,
  accessMapsMatchParents,
} from '../../../src/mta/smtpd/settings.js';

const table = (spec: string, keys: string[]): Table => ({
  spec,
  lookup: (k) => (keys.includes(k) ? 'x' : undefined),
  close: () => undefined,
});

test('parseDomainList: words, tables, /file/name contents, parent matching per parameter', () => {
  const opened: string[] = [];
  const list = parseDomainList(
    'relay_domains',
    'a.example, hash:/etc/postfix/relay  /etc/postfix/more',
    {
      parentDomainMatchesSubdomains: DEFAULT_PARENT_DOMAIN_MATCHES_SUBDOMAINS,
      openTable: (spec) => {
        opened.push(spec);
        return table(spec, ['t.example']);
      },
      readFile: (path) =>
        path === '/etc/postfix/more'
          ? '# comment\nb.example c.example # trailing\n!x.d.example, d.example\n'
          : '',
    },
  );
  assert.equal(list.parentMatches, true);
  assert.deepEqual(opened, ['hash:/etc/postfix/relay']);
  assert.deepEqual(
    list.entries.filter((e) => typeof e === 'string'),
    ['a.example', 'b.example', 'c.example', '!x.d.example', 'd.example'],
  );
  for (const d of [
    'a.example',
    'sub.a.example',
    'c.example',
    'y.d.example',
    'deep.t.example',
    'T.EXAMPLE.',
  ])
    assert.equal(matchDomainList(list, d), true, d);
  for (const d of ['x.d.example', 'e.example', 'example'])
    assert.equal(matchDomainList(list, d), false, d);
  const mydest = parseDomainList('mydestination', 'mx.example, localhost', {
    parentDomainMatchesSubdomains: DEFAULT_PARENT_DOMAIN_MATCHES_SUBDOMAINS,
    openTable: () => table('', []),
    readFile: () => '',
  });
  assert.equal(mydest.parentMatches, false, 'mydestination is not in the default list');
  assert.equal(matchDomainList(mydest, 'sub.mx.example'), false);
  assert.equal(accessMapsMatchParents(DEFAULT_PARENT_DOMAIN_MATCHES_SUBDOMAINS), true);
  assert.equal(accessMapsMatchParents(['relay_domains']), false);
});

test('classifyRecipient: final, relay, other, routed, address literals', () => {
  const none = { parameter: 'x', entries: [], parentMatches: false };
  const config = {
    mydestination: { ...none, entries: ['example.org'] },
    relayDomains: { ...none, entries: ['relay.example'] },
    localAddresses: ['192.0.2.1', '::1'],
  };
  assert.equal(classifyRecipient('u@example.org', config), 'final');
  assert.equal(classifyRecipient('u@relay.example', config), 'relay');
  assert.equal(classifyRecipient('u@other.example', config), 'other');
  assert.equal(classifyRecipient('u%x@example.org', config), 'routed');
  assert.equal(classifyRecipient('"a@b"@example.org', config), 'routed');
  assert.equal(classifyRecipient('u@[192.0.2.1]', config), 'final');
  assert.equal(classifyRecipient('u@[IPv6:::1]', config), 'final');
  assert.equal(classifyRecipient('u@[192.0.2.2]', config), 'other');
  assert.equal(classifyRecipient('u@[garbage]', config), 'other');
  assert.equal(classifyRecipient('u', config), 'final');
});
