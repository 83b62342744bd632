// Our server-side mechanisms against another client implementation: the
// responses Python's smtplib computes (SMTP.auth_plain, SMTP.auth_cram_md5),
// checked by the built-in back end.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { deterministicRandom } from '../../src/prng/index.js';
import { PosternSaslBackend } from '../../src/smtp/sasl/postern-backend.js';
import { parseSecurityOptions } from '../../src/smtp/sasl/security-options.js';
import type { SaslContext } from '../../src/smtp/sasl/backend.js';

const ctx: SaslContext = { clientAddress: '127.0.0.1', secured: true, service: 'smtp' };

/** Runs smtplib's response function for `method`; the challenge and the answer travel as base64. */
function smtplib(
  method: 'auth_plain' | 'auth_cram_md5',
  user: string,
  password: string,
  challenge?: Uint8Array,
): Uint8Array {
  const script = [
    'import base64, smtplib, sys',
    's = smtplib.SMTP()',
    's.user, s.password = sys.argv[1], sys.argv[2]',
    'c = base64.b64decode(sys.argv[4]) if len(sys.argv) > 4 else None',
    'r = getattr(s, sys.argv[3])(c) if c is not None else getattr(s, sys.argv[3])()',
    'sys.stdout.write(base64.b64encode(r.encode("utf-8")).decode())',
  ].join('\n');
  const args = [
    '-c',
    script,
    user,
    password,
    method,
    ...(challenge ? [Buffer.from(challenge).toString('base64')] : []),
  ];
  const r = spawnSync('python3', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return new Uint8Array(Buffer.from(r.stdout, 'base64'));
}

before(() => {
  const probe = spawnSync('python3', ['-c', 'import smtplib'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0)
    throw new Error('python3 is not installed: this test needs it (Debian package python3)');
});

const backend = new PosternSaslBackend({
  passwords: { lookup: (u) => (u === 'tim' ? '{PLAIN}tanstaaftanstaaf' : undefined) },
  security: { plain: parseSecurityOptions(''), tls: parseSecurityOptions('') },
  cramMd5: true,
  random: deterministicRandom('python'),
  now: () => Date.now(),
  hostname: 'mx.example.org',
});

test('PLAIN: smtplib.auth_plain() is accepted as an initial response', async () => {
  assert.deepEqual(
    (await backend.start('PLAIN', smtplib('auth_plain', 'tim', 'tanstaaftanstaaf'), ctx)).first,
    { kind: 'success', user: 'tim' },
  );
  assert.equal(
    (await backend.start('PLAIN', smtplib('auth_plain', 'tim', 'wrong'), ctx)).first.kind,
    'failure',
  );
});

test('CRAM-MD5: smtplib.auth_cram_md5() answers our challenge', async () => {
  for (const [password, kind] of [
    ['tanstaaftanstaaf', 'success'],
    ['tanstaaf', 'failure'],
  ] as const) {
    const { exchange, first } = await backend.start('CRAM-MD5', undefined, ctx);
    assert.equal(first.kind, 'challenge');
    if (first.kind !== 'challenge') return;
    const step = await exchange.respond(smtplib('auth_cram_md5', 'tim', password, first.challenge));
    assert.equal(step.kind, kind);
  }
});
