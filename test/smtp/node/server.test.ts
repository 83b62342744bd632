import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import { createEntropyPool } from '../../../src/prng/index.js';
import { MemoryDelivery } from '../../../src/smtp/node/delivery.js';
import { MemoryLogger } from '../../../src/smtp/node/logger.js';
import { SmtpServer } from '../../../src/smtp/node/server.js';
import type { SmtpServerOptions } from '../../../src/smtp/node/server.js';
import { connect as tlsConnect, startTlsClient } from '../../../src/tls/index.js';
import type { SessionState } from '../../../src/tls/index.js';
import { keyringTiming, TicketKeyring } from '../../../src/tls/session/ticket-keys.js';
import { ReplyReader } from '../../helpers/smtp-client.js';
import { SERVER_NAME, TlsPki } from '../../helpers/tls-pki.js';

const pki = new TlsPki(['p256']);
after(() => pki.cleanup());
const tls = { certificates: [pki.servers.p256.certified] };
const clientTls = { trustStore: pki.trustStore, serverName: SERVER_NAME };

async function start(
  o: Partial<SmtpServerOptions> = {},
): Promise<{ server: SmtpServer; port: number; delivery: MemoryDelivery; logger: MemoryLogger }> {
  const delivery = new MemoryDelivery();
  const logger = new MemoryLogger();
  const server = new SmtpServer({
    smtpd: { myhostname: 'mx.example.com' },
    delivery,
    logger,
    tls,
    ...o,
  });
  const { port } = await server.listen(0);
  return { server, port, delivery, logger };
}

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

async function sendMessage(r: ReplyReader, body = 'Subject: t\r\n\r\nhello\r\n'): Promise<string> {
  assert.equal((await r.command('MAIL FROM:<a@example.org>')).code, 250);
  assert.equal((await r.command('RCPT TO:<b@example.com>')).code, 250);
  assert.equal((await r.command('DATA')).code, 354);
  const done = await r.command(`${body}.`);
  assert.equal(done.code, 250, done.lines.join());
  return done.lines.join();
}

