import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { updateSourceLines } from '../../src/cli/saslpasswd.js';
import { parseStoredSecret, verifyPassword } from '../../src/smtp/sasl/stored-secret.js';

/** Runs `postern saslpasswd …` in this process with `input` on standard input (not a terminal). */
async function saslpasswd(args: string[], input: string): Promise<{ code: number; err: string }> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  stdin.end(input);
  const code = await main(['saslpasswd', ...args], { stdin, stdout, stderr });
  return { code, err };
}

function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'postern-saslpasswd-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const secretOf = (file: string, user: string): string | undefined =>
  readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${user} `))
    ?.slice(user.length + 1);

test('adds scrypt and argon2id users to a new 0600 file; the password is the first line of stdin', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'sasl_passwd');
    const a = await saslpasswd(
      ['-f', file, '-params', 'ln=10,r=8,p=1', 'alice'],
      'alice secret\nignored\n',
    );
    assert.equal(a.code, 0, a.err);
    assert.match(a.err, /added alice/);
    const b = await saslpasswd(
      ['-f', file, '-a', 'argon2id', '-params', 'm=64,t=1,p=1', 'bob'],
      'bob-pw\r\n',
    );
    assert.equal(b.code, 0, b.err);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const alice = secretOf(file, 'alice');
    const bob = secretOf(file, 'bob');
    assert.match(alice ?? '', /^\$scrypt\$ln=10,r=8,p=1\$/);
    assert.match(bob ?? '', /^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
    assert.equal(await verifyPassword(parseStoredSecret(alice ?? ''), 'alice secret'), true);
    assert.equal(await verifyPassword(parseStoredSecret(bob ?? ''), 'bob-pw'), true);
    assert.ok(!readFileSync(file, 'utf8').includes('secret\n'), 'no password in the file');
  });
});

test('replaces a user in place, keeps comments and others, keeps the mode; deletes; {PLAIN} with a warning', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'sasl_passwd');
    writeFileSync(file, '# users\ncarol {PLAIN}old\n\ndave $scrypt$x\n', { mode: 0o640 });
    const r = await saslpasswd(['-f', file, '-plain', 'Carol'], 'new-pw\n');
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /warning: \{PLAIN\} stores the password itself/);
    assert.equal(readFileSync(file, 'utf8'), '# users\nCarol {PLAIN}new-pw\n\ndave $scrypt$x\n');
    assert.equal(statSync(file).mode & 0o777, 0o640);
    const d = await saslpasswd(['-f', file, '-d', 'dave'], '');
    assert.equal(d.code, 0, d.err);
    assert.equal(readFileSync(file, 'utf8'), '# users\nCarol {PLAIN}new-pw\n\n');
    const missing = await saslpasswd(['-f', file, '-d', 'dave'], '');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /dave: no such user/);
  });
});

test('refusals: no file, no user, a password on the command line, bad names, bad parameters, an empty password', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'f');
    assert.equal((await saslpasswd(['alice'], 'x\n')).code, 2);
    assert.equal((await saslpasswd(['-f', file], 'x\n')).code, 2);
    const argv = await saslpasswd(['-f', file, 'alice', 'hunter2'], 'x\n');
    assert.equal(argv.code, 2);
    assert.match(argv.err, /never the password/);
    assert.equal((await saslpasswd(['-f', file, 'has space'], 'x\n')).code, 2);
    assert.equal((await saslpasswd(['-f', file, '#comment'], 'x\n')).code, 2);
    assert.match(
      (await saslpasswd(['-f', file, '-a', 'md5', 'alice'], 'x\n')).err,
      /unknown scheme 'md5'/,
    );
    assert.match(
      (await saslpasswd(['-f', file, '-params', 'ln=40,r=8,p=1', 'alice'], 'x\n')).err,
      /-params: parameter ln missing or outside/,
    );
    const empty = await saslpasswd(['-f', file, 'alice'], '\n');
    assert.equal(empty.code, 1);
    assert.match(empty.err, /empty password/);
    assert.match(
      (await saslpasswd(['-f', file, '-d', '-plain', 'alice'], '')).err,
      /-d takes no password options/,
    );
  });
});

test('updateSourceLines: every copy of a folded key goes, the first becomes the new line', () => {
  assert.deepEqual(updateSourceLines(['a x', 'A y', 'b z'], 'a', 'new'), {
    lines: ['a new', 'b z'],
    found: true,
  });
  assert.deepEqual(updateSourceLines(['  a continued', 'b z'], 'a', 'new'), {
    lines: ['  a continued', 'b z', 'a new'],
    found: false,
  });
  assert.deepEqual(updateSourceLines(['a x'], 'a', undefined), { lines: [], found: true });
});
