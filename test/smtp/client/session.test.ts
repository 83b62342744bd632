import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmtpClientSession } from '../../../src/smtp/client/session.js';
import type { ClientEvent } from '../../../src/smtp/client/events.js';
import type { ClientSessionOptions } from '../../../src/smtp/client/options.js';
import type { OutgoingMessage } from '../../../src/smtp/client/message.js';
import { parseSecurityOptions } from '../../../src/smtp/sasl/security-options.js';

const PEER = 'mx.example.com[127.0.0.1]:25';

/** Drives a session: feeds server lines, collects what the client wrote and its events. */
class Harness {
  readonly session: SmtpClientSession;
  written = '';
  events: ClientEvent[] = [];
  constructor(options: Partial<ClientSessionOptions> = {}) {
    this.session = new SmtpClientSession({
      smtpHeloName: 'client.example.org',
      peer: PEER,
      tls: 'none',
      ...options,
    });
    this.pump();
  }
  server(...lines: string[]): this {
    this.session.receive(
      new Uint8Array(Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'utf8')),
    );
    this.pump();
    return this;
  }
  pump(): void {
    let out: Uint8Array | undefined;
    while ((out = this.session.takeOutput()) !== undefined)
      this.written += Buffer.from(out).toString('utf8');
    this.events.push(...this.session.takeEvents());
  }
  /** What the client wrote since the last call. */
  take(): string {
    this.pump();
    const w = this.written;
    this.written = '';
    return w;
  }
  last<T extends ClientEvent['type']>(type: T): Extract<ClientEvent, { type: T }> {
    this.pump();
    const found = this.events.filter((e) => e.type === type).at(-1);
    assert.ok(found, `no ${type} event in ${JSON.stringify(this.events.map((e) => e.type))}`);
    return found as Extract<ClientEvent, { type: T }>;
  }
}

const message = (extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  sender: 'alice@example.org',
  recipients: [
    { index: 0, address: 'bob@example.com' },
    { index: 1, address: 'carol@example.com' },
  ],
  content: new Uint8Array(Buffer.from('Subject: hi\r\n\r\n.leading dot\r\nbody\r\n')),
  ...extra,
});

function ready(h: Harness, ...keywords: string[]): void {
  h.server('220 mx.example.com ESMTP');
  assert.equal(h.take(), 'EHLO client.example.org\r\n');
  const lines = ['250-mx.example.com', ...keywords];
  h.server(
    ...lines.map((l, i) =>
      i === lines.length - 1 ? l.replace(/^250-/, '250 ') : l.startsWith('250') ? l : `250-${l}`,
    ),
  );
}

test('one message command by command without PIPELINING, dot-stuffed', () => {
  const h = new Harness();
  ready(h, 'SIZE 100000', '8BITMIME', '250 HELP');
  assert.equal(h.last('ready').info.ehlo.size, 100000);
  h.session.sendMessage(message());
  assert.equal(h.take(), `MAIL FROM:<alice@example.org> SIZE=${message().content.length}\r\n`);
  h.server('250 2.1.0 Ok');
  assert.equal(h.take(), 'RCPT TO:<bob@example.com>\r\n');
  h.server('250 2.1.5 Ok');
  assert.equal(h.take(), 'RCPT TO:<carol@example.com>\r\n');
  h.server('550 5.1.1 <carol@example.com>: Recipient address rejected');
  assert.equal(h.take(), 'DATA\r\n');
  h.server('354 End data with <CR><LF>.<CR><LF>');
  assert.equal(h.take(), 'Subject: hi\r\n\r\n..leading dot\r\nbody\r\n.\r\n');
  h.server('250 2.0.0 Ok: queued as ABC');
  const outcomes = h.last('result').outcomes;
  assert.deepEqual(
    outcomes.map((o) => [o.index, o.status, o.dsnStatus]),
    [
      [0, 'sent', '2.0.0'],
      [1, 'bounced', '5.1.1'],
    ],
  );
  assert.match(
    outcomes[1]!.diagnostic,
    /host mx\.example\.com\[127\.0\.0\.1\] said: 550 5\.1\.1 .*\(in reply to RCPT TO command\)/,
  );
  h.session.quit();
  assert.equal(h.take(), 'QUIT\r\n');
  h.server('221 2.0.0 Bye');
  assert.equal(h.last('closed').type, 'closed');
});

