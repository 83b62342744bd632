import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { run, startPeer } from '../helpers/processes.js';
import { startSmtpd } from '../helpers/smtpd-fixture.js';
import { TlsPki } from '../helpers/tls-pki.js';

/**
 * STARTTLS and implicit TLS with other clients: openssl s_client
 * -starttls smtp (TLS 1.2 and 1.3), gnutls-cli --starttls-proto=smtp,
 * Python smtplib (starttls(), SMTP_SSL, 8BITMIME and SMTPUTF8), nodemailer
 * (requireTLS, secure: true), Postfix's posttls-finger (the log line both
 * sides print must agree). Needs `openssl`, `gnutls-bin`, `python3`, `postfix`.
 */

const pki = new TlsPki(['rsa', 'p256']);
const work = mkdtempSync(join(tmpdir(), 'postern-smtpd-tls-'));
after(() => {
  pki.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('openssl s_client -starttls smtp', () => {
  for (const version of ['-tls1_2', '-tls1_3']) {
    test(version, async () => {
      const f = await startSmtpd(pki);
      try {
        const p = startPeer('openssl', [
          's_client',
          '-connect',
          `127.0.0.1:${f.port}`,
          '-starttls',
          'smtp',
          version,
          '-CAfile',
          pki.caFile,
          '-servername',
          'mail.example.com',
          '-crlf',
          '-ign_eof',
        ]);
        await p.waitFor(/Verify return code: 0 \(ok\)/, 20_000);
        p.proc.stdin.write(
          'EHLO client\nMAIL FROM:<a@example.org>\nRCPT TO:<b@example.com>\nDATA\nSubject: s_client\n\nhi\n.\nQUIT\n',
        );
        await p.waitFor(/221 2\.0\.0 Bye/, 20_000);
        await p.exited;
        assert.match(p.stdout(), version === '-tls1_2' ? /Protocol\s*: TLSv1\.2/ : /New, TLSv1\.3/);
        assert.match(p.stdout(), /250 2\.0\.0 Ok: queued as MEM000001/);
        assert.equal(f.delivery.messages[0]?.message.protocol, 'ESMTPS');
      } finally {
        await f.server.close();
      }
    });
  }
});

test('gnutls-cli --starttls-proto=smtp', async () => {
  const f = await startSmtpd(pki);
  try {
    const p = startPeer('gnutls-cli', [
      '--starttls-proto=smtp',
      '--x509cafile',
      pki.caFile,
      '-p',
      String(f.port),
      '127.0.0.1',
      '--verify-hostname',
      'mail.example.com',
    ]);
    await p.waitFor(/Handshake was completed/, 20_000);
    // CRLF written here: gnutls-cli 3.7's --crlf garbles several lines read at once.
    p.proc.stdin.write(
      'EHLO client\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nSubject: gnutls\r\n\r\nhi\r\n.\r\n',
    );
    await p.waitFor(/250 2\.0\.0 Ok: queued as/, 20_000).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${f.logger.lines.join('\n')}`);
    });
    p.proc.stdin.end('QUIT\r\n');
    await p.waitFor(/221 2\.0\.0 Bye/, 20_000);
    await p.stop();
    assert.equal(f.delivery.messages[0]?.message.tls?.protocol, 'TLSv1.3');
  } finally {
    await f.server.close();
  }
});

test("posttls-finger -l secure: verified, and the same TLS summary as smtpd's log line", async () => {
  const f = await startSmtpd(
    pki,
    {},
    { tls: { certificates: [pki.servers.p256.certified], groups: [0x0017] } },
  );
  const config = join(work, 'postfix');
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, 'main.cf'), '');
  try {
    const p = startPeer(
      'posttls-finger',
      [
        '-c',
        '-l',
        'secure',
        '-F',
        pki.caFile,
        '-s',
        'mail.example.com',
        `[127.0.0.1]:${f.port}`,
        'mail.example.com',
      ],
      { env: { ...process.env, MAIL_CONFIG: config } },
    );
    p.proc.stdin.end();
    const code = await p.exited;
    const output = p.stdout() + p.stderr();
    assert.equal(code, 0, output);
    const theirs = /Verified TLS connection established to [^:]+:\d+: (.*)$/m.exec(output)?.[1];
    const ours = f.logger.lines
      .map(
        (l) =>
          /^Anonymous TLS connection established from unknown\[127\.0\.0\.1\]: (.*)$/.exec(l)?.[1],
      )
      .find((x) => x !== undefined);
    assert.equal(
      ours,
      'TLSv1.3 with cipher TLS_CHACHA20_POLY1305_SHA256 (256/256 bits) key-exchange ECDHE (prime256v1) server-signature ECDSA (prime256v1) server-digest SHA256',
    );
    assert.equal(theirs, ours);
  } finally {
    await f.server.close();
  }
});

describe('Python smtplib', () => {
  test('starttls(), then an 8BITMIME and an SMTPUTF8 message; SMTP_SSL on a wrappermode service', async () => {
    const f = await startSmtpd(pki);
    const w = await startSmtpd(pki, { smtpdTlsWrappermode: true });
    const script = join(work, 'client.py');
    writeFileSync(
      script,
      `import smtplib, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
ctx.check_hostname = False
with smtplib.SMTP('127.0.0.1', int(sys.argv[2]), local_hostname='py.example') as s:
    s.starttls(context=ctx)
    s.ehlo('py.example')
    assert s.has_extn('smtputf8') and s.has_extn('8bitmime'), s.esmtp_features
    s.sendmail('a@example.org', ['b@example.com'], 'Subject: 8bit\\r\\n\\r\\ncaf\\u00e9\\r\\n'.encode('utf-8'), mail_options=['BODY=8BITMIME'])
    s.sendmail('j\\u00f6rg@ex\\u00e4mple.de', ['\\u7528\\u6237@\\u4f8b\\u5b50.\\u5e7f\\u544a'], 'Subject: utf8\\r\\n\\r\\nh\\u00e9\\r\\n'.encode('utf-8'), mail_options=['SMTPUTF8', 'BODY=8BITMIME'])
with smtplib.SMTP_SSL('127.0.0.1', int(sys.argv[3]), context=ctx) as s:
    s.sendmail('a@example.org', ['b@example.com'], b'Subject: implicit\\r\\n\\r\\nx\\r\\n')
print('done')
`,
    );
    try {
      const r = await run(
        'python3',
        [script, pki.caFile, String(f.port), String(w.port)],
        '',
        60_000,
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const [eight, utf8] = f.delivery.messages;
      assert.equal(eight?.message.mailParams.body, '8BITMIME');
      assert.match(Buffer.from(eight?.content ?? []).toString('utf8'), /café/);
      assert.equal(utf8?.message.sender, 'jörg@exämple.de');
      assert.equal(utf8?.message.recipients[0]?.address, '用户@例子.广告');
      assert.equal(utf8?.message.mailParams.smtputf8, true);
      assert.equal(w.delivery.messages[0]?.message.protocol, 'ESMTPS');
    } finally {
      await f.server.close();
      await w.server.close();
    }
  });
});

describe('nodemailer', () => {
  test('requireTLS (STARTTLS) and secure: true (implicit TLS)', async () => {
    const f = await startSmtpd(pki);
    const w = await startSmtpd(pki, { smtpdTlsWrappermode: true });
    try {
      const tls = { ca: pki.caPem, servername: 'mail.example.com' };
      const starttls = nodemailer.createTransport({
        host: '127.0.0.1',
        port: f.port,
        requireTLS: true,
        tls,
        name: 'nm.example',
      });
      const a = await starttls.sendMail({
        from: 'a@example.org',
        to: 'b@example.com',
        subject: 'requireTLS',
        text: 'hi',
      });
      assert.match(a.response, /^250 2\.0\.0 Ok: queued as MEM000001$/);
      assert.equal(f.delivery.messages[0]?.message.protocol, 'ESMTPS');
      const implicit = nodemailer.createTransport({
        host: '127.0.0.1',
        port: w.port,
        secure: true,
        tls,
        name: 'nm.example',
      });
      const b = await implicit.sendMail({
        from: 'a@example.org',
        to: 'b@example.com',
        subject: 'secure',
        text: 'hé',
      });
      assert.match(b.response, /queued as/);
      assert.equal(w.delivery.messages[0]?.message.helo, 'nm.example');
      starttls.close();
      implicit.close();
    } finally {
      await f.server.close();
      await w.server.close();
    }
  });
});
