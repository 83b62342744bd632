import { test } from 'node:test';
import assert from 'node:assert/strict';
import { destinationKey } from '../../../src/mta/tls/destination-key.js';

test('destinationKey: next-hop and MX host, case-insensitive; address and port set destinations apart', () => {
  assert.equal(
    destinationKey({ nexthop: 'Example.COM', mxHost: 'MX1.example.com', port: 25 }),
    destinationKey({ nexthop: 'example.com', mxHost: 'mx1.example.com', port: 25 }),
  );
  assert.notEqual(
    destinationKey({ nexthop: 'example.com', mxHost: 'mx1.example.com' }),
    destinationKey({ nexthop: 'example.com', mxHost: 'mx2.example.com' }),
  );
  assert.notEqual(
    destinationKey({ nexthop: 'example.com', port: 25 }),
    destinationKey({ nexthop: 'example.com', port: 587 }),
  );
});
