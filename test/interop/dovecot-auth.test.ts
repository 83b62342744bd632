// Our dovecot SASL back end against a real Dovecot (Debian's dovecot-core),
// started here with a private configuration: no protocols, no TLS, a
// passwd-file passdb and one auth-client listener in a temp directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { DovecotSaslBackend, parseDovecotPath } from '../../src/smtp/sasl/dovecot-backend.js';
import { parseSecurityOptions } from '../../src/smtp/sasl/security-options.js';
import type { SaslContext, SaslStep } from '../../src/smtp/sasl/backend.js';
import { encodePlainMessage, plainClient } from '../../src/smtp/sasl/plain.js';
import { loginClient } from '../../src/smtp/sasl/login.js';
import { cramMd5Client } from '../../src/smtp/sasl/cram-md5.js';
import { authStepReply } from '../../src/smtp/sasl/replies.js';

const DOVECOT = '/usr/sbin/dovecot';
let dir = '';
let dovecot: Dovecot | undefined;
let backend: DovecotSaslBackend;

const ctx: SaslContext = { clientAddress: '127.0.0.1', secured: true, service: 'smtp' };
const security = {
  plain: parseSecurityOptions('noanonymous, noplaintext'),
  tls: parseSecurityOptions('noanonymous'),
};

function config(d: string): string {
  // As root Dovecot wants unprivileged users for its internal and login processes; as anyone else it can only be that user.
  const root = process.getuid?.() === 0;
  const internal = root ? 'dovecot' : userInfo().username;
  const login = root ? 'dovenull' : userInfo().username;
  return `base_dir = ${d}/run
state_dir = ${d}/state
log_path = /dev/stderr
protocols =
ssl = no
default_internal_user = ${internal}
default_login_user = ${login}
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${d}/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
service auth {
  unix_listener ${d}/sock/auth {
    mode = 0666
  }
}
`;
}

interface Dovecot {
  readonly proc: ChildProcess;
  readonly output: () => string;
  stop(): Promise<void>;
}

/**
 * Dovecot in the foreground (-F) in a process group of its own: its auth
 * process outlives the master by up to 30 s while a client is connected, so
 * stopping means signalling the whole group.
 */
