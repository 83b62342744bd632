import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../src/mta/config/config-error.js';
import { parseMasterCf } from '../../../src/mta/config/master-cf.js';
import { ServicesFile } from '../../../src/mta/config/services-file.js';

const FILE = '/etc/postfix/master.cf';
const SERVICES = ServicesFile.parse(
  [
    '# private services file',
    'smtp 25/tcp mail',
    'submission 587/tcp',
    'submissions 465/tcp ssmtp smtps urd # RFC 8314',
    'smtp 25/udp',
  ].join('\n'),
  '/tmp/test-services',
);

test('the eight columns, with - defaults, wakeup and maxproc', () => {
  const [smtp, tlsmgr, flush] = parseMasterCf(
    [
      '# service type private unpriv chroot wakeup maxproc command + args',
      'smtp      inet  n       -       y       -       -       smtpd',
      'tlsmgr fifo - - y 300 1 tlsmgr',
      'flush unix n - n 1000? 0 flush',
    ].join('\n'),
    FILE,
    SERVICES,
  );
  assert.ok(smtp && tlsmgr && flush);
  assert.deepEqual(
    {
      name: smtp.name,
      type: smtp.type,
      address: smtp.address,
      private: smtp.private,
      unprivileged: smtp.unprivileged,
      chroot: smtp.chroot,
      maxProcesses: smtp.maxProcesses,
      command: smtp.command,
      line: smtp.line,
    },
    {
      name: 'smtp',
      type: 'inet',
      address: { port: 25 },
      private: false,
      unprivileged: true,
      chroot: true,
      maxProcesses: undefined,
      command: 'smtpd',
      line: 2,
    },
  );
  assert.deepEqual(tlsmgr.wakeup, { seconds: 300, ifUsed: false });
  assert.equal(tlsmgr.private, true);
  assert.equal(tlsmgr.address, undefined);
  assert.equal(tlsmgr.maxProcesses, 1);
  assert.deepEqual(flush.wakeup, { seconds: 1000, ifUsed: true });
  assert.equal(flush.maxProcesses, 0);
  assert.equal(flush.chroot, false);
});

test('-o overrides (both forms), other flags kept, continuation lines', () => {
  const [submission] = parseMasterCf(
    [
      'submission inet n - y - - smtpd',
      '  -o smtpd_enforce_tls=yes -v',
      '  -o { smtpd_banner = hello world $myhostname }',
      '  -o smtpd_sasl_auth_enable=yes',
    ].join('\n'),
    FILE,
    SERVICES,
  );
  assert.ok(submission);
  assert.deepEqual(
    [...submission.overrides].map(([name, s]) => [name, s.value, s.line]),
    [
      ['smtpd_enforce_tls', 'yes', 1],
      ['smtpd_banner', 'hello world $myhostname', 1],
      ['smtpd_sasl_auth_enable', 'yes', 1],
    ],
  );
  assert.deepEqual(submission.flags, ['-v']);
  assert.deepEqual(submission.args, [
    '-o',
    'smtpd_enforce_tls=yes',
    '-v',
    '-o',
    '{smtpd_banner=hello world $myhostname}',
    '-o',
    'smtpd_sasl_auth_enable=yes',
  ]);
  assert.deepEqual(submission.address, { port: 587 });
});

test('service fields: name, alias, port number, host:port, [ipv6]:port', () => {
  const services = parseMasterCf(
    [
      'smtps inet n - y - - smtpd',
      '2525 inet n - n - - smtpd',
      '127.0.0.1:submission inet n - n - - smtpd',
      '[::1]:10025 inet n - n - - smtpd',
      'mail.example.com:smtp inet n - n - - smtpd',
    ].join('\n'),
    FILE,
    SERVICES,
  );
  assert.deepEqual(
    services.map((s) => s.address),
    [
      { port: 465 },
      { port: 2525 },
      { host: '127.0.0.1', port: 587 },
      { host: '::1', port: 10025 },
      { host: 'mail.example.com', port: 25 },
    ],
  );
});

test('the types inet, unix, unix-dgram, fifo and pass parse; others are errors', () => {
  const text = [
    'a inet n - n - - smtpd',
    'b unix - - n - - smtp',
    'c unix-dgram n - n - 1 postlogd',
    'd fifo n - n 60 1 pickup',
    'e pass - - n - - smtpd',
  ].join('\n');
  assert.deepEqual(
    parseMasterCf(text.replace(/^a inet/, '25 inet'), FILE, SERVICES).map((s) => s.type),
    ['inet', 'unix', 'unix-dgram', 'fifo', 'pass'],
  );
  assert.throws(
    () => parseMasterCf('x socket n - n - - smtpd', FILE, SERVICES),
    /line 1: invalid type field "socket": expected inet, unix, unix-dgram, fifo, pass/,
  );
});

test('a line with seven columns is an error with file and line', () => {
  assert.throws(
    () => parseMasterCf('# comment\nsmtp inet n - y - -\n', FILE, SERVICES),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.file, FILE);
      assert.equal(err.line, 2);
      assert.equal(
        err.message,
        `${FILE}, line 2: bad field count: 7 fields, service type private unpriv chroot wakeup maxproc command (and arguments) expected`,
      );
      return true;
    },
  );
});

test('a service name missing from the services file is an error naming the file', () => {
  assert.throws(
    () => parseMasterCf('smtp inet n - y - - smtpd\nsieve inet n - y - - smtpd\n', FILE, SERVICES),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(
        err.message,
        `${FILE}, line 2: service "sieve" is not in /tmp/test-services (use the port number, or add it there)`,
      );
      return true;
    },
  );
  const unreadable = ServicesFile.read('/nonexistent/services');
  assert.throws(
    () => parseMasterCf('smtp inet n - y - - smtpd', FILE, unreadable),
    /\/nonexistent\/services: cannot look up service "smtp"/,
  );
});

test('bad columns and -o syntax are errors with the line', () => {
  assert.throws(
    () => parseMasterCf('smtp inet x - y - - smtpd', FILE, SERVICES),
    /line 1: invalid private field "x": expected y, n or -/,
  );
  assert.throws(
    () => parseMasterCf('smtp inet n - y 5x - smtpd', FILE, SERVICES),
    /invalid wakeup field "5x"/,
  );
  assert.throws(
    () => parseMasterCf('smtp inet n - y - many smtpd', FILE, SERVICES),
    /invalid maxproc field "many"/,
  );
  assert.throws(
    () => parseMasterCf('smtp inet n - y - - smtpd -o foo', FILE, SERVICES),
    /-o needs name=value: "foo"/,
  );
  assert.throws(
    () => parseMasterCf('smtp inet n - y - - smtpd -o', FILE, SERVICES),
    /-o at the end of the line/,
  );
  assert.throws(
    () => parseMasterCf('smtp inet n - y - - smtpd -o { a = b', FILE, SERVICES),
    /missing "}"/,
  );
  assert.throws(
    () => parseMasterCf('99999 inet n - y - - smtpd', FILE, SERVICES),
    /expected a port from 1 to 65535/,
  );
});
