// End to end: two `postern start` instances on 127.0.0.1. swaks hands a
// message to A; A finds B as the MX of b.example through the DNS server of
// this test (smtp_dns_servers) and delivers over STARTTLS at
// smtp_tls_security_level = may and = verify (the CA from smtp_tls_CAfile);
// the message lands in B's Maildir. A second message resumes the TLS session
// kept in smtp_tls_session_cache_database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDnsServer } from '../helpers/dns-server.js';
import { freePort, startPeer } from '../helpers/processes.js';
import type { Peer } from '../helpers/processes.js';
import { SERVER_NAME, TlsPki } from '../helpers/tls-pki.js';

const POSTERN = join(process.cwd(), 'bin', 'postern.js');

function writeConfig(dir: string, main: string[], master: string[]): void {
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(
    join(dir, 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${dir}/queue`,
      `data_directory = ${dir}/data`,
      `virtual_mailbox_base = ${dir}/mail`,
      `maillog_file = ${dir}/maillog`,
      `maillog_file_prefixes = ${dir}`,
      'alias_maps =',
      'local_recipient_maps =',
      'inet_interfaces = 127.0.0.1',
      'mynetworks = 127.0.0.0/8',
      ...main,
    ].join('\n') + '\n',
  );
  writeFileSync(
    join(dir, 'master.cf'),
    [...master, 'qmgr unix n - n 300 1 qmgr', 'local unix - n n - - local'].join('\n') + '\n',
  );
}

async function listening(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

async function until(what: string, check: () => boolean, log: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not happen; log:\n${log()}`);
}

function maildir(dir: string, user: string): string[] {
  const folder = join(dir, 'mail', user, 'Maildir', 'new');
  return existsSync(folder)
    ? readdirSync(folder).map((f) => readFileSync(join(folder, f), 'utf8'))
    : [];
}

const readLog = (dir: string): string =>
  existsSync(join(dir, 'maillog')) ? readFileSync(join(dir, 'maillog'), 'utf8') : '';

function swaks(port: number, to: string, subject: string): void {
  execFileSync(
    'swaks',
    [
      '--server',
      `127.0.0.1:${port}`,
      '--from',
      'alice@a.example',
      '--to',
      to,
      '--header',
      `Subject: ${subject}`,
      '--body',
      `body of ${subject}`,
      '--helo',
      'client.a.example',
    ],
    { stdio: 'pipe', timeout: 30_000 },
  );
}

for (const level of ['may', 'verify'] as const) {
  test(
    `postern A relays to postern B (the MX from DNS) over STARTTLS at smtp_tls_security_level = ${level}; the second message resumes the session`,
    { timeout: 120_000 },
    async () => {
      const pki = new TlsPki(['p256']);
      const root = mkdtempSync(join(tmpdir(), 'postern-relay-'));
      const dirA = join(root, 'a');
      const dirB = join(root, 'b');
      const portA = await freePort();
      const portB = await freePort();
      const dns = new TestDnsServer({
        mx: { 'b.example': [{ preference: 10, exchange: SERVER_NAME }] },
        a: { [SERVER_NAME]: ['127.0.0.1'] },
      });
      await dns.start();
      const peers: Peer[] = [];
      try {
        writeConfig(
          dirB,
          [
            `myhostname = ${SERVER_NAME}`,
            'mydestination = b.example',
            `smtpd_tls_cert_file = ${pki.servers.p256.certFile}`,
            `smtpd_tls_key_file = ${pki.servers.p256.keyFile}`,
            'smtpd_tls_security_level = may',
            'smtpd_tls_received_header = yes',
            // With a cache B issues session tickets (Postfix tls_session_ticket_cipher), which A keeps for the next connection.
            `smtpd_tls_session_cache_database = btree:${dirB}/data/smtpd_scache`,
          ],
          [`127.0.0.1:${portB} inet n - n - - smtpd`],
        );
        writeConfig(
          dirA,
          [
            'myhostname = mail.a.example',
            'mydestination = a.example',
            `smtp_dns_servers = ${dns.server}`,
            `smtp_tcp_port = ${portB}`,
            'inet_protocols = ipv4',
            `smtp_tls_security_level = ${level}`,
            `smtp_tls_CAfile = ${pki.caFile}`,
            'smtp_tls_loglevel = 1',
            `smtp_tls_session_cache_database = btree:${dirA}/data/smtp_scache`,
            'smtp_tls_session_cache_timeout = 3600s',
            // TLS 1.2: the resumption shown is by session ID from B's btree cache.
            'smtp_tls_protocols = !SSLv2, !SSLv3, !TLSv1.3',
            'smtp_tls_mandatory_protocols = !SSLv2, !SSLv3, !TLSv1.3',
            // A fresh connection per message, so the second one shows the resumed TLS session.
            'smtp_connection_cache_on_demand = no',
          ],
          [`127.0.0.1:${portA} inet n - n - - smtpd`, 'smtp unix - - n - - smtp'],
        );
        peers.push(startPeer(process.execPath, [POSTERN, 'start', '-c', dirB]));
        peers.push(startPeer(process.execPath, [POSTERN, 'start', '-c', dirA]));
        await listening(portB);
        await listening(portA);
        swaks(portA, 'bob@b.example', 'first');
        await until(
          'the first message in B',
          () => maildir(dirB, 'bob').length === 1,
          () => readLog(dirA) + readLog(dirB),
        );
        swaks(portA, 'bob@b.example', 'second');
        await until(
          'the second message in B',
          () => maildir(dirB, 'bob').length === 2,
          () => readLog(dirA) + readLog(dirB),
        );
        const logA = readLog(dirA);
        const trust = level === 'verify' ? 'Verified' : 'Trusted';
        assert.match(
          logA,
          new RegExp(
            `${trust} TLS connection established to ${SERVER_NAME.replace(/\./g, '\\.')}\\[127\\.0\\.0\\.1\\]:${portB}`,
          ),
          logA,
        );
        assert.match(
          logA,
          new RegExp(
            `to=<bob@b\\.example>, relay=${SERVER_NAME.replace(/\./g, '\\.')}\\[127\\.0\\.0\\.1\\]:${portB}, delay=\\S+, dsn=2\\.0\\.0, status=sent \\(250 2\\.0\\.0 Ok: queued as`,
          ),
          logA,
        );
        assert.match(
          logA,
          new RegExp(
            `${trust} TLS connection reused to ${SERVER_NAME.replace(/\./g, '\\.')}\\[127\\.0\\.0\\.1\\]:${portB}`,
          ),
          logA,
        );
        const received = maildir(dirB, 'bob').join('\n');
        assert.match(received, /Subject: first/);
        assert.match(received, /Subject: second/);
        assert.match(received, /\(using TLSv1\.2 with cipher /);
      } finally {
        await Promise.all(peers.map((p) => p.stop()));
        await dns.stop();
        rmSync(root, { recursive: true, force: true });
        rmSync(pki.dir, { recursive: true, force: true });
      }
    },
  );
}

test(
  'SASL relay: A authenticates to B (smtpd_tls_auth_only) only after STARTTLS; a wrong password leaves the mail deferred in A',
  { timeout: 120_000 },
  async () => {
    const pki = new TlsPki(['p256']);
    const root = mkdtempSync(join(tmpdir(), 'postern-relay-sasl-'));
    const dirA = join(root, 'a');
    const dirB = join(root, 'b');
    const portA = await freePort();
    const portB = await freePort();
    const peers: Peer[] = [];
    try {
      mkdirSync(dirB, { recursive: true });
      writeFileSync(join(dirB, 'sasl_passwd'), 'relay {PLAIN}right-secret\n');
      writeConfig(
        dirB,
        [
          `myhostname = ${SERVER_NAME}`,
          'mydestination = b.example',
          // A (127.0.0.1) is not trusted by address: only AUTH lets its mail in.
          'mynetworks = 192.0.2.0/24',
          `smtpd_tls_cert_file = ${pki.servers.p256.certFile}`,
          `smtpd_tls_key_file = ${pki.servers.p256.keyFile}`,
          'smtpd_tls_security_level = may',
          'smtpd_tls_received_header = yes',
          'smtpd_sasl_auth_enable = yes',
          'smtpd_sasl_type = postern',
          `smtpd_sasl_password_maps = texthash:${dirB}/sasl_passwd`,
          'smtpd_tls_auth_only = yes',
          'smtpd_recipient_restrictions = permit_sasl_authenticated, reject',
        ],
        [`127.0.0.1:${portB} inet n - n - - smtpd`],
      );
      mkdirSync(dirA, { recursive: true });
      const mainA = (password: string): string[] => [
        'myhostname = mail.a.example',
        'mydestination = a.example',
        `relayhost = [127.0.0.1]:${portB}`,
        'smtp_tls_security_level = may',
        'smtp_tls_loglevel = 1',
        'smtp_sasl_auth_enable = yes',
        `smtp_sasl_password_maps = texthash:${dirA}/sasl_passwd_${password}`,
        // Inside TLS, PLAIN is acceptable (Postfix's default forbids it everywhere: noplaintext).
        'smtp_sasl_tls_security_options = noanonymous',
      ];
      writeFileSync(join(dirA, 'sasl_passwd_right'), `[127.0.0.1]:${portB} relay:right-secret\n`);
      writeFileSync(join(dirA, 'sasl_passwd_wrong'), `[127.0.0.1]:${portB} relay:wrong-secret\n`);
      writeConfig(dirA, mainA('wrong'), [
        `127.0.0.1:${portA} inet n - n - - smtpd`,
        'smtp unix - - n - - smtp',
      ]);
      peers.push(startPeer(process.execPath, [POSTERN, 'start', '-c', dirB]));
      let a = startPeer(process.execPath, [POSTERN, 'start', '-c', dirA]);
      peers.push(a);
      await listening(portB);
      await listening(portA);
      swaks(portA, 'bob@b.example', 'wrong password');
      await until(
        'the failed login in A',
        () => /SASL authentication failed/.test(readLog(dirA)),
        () => readLog(dirA) + readLog(dirB),
      );
      await until(
        'the deferral in A',
        () => /to=<bob@b\.example>.*status=deferred/.test(readLog(dirA)),
        () => readLog(dirA),
      );
      assert.equal(maildir(dirB, 'bob').length, 0);
      const deferred = execFileSync(process.execPath, [POSTERN, 'postqueue', '-c', dirA, '-p'], {
        encoding: 'utf8',
      });
      assert.match(deferred, /alice@a\.example/, deferred);
      await a.stop();
      peers.pop();
      writeConfig(dirA, mainA('right'), [
        `127.0.0.1:${portA} inet n - n - - smtpd`,
        'smtp unix - - n - - smtp',
      ]);
      a = startPeer(process.execPath, [POSTERN, 'start', '-c', dirA]);
      peers.push(a);
      await listening(portA);
      execFileSync(process.execPath, [POSTERN, 'postqueue', '-c', dirA, '-f'], { stdio: 'pipe' });
      swaks(portA, 'bob@b.example', 'right password');
      await until(
        'both messages in B',
        () => maildir(dirB, 'bob').length === 2,
        () => readLog(dirA) + readLog(dirB),
      );
      const received = maildir(dirB, 'bob').join('\n');
      assert.match(received, /by mail\.example\.com \(postern\) with ESMTPSA id/);
      assert.match(readLog(dirB), /sasl_method=PLAIN, sasl_username=relay/);
    } finally {
      await Promise.all(peers.map((p) => p.stop()));
      rmSync(root, { recursive: true, force: true });
      rmSync(pki.dir, { recursive: true, force: true });
    }
  },
);

test(
  'client certificate: B asks (smtpd_tls_ask_ccert), A presents smtp_tls_eccert_file; B logs a Trusted client and the Received header names it',
  { timeout: 120_000 },
  async () => {
    const pki = new TlsPki(['p256']);
    const root = mkdtempSync(join(tmpdir(), 'postern-relay-ccert-'));
    const dirA = join(root, 'a');
    const dirB = join(root, 'b');
    const portA = await freePort();
    const portB = await freePort();
    const peers: Peer[] = [];
    try {
      writeConfig(
        dirB,
        [
          `myhostname = ${SERVER_NAME}`,
          'mydestination = b.example',
          `smtpd_tls_cert_file = ${pki.servers.p256.certFile}`,
          `smtpd_tls_key_file = ${pki.servers.p256.keyFile}`,
          `smtpd_tls_CAfile = ${pki.caFile}`,
          'smtpd_tls_security_level = may',
          'smtpd_tls_ask_ccert = yes',
          'smtpd_tls_loglevel = 1',
          'smtpd_tls_received_header = yes',
        ],
        [`127.0.0.1:${portB} inet n - n - - smtpd`],
      );
      writeConfig(
        dirA,
        [
          'myhostname = mail.a.example',
          'mydestination = a.example',
          `relayhost = [127.0.0.1]:${portB}`,
          'smtp_tls_security_level = may',
          `smtp_tls_eccert_file = ${pki.client.certFile}`,
          `smtp_tls_eckey_file = ${pki.client.keyFile}`,
        ],
        [`127.0.0.1:${portA} inet n - n - - smtpd`, 'smtp unix - - n - - smtp'],
      );
      peers.push(startPeer(process.execPath, [POSTERN, 'start', '-c', dirB]));
      peers.push(startPeer(process.execPath, [POSTERN, 'start', '-c', dirA]));
      await listening(portB);
      await listening(portA);
      swaks(portA, 'bob@b.example', 'with a client certificate');
      await until(
        'the message in B',
        () => maildir(dirB, 'bob').length === 1,
        () => readLog(dirA) + readLog(dirB),
      );
      assert.match(
        readLog(dirB),
        /Trusted TLS connection established from unknown\[127\.0\.0\.1\]/,
        readLog(dirB),
      );
      assert.match(
        maildir(dirB, 'bob')[0] ?? '',
        /\(Client CN "client\.example\.com", Issuer "postern test CA" \(verified OK\)\)/,
      );
    } finally {
      await Promise.all(peers.map((p) => p.stop()));
      rmSync(root, { recursive: true, force: true });
      rmSync(pki.dir, { recursive: true, force: true });
    }
  },
);
