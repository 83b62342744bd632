import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { codes, Harness } from '../../helpers/smtp-session.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function ready(
  options: ConstructorParameters<typeof Harness>[0] = {},
  h: ConstructorParameters<typeof Harness>[1] = {},
): Harness {
  const s = new Harness(options, h);
  s.start();
  return s;
}

describe('greeting and EHLO/HELO', () => {
  test('220 banner, EHLO keywords in Postfix order, HELO', () => {
    const s = new Harness();
    assert.equal(s.start(), '220 mx.example.com ESMTP postern\r\n');
    assert.equal(
      s.send('EHLO client.example.org\r\n'),
      '250-mx.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n',
    );
    assert.equal(s.send('HELO client\r\n'), '250 mx.example.com\r\n');
    assert.equal(s.send('EHLO\r\n'), '501 5.5.4 Syntax: EHLO hostname\r\n');
  });

  test('smtpd_banner, message_size_limit, smtpd_discard_ehlo_keywords, STARTTLS and AUTH offers', () => {
    const s = ready({
      smtpdBanner: 'mx ESMTP',
      messageSizeLimit: 0,
      smtpdDiscardEhloKeywords: ['pipelining', 'dsn'],
      smtpdTlsSecurityLevel: 'may',
      tlsAvailable: true,
      smtpdSaslAuthEnable: true,
    });
    const ehlo = s.send('EHLO c\r\n');
    assert.match(ehlo, /^250-SIZE\r$/m);
    assert.doesNotMatch(ehlo, /PIPELINING|DSN/);
    assert.match(ehlo, /^250-STARTTLS\r$/m);
    assert.match(ehlo, /^250-AUTH PLAIN\r$/m);
    assert.equal(new Harness({ smtpdBanner: 'mx ESMTP' }).start(), '220 mx ESMTP\r\n');
  });

  test('STARTTLS is not offered without a certificate, at level none, under wrappermode, or for sendmail -bs', () => {
    for (const o of [
      { smtpdTlsSecurityLevel: 'may' as const },
      { tlsAvailable: true },
      { tlsAvailable: true, smtpdTlsSecurityLevel: 'may' as const, neverOfferTls: true },
    ]) {
      assert.doesNotMatch(ready(o).send('EHLO c\r\n'), /STARTTLS/);
    }
    const w = new Harness({
      tlsAvailable: true,
      smtpdTlsSecurityLevel: 'may',
      smtpdTlsWrappermode: true,
    });
    assert.equal(w.start(), '');
    assert.equal(w.session.waitingFor, 'handshake');
  });

  test('smtpd_tls_auth_only hides AUTH until TLS; AUTH then gets 503', () => {
    const s = ready({
      smtpdSaslAuthEnable: true,
      smtpdTlsAuthOnly: true,
      tlsAvailable: true,
      smtpdTlsSecurityLevel: 'may',
    });
    assert.doesNotMatch(s.send('EHLO c\r\n'), /AUTH/);
    assert.equal(
      s.send(`AUTH PLAIN ${b64('\0alice\0secret')}\r\n`),
      '503 5.5.1 Error: authentication not enabled\r\n',
    );
    assert.equal(s.send('STARTTLS\r\n'), '220 2.0.0 Ready to start TLS\r\n');
    assert.match(s.send('EHLO c\r\n'), /^250-AUTH PLAIN LOGIN\r$/m);
  });
});

