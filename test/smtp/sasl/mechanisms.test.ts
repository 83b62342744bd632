import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deterministicRandom } from '../../../src/prng/index.js';
import {
  plainServer,
  plainClient,
  decodePlainMessage,
  encodePlainMessage,
} from '../../../src/smtp/sasl/plain.js';
import { loginServer, loginClient } from '../../../src/smtp/sasl/login.js';
import {
  cramMd5Server,
  cramMd5Client,
  cramMd5Digest,
  makeCramMd5Challenge,
} from '../../../src/smtp/sasl/cram-md5.js';
import { SaslClientError } from '../../../src/smtp/sasl/mechanism.js';
import type { ServerMechanismStep } from '../../../src/smtp/sasl/mechanism.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

function credentials(step: ServerMechanismStep): unknown {
  assert.equal(step.kind, 'credentials', JSON.stringify(step));
  return step.kind === 'credentials' ? step.credentials : undefined;
}

test('PLAIN: RFC 4616 §4 examples decode to authzid, authcid and password', () => {
  assert.deepEqual(credentials(decodePlainMessage(enc('\0tim\0tanstaaftanstaaf'))), {
    kind: 'plain',
    authzid: '',
    authcid: 'tim',
    password: 'tanstaaftanstaaf',
  });
  assert.deepEqual(credentials(decodePlainMessage(enc('Ursel\0Kurt\0xipj3plmq'))), {
    kind: 'plain',
    authzid: 'Ursel',
    authcid: 'Kurt',
    password: 'xipj3plmq',
  });
});

test('PLAIN: the client encodes the RFC 4616 examples byte for byte', () => {
  assert.equal(
    dec(encodePlainMessage({ user: 'tim', password: 'tanstaaftanstaaf' })),
    '\0tim\0tanstaaftanstaaf',
  );
  assert.equal(
    dec(encodePlainMessage({ authzid: 'Ursel', user: 'Kurt', password: 'xipj3plmq' })),
    'Ursel\0Kurt\0xipj3plmq',
  );
  assert.equal(
    Buffer.from(encodePlainMessage({ user: 'tim', password: 'tanstaaftanstaaf' })).toString(
      'base64',
    ),
    'AHRpbQB0YW5zdGFhZnRhbnN0YWFm',
  );
});

test('PLAIN: NUL rules, lengths and UTF-8 are enforced', () => {
  const malformed = (bytes: Uint8Array, why: RegExp): void => {
    const step = decodePlainMessage(bytes);
    assert.equal(step.kind, 'malformed');
    if (step.kind === 'malformed') assert.match(step.reason, why);
  };
  malformed(enc('tim'), /two NUL/);
  malformed(enc('\0tim'), /two NUL/);
  malformed(enc('\0tim\0pass\0word'), /NUL in the password/);
  malformed(enc('\0\0password'), /empty/);
  malformed(enc('\0tim\0'), /empty/);
  malformed(Uint8Array.from([0, 0x74, 0, 0xff, 0xfe]), /UTF-8/);
  malformed(enc(`\0${'u'.repeat(256)}\0pw`), /255/);
  assert.deepEqual(credentials(decodePlainMessage(enc('\0jörg\0pässwörd'))), {
    kind: 'plain',
    authzid: '',
    authcid: 'jörg',
    password: 'pässwörd',
  });
  assert.throws(() => encodePlainMessage({ user: 'a\0b', password: 'x' }), SaslClientError);
  assert.throws(() => encodePlainMessage({ user: 'a', password: '' }), SaslClientError);
});

test('PLAIN: without an initial response the server sends an empty challenge; one message only', () => {
  const server = plainServer();
  const first = server.start(undefined);
  assert.deepEqual(first, { kind: 'challenge', challenge: new Uint8Array(0) });
  const client = plainClient({ user: 'tim', password: 'tanstaaftanstaaf' });
  assert.deepEqual(credentials(server.respond(client.respond(new Uint8Array(0)))), {
    kind: 'plain',
    authzid: '',
    authcid: 'tim',
    password: 'tanstaaftanstaaf',
  });
  assert.equal(server.respond(enc('\0a\0b')).kind, 'malformed');
  assert.throws(() => client.respond(new Uint8Array(0)), SaslClientError);
});

test('PLAIN: with an initial response the exchange is one step, and the client refuses a challenge after it', () => {
  const client = plainClient({ user: 'tim', password: 'tanstaaftanstaaf' });
  const server = plainServer();
  assert.deepEqual(credentials(server.start(client.initialResponse())), {
    kind: 'plain',
    authzid: '',
    authcid: 'tim',
    password: 'tanstaaftanstaaf',
  });
  assert.throws(() => client.respond(enc('more?')), /unexpected server challenge/);
});

