import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatNetwork,
  matchNetworks,
  mynetworksFromStyle,
  NetworkSyntaxError,
  parseAddress,
  parseNetwork,
  parseNetworkList,
} from '../../../src/mta/smtpd/networks.js';

test('CIDR parsing: IPv4, IPv6 in brackets or bare, host entries, negation', () => {
  assert.equal(formatNetwork(parseNetwork('192.0.2.0/24')), '192.0.2.0/24');
  assert.equal(formatNetwork(parseNetwork('192.0.2.1')), '192.0.2.1/32');
  assert.equal(formatNetwork(parseNetwork('[2001:db8::]/32')), '[2001:db8::]/32');
  assert.equal(formatNetwork(parseNetwork('2001:db8:0:0:1::/80')), '[2001:db8:0:0:1::]/80');
  assert.equal(formatNetwork(parseNetwork('[::1]/128')), '[::1]/128');
  assert.equal(formatNetwork(parseNetwork('!10.0.0.0/8')), '!10.0.0.0/8');
  assert.equal(formatNetwork(parseNetwork('0.0.0.0/0')), '0.0.0.0/0');
});

test('CIDR errors name the parameter and entry: host bits, prefix length, names and tables', () => {
  assert.throws(
    () => parseNetwork('192.0.2.1/24'),
    (e: unknown) =>
      e instanceof NetworkSyntaxError &&
      /non-null host address bits, write 192\.0\.2\.0\/24/.test(e.message),
  );
  assert.throws(() => parseNetwork('192.0.2.0/33'), /prefix longer than 32/);
  assert.throws(() => parseNetwork('[::]/129'), /prefix longer than 128/);
  assert.throws(
    () => parseNetwork('mail.example.com'),
    /mynetworks: bad entry 'mail\.example\.com'.*host names and lookup tables/,
  );
  assert.throws(
    () => parseNetworkList('127.0.0.0/8 hash:/etc/postfix/network_table', 'mynetworks'),
    /hash:\/etc\/postfix\/network_table/,
  );
  assert.throws(() => parseNetwork('300.1.1.1'), NetworkSyntaxError);
});

test('matching: IPv4, IPv6, IPv4-mapped clients, first match wins with !', () => {
  const list = parseNetworkList(
    '127.0.0.0/8, [::1]/128 !192.0.2.128/25 192.0.2.0/24 [2001:db8::]/32',
  );
  assert.equal(matchNetworks(list, '127.0.0.1'), true);
  assert.equal(matchNetworks(list, '::1'), true);
  assert.equal(matchNetworks(list, '192.0.2.7'), true);
  assert.equal(matchNetworks(list, '192.0.2.200'), false, 'excluded before the wider entry');
  assert.equal(matchNetworks(list, '::ffff:192.0.2.7'), true, 'mapped address matched as IPv4');
  assert.equal(matchNetworks(list, '::ffff:192.0.2.200'), false);
  assert.equal(matchNetworks(list, '2001:db8:ffff::25'), true);
  assert.equal(matchNetworks(list, '2001:db9::1'), false);
  assert.equal(matchNetworks(list, '198.51.100.1'), false);
  assert.equal(matchNetworks(list, 'not-an-address'), false);
  assert.deepEqual(parseAddress('[::ffff:10.1.2.3]'), Uint8Array.from([10, 1, 2, 3]));
});

test('mynetworks_style: host, subnet and class from the interface addresses', () => {
  const interfaces = [
    { address: '127.0.0.1', prefix: 8 },
    { address: '172.16.5.9', prefix: 20 },
    { address: '198.51.100.77', prefix: 26 },
    { address: '2001:db8:1:2::9', prefix: 64 },
  ];
  assert.deepEqual(mynetworksFromStyle('host', interfaces).map(formatNetwork), [
    '127.0.0.1/32',
    '172.16.5.9/32',
    '198.51.100.77/32',
    '[2001:db8:1:2::9]/128',
  ]);
  assert.deepEqual(mynetworksFromStyle('subnet', interfaces).map(formatNetwork), [
    '127.0.0.0/8',
    '172.16.0.0/20',
    '198.51.100.64/26',
    '[2001:db8:1:2::]/64',
  ]);
  assert.deepEqual(mynetworksFromStyle('class', interfaces).map(formatNetwork), [
    '127.0.0.0/8',
    '172.16.0.0/16',
    '198.51.100.0/24',
    '[2001:db8:1:2::]/64',
  ]);
  const subnet = mynetworksFromStyle('subnet', interfaces);
  assert.equal(matchNetworks(subnet, '172.16.15.1'), true);
  assert.equal(matchNetworks(subnet, '172.16.16.1'), false);
  assert.equal(matchNetworks(mynetworksFromStyle('host', interfaces), '172.16.5.10'), false);
});
