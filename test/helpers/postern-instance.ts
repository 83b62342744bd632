// A real `postern start -c DIR` child process for the MTA interop tests: a
// private directory (configuration, queue, data, log, Maildirs), a
// self-signed certificate made by openssl, an smtpd on a port the OS picked.
// The master is started in its own process group (detached), so "every
// postern process" is the group: SIGKILL reaches the workers too, and a test
// can check that none is left. Everything is stopped and removed when the
// test file ends, also on failure.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from './processes.js';

export const BIN = resolve(fileURLToPath(import.meta.url), '../../../../bin/postern.js');

export interface PosternInstanceOptions {
  /** Extra main.cf lines, appended after the defaults (later lines win, as in main.cf). */
  mainCf?: string;
  /** The smtpd line's maxproc column ('-' = default_process_limit). */
  smtpdMaxproc?: string;
}

const instances = new Set<PosternInstance>();
after(async () => {
  for (const i of [...instances]) await i.dispose();
});

/** True while any process of the group still exists (kill(-pgid, 0) answers ESRCH once it is empty). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Resolves once a connection to the port reads a 220 greeting (then says QUIT). */
export async function greets(port: number): Promise<boolean> {
  return new Promise((resolveGreeting) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    const done = (ok: boolean): void => {
      s.destroy();
      resolveGreeting(ok);
    };
    s.setTimeout(3000, () => done(false));
    s.on('error', () => done(false));
    s.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (/^220 .*\r\n/m.test(text)) {
        s.write('QUIT\r\n');
        done(true);
      } else if (/^\d{3} .*\r\n/m.test(text)) done(false);
    });
    s.on('close', () => done(false));
  });
}

/** A self-signed RSA certificate for CN (openssl req), written as key and cert files. */
export function makeCertificate(certFile: string, keyFile: string, cn: string): void {
  const tmpCert = `${certFile}.new`;
  const tmpKey = `${keyFile}.new`;
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      tmpKey,
      '-out',
      tmpCert,
      '-days',
      '30',
      '-subj',
      `/CN=${cn}`,
    ],
    { stdio: 'pipe' },
  );
  // Renamed into place so a reader never sees half a file.
  renameSync(tmpKey, keyFile);
  renameSync(tmpCert, certFile);
}

