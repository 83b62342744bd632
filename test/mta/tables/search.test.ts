import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTable } from '../../../src/mta/tables/open.js';
import {
  addressKeys,
  clientAddressKeys,
  domainKeys,
  lookupAddress,
  lookupClientAddress,
  lookupDomain,
  mailAddrFindKeys,
} from '../../../src/mta/tables/search.js';

test('domain search: the name, then parent domains (parent style) or .parent (dot style)', () => {
  assert.deepEqual(domainKeys('Mail.Example.COM', { parentMatchesSubdomains: true }), [
    'mail.example.com',
    'example.com',
    'com',
  ]);
  assert.deepEqual(domainKeys('mail.example.com', { parentMatchesSubdomains: false }), [
    'mail.example.com',
    '.example.com',
    '.com',
  ]);
  const table = openTable('inline:{ example.com=PARENT, .example.org=DOT }');
  assert.deepEqual(lookupDomain(table, 'a.b.example.com', { parentMatchesSubdomains: true }), {
    value: 'PARENT',
    key: 'example.com',
  });
  assert.equal(lookupDomain(table, 'a.example.com', { parentMatchesSubdomains: false }), undefined);
  assert.deepEqual(lookupDomain(table, 'a.example.org', { parentMatchesSubdomains: false }), {
    value: 'DOT',
    key: '.example.org',
  });
  assert.equal(lookupDomain(table, 'example.org', { parentMatchesSubdomains: false }), undefined);
});

test('address search (access(5)): user+foo@domain, user@domain, domain, user+foo@, user@', () => {
  const options = { parentMatchesSubdomains: true, recipientDelimiter: '+' };
  assert.deepEqual(addressKeys('user+foo@sub.example.com', options), [
    'user+foo@sub.example.com',
    'user@sub.example.com',
    'sub.example.com',
    'example.com',
    'com',
    'user+foo@',
    'user@',
  ]);
  assert.deepEqual(addressKeys('user@example.com', { ...options, recipientDelimiter: '' }), [
    'user@example.com',
    'example.com',
    'com',
    'user@',
  ]);
  assert.deepEqual(addressKeys('a-b+c@x', { ...options, recipientDelimiter: '+-' }), [
    'a-b+c@x',
    'a@x',
    'x',
    'a-b+c@',
    'a@',
  ]);
  const table = openTable(
    'inline:{ user@example.com=EXACT, postmaster@=ANYDOMAIN, example.net=DOMAIN }',
  );
  assert.deepEqual(lookupAddress(table, 'user+list@example.com', options), {
    value: 'EXACT',
    key: 'user@example.com',
  });
  assert.deepEqual(lookupAddress(table, 'someone@mx.example.net', options), {
    value: 'DOMAIN',
    key: 'example.net',
  });
  assert.deepEqual(lookupAddress(table, 'postmaster@anywhere.org', options), {
    value: 'ANYDOMAIN',
    key: 'postmaster@',
  });
});

test('client address search: shorter networks by octet (IPv4) and by :pair (IPv6)', () => {
  assert.deepEqual(clientAddressKeys('192.168.1.2'), [
    '192.168.1.2',
    '192.168.1',
    '192.168',
    '192',
  ]);
  assert.deepEqual(clientAddressKeys('2001:DB8:0:0::1'), [
    '2001:db8::1',
    '2001:db8:',
    '2001:db8',
    '2001',
  ]);
  assert.deepEqual(clientAddressKeys('::ffff:10.1.2.3'), ['10.1.2.3', '10.1.2', '10.1', '10']);
  const table = openTable('inline:{ 192.168=LAN, 2001:db8=DOC }');
  assert.deepEqual(lookupClientAddress(table, '192.168.7.9'), { value: 'LAN', key: '192.168' });
  assert.deepEqual(lookupClientAddress(table, '2001:db8::25'), { value: 'DOC', key: '2001:db8' });
});

test('pattern tables are queried with the whole string only', () => {
  const regexp = openTable('regexp:{ {/^example\\.com$/ PARENT}, {/^user@$/ USER} }');
  assert.equal(
    lookupDomain(regexp, 'mail.example.com', { parentMatchesSubdomains: true }),
    undefined,
  );
  assert.equal(
    lookupAddress(regexp, 'user@example.org', {
      parentMatchesSubdomains: true,
      recipientDelimiter: '+',
    }),
    undefined,
  );
  const cidr = openTable('cidr:{ {192.168.0.0/16 LAN} }');
  assert.deepEqual(lookupClientAddress(cidr, '192.168.3.4'), { value: 'LAN', key: '192.168.3.4' });
});

test('numeric names get no parent domains; an address without a domain only its local part@ keys', () => {
  assert.deepEqual(domainKeys('192.0.2.1', { parentMatchesSubdomains: true }), ['192.0.2.1']);
  assert.deepEqual(domainKeys('localhost', { parentMatchesSubdomains: true }), ['localhost']);
  assert.deepEqual(
    addressKeys('User+Tag@Mail.Example.COM', {
      parentMatchesSubdomains: true,
      recipientDelimiter: '+',
    }),
    [
      'User+Tag@mail.example.com',
      'User@mail.example.com',
      'mail.example.com',
      'example.com',
      'com',
      'User+Tag@',
      'User@',
    ],
  );
  assert.deepEqual(
    addressKeys('postmaster', { parentMatchesSubdomains: true, recipientDelimiter: '+' }),
    ['postmaster@'],
  );
});

test('mail_addr_find keys (smtpd_sender_login_maps): address, without extension, local part for our domains, @domain', () => {
  assert.deepEqual(mailAddrFindKeys('bob+x@Example.ORG', '+', true), [
    'bob+x@example.org',
    'bob@example.org',
    'bob+x',
    'bob',
    '@example.org',
  ]);
  assert.deepEqual(mailAddrFindKeys('bob@else.example', '+', false), [
    'bob@else.example',
    '@else.example',
  ]);
  assert.deepEqual(mailAddrFindKeys('bob', '', true), ['bob']);
});
