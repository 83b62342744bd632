import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deterministicRandom } from '../../../src/prng/index.js';
import { PosternSaslBackend } from '../../../src/smtp/sasl/postern-backend.js';
import type { PasswordLookup } from '../../../src/smtp/sasl/postern-backend.js';
import { parseSecurityOptions } from '../../../src/smtp/sasl/security-options.js';
import {
  hashPassword,
  parseStoredSecret,
  verifyPassword,
  StoredSecretError,
} from '../../../src/smtp/sasl/stored-secret.js';
import type { SaslContext, SaslStep } from '../../../src/smtp/sasl/backend.js';
import { cramMd5Client } from '../../../src/smtp/sasl/cram-md5.js';
import { encodePlainMessage } from '../../../src/smtp/sasl/plain.js';
import { authStepReply } from '../../../src/smtp/sasl/replies.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const random = deterministicRandom('postern-backend');
// Cheap costs keep the test quick; the format and code path are those of the defaults.
const cheap = { scrypt: { ln: 10, r: 8, p: 1 }, argon2id: { m: 64, t: 1, p: 1, version: 0x13 } };

/** A Map-backed table, as src/mta/tables would give. */
function mapTable(entries: Record<string, string>): PasswordLookup & { lookups: string[] } {
  const map = new Map(Object.entries(entries));
  const lookups: string[] = [];
  return {
    lookups,
    lookup(key) {
      lookups.push(key);
      return map.get(key);
    },
  };
}

const plainCtx: SaslContext = { clientAddress: '192.0.2.7', secured: false, service: 'smtp' };
const tlsCtx: SaslContext = { ...plainCtx, secured: true };

async function users(): Promise<Record<string, string>> {
  return {
    alice: await hashPassword('alice-pw', 'scrypt', random, cheap),
    bob: await hashPassword('bob pw ü', 'argon2id', random, cheap),
    tim: '{PLAIN}tanstaaftanstaaf',
    broken: '$md5$nothing',
  };
}

function backend(
  passwords: PasswordLookup,
  overrides: Partial<ConstructorParameters<typeof PosternSaslBackend>[0]> = {},
): PosternSaslBackend {
  return new PosternSaslBackend({
    passwords,
    security: {
      plain: parseSecurityOptions('noanonymous, noplaintext'),
      tls: parseSecurityOptions('noanonymous'),
    },
    cramMd5: true,
    random: deterministicRandom('challenges'),
    now: () => 1_700_000_000_000,
    hostname: 'mx.example.org',
    ...overrides,
  });
}

async function plainLogin(
  b: PosternSaslBackend,
  user: string,
  password: string,
  authzid = '',
): Promise<SaslStep> {
  const { first } = await b.start('PLAIN', encodePlainMessage({ user, password, authzid }), tlsCtx);
  return first;
}

