import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TableError } from '../../../src/mta/tables/errors.js';
import { formatAddress, parseAddress } from '../../../src/mta/tables/ip-address.js';
import { openTable } from '../../../src/mta/tables/open.js';
import { clientAddressKeys } from '../../../src/mta/tables/search.js';

// Bad table text must give warnings or a TableError, never another exception.

const quiet = { warn: () => undefined };
const ruleText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '/',
        '!',
        '(',
        ')',
        '[',
        ']',
        '{',
        '}',
        '\\',
        '$',
        '^',
        '*',
        '+',
        '?',
        '|',
        ':',
        '.',
        ' ',
        'if ',
        'endif',
        'a',
        '1',
        '/',
        '#',
        '=',
        ',',
      ),
      fc.string({ maxLength: 3 }),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

function opensCleanly(spec: string, key: string): void {
  try {
    openTable(spec, quiet).lookup(key);
  } catch (err) {
    assert.ok(err instanceof TableError, `${spec}: ${String(err)}`);
  }
}

test('regexp:, pcre:, cidr:, inline: and static: on random text: warnings or TableError only', () => {
  fc.assert(
    fc.property(ruleText, ruleText, fc.string({ maxLength: 12 }), (a, b, key) => {
      for (const type of ['regexp', 'pcre', 'cidr'])
        opensCleanly(`${type}:{ {${a}}, {${b}} }`, key);
      opensCleanly(`inline:{${a}}`, key);
      opensCleanly(`static:${a}`, key);
    }),
    { numRuns: 300 },
  );
});

test('IPv6 text round-trips through parse and format, as inet_pton/inet_ntop', () => {
  fc.assert(
    fc.property(fc.ipV6(), (text) => {
      const bytes = parseAddress(text);
      assert.ok(bytes !== undefined, text);
      assert.deepEqual(parseAddress(formatAddress(bytes)), bytes);
      assert.ok(clientAddressKeys(text).length >= 1);
    }),
  );
  assert.equal(formatAddress(parseAddress('::1.2.3.4')!), '::1.2.3.4');
  assert.equal(formatAddress(parseAddress('::FFFF:1.2.3.4')!), '::ffff:1.2.3.4');
  assert.equal(formatAddress(parseAddress('2001:db8:0:0:1:0:0:1')!), '2001:db8::1:0:0:1');
  assert.equal(formatAddress(parseAddress('2001:db8:0:1:1:1:1:1')!), '2001:db8:0:1:1:1:1:1');
});
