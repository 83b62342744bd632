import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parameterSetFrom, registry } from '../../../src/mta/config/index.js';

test('every parameter has a type, a one-line doc and where it comes from', () => {
  assert.ok(registry.size > 250, `${registry.size} parameters`);
  for (const definition of registry.values()) {
    assert.match(definition.name, /^[a-z0-9_]+$/i, definition.name);
    assert.ok(
      definition.doc.length > 10 && !definition.doc.includes('\n'),
      `${definition.name}: doc`,
    );
    assert.match(definition.since, /Postfix|RFC|postern/, `${definition.name}: since`);
  }
});

test('every default is a valid value of its type at compatibility levels 0, 2 and 3.6', () => {
  for (const level of ['0', '2', '3.6'])
    assert.doesNotThrow(() => parameterSetFrom({ compatibility_level: level }), `level ${level}`);
  assert.doesNotThrow(() => parameterSetFrom({ stress: 'yes' }));
});

test("every parameter of the seed and of DESIGN.md's configuration list is registered", () => {
  const seed = readFileSync(join(process.cwd(), 'test', 'fixtures', 'seed', 'main.cf'), 'latin1');
  const seedNames = [...seed.matchAll(/^#? ?([a-z_A-Z]+) = /gm)]
    .map((m) => m[1] as string)
    .filter((n) => /_/.test(n));
  const design = [
    'smtpd_tls_eccert_file',
    'smtpd_tls_eckey_file',
    'smtpd_tls_security_level',
    'smtp_tls_security_level',
    'smtp_tls_policy_maps',
    'smtpd_tls_protocols',
    'smtpd_tls_mandatory_protocols',
    'smtpd_tls_ciphers',
    'smtpd_tls_mandatory_ciphers',
    'tls_high_cipherlist',
    'tls_medium_cipherlist',
    'tls_low_cipherlist',
    'tls_export_cipherlist',
    'tls_null_cipherlist',
    'smtpd_tls_exclude_ciphers',
    'smtpd_tls_chain_files',
    'tls_server_sni_maps',
    'smtpd_tls_fingerprint_digest',
    'tls_random_prng_update_period',
    'compatibility_level',
    'smtpd_tls_eecdh_grade',
    'tls_eecdh_auto_curves',
    'smtpd_forbid_bare_newline',
    'smtpd_discard_ehlo_keywords',
    'line_length_limit',
    'smtpd_recipient_limit',
    'smtpd_error_sleep_time',
    'smtpd_soft_error_limit',
    'smtpd_hard_error_limit',
    'smtpd_delay_reject',
    'smtpd_client_restrictions',
    'smtpd_helo_restrictions',
    'smtpd_sender_restrictions',
    'smtpd_relay_restrictions',
    'smtpd_recipient_restrictions',
    'smtpd_data_restrictions',
    'smtpd_end_of_data_restrictions',
    'relay_clientcerts',
    'smtpd_sasl_type',
    'smtpd_sasl_path',
    'smtpd_sasl_password_maps',
    'smtpd_sasl_auth_enable',
    'smtpd_sasl_security_options',
    'smtp_sasl_auth_enable',
    'smtp_sasl_password_maps',
    'smtp_sasl_security_options',
    'myhostname',
    'mydomain',
    'myorigin',
    'mydestination',
    'mynetworks',
    'mynetworks_style',
    'inet_interfaces',
    'inet_protocols',
    'relay_domains',
    'relayhost',
    'queue_directory',
    'data_directory',
    'message_size_limit',
    'smtpd_banner',
    'mail_name',
    'maillog_file',
    'alias_maps',
    'alias_database',
    'virtual_alias_maps',
    'local_recipient_maps',
    'recipient_delimiter',
    'home_mailbox',
    'transport_maps',
    'default_transport',
    'relay_transport',
    'default_process_limit',
    'default_destination_concurrency_limit',
    'default_destination_recipient_limit',
    'delay_warning_time',
    'bounce_queue_lifetime',
    'maximal_queue_lifetime',
    'minimal_backoff_time',
    'maximal_backoff_time',
    'queue_run_delay',
    'smtp_mx_address_limit',
    'smtp_mx_session_limit',
    'smtp_connection_cache_on_demand',
    'smtp_tls_fingerprint_cert_match',
    'smtp_tls_verify_cert_match',
    'smtp_tls_secure_cert_match',
    'tls_random_source',
    'tls_random_bytes',
    'tls_random_reseed_period',
    'tls_random_exchange_name',
    'tls_random_upd_period',
    'tls_daemon_random_source',
    'tls_daemon_random_bytes',
    'smtputf8_enable',
  ];
  assert.ok(seedNames.length > 40, `${seedNames.length} seed names`);
  for (const name of [...seedNames, ...design]) assert.ok(registry.has(name), name);
});

test('no default refers to $service_name (loadConfiguration relies on it to skip services without overrides)', () => {
  for (const definition of registry.values()) {
    if (typeof definition.default === 'string')
      assert.doesNotMatch(definition.default, /\$[{(]?service_name\b/, definition.name);
  }
});