describe('SmtpServer over loopback', () => {
  test('plaintext: greeting, a message, QUIT; Postfix-style connect/disconnect lines', async () => {
    const { server, port, delivery, logger } = await start();
    try {
      const r = new ReplyReader(await dial(port));
      assert.deepEqual(await r.next(), { code: 220, lines: ['mx.example.com ESMTP postern'] });
      assert.equal((await r.command('EHLO client')).code, 250);
      assert.match(await sendMessage(r), /^Ok: queued as MEM000001$/);
      assert.equal((await r.command('QUIT')).code, 221);
      await r.waitClosed();
      assert.equal(delivery.messages[0]?.message.client.address, '127.0.0.1');
      assert.equal(
        Buffer.from(delivery.messages[0]?.content ?? []).toString(),
        'Subject: t\r\n\r\nhello\r\n',
      );
      await until(() =>
        logger.lines.includes(
          'disconnect from unknown[127.0.0.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5',
        ),
      );
      assert.equal(logger.lines[0], 'connect from unknown[127.0.0.1]');
    } finally {
      await server.close();
    }
  });

  test('STARTTLS with our TLS client; ESMTPS; the smtpd_tls_loglevel 1 line', async () => {
    const { server, port, delivery, logger } = await start({
      smtpd: { myhostname: 'mx.example.com', smtpdTlsSecurityLevel: 'may' },
      smtpdTlsLoglevel: 1,
    });
    try {
      const socket = await dial(port);
      const r = new ReplyReader(socket);
      await r.next();
      assert.ok((await r.command('EHLO client')).lines.includes('STARTTLS'));
      assert.deepEqual(await r.command('STARTTLS'), {
        code: 220,
        enhanced: '2.0.0',
        lines: ['Ready to start TLS'],
      });
      const secure = startTlsClient(socket, clientTls);
      r.switchTo(secure);
      await new Promise((resolve) => secure.once('secureConnect', resolve));
      const ehlo = await r.command('EHLO client');
      assert.ok(!ehlo.lines.includes('STARTTLS'));
      await sendMessage(r);
      assert.equal((await r.command('QUIT')).code, 221);
      const m = delivery.messages[0]?.message;
      assert.equal(m?.protocol, 'ESMTPS');
      assert.equal(m?.tls?.protocol, 'TLSv1.3');
      assert.ok(
        logger.lines.some((l) =>
          /^Anonymous TLS connection established from unknown\[127\.0\.0\.1\]: TLSv1\.3 with cipher \S+ \(\d+\/\d+ bits\) key-exchange X25519MLKEM768 server-signature ECDSA \(prime256v1\) server-digest SHA256$/.test(
            l,
          ),
        ),
        logger.lines.join('\n'),
      );
    } finally {
      await server.close();
    }
  });

  test('STARTTLS\\r\\nRSET\\r\\n in one packet: nothing answers the RSET inside TLS', async () => {
    const { server, port, logger } = await start({
      smtpd: { myhostname: 'mx.example.com', smtpdTlsSecurityLevel: 'may' },
    });
    try {
      const socket = await dial(port);
      const r = new ReplyReader(socket);
      await r.next();
      await r.command('EHLO client');
      socket.write('STARTTLS\r\nRSET\r\n');
      assert.equal((await r.next()).code, 220);
      const secure = startTlsClient(socket, clientTls);
      r.switchTo(secure);
      await new Promise((resolve) => secure.once('secureConnect', resolve));
      const first = await r.command('NOOP');
      assert.deepEqual(first, { code: 250, enhanced: '2.0.0', lines: ['Ok'] });
      const ehlo = await r.command('EHLO again');
      assert.equal(ehlo.lines[0], 'mx.example.com');
      assert.ok(
        logger.lines.some((l) => l.includes('discarding 6 bytes pipelined after STARTTLS')),
      );
    } finally {
      await server.close();
    }
  });

  test('wrappermode (smtps): the greeting comes over TLS', async () => {
    const { server, port, delivery } = await start({
      smtpd: { myhostname: 'mx.example.com', smtpdTlsWrappermode: true },
    });
    try {
      const secure = tlsConnect({ ...clientTls, host: '127.0.0.1', port });
      const r = new ReplyReader(secure);
      assert.equal((await r.next()).code, 220);
      assert.ok(!(await r.command('EHLO client')).lines.includes('STARTTLS'));
      await sendMessage(r);
      assert.equal(delivery.messages[0]?.message.protocol, 'ESMTPS');
    } finally {
      await server.close();
    }
  });

  test('an unseeded entropy pool: STARTTLS gets 454 4.7.0 (never 220 then a failed handshake), smtps drops the connection', async () => {
    // No OS source and no exchange file: the pool stays unseeded and every fill would throw PrngUnseededError.
    const random = await createEntropyPool({
      osRandomSource: null,
      reseed: false,
      logger: { info: () => undefined, warn: () => undefined },
    });
    assert.equal(random.seeded, false);
    const plain = await start({
      smtpd: { myhostname: 'mx.example.com', smtpdTlsSecurityLevel: 'may' },
      tls: { ...tls, random },
    });
    try {
      const r = new ReplyReader(await dial(plain.port));
      await r.next();
      assert.ok((await r.command('EHLO client')).lines.includes('STARTTLS'));
      assert.deepEqual(await r.command('STARTTLS'), {
        code: 454,
        enhanced: '4.7.0',
        lines: ['TLS not available due to local problem'],
      });
      assert.match(await sendMessage(r), /queued as/);
      assert.ok(
        plain.logger.lines.some((l) =>
          l.startsWith(
            'warning: no entropy for TLS key generation: TLS not available to unknown[127.0.0.1]',
          ),
        ),
        plain.logger.lines.join('\n'),
      );
    } finally {
      await plain.server.close();
    }
    const smtps = await start({
      smtpd: { myhostname: 'mx.example.com', smtpdTlsWrappermode: true },
      tls: { ...tls, random },
    });
    try {
      const r = new ReplyReader(await dial(smtps.port));
      await r.waitClosed();
      assert.ok(
        smtps.logger.lines.some(
          (l) =>
            l ===
            'warning: no entropy for TLS key generation: wrapper-mode request dropped from unknown[127.0.0.1]',
        ),
        smtps.logger.lines.join('\n'),
      );
    } finally {
      await smtps.server.close();
    }
  });

  test('smtpd_tls_loglevel 2: the handshake steps; 3: their dumps; 4: every byte on the wire, never the SMTP text inside TLS', async () => {
    const runAt = async (level: number): Promise<string[]> => {
      const { server, port, delivery, logger } = await start({
        smtpd: { myhostname: 'mx.example.com', smtpdTlsSecurityLevel: 'may' },
        smtpdTlsLoglevel: level,
      });
      try {
        const socket = await dial(port);
        const r = new ReplyReader(socket);
        await r.next();
        await r.command('EHLO client');
        await r.command('STARTTLS');
        const secure = startTlsClient(socket, clientTls);
        r.switchTo(secure);
        await new Promise((resolve) => secure.once('secureConnect', resolve));
        await r.command('EHLO client');
        await sendMessage(r, 'Subject: t\r\n\r\nconfidential-body-text\r\n');
        assert.equal((await r.command('QUIT')).code, 221);
        await r.waitClosed();
        assert.equal(delivery.messages.length, 1);
        await until(() => logger.lines.some((l) => l.startsWith('disconnect from')));
        return logger.lines;
      } finally {
        await server.close();
      }
    };
    const two = await runAt(2);
    for (const line of [
      'setting up TLS connection from unknown[127.0.0.1]',
      'SSL_accept:SSLv3/TLS read client hello',
      'SSL_accept:SSLv3/TLS write server hello',
      'SSL_accept:TLSv1.3 write encrypted extensions',
      'SSL_accept:TLSv1.3 write certificate',
      'SSL_accept:SSLv3/TLS write certificate verify',
      'SSL_accept:SSLv3/TLS read finished',
    ]) {
      assert.ok(two.includes(line), `${line}\n${two.join('\n')}`);
    }
    assert.ok(two.some((l) => l.startsWith('Anonymous TLS connection established')));
    assert.ok(!two.some((l) => /^[0-9a-f]{4}  /.test(l)), 'no dump at level 2');
    const three = await runAt(3);
    const afterHello = three.slice(three.indexOf('SSL_accept:SSLv3/TLS read client hello') + 1);
    assert.match(
      afterHello[0] ?? '',
      /^0000  01 +\. +msg_type: client_hello \(0x01\)$/,
      'the ClientHello dump follows its state line',
    );
    assert.ok(!three.some((l) => /^(read from|write to) /.test(l)), 'no wire dump at level 3');
    const four = await runAt(4);
    assert.ok(four.some((l) => /^read from unknown\[127\.0\.0\.1\] \(\d+ bytes\)$/.test(l)));
    assert.ok(four.some((l) => /^write to unknown\[127\.0\.0\.1\] \(\d+ bytes\)$/.test(l)));
    assert.ok(
      four.some((l) => /^0000  17 03 03 /.test(l)),
      'application_data records are dumped as they travel',
    );
    for (const lines of [two, three, four])
      assert.ok(
        !lines.some((l) => l.includes('confidential')),
        'the decrypted message never reaches the log',
      );
  });

  test('a client that vanishes mid-DATA delivers nothing', async () => {
    const { server, port, delivery, logger } = await start();
    try {
      const socket = await dial(port);
      const r = new ReplyReader(socket);
      await r.next();
      await r.command('EHLO c');
      await r.command('MAIL FROM:<a@b.example>');
      await r.command('RCPT TO:<c@d.example>');
      await r.command('DATA');
      socket.write('Subject: cut\r\n\r\nhalf a message');
      await new Promise((res) => setTimeout(res, 50));
      socket.destroy();
      await until(() => logger.lines.some((l) => l.startsWith('disconnect from')));
      assert.ok(
        logger.lines.some((l) =>
          /^lost connection after DATA \(\d+ bytes\) from unknown\[127\.0\.0\.1\]$/.test(l),
        ),
        logger.lines.join('\n'),
      );
      assert.equal(delivery.messages.length, 0);
    } finally {
      await server.close();
    }
  });

  test('smtpd_timeout: 421 then close', async () => {
    const { server, port } = await start({ smtpdTimeout: 100 });
    try {
      const r = new ReplyReader(await dial(port));
      await r.next();
      assert.deepEqual(await r.next(), {
        code: 421,
        enhanced: '4.4.2',
        lines: ['mx.example.com Error: timeout exceeded'],
      });
      await r.waitClosed();
    } finally {
      await server.close();
    }
  });

  test('smtpd_error_sleep_time delays replies past the soft limit, then the hard limit closes', async () => {
    const { server, port } = await start({
      smtpd: {
        myhostname: 'mx.example.com',
        smtpdSoftErrorLimit: 1,
        smtpdHardErrorLimit: 3,
        smtpdErrorSleepTime: 30,
      },
    });
    try {
      const r = new ReplyReader(await dial(port));
      await r.next();
      assert.equal((await r.command('BOGUS')).code, 502);
      assert.equal((await r.command('BOGUS')).code, 502);
      assert.equal((await r.command('BOGUS')).code, 502);
      assert.equal((await r.next()).code, 421);
      await r.waitClosed();
    } finally {
      await server.close();
    }
  });

  test('an asynchronous policy pauses the session: a rejection at RCPT after a delay', async () => {
    const policy = {
      check: async (f: { stage: string; recipient?: string }) => {
        await new Promise((r) => setTimeout(r, 20));
        return f.stage === 'rcpt' && f.recipient === 'nobody@example.com'
          ? ({
              action: 'reject',
              code: 550,
              enhanced: '5.1.1',
              text: '<nobody@example.com>: Recipient address rejected',
            } as const)
          : ({ action: 'permit' } as const);
      },
    };
    const { server, port } = await start({ policy });
    try {
      const socket = await dial(port);
      const r = new ReplyReader(socket);
      await r.next();
      // Pipelined: the replies still come in order.
      socket.write(
        'EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<nobody@example.com>\r\nRCPT TO:<ok@example.com>\r\n',
      );
      const replies = [await r.next(), await r.next(), await r.next(), await r.next()];
      assert.deepEqual(
        replies.map((x) => x.code),
        [250, 250, 550, 250],
      );
      assert.equal(replies[2]?.lines[0], '<nobody@example.com>: Recipient address rejected');
    } finally {
      await server.close();
    }
  });

  test('smtpd_starttls_timeout: a client that never starts its handshake is dropped', async () => {
    const { server, port, logger } = await start({
      smtpd: { myhostname: 'mx.example.com', smtpdTlsSecurityLevel: 'may' },
      smtpdStarttlsTimeout: 100,
    });
    try {
      const r = new ReplyReader(await dial(port));
      await r.next();
      assert.equal((await r.command('STARTTLS')).code, 220);
      await r.waitClosed();
      assert.ok(
        logger.lines.some((l) =>
          /TLS handshake failed for unknown\[127\.0\.0\.1\]: .*timed out/.test(l),
        ),
        logger.lines.join('\n'),
      );
    } finally {
      await server.close();
    }
  });

  test('a verified client certificate: Trusted in the log, CN and issuer in the message facts', async () => {
    const { server, port, delivery, logger } = await start({
      smtpd: { myhostname: 'mx.example.com', smtpdTlsSecurityLevel: 'may' },
      tls: { ...tls, clientAuth: 'optional', trustStore: pki.trustStore },
      smtpdTlsLoglevel: 1,
    });
    try {
      const socket = await dial(port);
      const r = new ReplyReader(socket);
      await r.next();
      await r.command('EHLO c');
      await r.command('STARTTLS');
      const secure = startTlsClient(socket, { ...clientTls, certificate: pki.client.certified });
      r.switchTo(secure);
      await new Promise((resolve) => secure.once('secureConnect', resolve));
      await r.command('EHLO c');
      await sendMessage(r);
      const t = delivery.messages[0]?.message.tls;
      assert.equal(t?.peerVerified, true);
      assert.equal(t?.peerCertificates.length, 1);
      assert.ok(
        logger.lines.some((l) =>
          l.startsWith('Trusted TLS connection established from unknown[127.0.0.1]: TLSv1.3'),
        ),
        logger.lines.join('\n'),
      );
    } finally {
      await server.close();
    }
  });

  // A keyring in the TLS options, none (the server makes one per smtpd_tls_session_cache_timeout), or tickets off.
  for (const [label, sessionTickets, resumes] of [
    ['a ticket keyring in the TLS options', new TicketKeyring(keyringTiming(3600)), true],
    ['no keyring given: the server makes its own', undefined, true],
    ['sessionTickets: false', false, false],
  ] as const) {
    test(`TLS 1.3 resumption over STARTTLS, ${label}: resumed ${resumes}, the log says so`, async () => {
      const { server, port, logger } = await start({
        smtpd: { myhostname: 'mx.example.com', smtpdTlsSecurityLevel: 'may' },
        tls: { ...tls, ...(sessionTickets !== undefined ? { sessionTickets } : {}) },
        smtpdTlsLoglevel: 1,
      });
      try {
        let saved: SessionState | undefined;
        for (let round = 0; round < 2; round++) {
          const socket = await dial(port);
          const r = new ReplyReader(socket);
          await r.next();
          await r.command('EHLO c');
          await r.command('STARTTLS');
          const secure = startTlsClient(socket, {
            ...clientTls,
            ...(saved !== undefined ? { session: saved } : {}),
          });
          secure.on('session', (state: SessionState) => (saved ??= state));
          r.switchTo(secure);
          await new Promise((resolve) => secure.once('secureConnect', resolve));
          // The ticket comes after the handshake; a reply read makes sure it has been processed.
          await r.command('EHLO c');
          assert.equal((await r.command('QUIT')).code, 221);
          assert.equal(secure.session?.resumed, resumes && round === 1);
        }
        assert.equal(
          logger.lines.some((l) =>
            l.startsWith('Anonymous TLS connection reused from unknown[127.0.0.1]: TLSv1.3'),
          ),
          resumes,
          logger.lines.join('\n'),
        );
      } finally {
        await server.close();
      }
    });
  }
});