describe('mail transaction', () => {
  test('MAIL, RCPT, DATA, queued, with every reply code', () => {
    const s = ready();
    s.send('EHLO c\r\n');
    assert.equal(
      s.send('MAIL FROM:<a@example.org> SIZE=100 BODY=8BITMIME\r\n'),
      '250 2.1.0 Ok\r\n',
    );
    assert.equal(
      s.send('RCPT TO:<b@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b+40example.com\r\n'),
      '250 2.1.5 Ok\r\n',
    );
    assert.equal(s.send('DATA\r\n'), '354 End data with <CR><LF>.<CR><LF>\r\n');
    assert.equal(s.send('Subject: x\r\n\r\n..dot\r\n.\r\n'), '250 2.0.0 Ok: queued as Q1\r\n');
    const m = s.messages[0];
    assert.ok(m);
    assert.equal(m.sender, 'a@example.org');
    assert.deepEqual(m.recipients, [
      {
        address: 'b@example.com',
        params: {
          notify: ['SUCCESS', 'FAILURE'],
          orcpt: { addrType: 'rfc822', address: 'b@example.com' },
        },
      },
    ]);
    assert.equal(m.mailParams.body, '8BITMIME');
    assert.equal(Buffer.concat(m.content).toString(), 'Subject: x\r\n\r\n.dot\r\n');
    assert.equal(m.protocol, 'ESMTP');
    assert.equal(s.send('RSET\r\n'), '250 2.0.0 Ok\r\n');
    assert.equal(s.send('NOOP whatever\r\n'), '250 2.0.0 Ok\r\n');
    assert.equal(s.send('VRFY bob\r\n'), '252 2.0.0 bob\r\n');
    assert.equal(s.send('HELP\r\n'), '502 5.5.2 Error: command not recognized\r\n');
    assert.equal(s.send('QUIT\r\n'), '221 2.0.0 Bye\r\n');
    assert.equal(s.closed, 'QUIT');
    assert.equal(s.send('NOOP\r\n'), '');
  });

  test('the command statistics of the disconnect line, as Postfix counts them', () => {
    const s = ready({
      smtpdSaslAuthEnable: true,
      tlsAvailable: true,
      smtpdTlsSecurityLevel: 'may',
    });
    s.send(
      'EHLO c\r\nXYZ\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n.\r\nAUTH LOGIN\r\nSTARTTLS\r\n',
    );
    s.send('EHLO c\r\nQUIT\r\n');
    assert.equal(
      s.session.stats.format(),
      'ehlo=2 starttls=1 auth=0/1 mail=1 rcpt=1/2 data=1 quit=1 unknown=0/1 commands=7/10',
    );
  });

  test('commands out of order', () => {
    const s = ready({ smtpdHeloRequired: true });
    assert.equal(s.send('MAIL FROM:<a@b.c>\r\n'), '503 5.5.1 Error: send HELO/EHLO first\r\n');
    s.send('HELO c\r\n');
    assert.equal(s.send('RCPT TO:<a@b.c>\r\n'), '503 5.5.1 Error: need MAIL command\r\n');
    assert.equal(s.send('DATA\r\n'), '503 5.5.1 Error: need MAIL command\r\n');
    s.send('MAIL FROM:<>\r\n');
    assert.equal(s.send('MAIL FROM:<>\r\n'), '503 5.5.1 Error: nested MAIL command\r\n');
    assert.equal(s.send('DATA\r\n'), '503 5.5.1 Error: need RCPT command\r\n');
    assert.equal(s.send('AUTH PLAIN\r\n'), '503 5.5.1 Error: authentication not enabled\r\n');
  });

  test('syntax errors: addresses, parameters, unknown commands, empty line', () => {
    const s = ready();
    s.send('EHLO c\r\n');
    assert.equal(s.send('MAIL TO:<a@b.c>\r\n'), '501 5.5.4 Syntax: MAIL FROM:<address>\r\n');
    assert.equal(s.send('MAIL FROM:<a@@b>\r\n'), '501 5.1.7 Bad sender address syntax\r\n');
    assert.equal(s.send('MAIL FROM:<a@b.c> FOO=1\r\n'), '555 5.5.4 Unsupported option: FOO=1\r\n');
    assert.equal(s.send('MAIL FROM:<a@b.c> SIZE=x\r\n'), '501 5.5.4 Bad message size syntax\r\n');
    assert.equal(
      s.send('MAIL FROM:<a@b.c> BODY=BINARYMIME\r\n'),
      '501 5.5.4 Bad BODY keyword syntax\r\n',
    );
    assert.equal(
      s.send(
        'MAIL FROM:<@r1.example,@r2.example:"quoted local"@b.c> RET=HDRS ENVID=x+2By SMTPUTF8\r\n',
      ),
      '250 2.1.0 Ok\r\n',
    );
    assert.equal(s.send('RCPT TO:<>\r\n'), '501 5.1.3 Bad recipient address syntax\r\n');
    assert.equal(
      s.send('RCPT TO:<postmaster> NOTIFY=NEVER,SUCCESS\r\n'),
      '501 5.5.4 Error: Bad NOTIFY parameter syntax\r\n',
    );
    assert.equal(s.send('RCPT TO:<postmaster>\r\n'), '250 2.1.5 Ok\r\n');
    assert.equal(s.send('XYZZY\r\n'), '502 5.5.2 Error: command not recognized\r\n');
    assert.equal(s.send('\r\n'), '500 5.5.2 Error: bad syntax\r\n');
    assert.equal(s.send('DATA now\r\n'), '501 5.5.4 Syntax: DATA\r\n');
  });

  test('message_size_limit: SIZE= over the limit, and content over the limit', () => {
    const s = ready({ messageSizeLimit: 100 });
    s.send('EHLO c\r\n');
    assert.equal(
      s.send('MAIL FROM:<a@b.c> SIZE=101\r\n'),
      '552 5.3.4 Message size exceeds fixed limit\r\n',
    );
    s.send('MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n');
    assert.equal(
      s.send(`${'x'.repeat(200)}\r\n.\r\n`),
      '552 5.3.4 Message size exceeds fixed limit\r\n',
    );
    assert.equal(s.messages.length, 0);
    assert.equal(s.send('MAIL FROM:<a@b.c>\r\n'), '250 2.1.0 Ok\r\n');
  });

  test('smtpd_recipient_limit', () => {
    const s = ready({ smtpdRecipientLimit: 2 });
    s.send('EHLO c\r\nMAIL FROM:<a@b.c>\r\n');
    assert.deepEqual(
      codes(s.send('RCPT TO:<1@x.y>\r\nRCPT TO:<2@x.y>\r\nRCPT TO:<3@x.y>\r\n')),
      [250, 250, 452],
    );
    assert.match(s.send('DATA\r\n.\r\n'), /queued as Q1/);
    assert.equal(s.messages[0]?.recipients.length, 2);
  });

  test('SMTPUTF8: a unicode address needs SMTPUTF8 on MAIL', () => {
    const s = ready();
    s.send('EHLO c\r\n');
    const utf8 = (t: string): Uint8Array => new Uint8Array(Buffer.from(t, 'utf8'));
    assert.equal(
      s.send(utf8('MAIL FROM:<jörg@exämple.de>\r\n')),
      '553 5.6.7 Must declare SMTPUTF8 to send unicode address\r\n',
    );
    assert.equal(s.send(utf8('MAIL FROM:<jörg@exämple.de> SMTPUTF8\r\n')), '250 2.1.0 Ok\r\n');
    assert.equal(s.send(utf8('RCPT TO:<用户@例子.广告>\r\n')), '250 2.1.5 Ok\r\n');
    s.send(utf8('DATA\r\nSubject: grüße\r\n\r\nhé\r\n.\r\n'));
    assert.equal(s.messages[0]?.recipients[0]?.address, '用户@例子.广告');
    assert.equal(
      s.send(new Uint8Array([0x4e, 0x4f, 0x4f, 0x50, 0x20, 0xff, 0x0d, 0x0a])),
      '500 5.5.2 Error: bad UTF-8 syntax\r\n',
    );
  });

  test('BDAT chunks, BDAT LAST, BDAT without MAIL, DATA after BDAT', () => {
    const s = ready();
    s.send('EHLO c\r\n');
    assert.equal(s.send('BDAT 5\r\nhello'), '503 5.5.1 Error: need MAIL command\r\n');
    s.send('MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\n');
    assert.equal(s.send('BDAT 9\r\nSub'), '');
    assert.equal(s.send('j\r\n.\r\n'), '250 2.0.0 Ok: 9 bytes\r\n');
    assert.equal(s.send('DATA\r\n'), '503 5.5.1 Error: DATA after BDAT\r\n');
    assert.equal(
      s.send('BDAT 3 LAST\r\nx\r\nNOOP\r\n'),
      '250 2.0.0 Ok: queued as Q1\r\n250 2.0.0 Ok\r\n',
    );
    assert.equal(Buffer.concat(s.messages[0]?.content ?? []).toString(), 'Subj\r\n.\r\nx\r\n');
    s.send('MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\n');
    assert.equal(s.send('BDAT 0 LAST\r\n'), '250 2.0.0 Ok: queued as Q2\r\n');
    assert.equal(s.send('BDAT x\r\n'), '501 5.5.4 Syntax: BDAT count [LAST]\r\n');
  });

  test('no valid recipients: 554 at DATA after every RCPT was refused', () => {
    const s = ready(
      {},
      {
        policy: (f) =>
          f.stage === 'rcpt'
            ? {
                action: 'reject',
                code: 554,
                enhanced: '5.7.1',
                text: `<${f.recipient}>: Relay access denied`,
              }
            : { action: 'permit' },
      },
    );
    s.send('EHLO c\r\nMAIL FROM:<a@b.c>\r\n');
    assert.equal(s.send('RCPT TO:<x@y.z>\r\n'), '554 5.7.1 <x@y.z>: Relay access denied\r\n');
    assert.equal(s.send('DATA\r\n'), '554 5.5.1 Error: no valid recipients\r\n');
  });
});