test('LOGIN: Username: then Password:, both sides', () => {
  const server = loginServer();
  const client = loginClient({ user: 'tim', password: 'tanstaaftanstaaf' });
  assert.equal(client.initialResponse(), undefined);
  const s1 = server.start(undefined);
  assert.equal(s1.kind === 'challenge' && dec(s1.challenge), 'Username:');
  const s2 = server.respond(
    client.respond(s1.kind === 'challenge' ? s1.challenge : new Uint8Array(0)),
  );
  assert.equal(s2.kind === 'challenge' && dec(s2.challenge), 'Password:');
  const s3 = server.respond(
    client.respond(s2.kind === 'challenge' ? s2.challenge : new Uint8Array(0)),
  );
  assert.deepEqual(credentials(s3), {
    kind: 'plain',
    authzid: '',
    authcid: 'tim',
    password: 'tanstaaftanstaaf',
  });
  assert.equal(server.respond(enc('x')).kind, 'malformed');
  assert.throws(() => client.respond(enc('Again:')), /third/);
});

test('LOGIN: an initial response is the user name; an empty user name is refused; an empty password is passed on', () => {
  const server = loginServer();
  const s1 = server.start(enc('tim'));
  assert.equal(s1.kind === 'challenge' && dec(s1.challenge), 'Password:');
  assert.deepEqual(credentials(server.respond(enc(''))), {
    kind: 'plain',
    authzid: '',
    authcid: 'tim',
    password: '',
  });
  assert.equal(loginServer().start(enc('')).kind, 'malformed');
  assert.equal(loginServer().start(Uint8Array.from([0xc3])).kind, 'malformed');
  assert.throws(
    () => loginClient({ user: 'tim', password: 'x' }).respond(enc('Password:')),
    /before the user name/,
  );
  assert.throws(
    () => loginClient({ user: 'tim', password: 'x', authzid: 'other' }),
    /authorization identity/,
  );
});

test('CRAM-MD5: RFC 2195 §2 example digest and client response', () => {
  const challenge = enc('<1896.697170952@postoffice.reston.mci.net>');
  assert.equal(
    cramMd5Digest(enc('tanstaaftanstaaf'), challenge),
    'b913a602c7eda7a495b4e6e7334d3890',
  );
  const client = cramMd5Client({ user: 'tim', password: 'tanstaaftanstaaf' });
  assert.equal(dec(client.respond(challenge)), 'tim b913a602c7eda7a495b4e6e7334d3890');
  assert.throws(() => client.respond(challenge), /second/);
  // The same exchange as RFC 2195 shows it, base64 on the wire.
  const wireChallenge = Buffer.from(
    'PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+',
    'base64',
  );
  assert.deepEqual(new Uint8Array(wireChallenge), challenge);
  const wire = Buffer.from(
    cramMd5Client({ user: 'tim', password: 'tanstaaftanstaaf' }).respond(wireChallenge),
  ).toString('base64');
  assert.equal(wire, 'dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw');
});

test('CRAM-MD5: the server challenge is msg-id shaped, from the injected Random and clock; the response parses', () => {
  const options = {
    random: deterministicRandom('cram'),
    now: () => 697170952_000,
    hostname: 'postoffice.reston.mci.net',
  };
  const challenge = dec(makeCramMd5Challenge(options));
  assert.match(challenge, /^<\d{24}\.697170952@postoffice\.reston\.mci\.net>$/);
  const server = cramMd5Server({ ...options, random: deterministicRandom('cram') });
  const first = server.start(undefined);
  assert.equal(first.kind, 'challenge');
  if (first.kind !== 'challenge') return;
  assert.equal(dec(first.challenge), challenge);
  const answer = cramMd5Client({ user: 'tim', password: 'tanstaaftanstaaf' }).respond(
    first.challenge,
  );
  const got = credentials(server.respond(answer)) as { user: string; digest: string };
  assert.equal(got.user, 'tim');
  assert.equal(got.digest, cramMd5Digest(enc('tanstaaftanstaaf'), first.challenge));
});

test('CRAM-MD5: an initial response, a bad digest shape or a second response are malformed', () => {
  const options = { random: deterministicRandom('x'), now: () => 0, hostname: 'h' };
  assert.equal(cramMd5Server(options).start(enc('tim 00')).kind, 'malformed');
  const s = cramMd5Server(options);
  s.start(undefined);
  assert.equal(s.respond(enc('tim nothex')).kind, 'malformed');
  assert.equal(
    s.respond(enc('tim 0123456789abcdef0123456789abcdef')).kind,
    'malformed',
    'after the end',
  );
  const t = cramMd5Server(options);
  t.start(undefined);
  assert.equal(t.respond(enc('0123456789abcdef0123456789abcdef')).kind, 'malformed', 'no user');
  assert.throws(
    () => cramMd5Client({ user: 'u', password: 'p' }).respond(new Uint8Array(0)),
    /empty/,
  );
});
