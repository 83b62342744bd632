import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../src/mta/config/config-error.js';
import { parseMainCf } from '../../../src/mta/config/main-cf.js';

const FILE = '/etc/postfix/main.cf';

test('name = value lines, continuation lines, comments only at line start', () => {
  const text = [
    '# a comment',
    'myhostname = mail.example.com',
    'mydestination = $myhostname,',
    '    localhost.$mydomain',
    '\tlocalhost',
    '',
    '  # an indented comment line is a comment too',
    'smtpd_banner = $myhostname ESMTP # not a comment',
    'relay_domains=',
  ].join('\n');
  const { entries, warnings } = parseMainCf(text, FILE);
  assert.deepEqual(
    entries.map((e) => [e.name, e.value, e.line]),
    [
      ['myhostname', 'mail.example.com', 2],
      ['mydestination', '$myhostname, localhost.$mydomain localhost', 3],
      ['smtpd_banner', '$myhostname ESMTP # not a comment', 8],
      ['relay_domains', '', 9],
    ],
  );
  assert.deepEqual(warnings, []);
});

test('a later definition wins, with Postfix\'s "overriding earlier entry" warning', () => {
  const { entries, warnings } = parseMainCf('relayhost = a\nrelayhost = b\n', FILE);
  assert.equal(entries.at(-1)?.value, 'b');
  assert.deepEqual(
    warnings.map((w) => w.message),
    [`${FILE}, line 2: overriding earlier entry: relayhost=a`],
  );
});

test('a first line that starts with white space is warned about and ignored', () => {
  const { entries, warnings } = parseMainCf('  relayhost = a\nmyorigin = b\n', FILE);
  assert.deepEqual(
    entries.map((e) => e.name),
    ['myorigin'],
  );
  assert.match(warnings[0]?.message ?? '', /line 1: logical line must not start with whitespace/);
});

test('a line without = is an error with file and line', () => {
  assert.throws(
    () => parseMainCf('relayhost = a\nfoo\n', FILE),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.file, FILE);
      assert.equal(err.line, 2);
      assert.equal(err.message, `${FILE}, line 2: missing '=' after attribute name: "foo"`);
      return true;
    },
  );
  assert.throws(() => parseMainCf('= a\n', FILE), /line 1: missing attribute name/);
});