test('PIPELINING: MAIL, RCPTs and DATA in one write (RFC 2920), DSN parameters when offered', () => {
  const h = new Harness();
  ready(h, 'PIPELINING', 'DSN', '250 8BITMIME');
  h.session.sendMessage(
    message({
      ret: 'HDRS',
      envid: 'QQ+2B1',
      recipients: [
        {
          index: 3,
          address: 'bob@example.com',
          notify: ['SUCCESS', 'FAILURE'],
          orcpt: 'rfc822;bob@example.com',
        },
        { index: 4, address: 'dan@example.com', notify: [] },
      ],
    }),
  );
  assert.equal(
    h.take(),
    'MAIL FROM:<alice@example.org> RET=HDRS ENVID=QQ+2B1\r\nRCPT TO:<bob@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@example.com\r\nRCPT TO:<dan@example.com> NOTIFY=NEVER\r\nDATA\r\n',
  );
  h.server('250 2.1.0 Ok', '250 2.1.5 Ok', '451 4.3.0 try later', '354 go');
  assert.match(h.take(), /\.\.leading dot\r\nbody\r\n\.\r\n$/);
  h.server('250 2.0.0 Ok');
  assert.deepEqual(
    h.last('result').outcomes.map((o) => o.status),
    ['sent', 'deferred'],
  );
});

test('PIPELINING with every recipient refused: DATA refused, then RSET before the next message on the same connection', () => {
  const h = new Harness();
  ready(h, '250 PIPELINING');
  h.session.sendMessage(message());
  h.take();
  h.server('250 Ok', '550 5.1.1 no', '550 5.1.1 no', '554 5.5.1 Error: no valid recipients');
  assert.deepEqual(
    h.last('result').outcomes.map((o) => o.status),
    ['bounced', 'bounced'],
  );
  assert.equal(h.last('ready').type, 'ready');
  h.session.sendMessage(message({ recipients: [{ index: 0, address: 'bob@example.com' }] }));
  assert.equal(
    h.take(),
    'RSET\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n',
  );
  h.server('250 Ok', '250 Ok', '250 Ok', '354 go');
  h.take();
  h.server('250 Ok');
  assert.deepEqual(
    h.last('result').outcomes.map((o) => o.status),
    ['sent'],
  );
});

test('without PIPELINING and every recipient refused, DATA is never sent', () => {
  const h = new Harness();
  ready(h, '250 SIZE');
  h.session.sendMessage(message({ recipients: [{ index: 0, address: 'x@example.com' }] }));
  h.take();
  h.server('250 Ok');
  h.take();
  h.server('450 4.2.0 busy');
  assert.equal(h.take(), '');
  assert.deepEqual(
    h.last('result').outcomes.map((o) => [o.status, o.dsnStatus]),
    [['deferred', '4.2.0']],
  );
});

test('MAIL FROM refused: every recipient gets that reply', () => {
  const h = new Harness();
  ready(h, '250 SIZE');
  h.session.sendMessage(message());
  h.take();
  h.server('553 5.7.1 sender refused');
  assert.equal(h.take(), '');
  const o = h.last('result').outcomes;
  assert.deepEqual(
    o.map((x) => x.status),
    ['bounced', 'bounced'],
  );
  assert.match(o[0]!.diagnostic, /in reply to MAIL FROM command/);
});

test('CHUNKING: BDAT LAST with the whole message, unstuffed', () => {
  const h = new Harness();
  ready(h, 'CHUNKING', '250 8BITMIME');
  h.session.sendMessage(message({ recipients: [{ index: 0, address: 'bob@example.com' }] }));
  assert.equal(h.take(), 'MAIL FROM:<alice@example.org>\r\n');
  h.server('250 Ok');
  assert.equal(h.take(), 'RCPT TO:<bob@example.com>\r\n');
  h.server('250 Ok');
  const body = 'Subject: hi\r\n\r\n.leading dot\r\nbody\r\n';
  assert.equal(h.take(), `BDAT ${body.length} LAST\r\n${body}`);
  h.server('250 2.0.0 Ok');
  assert.equal(h.last('result').outcomes[0]!.status, 'sent');
});

test('EHLO refused with 5xx: HELO fallback, then no extensions are used', () => {
  const h = new Harness();
  h.server('220 old.example.com SMTP');
  h.take();
  h.server('502 5.5.2 command not recognized');
  assert.equal(h.take(), 'HELO client.example.org\r\n');
  h.server('250 old.example.com');
  assert.equal(h.last('ready').info.ehlo.helo, true);
  h.session.sendMessage(message({ recipients: [{ index: 0, address: 'bob@example.com' }] }));
  assert.equal(h.take(), 'MAIL FROM:<alice@example.org>\r\n');
});