function startDovecot(conf: string): Dovecot {
  const proc = spawn(DOVECOT, ['-F', '-c', conf], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  proc.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const closed = new Promise<void>((resolve) => proc.once('close', () => resolve()));
  const signal = (sig: NodeJS.Signals): void => {
    try {
      if (proc.pid !== undefined) process.kill(-proc.pid, sig);
    } catch (err) {
      // ESRCH: the group is already gone, which is what stopping wants.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  };
  return {
    proc,
    output: () => text,
    async stop() {
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 3000);
      await closed;
      clearTimeout(timer);
    },
  };
}

async function waitForFile(path: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!existsSync(path)) {
    if (Date.now() > end)
      throw new Error(`Dovecot did not create ${path}\n${dovecot?.output() ?? ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  const probe = spawnSync(DOVECOT, ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      'dovecot is not installed: the Dovecot SASL interop test needs it (Debian package dovecot-core: apt-get install -y dovecot-core)',
    );
  }
  dir = mkdtempSync(join(tmpdir(), 'postern-dovecot-'));
  // The auth processes run as the dovecot user: they must reach the users file and the socket directory.
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'sock']) mkdirSync(join(dir, sub), { mode: 0o755 });
  writeFileSync(join(dir, 'users'), 'tim:{PLAIN}tanstaaftanstaaf\njoerg:{PLAIN}pässwörd\n', {
    mode: 0o644,
  });
  writeFileSync(join(dir, 'dovecot.conf'), config(dir));
  dovecot = startDovecot(join(dir, 'dovecot.conf'));
  await waitForFile(join(dir, 'sock', 'auth'), 10_000);
  backend = new DovecotSaslBackend({
    endpoint: parseDovecotPath(join(dir, 'sock', 'auth'), '/unused'),
    security,
    localAddress: '127.0.0.1',
    requestTimeoutMs: 10_000,
  });
  assert.equal(await backend.open(), true, dovecot.output());
});

after(async () => {
  backend?.close();
  await dovecot?.stop();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

// Dovecot delays every request from an address after failures there (auth_penalty): failing logins come from addresses of their own.
let nextAddress = 10;
const failingCtx = (): SaslContext => ({ ...ctx, clientAddress: `192.0.2.${nextAddress++}` });

async function plain(
  user: string,
  password: string,
  context: SaslContext = ctx,
): Promise<SaslStep> {
  return (await backend.start('PLAIN', encodePlainMessage({ user, password }), context)).first;
}

/** Runs LOGIN to the end the way the SMTP session would: challenge, response, until a verdict. */
async function login(
  user: string,
  password: string,
  context: SaslContext = ctx,
): Promise<SaslStep> {
  const client = loginClient({ user, password });
  const { exchange, first } = await backend.start('LOGIN', undefined, context);
  let step = first;
  for (let i = 0; i < 4 && step.kind === 'challenge'; i++)
    step = await exchange.respond(client.respond(step.challenge));
  return step;
}

test('Dovecot announces PLAIN, LOGIN and CRAM-MD5, filtered by our security options', () => {
  assert.deepEqual(backend.mechanisms(ctx), ['PLAIN', 'LOGIN', 'CRAM-MD5']);
  assert.deepEqual(
    backend.mechanisms({ ...ctx, secured: false }),
    ['CRAM-MD5'],
    'noplaintext before TLS',
  );
});

test('PLAIN: a good password succeeds with the user name Dovecot returns, a bad one gets 535', async () => {
  assert.deepEqual(await plain('tim', 'tanstaaftanstaaf'), { kind: 'success', user: 'tim' });
  assert.deepEqual(await plain('joerg', 'pässwörd'), { kind: 'success', user: 'joerg' });
  const bad = await plain('tim', 'wrong', failingCtx());
  assert.equal(bad.kind, 'failure');
  assert.equal(bad.kind === 'failure' && bad.temporary, false);
  assert.equal(authStepReply(bad)?.code, 535);
  assert.equal((await plain('nobody-here', 'x', failingCtx())).kind, 'failure');
});

test('PLAIN with an empty initial response: Dovecot asks with an empty challenge', async () => {
  const client = plainClient({ user: 'tim', password: 'tanstaaftanstaaf' });
  const { exchange, first } = await backend.start('PLAIN', undefined, ctx);
  assert.deepEqual(first, { kind: 'challenge', challenge: new Uint8Array(0) });
  assert.deepEqual(await exchange.respond(client.respond(new Uint8Array(0))), {
    kind: 'success',
    user: 'tim',
  });
});

test('LOGIN: Username:/Password: from Dovecot, good and bad passwords', async () => {
  assert.deepEqual(await login('tim', 'tanstaaftanstaaf'), { kind: 'success', user: 'tim' });
  const bad = await login('tim', 'tanstaaf', failingCtx());
  assert.equal(bad.kind, 'failure');
  assert.equal(bad.kind === 'failure' && bad.temporary, false);
});

test('CRAM-MD5: our client side answers the challenge Dovecot sends; a wrong secret fails', async () => {
  const run = async (password: string, context: SaslContext): Promise<SaslStep> => {
    const { exchange, first } = await backend.start('CRAM-MD5', undefined, context);
    assert.equal(first.kind, 'challenge');
    if (first.kind !== 'challenge') return first;
    assert.match(
      new TextDecoder().decode(first.challenge),
      /^<\d+\.\d+@[^>]+>$/,
      'RFC 2195 msg-id form',
    );
    return exchange.respond(cramMd5Client({ user: 'tim', password }).respond(first.challenge));
  };
  assert.deepEqual(await run('tanstaaftanstaaf', { ...ctx, secured: false }), {
    kind: 'success',
    user: 'tim',
  });
  assert.equal((await run('tanstaaf', failingCtx())).kind, 'failure');
});

test('a mechanism Dovecot does not offer is refused before it reaches Dovecot', async () => {
  const { first } = await backend.start('DIGEST-MD5', undefined, ctx);
  assert.deepEqual(first, {
    kind: 'failure',
    reason: "Invalid authentication mechanism: 'DIGEST-MD5'",
    temporary: false,
  });
});

test('Dovecot stopped: a temporary failure (454), then it recovers when Dovecot is back', async () => {
  await dovecot?.stop();
  const down = await plain('tim', 'tanstaaftanstaaf');
  assert.equal(down.kind === 'failure' && down.temporary, true, JSON.stringify(down));
  assert.equal(authStepReply(down)?.code, 454);
  rmSync(join(dir, 'sock', 'auth'), { force: true });
  dovecot = startDovecot(join(dir, 'dovecot.conf'));
  await waitForFile(join(dir, 'sock', 'auth'), 10_000);
  assert.deepEqual(await plain('tim', 'tanstaaftanstaaf'), { kind: 'success', user: 'tim' });
});
