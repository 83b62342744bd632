import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseSecurityOptions,
  filterMechanisms,
  serverOptionsFor,
  clientOptionsFor,
  selectClientMechanisms,
  SecurityOptionError,
  SMTP_DEFAULT_SECURITY_OPTIONS,
} from '../../../src/smtp/sasl/security-options.js';
import type { MechanismDescription } from '../../../src/smtp/sasl/security-options.js';
import { BUILTIN_MECHANISMS } from '../../../src/smtp/sasl/server-mechanisms.js';
import {
  CLIENT_MECHANISMS,
  chooseClientMechanism,
} from '../../../src/smtp/sasl/client-mechanisms.js';

const names = (list: readonly MechanismDescription[]): string[] => list.map((m) => m.name);
const filter = (options: string): string[] =>
  names(filterMechanisms(BUILTIN_MECHANISMS, parseSecurityOptions(options)));

test('parsing: commas and spaces, any case; an unknown option names itself and the parameter', () => {
  assert.deepEqual(
    [...parseSecurityOptions('noanonymous, NoPlaintext  nodictionary').options],
    ['noanonymous', 'noplaintext', 'nodictionary'],
  );
  assert.equal(parseSecurityOptions('').options.size, 0);
  assert.throws(
    () => parseSecurityOptions('noanonymous, noactiv', 'smtpd_sasl_tls_security_options'),
    (err: unknown) => {
      assert.ok(err instanceof SecurityOptionError);
      assert.match(
        err.message,
        /smtpd_sasl_tls_security_options: unknown SASL security option 'noactiv'/,
      );
      return true;
    },
  );
});

test('filtering the built-in mechanisms as Postfix filters Dovecot MECH flags', () => {
  assert.deepEqual(filter('noanonymous'), ['PLAIN', 'LOGIN', 'CRAM-MD5']);
  assert.deepEqual(filter(''), ['PLAIN', 'LOGIN', 'CRAM-MD5']);
  assert.deepEqual(filter('noplaintext'), ['CRAM-MD5']);
  assert.deepEqual(filter('nodictionary'), ['PLAIN', 'LOGIN']);
  assert.deepEqual(filter('noactive'), ['PLAIN', 'LOGIN']);
  assert.deepEqual(filter('noplaintext, noactive'), []);
  assert.deepEqual(filter('mutual_auth'), [], 'none of ours authenticates the server');
  assert.deepEqual(filter('forward_secrecy'), []);
  const anon: MechanismDescription = { name: 'ANONYMOUS', properties: new Set(['anonymous']) };
  const priv: MechanismDescription = { name: 'SECRET', properties: new Set(['private']) };
  const scram: MechanismDescription = {
    name: 'SCRAM-SHA-256',
    properties: new Set(['mutual-auth', 'dictionary']),
  };
  const list = [anon, priv, scram];
  assert.deepEqual(names(filterMechanisms(list, parseSecurityOptions('noanonymous'))), [
    'SCRAM-SHA-256',
  ]);
  assert.deepEqual(
    names(filterMechanisms(list, parseSecurityOptions(''))),
    ['ANONYMOUS', 'SCRAM-SHA-256'],
    'private is never offered',
  );
  assert.deepEqual(names(filterMechanisms(list, parseSecurityOptions('mutual_auth'))), [
    'SCRAM-SHA-256',
  ]);
});

test('server: smtpd_sasl_tls_security_options under TLS, smtpd_sasl_security_options before', () => {
  const policy = {
    plain: parseSecurityOptions('noanonymous, noplaintext'),
    tls: parseSecurityOptions('noanonymous'),
  };
  assert.deepEqual(names(filterMechanisms(BUILTIN_MECHANISMS, serverOptionsFor(policy, false))), [
    'CRAM-MD5',
  ]);
  assert.deepEqual(names(filterMechanisms(BUILTIN_MECHANISMS, serverOptionsFor(policy, true))), [
    'PLAIN',
    'LOGIN',
    'CRAM-MD5',
  ]);
});

test('client: plain, TLS and verified-TLS options choose among the offered mechanisms', () => {
  const policy = {
    plain: parseSecurityOptions(SMTP_DEFAULT_SECURITY_OPTIONS),
    tls: parseSecurityOptions('noanonymous, nodictionary'),
    tlsVerified: parseSecurityOptions('noanonymous'),
  };
  const offered = ['login', 'PLAIN', 'CRAM-MD5'];
  assert.deepEqual(
    selectClientMechanisms(offered, CLIENT_MECHANISMS, clientOptionsFor(policy, 'none')),
    ['CRAM-MD5'],
  );
  assert.deepEqual(
    selectClientMechanisms(offered, CLIENT_MECHANISMS, clientOptionsFor(policy, 'encrypted')),
    ['PLAIN', 'LOGIN'],
  );
  assert.deepEqual(
    selectClientMechanisms(offered, CLIENT_MECHANISMS, clientOptionsFor(policy, 'verified')),
    ['CRAM-MD5', 'PLAIN', 'LOGIN'],
  );
  assert.equal(
    chooseClientMechanism(['PLAIN', 'LOGIN'], clientOptionsFor(policy, 'none'), {
      user: 'u',
      password: 'p',
    }),
    undefined,
  );
  assert.equal(
    chooseClientMechanism(['PLAIN', 'LOGIN'], clientOptionsFor(policy, 'encrypted'), {
      user: 'u',
      password: 'p',
    })?.name,
    'PLAIN',
  );
  assert.deepEqual(
    selectClientMechanisms(['GSSAPI', 'XOAUTH2'], CLIENT_MECHANISMS, parseSecurityOptions('')),
    [],
  );
});