export class PosternInstance {
  readonly dir: string;
  readonly etc: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly mailRoot: string;
  readonly logFile: string;
  proc?: ChildProcess;
  private output = '';
  private exitedPromise?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly port: number,
    prefix: string,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    this.etc = join(this.dir, 'etc');
    this.certFile = join(this.etc, 'cert.pem');
    this.keyFile = join(this.etc, 'key.pem');
    this.mailRoot = join(this.dir, 'mail');
    this.logFile = join(this.dir, 'log', 'postern.log');
    instances.add(this);
  }

  /** A private directory with main.cf, master.cf and a certificate; not started yet. */
  static async create(
    o: PosternInstanceOptions = {},
    prefix = 'postern-mta-',
  ): Promise<PosternInstance> {
    const p = new PosternInstance(await freePort(), prefix);
    for (const d of ['etc', 'log', 'mail']) mkdirSync(join(p.dir, d), { recursive: true });
    makeCertificate(p.certFile, p.keyFile, 'old.postern.test');
    writeFileSync(join(p.etc, 'main.cf'), p.mainCf(o.mainCf ?? ''));
    writeFileSync(join(p.etc, 'master.cf'), p.masterCf(o.smtpdMaxproc ?? '-'));
    return p;
  }

  private mainCf(extra: string): string {
    const d = this.dir;
    return `compatibility_level = 3.6
myhostname = mx.postern.test
mydestination = $myhostname, localhost
inet_interfaces = 127.0.0.1
mynetworks = 127.0.0.0/8
queue_directory = ${d}/queue
data_directory = ${d}/data
maillog_file = ${this.logFile}
maillog_file_prefixes = ${d}/log
home_mailbox = Maildir/
virtual_mailbox_base = ${this.mailRoot}
alias_maps =
local_recipient_maps =
smtpd_tls_cert_file = ${this.certFile}
smtpd_tls_key_file = ${this.keyFile}
smtpd_tls_security_level = may
smtpd_tls_received_header = yes
smtpd_tls_loglevel = 1
tls_random_exchange_name = ${d}/data/prng_exch
${extra}
`;
  }

  private masterCf(maxproc: string): string {
    return `127.0.0.1:${this.port} inet n - n - ${maxproc} smtpd
tlsmgr unix - - n 1000? 1 tlsmgr
qmgr unix n - n 300 1 qmgr
local unix - n n - - local
`;
  }

  /** The master's pid (= its process group). */
  get pid(): number {
    const pid = this.proc?.pid;
    if (pid === undefined) throw new Error('postern is not running');
    return pid;
  }

  stdout(): string {
    return this.output;
  }

  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
  }

  /** Starts `postern start -c DIR` in its own process group and waits until the smtpd greets. */
  async start(timeoutMs = 30_000): Promise<void> {
    const proc = spawn(process.execPath, [BIN, 'start', '-c', this.etc], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    proc.stdout?.on('data', (d: Buffer) => (this.output += d.toString('utf8')));
    proc.stderr?.on('data', (d: Buffer) => (this.output += d.toString('utf8')));
    this.exitedPromise = new Promise((r) =>
      proc.once('exit', (code, signal) => r({ code, signal })),
    );
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null)
        throw new Error(`postern start exited early\n${this.output}\n${this.log()}`);
      if (await greets(this.port)) return;
      await sleep(100);
    }
    throw new Error(
      `postern did not greet on port ${this.port} within ${timeoutMs} ms\n${this.output}\n${this.log()}`,
    );
  }

  /** SIGTERM to the master; resolves with its exit once it and every process of its group are gone. */
  async stop(
    timeoutMs = 20_000,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; leftover: boolean }> {
    const proc = this.proc;
    if (proc === undefined || this.exitedPromise === undefined)
      throw new Error('postern is not running');
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    const timer = setTimeout(() => this.killGroup(), timeoutMs);
    const exit = await this.exitedPromise;
    clearTimeout(timer);
    const leftover = await this.waitGroupGone(5000);
    this.proc = undefined;
    return { ...exit, leftover };
  }

  /** SIGKILL to every process of the group (master and workers at once), then waits until none is left. */
  async killAll(): Promise<void> {
    const proc = this.proc;
    if (proc === undefined || this.exitedPromise === undefined) return;
    this.killGroup();
    await this.exitedPromise;
    if (await this.waitGroupGone(10_000))
      throw new Error(`postern processes of group ${proc.pid} survived SIGKILL`);
    this.proc = undefined;
  }

  private killGroup(): void {
    const pid = this.proc?.pid;
    if (pid === undefined || !groupAlive(pid)) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
  }

  /** True when processes are still left after the wait. */
  private async waitGroupGone(ms: number): Promise<boolean> {
    const pid = this.proc?.pid;
    if (pid === undefined) return false;
    const deadline = Date.now() + ms;
    while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
    return groupAlive(pid);
  }

  /** Runs a postern command against this instance's configuration (reload, postqueue -p, …). */
  cli(command: string, args: readonly string[] = []): { code: number; stdout: string } {
    try {
      const stdout = execFileSync(process.execPath, [BIN, command, '-c', this.etc, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return { code: 0, stdout };
    } catch (e) {
      const err = e as { status?: number; stdout?: string; stderr?: string };
      return { code: err.status ?? 1, stdout: `${err.stdout ?? ''}${err.stderr ?? ''}` };
    }
  }

  /** The Maildir new/ of a local user. */
  maildirNew(user: string): string {
    return join(this.mailRoot, user, 'Maildir', 'new');
  }

  async dispose(): Promise<void> {
    instances.delete(this);
    if (this.proc !== undefined) {
      this.killGroup();
      await this.waitGroupGone(10_000);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
