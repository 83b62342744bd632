import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { ConfigError, parameterSetFrom } from '../../../src/mta/config/index.js';

test('typed getters read expanded, typed values', () => {
  const set = parameterSetFrom({
    smtpd_use_tls: 'YES',
    smtpd_tls_loglevel: '2',
    smtpd_tls_session_cache_timeout: '2h',
    smtpd_timeout: '45',
    maximal_queue_lifetime: '3',
    message_size_limit: '51200000',
    smtpd_tls_cert_file: '/etc/postfix/server.pem',
    mydestination: '$myhostname, localhost.$mydomain,localhost',
    myhostname: 'mail.example.com',
    smtp_tls_policy_maps:
      'hash:/etc/postfix/tls_policy, inline:{ example.com=secure, { example.net = may } }',
    smtpd_tls_protocols: '!SSLv2, !SSLv3, !TLSv1',
    smtp_tls_mandatory_protocols: '>=TLSv1.2',
  });
  assert.equal(set.bool('smtpd_use_tls'), true);
  assert.equal(set.int('smtpd_tls_loglevel'), 2);
  assert.equal(set.time('smtpd_tls_session_cache_timeout'), 7200);
  assert.equal(set.time('smtpd_timeout'), 45, "seconds are smtpd_timeout's default unit");
  assert.equal(
    set.time('maximal_queue_lifetime'),
    3 * 86400,
    "days are maximal_queue_lifetime's default unit",
  );
  assert.equal(set.time('delay_warning_time'), 0);
  assert.equal(set.size('message_size_limit'), 51200000);
  assert.equal(set.string('smtpd_tls_key_file'), '/etc/postfix/server.pem');
  assert.equal(set.raw('smtpd_tls_key_file'), '$smtpd_tls_cert_file');
  assert.equal(set.expanded('smtpd_tls_key_file'), '/etc/postfix/server.pem');
  assert.deepEqual(set.list('mydestination'), [
    'mail.example.com',
    'localhost.example.com',
    'localhost',
  ]);
  assert.deepEqual(set.tables('smtp_tls_policy_maps'), [
    'hash:/etc/postfix/tls_policy',
    'inline:{ example.com=secure, { example.net = may } }',
  ]);
  assert.deepEqual(set.protocols('smtpd_tls_protocols'), {
    include: [],
    exclude: ['SSLv2', 'SSLv3', 'TLSv1'],
  });
  assert.deepEqual(set.protocols('smtp_tls_mandatory_protocols'), {
    include: [],
    exclude: [],
    min: 'TLSv1.2',
  });
  assert.equal(set.isDefault('smtpd_use_tls'), false);
  assert.equal(set.isDefault('smtpd_tls_key_file'), true);
});

test('defaults that depend on compatibility_level follow it', () => {
  const old = parameterSetFrom({});
  assert.equal(old.string('smtpd_tls_fingerprint_digest'), 'md5');
  assert.equal(old.bool('smtputf8_enable'), false);
  assert.equal(old.string('mynetworks_style'), 'subnet');
  assert.equal(old.expanded('relay_domains'), old.expanded('mydestination'));
  const current = parameterSetFrom({ compatibility_level: '3.6' });
  assert.equal(current.string('smtpd_tls_fingerprint_digest'), 'sha256');
  assert.equal(current.string('smtp_tls_fingerprint_digest'), 'sha256');
  assert.equal(current.bool('smtputf8_enable'), true);
  assert.deepEqual(current.list('relay_domains'), []);
  assert.equal(current.bool('smtpd_relay_before_recipient_restrictions'), true);
  assert.deepEqual(current.list('smtpd_relay_restrictions'), [
    'permit_mynetworks',
    'permit_sasl_authenticated',
    'defer_unauth_destination',
  ]);
});

