import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { Delivery } from '../src/smtp/node/delivery.js';
import { SmtpServer } from '../src/smtp/node/server.js';
import { loadCertificateAndKey } from '../src/x509/load.js';
import type { BenchSuite } from './harness.js';
import { runLoad } from './smtp-load.js';

/**
 * SMTP throughput: 20 concurrent connections, each sending 10 messages of
 * 4 KiB (200 messages per operation), plaintext and with STARTTLS on every
 * connection, through bench/smtp-load.ts. postern's smtpd (a delivery that
 * accepts and drops, so the SMTP engine is measured, not the disk) against
 * smtp-server (the nodemailer project's server, on node:tls) with an onData
 * that drains the stream. Client and servers share this process.
 */

const CONNECTIONS = 20;
const MESSAGES = 10;
const SIZE = 4096;

const dir = mkdtempSync(join(tmpdir(), 'postern-bench-smtp-'));
execFileSync(
  'openssl',
  ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ec.key'],
  { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
);
execFileSync(
  'openssl',
  [
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
  ],
  { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
);
const certified = loadCertificateAndKey(join(dir, 'ec.pem'), join(dir, 'ec.key'));
const pem = {
  cert: readFileSync(join(dir, 'ec.pem'), 'latin1'),
  key: readFileSync(join(dir, 'ec.key'), 'latin1'),
};
rmSync(dir, { recursive: true, force: true });

const drop: Delivery = { deliver: async () => ({ ok: true, queueId: 'BENCH' }) };

let posternPort: Promise<number> | undefined;
function postern(): Promise<number> {
  posternPort ??= (async () => {
    const server = new SmtpServer({
      smtpd: { myhostname: 'localhost', smtpdTlsSecurityLevel: 'may', smtpdErrorSleepTime: 0 },
      tls: { certificates: [certified] },
      delivery: drop,
      logger: { log: () => undefined },
    });
    const { port } = await server.listen(0);
    server.server.unref();
    return port;
  })();
  return posternPort;
}

let referencePort: Promise<number> | undefined;
function reference(): Promise<number> {
  referencePort ??= new Promise((resolve) => {
    const server = new SMTPServer({
      ...pem,
      authOptional: true,
      disabledCommands: ['AUTH'],
      logger: false,
      size: 10_240_000,
      onData(stream, _session, callback) {
        stream.on('data', () => undefined);
        stream.on('end', () => callback());
      },
    });
    server.listen(0, '127.0.0.1', () => {
      const address = server.server.address();
      server.server.unref();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
  return referencePort;
}

const load = (port: () => Promise<number>, starttls: boolean) => async (): Promise<void> => {
  await runLoad({
    port: await port(),
    connections: CONNECTIONS,
    messagesPerConnection: MESSAGES,
    messageSize: SIZE,
    starttls,
  });
};

const per = { count: CONNECTIONS * MESSAGES, unit: 'msgs' };

export const suites: BenchSuite[] = [
  {
    name: 'SMTP server: 20 connections × 10 messages of 4 KiB (bench/smtp-load.ts)',
    cases: [
      {
        name: 'plaintext',
        ours: load(postern, false),
        oursAsync: true,
        per,
        referenceName: 'smtp-server',
        reference: load(reference, false),
        async: true,
        goal: '≥ 0.5× smtp-server (ratio ≤ 2)',
      },
      {
        name: 'STARTTLS on every connection',
        ours: load(postern, true),
        oursAsync: true,
        per,
        referenceName: 'smtp-server (node:tls)',
        reference: load(reference, true),
        async: true,
        goal: 'ratio reported (our TLS in TypeScript vs OpenSSL)',
      },
    ],
  },
];