describe('DATA content and SMTP smuggling', () => {
  const open = (options: ConstructorParameters<typeof Harness>[0] = {}): Harness => {
    const s = ready(options);
    s.send('EHLO c\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n');
    return s;
  };

  test('only CRLF.CRLF ends the data; LF.LF, CR.CR and LF.CRLF are content (normalize, the default)', () => {
    const s = open();
    assert.equal(s.send('a\n.\nb\r.\rc\n.\r\nd\r\n'), '');
    assert.equal(s.send('.\r\n'), '250 2.0.0 Ok: queued as Q1\r\n');
    assert.equal(
      Buffer.concat(s.messages[0]?.content ?? []).toString('latin1'),
      'a\r\n\r\nb\r.\rc\r\n\r\nd\r\n',
    );
  });

  test('smtpd_forbid_bare_newline = reject: 521 for a bare LF or a bare CR in DATA, nothing delivered', () => {
    for (const [input, what] of [
      ['a\nb\r\n.\r\n', 'LF'],
      ['a\rb\r\n.\r\n', 'CR'],
    ] as const) {
      const s = open({ smtpdForbidBareNewline: 'reject' });
      assert.equal(s.send(input), `521 5.5.2 mx.example.com Error: bare <${what}> received\r\n`);
      assert.equal(s.messages.length, 0);
      assert.ok(s.closed);
    }
  });

  test('smtpd_forbid_bare_newline = no: Postfix before 3.9, a LF.LF ends the data', () => {
    const s = open({ smtpdForbidBareNewline: 'no' });
    assert.equal(s.send('a\n.\n'), '250 2.0.0 Ok: queued as Q1\r\n');
  });

  test('bare LF and bare CR in commands: accepted by default, 521 and close under reject', () => {
    const s = ready();
    assert.equal(s.send('NOOP\n'), '250 2.0.0 Ok\r\n');
    const r = ready({ smtpdForbidBareNewline: 'reject' });
    assert.equal(r.send('NOOP\n'), '521 5.5.2 mx.example.com Error: bare <LF> received\r\n');
    const c = ready({ smtpdForbidBareNewline: 'reject' });
    assert.equal(c.send('NOOP\rx\r\n'), '521 5.5.2 mx.example.com Error: bare <CR> received\r\n');
  });

  test('a client that vanishes mid-DATA delivers nothing', () => {
    const s = open();
    s.send('Subject: half\r\nbody');
    s.session.end();
    s.run();
    assert.equal(s.messages.length, 0);
    assert.ok(
      s.logs.some((l) =>
        /lost connection after DATA \(\d+ bytes\) from client.example.org\[192.0.2.1\]/.test(l),
      ),
    );
  });
});