test('8-bit content to a server without 8BITMIME bounces with 5.6.3; BODY=8BITMIME when offered', () => {
  const content = new Uint8Array(
    Buffer.from('Subject: caf\u00e9\r\n\r\nd\u00e9j\u00e0\r\n', 'utf8'),
  );
  const h = new Harness();
  ready(h, '250 PIPELINING');
  h.session.sendMessage(message({ content }));
  assert.equal(h.take(), '');
  assert.deepEqual(
    h.last('result').outcomes.map((o) => o.dsnStatus),
    ['5.6.3', '5.6.3'],
  );
  const h2 = new Harness();
  ready(h2, '250 8BITMIME');
  h2.session.sendMessage(message({ content }));
  assert.equal(h2.take(), 'MAIL FROM:<alice@example.org> BODY=8BITMIME\r\n');
});

test('SMTPUTF8 needed but not offered: 5.6.7; SIZE over the announced limit: 5.3.4', () => {
  const h = new Harness();
  ready(h, '250 SIZE 10');
  h.session.sendMessage(message({ smtputf8: true }));
  assert.deepEqual(
    h.last('result').outcomes.map((o) => o.dsnStatus),
    ['5.3.4', '5.3.4'],
  );
  h.session.sendMessage(message({ smtputf8: true, content: new Uint8Array(4) }));
  assert.deepEqual(
    h.last('result').outcomes.map((o) => o.dsnStatus),
    ['5.6.7', '5.6.7'],
  );
  assert.equal(h.take(), '');
});

test('STARTTLS: 220 asks the adapter to start TLS, then EHLO again (RFC 3207 §4.2)', () => {
  const h = new Harness({ tls: 'may' });
  ready(h, '250 STARTTLS');
  assert.equal(h.take(), 'STARTTLS\r\n');
  h.server('220 2.0.0 Ready to start TLS');
  assert.equal(h.last('starttls').type, 'starttls');
  h.session.tlsEstablished('encrypted');
  assert.equal(h.take(), 'EHLO client.example.org\r\n');
  h.server('250-mx.example.com', '250 PIPELINING');
  assert.equal(h.last('ready').info.tls, 'encrypted');
});

test('TLS required but STARTTLS not offered: failure 4.7.4; refused: 4.7.5; at `may` a refusal continues in plaintext', () => {
  const h = new Harness({ tls: 'required' });
  ready(h, '250 PIPELINING');
  const f = h.last('failure').failure;
  assert.equal(f.reason, 'starttls-not-offered');
  assert.equal(f.dsnStatus, '4.7.4');
  assert.match(f.text, /TLS is required, but was not offered by host/);
  const h2 = new Harness({ tls: 'required' });
  ready(h2, '250 STARTTLS');
  h2.take();
  h2.server('454 4.7.0 TLS not available');
  assert.equal(h2.last('failure').failure.dsnStatus, '4.7.5');
  const h3 = new Harness({ tls: 'may' });
  ready(h3, '250 STARTTLS');
  h3.take();
  h3.server('454 4.7.0 TLS not available');
  assert.equal(h3.last('ready').info.tls, 'none');
});

const sasl = (plain: string, tls: string, verified: string) => ({
  credentials: { user: 'relayuser', password: 'secret' },
  policy: {
    plain: parseSecurityOptions(plain),
    tls: parseSecurityOptions(tls),
    tlsVerified: parseSecurityOptions(verified),
  },
});

test('AUTH PLAIN with an initial response; the security options pick by TLS state', () => {
  const h = new Harness({
    tls: 'may',
    sasl: sasl('noplaintext, noanonymous', 'noanonymous', 'noanonymous'),
  });
  ready(h, '250 AUTH PLAIN LOGIN');
  // Plaintext session, noplaintext: no mechanism.
  assert.equal(h.last('failure').failure.reason, 'auth-no-mechanism');
  const h2 = new Harness({
    tls: 'may',
    sasl: sasl('noplaintext, noanonymous', 'noanonymous', 'noanonymous'),
  });
  ready(h2, 'STARTTLS', '250 AUTH PLAIN LOGIN');
  h2.take();
  h2.server('220 go');
  h2.session.tlsEstablished('encrypted');
  h2.take();
  h2.server('250-mx', '250 AUTH PLAIN LOGIN');
  assert.equal(
    h2.take(),
    `AUTH PLAIN ${Buffer.from('\0relayuser\0secret').toString('base64')}\r\n`,
  );
  h2.server('235 2.7.0 Authentication successful');
  assert.equal(h2.last('ready').info.authenticatedWith, 'PLAIN');
});