test('host-dependent defaults are computed like Postfix: mydomain from myhostname', () => {
  assert.equal(
    parameterSetFrom({ myhostname: 'mx1.mail.example.org' }).string('mydomain'),
    'mail.example.org',
  );
  assert.equal(parameterSetFrom({ myhostname: 'host.example' }).string('mydomain'), 'localdomain');
  const set = parameterSetFrom({ mydomain: 'example.net' });
  const host = set.string('myhostname');
  assert.ok(host.includes('.'), host);
  // myhostname's default needs mydomain when the host name has no dot: a loop there is reported, not a hang.
  if (hostname().includes('.')) {
    assert.equal(host, hostname());
    assert.equal(parameterSetFrom({ mydomain: '$myhostname' }).string('mydomain'), hostname());
  } else {
    assert.equal(host, `${hostname()}.example.net`);
    assert.throws(
      () => parameterSetFrom({ mydomain: '$myhostname' }),
      /parameter expansion loop: mydomain -> myhostname -> mydomain/,
    );
  }
});

test("a renamed parameter takes its previous name's setting (tls_random_upd_period)", () => {
  assert.equal(parameterSetFrom({}).time('tls_random_prng_update_period'), 3600);
  const old = parameterSetFrom({ tls_random_upd_period: '60s' });
  assert.equal(old.time('tls_random_prng_update_period'), 60);
  assert.equal(old.isDefault('tls_random_prng_update_period'), false);
  assert.equal(
    parameterSetFrom({ tls_random_upd_period: '60s', tls_random_prng_update_period: '2m' }).time(
      'tls_random_prng_update_period',
    ),
    120,
  );
});

test('an unknown name or a getter of the wrong type is a ConfigError', () => {
  const set = parameterSetFrom({ my_own_parameter: 'x' });
  assert.throws(
    () => set.string('no_such_parameter'),
    /parameter no_such_parameter: unknown parameter/,
  );
  assert.throws(
    () => set.bool('smtpd_tls_cert_file'),
    /parameter smtpd_tls_cert_file: is a string parameter, not boolean/,
  );
  assert.throws(() => set.int('smtpd_use_tls'), /is a boolean parameter, not integer/);
  assert.throws(() => set.tables('mydestination'), /is a list parameter, not lookup table list/);
  assert.equal(set.string('my_own_parameter'), 'x', 'a user-defined parameter reads as a string');
  assert.throws(() => set.bool('my_own_parameter'), /is not a registered boolean parameter/);
});

test('a bad value names the parameter, the value and what was expected', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [
      { smtpd_use_tls: 'maybe' },
      /^parameter smtpd_use_tls: bad value "maybe": expected yes or no$/,
    ],
    [
      { smtpd_tls_loglevel: 'abc' },
      /^parameter smtpd_tls_loglevel: bad value "abc": expected an integer of at least 0$/,
    ],
    [
      { smtpd_starttls_timeout: '5 minutes' },
      /bad value "5 minutes": expected a time: a number with an optional unit s, m, h, d or w/,
    ],
    [
      { smtpd_tls_security_level: 'secure' },
      /bad value "secure": expected one of none, may, encrypt \(or empty\)/,
    ],
    [{ smtpd_tls_protocols: '!SSLv2, TLSv9' }, /unknown protocol "TLSv9"/],
    [{ smtpd_tls_ciphers: 'strong' }, /expected one of export, low, medium, high, null/],
    [
      { relay_clientcerts: '/etc/postfix/relay_clientcerts' },
      /"\/etc\/postfix\/relay_clientcerts" is not type:name/,
    ],
    [{ compatibility_level: 'latest' }, /expected a compatibility level/],
    [{ message_size_limit: '10M' }, /expected a size in bytes/],
    [{ smtpd_sasl_security_options: 'noanonymous, nosuch' }, /expected a list of noplaintext/],
  ];
  for (const [values, message] of cases) {
    assert.throws(
      () => parameterSetFrom(values),
      (err: unknown) => err instanceof ConfigError && message.test(err.message),
      JSON.stringify(values),
    );
  }
});

test('a value that expands to a bad value is caught at load too', () => {
  assert.throws(
    () => parameterSetFrom({ flag: 'sometimes', smtpd_use_tls: '$flag' }),
    /parameter smtpd_use_tls: bad value "sometimes": expected yes or no/,
  );
});
