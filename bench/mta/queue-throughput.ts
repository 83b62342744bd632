// Issue 14's MTA bench: messages per second accepted and queued (fsync'd
// before the 250) over 20 concurrent connections, 4 KiB messages, plaintext
// and with STARTTLS on every connection, postern (`postern start`) against
// Postfix, both in private directories on loopback, alternated in one run.
//
//   npm run bench:mta [-- --rounds 3 --connections-per-round 40 --messages-per-connection 10]
//
// Needs root (Postfix's master runs as root and drops to mail_owner) and
// Postfix (`apt-get install postfix`; /usr/sbin/postfix), and openssl for the
// certificates. What each side does after the 250:
// - Postfix: default_transport = discard, so qmgr moves the file to active/,
//   discard(8) marks it delivered and the file is removed (as the issue asks).
// - postern: queue only. The smtpd service's `-o queue_directory=` names a
//   queue no queue manager watches (postern's qmgr reads main.cf's), so files
//   stay in incoming/; the bench empties it between measurements, untimed.
//   postern has no discard(8) transport yet, and its qmgr would otherwise
//   defer the mail ("no smtp delivery agent").
// STARTTLS: Postfix with an RSA-2048 certificate; postern with the same
// certificate, then with an ECDSA P-256 certificate and session resumption
// (TLS 1.2 session IDs through smtpd_tls_session_cache_database: postern's
// smtpd issues no TLS 1.3 tickets, whose keys its workers do not share).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad, type LoadOptions, type SessionHolder } from '../smtp-load.js';

function argNumber(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} takes a positive whole number`);
  return v;
}

const POSTFIX = '/usr/sbin/postfix';
const CONNECTIONS = 20;
const MESSAGES_PER_CONNECTION = argNumber('messages-per-connection', 10);
const SIZE = 4096;
const bin = fileURLToPath(new URL('../../../bin/postern.js', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

async function waitForGreeting(port: number, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.setEncoding('latin1');
      s.once('data', (d: string) => {
        s.end('QUIT\r\n');
        resolve(d.startsWith('220'));
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not greet on 127.0.0.1:${port} within 30 s`);
}

function makeCertificates(dir: string): void {
  const run = (args: string[]): void =>
    void execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  run([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'rsa.key',
    '-out',
    'rsa.pem',
    '-subj',
    '/CN=localhost',
    '-days',
    '30',
  ]);
  run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ec.key']);
  run([
    'req',
    '-new',
    '-x509',
    '-key',
    'ec.key',
    '-subj',
    '/CN=localhost',
    '-days',
    '30',
    '-out',
    'ec.pem',
  ]);
  for (const f of ['rsa.key', 'ec.key']) chmodSync(join(dir, f), 0o600);
}