test('AUTH LOGIN challenges, and a 535 is a deferral naming the server reply', () => {
  const h = new Harness({ sasl: sasl('noanonymous', 'noanonymous', 'noanonymous') });
  ready(h, '250 AUTH LOGIN');
  assert.equal(h.take(), 'AUTH LOGIN\r\n');
  h.server(`334 ${Buffer.from('Username:').toString('base64')}`);
  assert.equal(h.take(), `${Buffer.from('relayuser').toString('base64')}\r\n`);
  h.server(`334 ${Buffer.from('Password:').toString('base64')}`);
  assert.equal(h.take(), `${Buffer.from('secret').toString('base64')}\r\n`);
  h.server('535 5.7.8 Error: authentication failed');
  const f = h.last('failure').failure;
  assert.equal(f.reason, 'auth-failed');
  assert.equal(f.permanent, false);
  assert.match(f.text, /SASL authentication failed; server .* said: 535 5\.7\.8/);
});

test('garbage replies are a named protocol error; open recipients are deferred', () => {
  const h = new Harness();
  ready(h, '250 PIPELINING');
  h.session.sendMessage(message());
  h.take();
  h.server('250 Ok', 'HTTP/1.1 400 Bad Request');
  const f = h.last('failure').failure;
  assert.equal(f.reason, 'protocol-error');
  assert.deepEqual(
    h.last('result').outcomes.map((o) => [o.status, o.dsnStatus]),
    [
      ['deferred', '4.5.0'],
      ['deferred', '4.5.0'],
    ],
  );
  const h2 = new Harness({ maxReplyBytes: 100 });
  h2.session.receive(new Uint8Array(200).fill(0x41));
  h2.pump();
  assert.equal(h2.last('failure').failure.reason, 'protocol-error');
});

test('timeouts come as wait events per phase; timeout() and a lost connection defer, a final 250 is never undone', () => {
  const h = new Harness({ timeouts: { smtpDataDoneTimeout: 1234 } });
  assert.deepEqual(h.last('wait'), {
    type: 'wait',
    phase: 'receiving the initial server greeting',
    timeoutMs: 300_000,
  });
  ready(h, '250 SIZE');
  h.session.sendMessage(message({ recipients: [{ index: 0, address: 'bob@example.com' }] }));
  h.server('250 Ok', '250 Ok', '354 go');
  assert.equal(h.last('wait').timeoutMs, 1234);
  h.session.timeout();
  const f = h.last('failure').failure;
  assert.equal(f.reason, 'timeout');
  assert.match(f.text, /timed out while sending end of data/);
  assert.equal(h.last('result').outcomes[0]!.status, 'deferred');
  const h2 = new Harness();
  ready(h2, '250 SIZE');
  h2.session.sendMessage(message({ recipients: [{ index: 0, address: 'bob@example.com' }] }));
  h2.server('250 Ok', '250 Ok', '354 go', '250 Ok queued');
  assert.equal(h2.last('result').outcomes[0]!.status, 'sent');
  h2.session.connectionClosed();
  assert.equal(h2.events.filter((e) => e.type === 'result').length, 1);
  assert.equal(h2.last('failure').failure.reason, 'connection-lost');
});

test('greeting refused: a soft failure (the next MX may do better); HELO 5xx: permanent', () => {
  const h = new Harness();
  h.server('554 5.7.1 go away');
  const f = h.last('failure').failure;
  assert.equal(f.reason, 'greeting-rejected');
  assert.equal(f.permanent, false);
  const h2 = new Harness({ smtpNeverSendEhlo: true });
  h2.server('220 hi');
  assert.equal(h2.take(), 'HELO client.example.org\r\n');
  h2.server('550 5.7.1 not you');
  assert.equal(h2.last('failure').failure.permanent, true);
});

test('a reply when none is awaited is a protocol error', () => {
  const h = new Harness();
  ready(h, '250 SIZE');
  h.server('250 surprise');
  assert.equal(h.last('failure').failure.reason, 'protocol-error');
});