describe('bad input', () => {
  test('overlong command lines get 500 and the rest of the line is dropped; line_length_limit', () => {
    const s = ready({ lineLengthLimit: 100 });
    assert.equal(
      s.send(`NOOP ${'x'.repeat(150)}\r\nNOOP\r\n`),
      '500 5.5.2 Error: line too long\r\n250 2.0.0 Ok\r\n',
    );
    assert.equal(s.send(`NOOP ${'x'.repeat(60)}`), '');
    assert.equal(s.send(`${'x'.repeat(60)}`), '');
    assert.equal(s.send('\r\nNOOP\r\n'), '500 5.5.2 Error: line too long\r\n250 2.0.0 Ok\r\n');
  });

  test('garbage before EHLO; HTTP and binary junk close the session (smtpd_forbidden_commands)', () => {
    const s = ready();
    assert.equal(s.send('hello there\r\n'), '502 5.5.2 Error: command not recognized\r\n');
    assert.match(s.send('EHLO c\r\n'), /^250-mx/);
    const h = ready();
    assert.equal(
      h.send('GET / HTTP/1.1\r\nHost: x\r\n'),
      '221 2.7.0 Error: I can break rules, too. Goodbye.\r\n',
    );
    assert.ok(h.closed);
    const b = ready();
    assert.equal(
      b.send('\x16\x03\x01\x00\x05hello\r\n'),
      '221 2.7.0 Error: I can break rules, too. Goodbye.\r\n',
    );
  });

  test('smtpd_soft_error_limit sleeps, smtpd_hard_error_limit ends with 421', () => {
    const s = ready({ smtpdSoftErrorLimit: 2, smtpdHardErrorLimit: 4, smtpdErrorSleepTime: 1000 });
    const out = s.send('X1\r\nX2\r\nX3\r\nX4\r\nNOOP\r\n');
    assert.deepEqual(codes(out), [502, 502, 502, 502, 421]);
    assert.match(out, /421 4.7.0 mx.example.com Error: too many errors\r\n$/);
    assert.equal(s.sleeps, 2);
    assert.ok(s.closed);
  });

  test('a delivered message clears the error count (errors "without delivering mail")', () => {
    const s = ready({ smtpdSoftErrorLimit: 100, smtpdHardErrorLimit: 3 });
    s.send('X1\r\nX2\r\nEHLO c\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n.\r\n');
    assert.deepEqual(codes(s.send('X3\r\nX4\r\nNOOP\r\n')), [502, 502, 250]);
    assert.equal(s.closed, undefined);
  });

  test('a sleep holds the reply until wake()', () => {
    const s = ready({ smtpdSoftErrorLimit: 0, smtpdErrorSleepTime: 500 }, { hold: ['sleep'] });
    assert.equal(s.send('X1\r\nNOOP\r\n'), '');
    assert.equal(s.session.waitingFor, 'sleep');
    s.session.wake();
    assert.equal(s.run(), '502 5.5.2 Error: command not recognized\r\n250 2.0.0 Ok\r\n');
  });

  test('a throw inside the session becomes one 451 and a logged event', () => {
    const s = ready({}, { hold: ['policy'] });
    s.send('EHLO c\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\n');
    s.session.policyVerdict({
      action: 'reject',
      code: 999,
      enhanced: '5.0.0',
      text: 'not a reply code',
    });
    assert.equal(s.run(), '451 4.3.0 mx.example.com Error: internal error\r\n');
    assert.ok(s.logs.some((l) => l.startsWith('internal error in the session')));
    assert.ok(s.closed);
  });

  test('smtpd_timeout: 421 and close', () => {
    const s = ready();
    s.session.timeout();
    assert.equal(s.run(), '421 4.4.2 mx.example.com Error: timeout exceeded\r\n');
  });
});