test('stored secrets: the PHC strings round-trip and verify; bad ones say why', async () => {
  const s = await hashPassword('pw', 'scrypt', random, cheap);
  assert.match(s, /^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  const a = await hashPassword('pw', 'argon2id', random, cheap);
  assert.match(a, /^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  for (const text of [s, a, '{PLAIN}pw']) {
    assert.equal(await verifyPassword(parseStoredSecret(text), 'pw'), true, text);
    assert.equal(await verifyPassword(parseStoredSecret(text), 'pW'), false, text);
  }
  for (const [bad, why] of [
    ['$scrypt$ln=30,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA', /ln missing or outside/],
    ['$scrypt$ln=10,r=8$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA', /parameter p/],
    ['$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA', /v=19/],
    ['$argon2id$v=19$m=8,t=1,p=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA', /8·p|outside/],
    ['$scrypt$ln=10,r=8,p=1$c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA', /base64/],
    ['$bcrypt$x', /unsupported password scheme 'bcrypt'/],
    ['plaintext', /starts with/],
  ] as const) {
    assert.throws(
      () => parseStoredSecret(bad),
      (err: unknown) => err instanceof StoredSecretError && why.test(err.message),
      bad,
    );
  }
});

test('a published scrypt vector: RFC 7914 §12 ("pleaseletmein", "SodiumChloride", N=16384, r=8, p=1)', async () => {
  const salt = Buffer.from('SodiumChloride').toString('base64').replace(/=+$/, '');
  const hash64 = Buffer.from(
    '7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887',
    'hex',
  )
    .toString('base64')
    .replace(/=+$/, '');
  const secret = parseStoredSecret(`$scrypt$ln=14,r=8,p=1$${salt}$${hash64}`);
  assert.equal(await verifyPassword(secret, 'pleaseletmein'), true);
  assert.equal(await verifyPassword(secret, 'pleaseletmeout'), false);
});

test('mechanisms: noplaintext before TLS leaves CRAM-MD5; under TLS all three; CRAM-MD5 only when configured', () => {
  const b = backend(mapTable({}));
  assert.deepEqual(b.mechanisms(plainCtx), ['CRAM-MD5']);
  assert.deepEqual(b.mechanisms(tlsCtx), ['PLAIN', 'LOGIN', 'CRAM-MD5']);
  assert.deepEqual(backend(mapTable({}), { cramMd5: false }).mechanisms(tlsCtx), [
    'PLAIN',
    'LOGIN',
  ]);
});

test('PLAIN against scrypt, argon2id and {PLAIN} secrets: good and bad passwords', async () => {
  const b = backend(mapTable(await users()));
  assert.deepEqual(await plainLogin(b, 'alice', 'alice-pw'), { kind: 'success', user: 'alice' });
  assert.deepEqual(await plainLogin(b, 'bob', 'bob pw ü'), { kind: 'success', user: 'bob' });
  assert.deepEqual(await plainLogin(b, 'tim', 'tanstaaftanstaaf'), {
    kind: 'success',
    user: 'tim',
  });
  assert.deepEqual(await plainLogin(b, 'alice', 'bob pw ü'), {
    kind: 'failure',
    reason: 'authentication failure',
    temporary: false,
  });
  assert.deepEqual(
    await plainLogin(b, 'nobody', 'x'),
    { kind: 'failure', reason: 'authentication failure', temporary: false },
    'an unknown user looks like a bad password',
  );
  assert.deepEqual(
    await plainLogin(b, 'alice', 'alice-pw', 'alice'),
    { kind: 'success', user: 'alice' },
    'authzid = authcid is fine',
  );
  assert.deepEqual(await plainLogin(b, 'alice', 'alice-pw', 'bob'), {
    kind: 'failure',
    reason: 'authorization failure',
    temporary: false,
  });
});

test('LOGIN runs through Username:/Password: challenges to the table', async () => {
  const b = backend(mapTable(await users()));
  const { exchange, first } = await b.start('login', undefined, tlsCtx);
  assert.equal(first.kind === 'challenge' && dec(first.challenge), 'Username:');
  const second = await exchange.respond(enc('bob'));
  assert.equal(second.kind === 'challenge' && dec(second.challenge), 'Password:');
  assert.deepEqual(await exchange.respond(enc('bob pw ü')), { kind: 'success', user: 'bob' });
  const after = await exchange.respond(enc('more'));
  assert.equal(after.kind, 'failure');
});

test('CRAM-MD5 works for {PLAIN} users only; a hashed user fails and the log says why', async () => {
  const log: string[] = [];
  const b = backend(mapTable(await users()), { log: (m) => log.push(m) });
  const run = async (user: string, password: string): Promise<SaslStep> => {
    const { exchange, first } = await b.start('CRAM-MD5', undefined, plainCtx);
    assert.equal(first.kind, 'challenge');
    if (first.kind !== 'challenge') return first;
    assert.match(dec(first.challenge), /^<\d+\.1700000000@mx\.example\.org>$/);
    return exchange.respond(cramMd5Client({ user, password }).respond(first.challenge));
  };
  assert.deepEqual(await run('tim', 'tanstaaftanstaaf'), { kind: 'success', user: 'tim' });
  assert.deepEqual(await run('tim', 'wrong'), {
    kind: 'failure',
    reason: 'authentication failure',
    temporary: false,
  });
  assert.deepEqual(await run('alice', 'alice-pw'), {
    kind: 'failure',
    reason: 'authentication failure',
    temporary: false,
  });
  assert.ok(log.some((l) => /CRAM-MD5: user "alice" has a hashed secret/.test(l)));
  assert.ok(!log.join('\n').includes('alice-pw'), 'no password in the log');
});

test('refusals: a mechanism not offered, malformed PLAIN, a broken secret and a failing table', async () => {
  const log: string[] = [];
  const table = mapTable(await users());
  const b = backend(table, { log: (m) => log.push(m) });
  const notOffered = await b.start(
    'PLAIN',
    encodePlainMessage({ user: 'alice', password: 'alice-pw' }),
    plainCtx,
  );
  assert.deepEqual(notOffered.first, {
    kind: 'failure',
    reason: "Invalid authentication mechanism: 'PLAIN'",
    temporary: false,
  });
  assert.equal(table.lookups.length, 0, 'no lookup for a refused mechanism');
  const unknownMech = await b.start('DIGEST-MD5', undefined, tlsCtx);
  assert.equal(unknownMech.first.kind, 'failure');
  const malformed = await b.start('PLAIN', enc('no-nul'), tlsCtx);
  assert.deepEqual(malformed.first, {
    kind: 'failure',
    reason: 'PLAIN message without two NUL separators',
    temporary: false,
  });
  assert.deepEqual(await plainLogin(b, 'broken', 'x'), {
    kind: 'failure',
    reason: 'Authentication backend error',
    temporary: true,
  });
  assert.ok(log.some((l) => /bad secret for user "broken"/.test(l)));
  const failing = backend(
    {
      lookup: () => {
        throw new Error('database is locked');
      },
    },
    { log: (m) => log.push(m) },
  );
  assert.deepEqual(await plainLogin(failing, 'alice', 'x'), {
    kind: 'failure',
    reason: 'Authentication backend error',
    temporary: true,
  });
  assert.ok(log.some((l) => /database is locked/.test(l)));
});

test('abort ends an exchange', async () => {
  const b = backend(mapTable(await users()));
  const { exchange } = await b.start('LOGIN', undefined, tlsCtx);
  exchange.abort();
  assert.deepEqual(await exchange.respond(enc('alice')), {
    kind: 'failure',
    reason: 'no authentication in progress',
    temporary: false,
  });
});

test('AUTH replies as Postfix words them', () => {
  assert.deepEqual(authStepReply({ kind: 'success', user: 'u' }), {
    code: 235,
    enhanced: '2.7.0',
    text: 'Authentication successful',
  });
  assert.deepEqual(
    authStepReply({ kind: 'failure', reason: 'authentication failure', temporary: false }),
    {
      code: 535,
      enhanced: '5.7.8',
      text: 'Error: authentication failed: authentication failure',
    },
  );
  assert.deepEqual(
    authStepReply({
      kind: 'failure',
      reason: 'Connection lost to authentication server',
      temporary: true,
    }),
    {
      code: 454,
      enhanced: '4.7.0',
      text: 'Temporary authentication failure: Connection lost to authentication server',
    },
  );
  assert.equal(authStepReply({ kind: 'challenge', challenge: new Uint8Array(0) }), undefined);
});

test('smtpd_sasl_type: dovecot and postern; cyrus is refused by name', async () => {
  const { parseSaslType, createSaslBackend, SaslTypeError } =
    await import('../../../src/smtp/sasl/backend-type.js');
  const { DovecotSaslBackend } = await import('../../../src/smtp/sasl/dovecot-backend.js');
  assert.equal(parseSaslType(' Dovecot '), 'dovecot');
  assert.equal(parseSaslType('postern'), 'postern');
  assert.throws(
    () => parseSaslType('cyrus'),
    (e: unknown) =>
      e instanceof SaslTypeError && /cyrus is not supported by postern/.test(e.message),
  );
  assert.throws(() => parseSaslType('ldap'), /unknown type 'ldap'/);
  const p = createSaslBackend({
    type: 'postern',
    postern: {
      passwords: mapTable({}),
      security: { plain: parseSecurityOptions(''), tls: parseSecurityOptions('') },
      cramMd5: false,
      random,
      now: () => 0,
      hostname: 'h',
    },
  });
  assert.ok(p instanceof PosternSaslBackend);
  const d = createSaslBackend({
    type: 'dovecot',
    dovecot: {
      endpoint: { kind: 'unix', path: '/nonexistent/auth' },
      security: { plain: parseSecurityOptions(''), tls: parseSecurityOptions('') },
    },
  });
  assert.ok(d instanceof DovecotSaslBackend);
  assert.deepEqual(d.mechanisms(tlsCtx), []);
  d.close();
});
