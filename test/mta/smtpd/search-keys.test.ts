import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressKeys, domainKeys, mailAddressKeys } from '../../../src/mta/smtpd/search-keys.js';

test('domain keys with and without parent_domain_matches_subdomains; numeric names get no parents', () => {
  assert.deepEqual(domainKeys('a.b.example', true), ['a.b.example', 'b.example', 'example']);
  assert.deepEqual(domainKeys('a.b.example', false), ['a.b.example', '.b.example', '.example']);
  assert.deepEqual(domainKeys('192.0.2.1', true), ['192.0.2.1']);
  assert.deepEqual(domainKeys('localhost', true), ['localhost']);
});

test('client address keys drop an octet or a 16-bit group at a time', () => {
  assert.deepEqual(addressKeys('192.0.2.1'), ['192.0.2.1', '192.0.2', '192.0', '192']);
  assert.deepEqual(addressKeys('2001:db8::1'), ['2001:db8::1', '2001:db8:', '2001:db8', '2001']);
});

test('mail address keys: full, without extension, domain and parents, local part@', () => {
  assert.deepEqual(mailAddressKeys('user+tag@Mail.Example.COM', '+', true), ['user+tag@mail.example.com', 'user@mail.example.com', 'mail.example.com', 'example.com', 'com', 'user+tag@', 'user@']);
  assert.deepEqual(mailAddressKeys('user@example.com', '', false), ['user@example.com', 'example.com', '.com', 'user@']);
  assert.deepEqual(mailAddressKeys('a-b@x.org', '+-', true), ['a-b@x.org', 'a@x.org', 'x.org', 'org', 'a-b@', 'a@']);
});