describe('STARTTLS', () => {
  const tlsOptions = { tlsAvailable: true, smtpdTlsSecurityLevel: 'may' as const };

  test('220, reset after TLS (RFC 3207 §4.2), ESMTPS, a second STARTTLS refused', () => {
    const s = ready(tlsOptions);
    s.send('EHLO c\r\nMAIL FROM:<a@b.c>\r\n');
    assert.equal(s.send('STARTTLS\r\n'), '220 2.0.0 Ready to start TLS\r\n');
    assert.equal(s.send('RCPT TO:<d@e.f>\r\n'), '503 5.5.1 Error: need MAIL command\r\n');
    assert.doesNotMatch(s.send('EHLO c\r\n'), /STARTTLS/);
    assert.equal(s.send('STARTTLS\r\n'), '554 5.5.1 Error: TLS already active\r\n');
    s.send('MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n.\r\n');
    assert.equal(s.messages[0]?.protocol, 'ESMTPS');
    assert.equal(s.messages[0]?.tls?.cipher, 'TLS_AES_256_GCM_SHA384');
  });

  test('a local TLS problem (no entropy): 454 4.7.0 before any 220, logged; mail goes on in clear; asked at every STARTTLS', () => {
    let problem: string | undefined = 'no entropy for TLS key generation';
    const s = ready({ ...tlsOptions, tlsLocalProblem: () => problem });
    assert.match(s.send('EHLO c\r\n'), /^250-STARTTLS\r$/m);
    assert.equal(s.send('STARTTLS\r\n'), '454 4.7.0 TLS not available due to local problem\r\n');
    assert.ok(
      s.logs.some(
        (l) =>
          l ===
          'no entropy for TLS key generation: TLS not available to client.example.org[192.0.2.1]',
      ),
      s.logs.join('\n'),
    );
    assert.equal(s.session.waitingFor, 'command');
    s.send('MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n.\r\n');
    assert.equal(s.messages[0]?.protocol, 'ESMTP');
    problem = undefined;
    assert.equal(s.send('STARTTLS\r\n'), '220 2.0.0 Ready to start TLS\r\n');
  });

  test('STARTTLS\\r\\nRSET\\r\\n in one packet: the RSET is discarded, never answered inside TLS (CVE-2011-0411)', () => {
    const s = ready(tlsOptions, { hold: ['starttls'] });
    s.send('EHLO c\r\n');
    assert.equal(s.send('STARTTLS\r\nRSET\r\n'), '220 2.0.0 Ready to start TLS\r\n');
    assert.equal(s.send('NOOP\r\n'), '');
    s.session.tlsEstablished({
      protocol: 'TLSv1.3',
      cipher: 'X',
      cipherBits: 128,
      peerCertificates: [],
      peerVerified: false,
      resumed: false,
    });
    assert.equal(s.run(), '');
    assert.equal(s.send('NOOP\r\n'), '250 2.0.0 Ok\r\n');
    assert.ok(s.logs.some((l) => /discarding 6 bytes pipelined after STARTTLS/.test(l)));
  });

  test('STARTTLS when not offered, with arguments', () => {
    assert.equal(ready().send('STARTTLS\r\n'), '502 5.5.1 Error: command not implemented\r\n');
    assert.equal(ready(tlsOptions).send('STARTTLS now\r\n'), '501 5.5.4 Syntax: STARTTLS\r\n');
  });

  test('enforced TLS (encrypt): 530 for all but EHLO, HELO, STARTTLS, NOOP, QUIT; AUTH before TLS too', () => {
    const s = ready({ ...tlsOptions, smtpdTlsSecurityLevel: 'encrypt', smtpdSaslAuthEnable: true });
    assert.match(s.send('EHLO c\r\n'), /250-STARTTLS/);
    for (const c of [
      'MAIL FROM:<a@b.c>',
      'RCPT TO:<a@b.c>',
      'DATA',
      'RSET',
      'VRFY x',
      `AUTH PLAIN ${b64('\0alice\0secret')}`,
      'BDAT 1 LAST',
      'HELP',
    ]) {
      assert.equal(s.send(`${c}\r\n`), '530 5.7.0 Must issue a STARTTLS command first\r\n', c);
    }
    assert.equal(s.send('HELO c\r\nNOOP\r\n'), '250 mx.example.com\r\n250 2.0.0 Ok\r\n');
    assert.equal(s.send('STARTTLS\r\n'), '220 2.0.0 Ready to start TLS\r\n');
    assert.equal(s.send('MAIL FROM:<a@b.c>\r\n'), '250 2.1.0 Ok\r\n');
    assert.equal(
      ready({ ...tlsOptions, smtpdTlsSecurityLevel: 'encrypt' }).send('QUIT\r\n'),
      '221 2.0.0 Bye\r\n',
    );
  });

  test('smtpd_use_tls and smtpd_enforce_tls, and smtpd_tls_security_level winning over them', () => {
    assert.match(
      ready({ tlsAvailable: true, smtpdUseTls: true }).send('EHLO c\r\n'),
      /250-STARTTLS/,
    );
    assert.equal(
      ready({ tlsAvailable: true, smtpdEnforceTls: true }).send('MAIL FROM:<a@b.c>\r\n'),
      '530 5.7.0 Must issue a STARTTLS command first\r\n',
    );
    assert.doesNotMatch(
      ready({ tlsAvailable: true, smtpdUseTls: true, smtpdTlsSecurityLevel: 'none' }).send(
        'EHLO c\r\n',
      ),
      /STARTTLS/,
    );
    assert.equal(
      ready({ tlsAvailable: true, smtpdEnforceTls: true, smtpdTlsSecurityLevel: 'may' }).send(
        'MAIL FROM:<a@b.c>\r\n',
      ),
      '250 2.1.0 Ok\r\n',
    );
  });

  test('wrappermode: the greeting comes after TLS; plaintext before it is discarded', () => {
    const s = new Harness({ ...tlsOptions, smtpdTlsWrappermode: true }, { hold: ['starttls'] });
    assert.equal(s.start(), '');
    assert.equal(s.send('EHLO c\r\n'), '');
    s.session.tlsEstablished({
      protocol: 'TLSv1.2',
      cipher: 'ECDHE-RSA-AES256-GCM-SHA384',
      cipherBits: 256,
      peerCertificates: [],
      peerVerified: false,
      resumed: false,
    });
    assert.equal(s.run(), '220 mx.example.com ESMTP postern\r\n');
    assert.doesNotMatch(s.send('EHLO c\r\n'), /STARTTLS/);
  });

  test('a failed handshake closes the session', () => {
    const s = ready(tlsOptions, { hold: ['starttls'] });
    s.send('STARTTLS\r\n');
    s.session.tlsFailed('handshake_failure');
    s.run();
    assert.match(s.closed ?? '', /TLS handshake failed/);
  });
});

