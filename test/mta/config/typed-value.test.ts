import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareLevels, parseLevel } from '../../../src/mta/config/compatibility-level.js';
import { splitList, unbrace } from '../../../src/mta/config/list-value.js';
import { parseTableList, parseTableSpec } from '../../../src/mta/config/table-spec.js';
import { parseTime } from '../../../src/mta/config/time-value.js';
import { parseTlsProtocols } from '../../../src/mta/config/tls-protocols.js';
import {
  checkValue,
  parseBoolean,
  parseInteger,
  parseSize,
} from '../../../src/mta/config/typed-value.js';
import { integer, oneOf, someOf } from '../../../src/mta/config/parameter-type.js';

test('time values: s m h d w, the default unit for a bare number', () => {
  assert.equal(parseTime('300s', 's'), 300);
  assert.equal(parseTime('5m', 's'), 300);
  assert.equal(parseTime('1h', 's'), 3600);
  assert.equal(parseTime('5d', 'd'), 432000);
  assert.equal(parseTime('2w', 's'), 1209600);
  assert.equal(parseTime('5', 'd'), 432000);
  assert.equal(parseTime('0', 'h'), 0);
  for (const bad of ['', 's', '5x', '1h30m', '-1s', '1.5h', '5 s'])
    assert.throws(() => parseTime(bad, 's'), /expected a time/, bad);
});

test('booleans, integers and sizes', () => {
  assert.equal(parseBoolean('yes'), true);
  assert.equal(parseBoolean('No'), false);
  assert.throws(() => parseBoolean('true'), /expected yes or no/);
  assert.equal(parseInteger('-1'), -1);
  assert.equal(parseInteger('9', 1), 9);
  assert.throws(() => parseInteger('0', 1), /expected an integer of at least 1/);
  assert.throws(() => parseInteger('600', 400, 599), /expected an integer from 400 to 599/);
  assert.throws(() => parseInteger('12abc'), /expected an integer/);
  assert.equal(parseSize('10240000'), 10240000);
  assert.throws(() => parseSize('-5'), /expected a size in bytes/);
});

test('lists split on commas and white space, { } groups kept whole', () => {
  assert.deepEqual(
    splitList('permit_mynetworks,  permit_sasl_authenticated\n\treject_unauth_destination'),
    ['permit_mynetworks', 'permit_sasl_authenticated', 'reject_unauth_destination'],
  );
  assert.deepEqual(splitList(' , ,'), []);
  assert.deepEqual(splitList('inline:{ a=b, c=d }, hash:/x'), ['inline:{ a=b, c=d }', 'hash:/x']);
  assert.deepEqual(splitList('{ one word, really } two'), ['{ one word, really }', 'two']);
  assert.deepEqual(splitList('regexp:{{/^[^A-Z]/ Bogus}}'), ['regexp:{{/^[^A-Z]/ Bogus}}']);
  assert.equal(unbrace('{ name = value }'), 'name = value');
  assert.throws(() => splitList('inline:{ a=b'), /balanced braces/);
});

test('lookup table lists: type:name each, inline:{…} and proxy:unix:… kept whole', () => {
  assert.deepEqual(parseTableList('hash:/etc/aliases, nis:mail.aliases'), [
    'hash:/etc/aliases',
    'nis:mail.aliases',
  ]);
  assert.deepEqual(parseTableList('proxy:unix:passwd.byname'), ['proxy:unix:passwd.byname']);
  assert.deepEqual(
    parseTableList('inline:{ { user = pass word }, other=x } sqlite:/etc/postfix/q.cf'),
    ['inline:{ { user = pass word }, other=x }', 'sqlite:/etc/postfix/q.cf'],
  );
  assert.deepEqual(parseTableSpec('inline:{ a=b }'), { type: 'inline', name: '{ a=b }' });
  assert.deepEqual(parseTableSpec('sdbm:/etc/postfix/smtpd_scache'), {
    type: 'sdbm',
    name: '/etc/postfix/smtpd_scache',
  });
  assert.throws(
    () => parseTableList('hash:/etc/a, /etc/postfix/b'),
    /"\/etc\/postfix\/b" is not type:name/,
  );
  assert.throws(() => parseTableList('Hash:/x'), /is not type:name/);
});

test('TLS protocol lists in both syntaxes', () => {
  assert.deepEqual(parseTlsProtocols('!SSLv2, !SSLv3, !TLSv1, !TLSv1.1'), {
    include: [],
    exclude: ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1'],
  });
  assert.deepEqual(parseTlsProtocols('>=TLSv1.2'), { include: [], exclude: [], min: 'TLSv1.2' });
  assert.deepEqual(parseTlsProtocols('>=TLSv1.2 <=TLSv1.3'), {
    include: [],
    exclude: [],
    min: 'TLSv1.2',
    max: 'TLSv1.3',
  });
  assert.deepEqual(parseTlsProtocols('TLSv1.2:TLSv1.3'), {
    include: ['TLSv1.2', 'TLSv1.3'],
    exclude: [],
  });
  assert.deepEqual(parseTlsProtocols(''), { include: [], exclude: [] });
  assert.deepEqual(
    parseTlsProtocols('!sslv3'),
    { include: [], exclude: ['SSLv3'] },
    'names are case-insensitive',
  );
  assert.throws(() => parseTlsProtocols('>=TLSv2'), /unknown protocol "TLSv2"/);
});

test('enumerations and compatibility levels', () => {
  assert.doesNotThrow(() => checkValue(oneOf(['none', 'may', 'encrypt'], true), ''));
  assert.doesNotThrow(() => checkValue(oneOf(['none', 'may', 'encrypt']), 'MAY'));
  assert.throws(
    () => checkValue(oneOf(['none', 'may', 'encrypt']), ''),
    /expected one of none, may, encrypt/,
  );
  assert.doesNotThrow(() => checkValue(someOf(['ipv4', 'ipv6', 'all']), 'ipv4, ipv6'));
  assert.throws(() => checkValue(integer(0), 'x'), /expected an integer of at least 0/);
  assert.deepEqual(parseLevel('3.6'), [3, 6, 0]);
  assert.deepEqual(parseLevel('2'), [2, 0, 0]);
  assert.ok(compareLevels('3.10', '3.6') > 0);
  assert.equal(compareLevels('3.6.0', '3.6'), 0);
  assert.throws(() => parseLevel('3.x'), /expected a compatibility level/);
});
