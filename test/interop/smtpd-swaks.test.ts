import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { run } from '../helpers/processes.js';
import { startSmtpd, TestSaslBackend } from '../helpers/smtpd-fixture.js';
import { TlsPki } from '../helpers/tls-pki.js';

/** swaks against postern's smtpd: plain, STARTTLS, implicit TLS, pipelining, AUTH, a 10 MiB message. Needs `swaks`. */

const pki = new TlsPki(['rsa', 'p256']);
const work = mkdtempSync(join(tmpdir(), 'postern-swaks-'));
after(() => {
  pki.cleanup();
  rmSync(work, { recursive: true, force: true });
});

const swaks = (port: number, ...args: string[]) =>
  run(
    'swaks',
    [
      '--server',
      `127.0.0.1:${port}`,
      '--from',
      'a@example.org',
      '--to',
      'b@example.com',
      '--helo',
      'client.example',
      '--timeout',
      '30',
      ...args,
    ],
    '',
    60_000,
  );

describe('swaks', () => {
  test('plain', async () => {
    const f = await startSmtpd(pki);
    try {
      const r = await swaks(f.port);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /<- {2}250 2\.0\.0 Ok: queued as MEM000001/);
      assert.equal(f.delivery.messages[0]?.message.protocol, 'ESMTP');
      assert.match(
        Buffer.from(f.delivery.messages[0]?.content ?? []).toString(),
        /This is a test mailing/,
      );
    } finally {
      await f.server.close();
    }
  });

  test('--tls (STARTTLS), and --tls-protocol tlsv1_2', async () => {
    const f = await startSmtpd(pki);
    try {
      for (const extra of [[], ['--tls-protocol', 'tlsv1_2']]) {
        const r = await swaks(f.port, '--tls', ...extra);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /TLS started with cipher (TLSv1\.[23])/);
        assert.match(r.stdout, /250 2\.0\.0 Ok: queued as/);
      }
      assert.equal(f.delivery.messages[0]?.message.protocol, 'ESMTPS');
      assert.equal(f.delivery.messages[1]?.message.tls?.protocol, 'TLSv1.2');
      assert.ok(
        f.logger.lines.some((l) =>
          /^Anonymous TLS connection established from unknown\[127\.0\.0\.1\]: TLSv1\.2 with cipher ECDHE-\S+ \(\d+\/\d+ bits\) key-exchange (X25519|ECDHE \(prime256v1\)) server-signature (RSA-PSS \(2048 bits\)|ECDSA \(prime256v1\)) server-digest SHA256$/.test(
            l,
          ),
        ),
        f.logger.lines.join('\n'),
      );
    } finally {
      await f.server.close();
    }
  });

  test('--tlsc (implicit TLS on a wrappermode service)', async () => {
    const f = await startSmtpd(pki, { smtpdTlsWrappermode: true });
    try {
      const r = await swaks(f.port, '--tlsc');
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /250 2\.0\.0 Ok: queued as/);
    } finally {
      await f.server.close();
    }
  });

  test('--pipeline', async () => {
    const f = await startSmtpd(pki);
    try {
      const r = await swaks(f.port, '--pipeline', '--to', 'b@example.com,c@example.com');
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(f.delivery.messages[0]?.message.recipients.length, 2);
    } finally {
      await f.server.close();
    }
  });

  test('--auth PLAIN and LOGIN (under TLS) against an in-test back end; a wrong password gets 535', async () => {
    const f = await startSmtpd(pki, { smtpdSaslAuthEnable: true }, { sasl: new TestSaslBackend() });
    try {
      const plain = await swaks(
        f.port,
        '--auth',
        'PLAIN',
        '--auth-user',
        'alice',
        '--auth-password',
        'secret',
      );
      assert.equal(plain.code, 0, plain.stdout + plain.stderr);
      assert.match(plain.stdout, /235 2\.7\.0 Authentication successful/);
      const login = await swaks(
        f.port,
        '--tls',
        '--auth',
        'LOGIN',
        '--auth-user',
        'alice',
        '--auth-password',
        'secret',
      );
      assert.equal(login.code, 0, login.stdout + login.stderr);
      assert.equal(f.delivery.messages[1]?.message.protocol, 'ESMTPSA');
      const wrong = await swaks(
        f.port,
        '--auth',
        'PLAIN',
        '--auth-user',
        'alice',
        '--auth-password',
        'nope',
      );
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.stdout, /535 5\.7\.8 Error: authentication failed/);
    } finally {
      await f.server.close();
    }
  });

  test('a 10 MiB message: accepted under a 20 MiB limit, 552 under the default 10240000', async () => {
    const body = join(work, 'big.eml');
    const line = `${'x'.repeat(76)}\r\n`;
    writeFileSync(
      body,
      `Subject: big\r\n\r\n${line.repeat(Math.ceil((10 * 1024 * 1024) / line.length))}`,
    );
    const f = await startSmtpd(pki, { messageSizeLimit: 20 * 1024 * 1024 });
    try {
      const r = await swaks(f.port, '--tls', '--data', `@${body}`);
      assert.equal(r.code, 0, r.stderr);
      assert.ok((f.delivery.messages[0]?.message.size ?? 0) > 10 * 1024 * 1024);
    } finally {
      await f.server.close();
    }
    const small = await startSmtpd(pki);
    try {
      const r = await swaks(small.port, '--data', `@${body}`);
      assert.notEqual(r.code, 0);
      assert.match(r.stdout, /552 5\.3\.4 Message size exceeds fixed limit/);
      assert.equal(small.delivery.messages.length, 0);
    } finally {
      await small.server.close();
    }
  });
});