describe('AUTH (RFC 4954)', () => {
  const auth = {
    smtpdSaslAuthEnable: true,
    tlsAvailable: true,
    smtpdTlsSecurityLevel: 'may' as const,
  };

  test('PLAIN with an initial response, 235, ESMTPA, 503 after success, AUTH= on MAIL', () => {
    const s = ready(auth);
    s.send('EHLO c\r\n');
    assert.equal(
      s.send(`AUTH PLAIN ${b64('\0alice\0secret')}\r\n`),
      '235 2.7.0 Authentication successful\r\n',
    );
    assert.equal(
      s.send(`AUTH PLAIN ${b64('\0alice\0secret')}\r\n`),
      '503 5.5.1 Error: already authenticated\r\n',
    );
    s.send('MAIL FROM:<a@b.c> AUTH=alice+40b.c\r\nRCPT TO:<d@e.f>\r\nDATA\r\n.\r\n');
    const m = s.messages[0];
    assert.equal(m?.protocol, 'ESMTPA');
    assert.equal(m?.saslUser, 'alice');
    assert.equal(m?.saslMethod, 'PLAIN');
    assert.equal(m?.mailParams.auth, 'alice@b.c');
  });

  test('PLAIN without an initial response: 334 and an empty challenge; `=` is an empty initial response', () => {
    const s = ready(auth);
    s.send('EHLO c\r\n');
    assert.equal(s.send('AUTH PLAIN\r\n'), '334 \r\n');
    assert.equal(
      s.send(`${b64('\0alice\0wrong')}\r\n`),
      '535 5.7.8 Error: authentication failed: bad password\r\n',
    );
    assert.equal(
      s.send('AUTH PLAIN =\r\n'),
      '535 5.7.8 Error: authentication failed: bad password\r\n',
    );
  });

  test('LOGIN under TLS: two challenges; 538 before TLS for a mechanism offered only under TLS', () => {
    const s = ready(auth);
    s.send('EHLO c\r\n');
    assert.equal(
      s.send('AUTH LOGIN\r\n'),
      '538 5.7.11 Encryption required for requested authentication mechanism\r\n',
    );
    s.send('STARTTLS\r\n');
    s.send('EHLO c\r\n');
    assert.equal(s.send('AUTH LOGIN\r\n'), `334 ${b64('Username:')}\r\n`);
    assert.equal(s.send(`${b64('alice')}\r\n`), `334 ${b64('Password:')}\r\n`);
    assert.equal(s.send(`${b64('secret')}\r\n`), '235 2.7.0 Authentication successful\r\n');
    s.send('MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n.\r\n');
    assert.equal(s.messages[0]?.protocol, 'ESMTPSA');
  });

  test('`*` cancels, bad base64, unknown mechanism, temporary failure, AUTH in a transaction, AUTH after HELO', () => {
    const s = ready(auth);
    assert.equal(
      s.send('HELO c\r\nAUTH PLAIN\r\n'),
      '250 mx.example.com\r\n503 5.5.1 Error: send HELO/EHLO first\r\n',
    );
    s.send('EHLO c\r\n');
    assert.equal(s.send('AUTH PLAIN\r\n*\r\n'), '334 \r\n501 5.7.0 Authentication aborted\r\n');
    assert.ok(s.events.some((e) => e.type === 'sasl-abort'));
    assert.equal(s.send('AUTH PLAIN !!!!\r\n'), '501 5.5.2 Cannot decode response\r\n');
    assert.equal(s.send('AUTH CRAM-MD5\r\n'), '504 5.5.4 Unrecognized authentication type\r\n');
    assert.equal(
      s.send(`AUTH PLAIN ${b64('\0tempfail\0x')}\r\n`),
      '454 4.7.0 Temporary authentication failure: backend down\r\n',
    );
    s.send('MAIL FROM:<a@b.c>\r\n');
    assert.equal(
      s.send(`AUTH PLAIN ${b64('\0alice\0secret')}\r\n`),
      '503 5.5.1 Error: MAIL transaction in progress\r\n',
    );
  });

  test('AUTH= from an unauthenticated client is ignored (RFC 4954 §5)', () => {
    const s = ready(auth);
    s.send('EHLO c\r\nMAIL FROM:<a@b.c> AUTH=<>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n.\r\n');
    assert.equal(s.messages[0]?.mailParams.auth, undefined);
  });
});