/** A private Postfix: its own config, queue and data directories, one smtpd on the port, discard after queueing. */
function startPostfix(root: string, port: number): string {
  const etc = join(root, 'postfix-etc');
  mkdirSync(etc);
  // postfix start makes the queue's subdirectories but not the queue itself; data_directory belongs to mail_owner.
  mkdirSync(join(root, 'postfix-queue'));
  mkdirSync(join(root, 'postfix-data'));
  const uid = Number(execFileSync('id', ['-u', 'postfix'], { encoding: 'utf8' }).trim());
  chownSync(join(root, 'postfix-data'), uid, -1);
  writeFileSync(
    join(etc, 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${root}/postfix-queue`,
      `data_directory = ${root}/postfix-data`,
      'mail_owner = postfix',
      'setgid_group = postdrop',
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      'myhostname = bench.localhost',
      'mydestination =',
      'mynetworks = 127.0.0.0/8',
      'smtpd_relay_restrictions = permit_mynetworks, reject',
      'local_recipient_maps =',
      'alias_maps =',
      'alias_database =',
      'default_transport = discard',
      'local_transport = discard',
      'relay_transport = discard',
      'smtpd_tls_security_level = may',
      `smtpd_tls_cert_file = ${root}/rsa.pem`,
      `smtpd_tls_key_file = ${root}/rsa.key`,
      `maillog_file = ${root}/postfix.log`,
      `maillog_file_prefixes = ${root}`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(etc, 'master.cf'),
    [
      `127.0.0.1:${port} inet n - n - - smtpd`,
      'pickup    unix n - n 60 1 pickup',
      'cleanup   unix n - n - 0 cleanup',
      'qmgr      unix n - n 300 1 qmgr',
      'tlsmgr    unix - - n 1000? 1 tlsmgr',
      'rewrite   unix - - n - - trivial-rewrite',
      'bounce    unix - - n - 0 bounce',
      'defer     unix - - n - 0 bounce',
      'trace     unix - - n - 0 bounce',
      'verify    unix - - n - 1 verify',
      'flush     unix n - n 1000? 0 flush',
      'proxymap  unix - - n - - proxymap',
      'showq     unix n - n - - showq',
      'error     unix - - n - - error',
      'retry     unix - - n - - error',
      'discard   unix - - n - - discard',
      'anvil     unix - - n - 1 anvil',
      'scache    unix - - n - 1 scache',
      'postlog   unix-dgram n - n - 1 postlogd',
      '',
    ].join('\n'),
  );
  execFileSync(POSTFIX, ['-c', etc, 'start'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return etc;
}

interface PosternOptions {
  readonly name: string;
  readonly port: number;
  readonly tls: string[];
}

/** `postern start -c DIR` with one smtpd service whose queue no queue manager reads. */
function startPostern(root: string, o: PosternOptions): { child: ChildProcess; incoming: string } {
  const dir = join(root, o.name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${dir}/queue`,
      `data_directory = ${dir}/data`,
      'inet_interfaces = 127.0.0.1',
      'myhostname = bench.localhost',
      'mydestination =',
      'mynetworks = 127.0.0.0/8',
      'smtpd_relay_restrictions = permit_mynetworks, reject',
      'local_recipient_maps =',
      // The queue manager (which postern always runs) opens alias_maps; Postfix's default hash:/etc/aliases is absent here.
      'alias_maps =',
      `maillog_file = ${dir}/postern.log`,
      'smtpd_tls_security_level = may',
      ...o.tls,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'master.cf'),
    `127.0.0.1:${o.port} inet n - n - - smtpd -o queue_directory=${dir}/smtpd-queue\n`,
  );
  const child = spawn(process.execPath, [bin, 'start', '-c', dir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { child, incoming: join(dir, 'smtpd-queue', 'incoming') };
}

/** Removes the queue files (untimed) and counts them: each acknowledged message must have left one. */
function emptyDirectory(dir: string): number {
  if (!existsSync(dir)) return 0;
  const files = readdirSync(dir);
  for (const f of files) rmSync(join(dir, f), { force: true, recursive: true });
  return files.length;
}

/** Postfix's discard(8) deliveries so far, from its maillog_file. */
function postfixDiscarded(root: string): number {
  const log = join(root, 'postfix.log');
  if (!existsSync(log)) return 0;
  return readFileSync(log, 'latin1')
    .split('\n')
    .filter((l) => l.includes('postfix/discard[') && l.includes('status=sent')).length;
}

interface Case {
  readonly name: string;
  readonly port: number;
  readonly load: Partial<LoadOptions>;
  readonly afterRound?: () => void;
  readonly holder?: SessionHolder;
  messages: number;
  seconds: number;
}

async function measure(c: Case, connectionsPerRound: number): Promise<void> {
  try {
    await measureRuns(c, connectionsPerRound);
  } catch (e) {
    throw new Error(`${c.name}: ${(e as Error).message}`);
  }
}

async function measureRuns(c: Case, connectionsPerRound: number): Promise<void> {
  const runs = Math.max(1, Math.round(connectionsPerRound / CONNECTIONS));
  for (let i = 0; i < runs; i++) {
    const r = await runLoad({
      port: c.port,
      connections: CONNECTIONS,
      messagesPerConnection: MESSAGES_PER_CONNECTION,
      messageSize: SIZE,
      starttls: false,
      ...c.load,
      ...(c.holder !== undefined ? { resume: c.holder } : {}),
    });
    c.messages += r.messages;
    c.seconds += r.seconds;
  }
  c.afterRound?.();
}

const rate = (c: Case): number => c.messages / c.seconds;

async function main(): Promise<number> {
  if (!existsSync(POSTFIX)) {
    console.error(`bench:mta needs Postfix (${POSTFIX}): apt-get install postfix`);
    return 2;
  }
  if (process.getuid?.() !== 0) {
    console.error("bench:mta needs root: Postfix's master starts as root and drops to mail_owner");
    return 2;
  }
  const rounds = argNumber('rounds', 3);
  const connectionsPerRound = argNumber('connections-per-round', 40);
  const root = mkdtempSync(join(tmpdir(), 'postern-bench-mta-'));
  // Postfix's daemons (as mail_owner) must reach the queue below this directory.
  chmodSync(root, 0o755);
  makeCertificates(root);
  const [pfPort, rsaPort, ecPort] = [await freePort(), await freePort(), await freePort()] as [
    number,
    number,
    number,
  ];
  let postfixEtc: string | undefined;
  const children: ChildProcess[] = [];
  try {
    postfixEtc = startPostfix(root, pfPort);
    const rsa = startPostern(root, {
      name: 'postern-rsa',
      port: rsaPort,
      tls: [`smtpd_tls_cert_file = ${root}/rsa.pem`, `smtpd_tls_key_file = ${root}/rsa.key`],
    });
    const ec = startPostern(root, {
      name: 'postern-ecdsa',
      port: ecPort,
      tls: [
        `smtpd_tls_eccert_file = ${root}/ec.pem`,
        `smtpd_tls_eckey_file = ${root}/ec.key`,
        `smtpd_tls_session_cache_database = btree:${root}/postern-ecdsa/data/smtpd_scache`,
      ],
    });
    children.push(rsa.child, ec.child);
    await Promise.all([
      waitForGreeting(pfPort, 'Postfix'),
      waitForGreeting(rsaPort, 'postern (RSA)'),
      waitForGreeting(ecPort, 'postern (ECDSA)'),
    ]);
    let posternQueued = 0;
    const clearRsa = (): void => void (posternQueued += emptyDirectory(rsa.incoming));
    const clearEc = (): void => void (posternQueued += emptyDirectory(ec.incoming));
    const holder: SessionHolder = { resumed: 0, full: 0 };
    const cases: Case[] = [
      { name: 'Postfix plaintext', port: pfPort, load: {}, messages: 0, seconds: 0 },
      {
        name: 'postern plaintext',
        port: rsaPort,
        load: {},
        afterRound: clearRsa,
        messages: 0,
        seconds: 0,
      },
      {
        name: 'Postfix STARTTLS RSA-2048',
        port: pfPort,
        load: { starttls: true },
        messages: 0,
        seconds: 0,
      },
      {
        name: 'postern STARTTLS RSA-2048',
        port: rsaPort,
        load: { starttls: true },
        afterRound: clearRsa,
        messages: 0,
        seconds: 0,
      },
      {
        name: 'postern STARTTLS ECDSA P-256 (TLS 1.3, full)',
        port: ecPort,
        load: { starttls: true },
        afterRound: clearEc,
        messages: 0,
        seconds: 0,
      },
      {
        name: 'postern STARTTLS ECDSA P-256 + resumption (TLS 1.2 IDs)',
        port: ecPort,
        load: { starttls: true, maxVersion: 'TLSv1.2' },
        holder,
        afterRound: clearEc,
        messages: 0,
        seconds: 0,
      },
    ];
    // Warm-up (JIT, Postfix's process pool, the resumption holder's first session), untimed.
    for (const c of cases)
      await runLoad({
        port: c.port,
        connections: CONNECTIONS,
        messagesPerConnection: 1,
        messageSize: SIZE,
        starttls: false,
        ...c.load,
        ...(c.holder !== undefined ? { resume: c.holder } : {}),
      });
    for (const c of cases) c.afterRound?.();
    posternQueued = 0;
    const discardedBefore = postfixDiscarded(root);
    holder.resumed = 0;
    holder.full = 0;
    for (let r = 0; r < rounds; r++) for (const c of cases) await measure(c, connectionsPerRound);
    print(cases, holder, rounds, connectionsPerRound);
    await new Promise((r) => setTimeout(r, 2000));
    const sent = (prefix: string): number =>
      cases.filter((c) => c.name.startsWith(prefix)).reduce((n, c) => n + c.messages, 0);
    console.log(
      `  check: postern acknowledged ${sent('postern')} messages and left ${posternQueued} queue files; Postfix acknowledged ${sent('Postfix')}, discard(8) delivered ${postfixDiscarded(root) - discardedBefore} within 2 s after`,
    );
    return 0;
  } catch (e) {
    for (const log of ['postfix.log', 'postern-rsa/postern.log', 'postern-ecdsa/postern.log']) {
      const path = join(root, log);
      const bad = existsSync(path)
        ? readFileSync(path, 'latin1')
            .split('\n')
            .filter((l) => /warning|fatal|panic|error/i.test(l))
        : [];
      console.error(
        `${log}: ${bad.length} warning/error lines${bad.length > 0 ? `, the last:\n  ${bad.slice(-8).join('\n  ')}` : ''}`,
      );
    }
    throw e;
  } finally {
    if (postfixEtc !== undefined) {
      try {
        execFileSync(POSTFIX, ['-c', postfixEtc, 'stop'], { stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        console.error(`postfix stop: ${(e as Error).message}`);
      }
    }
    await Promise.all(children.map((c) => stopChild(c)));
    rmSync(root, { recursive: true, force: true });
  }
}

function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
    c.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    c.kill('SIGTERM');
  });
}

function print(cases: Case[], holder: SessionHolder, rounds: number, perRound: number): void {
  const byName = new Map(cases.map((c) => [c.name, rate(c)]));
  const pfPlain = byName.get('Postfix plaintext') ?? NaN;
  const pfTls = byName.get('Postfix STARTTLS RSA-2048') ?? NaN;
  console.log(
    `MTA queueing: ${CONNECTIONS} concurrent connections × ${MESSAGES_PER_CONNECTION} messages of ${SIZE} bytes, ${rounds} rounds of ${perRound} connections per case, alternated; node ${process.version}`,
  );
  console.log(
    "rate = messages acknowledged with 250 (queue file fsync'd) per second; ratio = postern rate ÷ Postfix rate (higher is better)\n",
  );
  const goals: Record<string, [number, string]> = {
    'postern plaintext': [pfPlain, '≥ 1 × Postfix plaintext'],
    'postern STARTTLS RSA-2048': [pfTls, '≥ 0.5 × Postfix STARTTLS RSA'],
    'postern STARTTLS ECDSA P-256 (TLS 1.3, full)': [pfTls, 'reported (vs Postfix STARTTLS RSA)'],
    'postern STARTTLS ECDSA P-256 + resumption (TLS 1.2 IDs)': [
      pfTls,
      '≥ 1 × Postfix STARTTLS RSA',
    ],
  };
  for (const c of cases) {
    const g = goals[c.name];
    const ratio =
      g !== undefined ? `ratio ${(rate(c) / g[0]).toFixed(2).padStart(5)}   goal: ${g[1]}` : '';
    console.log(`  ${c.name.padEnd(58)} ${rate(c).toFixed(0).padStart(6)} msgs/s   ${ratio}`);
  }
  console.log(
    `\n  resumption: ${holder.resumed} of ${holder.resumed + holder.full} TLS connections resumed`,
  );
}

process.exitCode = await main();
