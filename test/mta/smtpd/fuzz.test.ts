import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  NetworkSyntaxError,
  matchNetworks,
  parseNetwork,
} from '../../../src/mta/smtpd/networks.js';
import { RestrictionPolicy } from '../../../src/mta/smtpd/restrictions.js';
import { restrictionSettings } from '../../../src/mta/smtpd/settings.js';
import type { SessionFacts } from '../../../src/smtp/server/policy.js';

/** Random entries into the CIDR parser and random client facts into a policy: a value or the typed error, never a crash. */

test('mynetworks entries: a network or NetworkSyntaxError', () => {
  const entry = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 40 })).map(([a, p]) => `${a}/${p}`),
    fc.ipV6().map((a) => `[${a}]/64`),
  );
  fc.assert(
    fc.property(entry, (e) => {
      try {
        const n = parseNetwork(e);
        assert.ok(n.prefix <= n.bytes.length * 8);
      } catch (err) {
        assert.ok(err instanceof NetworkSyntaxError, String(err));
      }
    }),
    { numRuns: 1000 },
  );
});

test('any client, HELO, sender and recipient text gets a verdict', () => {
  const mynetworks = [parseNetwork('10.0.0.0/8'), parseNetwork('[2001:db8::]/32')];
  const policy = new RestrictionPolicy(
    restrictionSettings({
      mynetworks,
      destinations: {
        mydestination: {
          parameter: 'mydestination',
          entries: ['example.org'],
          parentMatches: false,
        },
        relayDomains: { parameter: 'relay_domains', entries: [], parentMatches: true },
        localAddresses: ['192.0.2.1'],
      },
      log: () => undefined,
      lists: {
        smtpd_helo_restrictions: ['reject_invalid_helo_hostname', 'reject_non_fqdn_helo_hostname'],
        smtpd_sender_restrictions: ['reject_non_fqdn_sender', 'check_sender_access', 'inline:{}'],
        smtpd_recipient_restrictions: [
          'reject_non_fqdn_recipient',
          'check_recipient_access',
          'inline:{}',
          'check_client_access',
          'inline:{}',
        ],
      },
    }),
    (spec) => ({ spec, lookup: () => undefined, close: () => undefined }),
  );
  const text = fc.string({ maxLength: 40 });
  fc.assert(
    fc.property(
      fc.oneof(fc.ipV4(), fc.ipV6(), text),
      text,
      text,
      text,
      text,
      (addr, name, helo, sender, recipient) => {
        const facts: SessionFacts = {
          stage: 'rcpt',
          clientAddress: addr,
          clientPort: 1,
          clientName: name,
          helo,
          sender,
          recipient,
          recipients: [],
          pipelined: false,
        };
        const v = policy.check(facts);
        assert.ok(
          !(v instanceof Promise) && ['permit', 'reject', 'hold', 'discard'].includes(v.action),
        );
        assert.equal(typeof matchNetworks(mynetworks, addr), 'boolean');
      },
    ),
    { numRuns: 500 },
  );
});