describe('policy stages and smtpd_delay_reject', () => {
  const rejectAt = (stage: string) => (f: { stage: string }) =>
    f.stage === stage
      ? ({ action: 'reject', code: 554, enhanced: '5.7.1', text: `rejected at ${stage}` } as const)
      : ({ action: 'permit' } as const);

  test('with smtpd_delay_reject (default), client/helo/sender rejections are reported at RCPT', () => {
    for (const stage of ['connect', 'helo', 'mail']) {
      const s = new Harness({}, { policy: rejectAt(stage) });
      assert.match(s.start(), /^220 /);
      assert.match(s.send('EHLO c\r\n'), /^250-/);
      assert.equal(s.send('MAIL FROM:<a@b.c>\r\n'), '250 2.1.0 Ok\r\n');
      assert.equal(s.send('RCPT TO:<d@e.f>\r\n'), `554 5.7.1 rejected at ${stage}\r\n`);
    }
  });

  test('stages are asked in order, each once per scope, with the facts', () => {
    const s = ready({}, {});
    s.send(
      'EHLO helo.example\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<1@x.y>\r\nRCPT TO:<2@x.y>\r\nDATA\r\n.\r\n',
    );
    assert.deepEqual(
      s.facts.map((f) => f.stage),
      ['connect', 'helo', 'mail', 'rcpt', 'rcpt', 'data', 'end-of-data'],
    );
    const rcpt2 = s.facts[4];
    assert.equal(rcpt2?.recipient, '2@x.y');
    assert.deepEqual(rcpt2?.recipients, ['1@x.y']);
    assert.equal(rcpt2?.helo, 'helo.example');
    assert.equal(rcpt2?.sender, 'a@b.c');
    assert.equal(rcpt2?.pipelined, true);
    assert.equal(s.facts[0]?.clientAddress, '192.0.2.1');
  });

  test('without smtpd_delay_reject: connect rejection replaces the greeting and denies later commands', () => {
    const s = new Harness({ smtpdDelayReject: false }, { policy: rejectAt('connect') });
    assert.equal(s.start(), '554 5.7.1 rejected at connect\r\n');
    assert.equal(
      s.send('EHLO c\r\n'),
      '503 5.7.0 Error: access denied for client.example.org[192.0.2.1]\r\n',
    );
    assert.equal(s.send('QUIT\r\n'), '221 2.0.0 Bye\r\n');
  });

  test('without smtpd_delay_reject: helo and mail rejections answer their own command', () => {
    const h = new Harness({ smtpdDelayReject: false }, { policy: rejectAt('helo') });
    h.start();
    assert.equal(h.send('EHLO c\r\n'), '554 5.7.1 rejected at helo\r\n');
    const m = new Harness({ smtpdDelayReject: false }, { policy: rejectAt('mail') });
    m.start();
    m.send('EHLO c\r\n');
    assert.equal(m.send('MAIL FROM:<a@b.c>\r\n'), '554 5.7.1 rejected at mail\r\n');
    assert.equal(m.send('RCPT TO:<a@b.c>\r\n'), '503 5.5.1 Error: need MAIL command\r\n');
  });

  test('data and end-of-data rejections; discard and hold reach the message', () => {
    const d = ready({}, { policy: rejectAt('data') });
    d.send('EHLO c\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\n');
    assert.equal(d.send('DATA\r\n'), '554 5.7.1 rejected at data\r\n');
    const e = ready({}, { policy: rejectAt('end-of-data') });
    e.send('EHLO c\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n');
    assert.equal(e.send('x\r\n.\r\n'), '554 5.7.1 rejected at end-of-data\r\n');
    assert.equal(e.messages.length, 0);
    const h = ready(
      {},
      {
        policy: (f) =>
          f.stage === 'rcpt'
            ? { action: 'hold', text: 'held' }
            : f.stage === 'mail'
              ? { action: 'discard' }
              : { action: 'permit' },
      },
    );
    const out = h.send('EHLO c\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n.\r\n');
    assert.match(out, /250 2.0.0 Ok: discarded\r\n$/);
    assert.equal(h.messages[0]?.hold, 'held');
    assert.equal(h.messages[0]?.discard, 'discard');
  });

  test('a delivery verdict of 4xx is the reply', () => {
    const s = ready(
      {},
      {
        delivery: () => ({
          ok: false,
          code: 451,
          enhanced: '4.3.0',
          text: 'Error: queue file write error',
        }),
      },
    );
    assert.match(
      s.send('EHLO c\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n.\r\n'),
      /451 4.3.0 Error: queue file write error\r\n$/,
    );
  });
});

