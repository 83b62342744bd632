// The stored secrets of smtpd_sasl_type = postern against other
// implementations: the reference Argon2 command (Debian's argon2) and
// Python's hashlib.scrypt (OpenSSL's scrypt).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { scriptedRandom } from '../../src/prng/index.js';
import {
  hashPassword,
  parseStoredSecret,
  verifyPassword,
} from '../../src/smtp/sasl/stored-secret.js';

const SALT = 'saltsaltsaltsalt';
const salted = (): ReturnType<typeof scriptedRandom> =>
  scriptedRandom(new TextEncoder().encode(SALT));

function need(command: string, args: string[], pkg: string): void {
  const probe = spawnSync(command, args, { encoding: 'utf8', input: '' });
  if (probe.error !== undefined)
    throw new Error(
      `${command} is not installed: this test needs it (Debian package ${pkg}: apt-get install -y ${pkg})`,
    );
}

before(() => {
  need('argon2', ['-h'], 'argon2');
  need('python3', ['-c', 'import hashlib; hashlib.scrypt'], 'python3');
});

/** The reference argon2 CLI: -m is log2 of the memory in KiB, -e prints the PHC string. */
function referenceArgon2id(password: string, t: number, logM: number, p: number): string {
  const r = spawnSync(
    'argon2',
    [SALT, '-id', '-t', String(t), '-m', String(logM), '-p', String(p), '-l', '32', '-e'],
    { input: password, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test("argon2id: our PHC string is the reference implementation's, byte for byte", async () => {
  for (const [password, t, logM, p] of [
    ['pw', 1, 6, 1],
    ['pässwörd with spaces', 2, 10, 4],
    ['x', 3, 16, 4],
  ] as const) {
    const ours = await hashPassword(password, 'argon2id', salted(), {
      argon2id: { m: 2 ** logM, t, p, version: 0x13 },
    });
    assert.equal(
      ours,
      referenceArgon2id(password, t, logM, p),
      `${password} t=${t} m=2^${logM} p=${p}`,
    );
  }
});

test('argon2id: a string made by the reference CLI verifies here, and a wrong password does not', async () => {
  const theirs = referenceArgon2id('from the CLI', 2, 12, 2);
  assert.equal(await verifyPassword(parseStoredSecret(theirs), 'from the CLI'), true);
  assert.equal(await verifyPassword(parseStoredSecret(theirs), 'from the cli'), false);
});

test('scrypt: the hash in our PHC string is what OpenSSL computes (Python hashlib.scrypt)', async () => {
  const ours = await hashPassword('pässwörd', 'scrypt', salted(), {
    scrypt: { ln: 12, r: 8, p: 2 },
  });
  const [, , params, salt64, hash64] = ours.split('$');
  assert.equal(params, 'ln=12,r=8,p=2');
  assert.equal(Buffer.from(salt64 ?? '', 'base64').toString(), SALT);
  const py = spawnSync(
    'python3',
    [
      '-c',
      'import hashlib,sys; print(hashlib.scrypt(sys.stdin.buffer.read(), salt=sys.argv[1].encode(), n=4096, r=8, p=2, dklen=32).hex())',
      SALT,
    ],
    { input: Buffer.from('pässwörd', 'utf8'), encoding: 'utf8' },
  );
  assert.equal(py.status, 0, py.stderr);
  assert.equal(Buffer.from(hash64 ?? '', 'base64').toString('hex'), py.stdout.trim());
});
