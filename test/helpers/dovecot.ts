import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';

export const DOVECOT = '/usr/sbin/dovecot';

export interface Dovecot {
  readonly proc: ChildProcess;
  /** The auth-client socket (smtpd_sasl_path). */
  readonly socket: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** A private Dovecot configuration: no protocols, no TLS, a passwd-file passdb, one auth-client listener under DIR. */
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
auth_mechanisms = plain login
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

/**
 * Writes the configuration and USERS ("name:{PLAIN}password" lines) under DIR
 * and runs Dovecot in the foreground in a process group of its own (its auth
 * process outlives the master while a client is connected, so stop signals
 * the group). Resolves once the auth socket exists.
 */
export async function startDovecot(dir: string, users: string): Promise<Dovecot> {
  // The auth processes run as the dovecot user: they must reach the users file and the socket directory.
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'sock']) mkdirSync(join(dir, sub), { mode: 0o755 });
  writeFileSync(join(dir, 'users'), users, { mode: 0o644 });
  writeFileSync(join(dir, 'dovecot.conf'), config(dir));
  const proc = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], {
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
  const dovecot: Dovecot = {
    proc,
    socket: join(dir, 'sock', 'auth'),
    output: () => text,
    async stop() {
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 3000);
      await closed;
      clearTimeout(timer);
    },
  };
  for (let i = 0; i < 200 && !existsSync(dovecot.socket); i++)
    await new Promise((r) => setTimeout(r, 50));
  if (!existsSync(dovecot.socket)) {
    await dovecot.stop();
    throw new Error(`Dovecot did not create ${dovecot.socket}\n${text}`);
  }
  return dovecot;
}