describe('pipelining split at every byte', () => {
  const script =
    'EHLO c\r\nMAIL FROM:<a@b.c> SIZE=20\r\nRCPT TO:<d@e.f>\r\nRCPT TO:<g@h.i>\r\nDATA\r\nSubject: s\r\n\r\n..x\r\n.\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nBDAT 4 LAST\r\nab\r\nRSET\r\nQUIT\r\n';

  test('the same replies and message whatever the split', () => {
    const whole = ready();
    const expected = whole.send(script);
    assert.deepEqual(codes(expected), [250, 250, 250, 250, 354, 250, 250, 250, 250, 250, 221]);
    const bytes = Buffer.from(script, 'latin1');
    for (let cut = 1; cut < bytes.length; cut++) {
      const s = ready();
      const out =
        s.send(new Uint8Array(bytes.subarray(0, cut))) +
        s.send(new Uint8Array(bytes.subarray(cut)));
      assert.equal(out, expected, `split at ${cut}`);
      assert.deepEqual(
        s.messages.map((m) => Buffer.concat(m.content).toString()),
        ['Subject: s\r\n\r\n.x\r\n', 'ab\r\n'],
      );
    }
    const one = ready();
    let out = '';
    for (const b of bytes) out += one.send(Uint8Array.of(b));
    assert.equal(out, expected);
  });
});
