// SmtpTransport end to end on 127.0.0.1: MX failover, bad peers, SASL after
// TLS, connection reuse and TLS session resumption, the log lines.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MxResolver } from '../../../src/mta/delivery/mx-lookup.js';
import { SmtpTransport } from '../../../src/mta/delivery/smtp-transport.js';
import type { SmtpTransportOptions } from '../../../src/mta/delivery/smtp-options.js';
import { MemorySessionStore } from '../../../src/tls/index.js';
import { TlsPki } from '../../helpers/tls-pki.js';
import { TestDnsServer } from '../../helpers/dns-server.js';
import { ScriptedPeer, upToData } from './scripted-peer.js';
import type { Receiver } from './smtp-transport-helpers.js';
import { MX_NAME, queued, receiver, requestFor, table } from './smtp-transport-helpers.js';

const pki = new TlsPki(['p256']);
const dns = new TestDnsServer({
  mx: {
    'two.example': [
      { preference: 10, exchange: 'down.two.example' },
      { preference: 20, exchange: MX_NAME },
    ],
    'null.example': [{ preference: 0, exchange: '' }],
  },
  a: { [MX_NAME]: ['127.0.0.1'] },
  // The preferred MX answers on ::1, where nothing listens on the receiver's port.
  aaaa: { 'down.two.example': ['::1'] },
});
let good: Receiver;
let authOnly: Receiver;

before(async () => {
  await dns.start();
  good = await receiver(pki.servers.p256.certified, {}, false, true);
  authOnly = await receiver(
    pki.servers.p256.certified,
    { smtpdSaslAuthEnable: true, smtpdTlsAuthOnly: true },
    true,
  );
});
after(async () => {
  await good.server.close();
  await authOnly.server.close();
  await dns.stop();
  pki.cleanup();
});

function transport(extra: Partial<SmtpTransportOptions> = {}, log: string[] = []): SmtpTransport {
  return new SmtpTransport({
    smtpHeloName: 'client.example',
    resolver: new MxResolver({ servers: [dns.server], families: [4] }),
    smtpTlsCAfile: pki.caFile,
    smtpConnectionCacheOnDemand: false,
    log: (l) => log.push(l),
    ...extra,
  });
}

test('MX order: a connection refused moves on to the next MX host (port from the next hop)', async () => {
  const log: string[] = [];
  const t = new SmtpTransport({
    smtpHeloName: 'client.example',
    resolver: new MxResolver({ servers: [dns.server], families: [4, 6] }),
    defaultPort: good.port,
    log: (l) => log.push(l),
  });
  const [o] = await t.deliver(requestFor(queued(['a@two.example']), 'two.example'));
  assert.equal(o?.status, 'sent');
  assert.ok(
    log.some((l) =>
      l.includes(`connect to down.two.example[::1]:${good.port}: Connection refused`),
    ),
    log.join('\n'),
  );
  assert.equal(
    o?.relay,
    `${MX_NAME}[127.0.0.1]:${good.port}`,
    "the relay= of the queue manager's log line",
  );
});

test('null MX bounces at once with 5.1.10; an unknown domain bounces; nothing listening defers with the connect error', async () => {
  const t = transport();
  const [n] = await t.deliver(requestFor(queued(['a@null.example']), 'null.example'));
  assert.deepEqual([n?.status, n?.dsnStatus], ['bounced', '5.1.10']);
  const [u] = await t.deliver(requestFor(queued(['a@nowhere.example']), 'nowhere.example'));
  assert.equal(u?.status, 'bounced');
  const gone = new ScriptedPeer(async () => undefined);
  await gone.start();
  await gone.stop();
  const [c] = await t.deliver(requestFor(queued([`a@${MX_NAME}`]), `[${MX_NAME}]:${gone.port}`));
  assert.equal(c?.status, 'deferred');
  assert.match(c?.diagnostic ?? '', /Connection refused/);
});

test('a server that drops the connection mid-DATA: deferred, not lost', async () => {
  const peer = new ScriptedPeer(async (link) => {
    await upToData(link);
    await link.line();
    link.socket.destroy();
  });
  await peer.start();
  const [o] = await transport().deliver(
    requestFor(queued(['a@x.example']), `[127.0.0.1]:${peer.port}`),
  );
  assert.equal(o?.status, 'deferred');
  assert.equal(o?.dsnStatus, '4.4.2');
  assert.match(o?.diagnostic ?? '', /lost connection with .* while sending end of data/);
  await peer.stop();
});

test('garbage instead of a greeting: a named protocol error, deferred', async () => {
  const peer = new ScriptedPeer(async (link) => link.send('SSH-2.0-OpenSSH_9.2'));
  await peer.start();
  const [o] = await transport().deliver(
    requestFor(queued(['a@x.example']), `[127.0.0.1]:${peer.port}`),
  );
  assert.equal(o?.status, 'deferred');
  assert.match(o?.diagnostic ?? '', /protocol error: .*malformed reply/);
  await peer.stop();
});

test('stalls past each timeout: greeting, RCPT and end of data; deferred with the phase named', async () => {
  const cases: [
    string,
    (l: Parameters<ConstructorParameters<typeof ScriptedPeer>[0]>[0]) => Promise<void>,
    RegExp,
  ][] = [
    ['greeting', async () => undefined, /timed out while receiving the initial server greeting/],
    [
      'rcpt',
      async (link) => {
        link.send('220 x');
        await link.line();
        link.send('250 x');
        await link.line();
        link.send('250 ok');
        await link.line();
      },
      /timed out while sending RCPT TO/,
    ],
    [
      'dot',
      async (link) => {
        await upToData(link);
      },
      /timed out while sending end of data/,
    ],
  ];
  for (const [name, script, pattern] of cases) {
    const peer = new ScriptedPeer(script);
    await peer.start();
    const t = transport({
      timeouts: { smtpHeloTimeout: 300, smtpRcptTimeout: 300, smtpDataDoneTimeout: 300 },
    });
    const [o] = await t.deliver(requestFor(queued(['a@x.example']), `[127.0.0.1]:${peer.port}`));
    assert.equal(o?.status, 'deferred', name);
    assert.match(o?.diagnostic ?? '', pattern, name);
    await peer.stop();
  }
});

/** Offers STARTTLS, answers 220, then sends bytes that are no TLS record; the second connection does no TLS. */
function brokenTlsPeer(): ScriptedPeer {
  return new ScriptedPeer(async (link, n) => {
    link.send('220 x ESMTP');
    await link.line();
    link.send('250-x\r\n250 STARTTLS');
    const l = await link.line();
    if (l === 'STARTTLS' && n === 1) {
      link.send('220 2.0.0 go ahead');
      await new Promise((r) => setTimeout(r, 20));
      link.send('this is not TLS');
      return;
    }
    assert.equal(n, 2);
    link.send('250 2.1.0 ok');
    await link.line();
    link.send('250 2.1.5 ok');
    await link.line();
    link.send('354 go');
    while ((await link.line()) !== '.');
    link.send('250 2.0.0 queued');
  });
}

test('STARTTLS offered, then the handshake fails: at `may` retried in plaintext on the same host; at `encrypt` deferred 4.7.5', async () => {
  const peer = brokenTlsPeer();
  await peer.start();
  const log: string[] = [];
  const [o] = await transport({ smtpTlsSecurityLevel: 'may' }, log).deliver(
    requestFor(queued(['a@x.example']), `[127.0.0.1]:${peer.port}`),
  );
  assert.equal(o?.status, 'sent');
  assert.equal(peer.connections, 2);
  assert.ok(log.some((l) => /handshake failure.*trying again in plaintext/.test(l)));
  await peer.stop();
  const strict = brokenTlsPeer();
  await strict.start();
  const [e] = await transport({ smtpTlsSecurityLevel: 'encrypt' }).deliver(
    requestFor(queued(['a@x.example']), `[127.0.0.1]:${strict.port}`),
  );
  assert.deepEqual([e?.status, e?.dsnStatus], ['deferred', '4.7.5']);
  assert.match(e?.diagnostic ?? '', /Cannot start TLS: handshake failure/);
  assert.equal(strict.connections, 1);
  await strict.stop();
});

test('never sent twice: a recipient deferred at the first MX is retried at the next, the delivered one is not', async () => {
  const first = new ScriptedPeer(async (link) => {
    link.send('220 first');
    await link.line();
    link.send('250 first');
    for (;;) {
      const l = await link.line();
      if (l.startsWith('RCPT TO:<b@')) link.send('451 4.3.0 try later');
      else if (l === 'DATA') break;
      else link.send('250 ok');
    }
    link.send('354 go');
    while ((await link.line()) !== '.');
    link.send('250 2.0.0 queued');
    await link.line();
    link.send('221 bye');
  });
  await first.start();
  dns.records.a!['first.split.example'] = ['127.0.0.1'];
  // The queue manager hands the deferred recipient back later; here the retry goes to another server.
  const t = transport();
  const message = queued(['a@split.example', 'b@split.example']);
  const outcomes = await t.deliver(requestFor(message, `[first.split.example]:${first.port}`));
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['sent', 'deferred'],
  );
  const pending = message.pending.filter((p) => outcomes[p.index]?.status === 'deferred');
  const before = good.delivery.messages.length;
  const again = await t.deliver({
    message,
    recipients: pending,
    nexthop: `[${MX_NAME}]:${good.port}`,
  });
  assert.deepEqual(
    again.map((o) => [o.index, o.status]),
    [[1, 'sent']],
  );
  assert.deepEqual(
    good.delivery.messages[before]?.message.recipients.map((r) => r.address),
    ['b@split.example'],
  );
  await first.stop();
});

test('SASL relay through a receiver that offers AUTH only after TLS: unverified TLS keeps noplaintext, verified TLS allows PLAIN', async () => {
  const sasl = {
    smtpSaslAuthEnable: true,
    smtpSaslPasswordMaps: [table({ [`[${MX_NAME}]:${authOnly.port}`]: 'alice:secret' })],
    smtpSaslSecurityOptions: 'noplaintext, noanonymous',
    smtpSaslTlsVerifiedSecurityOptions: 'noanonymous',
  };
  const nexthop = `[${MX_NAME}]:${authOnly.port}`;
  const [plain] = await transport({ ...sasl, smtpTlsSecurityLevel: 'may' }).deliver(
    requestFor(queued(['a@x.example']), nexthop),
  );
  assert.equal(plain?.status, 'deferred');
  assert.match(plain?.diagnostic ?? '', /no mechanism available/);
  const before = authOnly.delivery.messages.length;
  const [verified] = await transport({ ...sasl, smtpTlsSecurityLevel: 'verify' }).deliver(
    requestFor(queued(['a@x.example']), nexthop),
  );
  assert.equal(verified?.status, 'sent');
  assert.equal(authOnly.delivery.messages[before]?.message.saslUser, 'alice');
  const [none] = await transport({
    ...sasl,
    smtpTlsSecurityLevel: 'none',
    smtpSaslSecurityOptions: 'noanonymous',
  }).deliver(requestFor(queued(['a@x.example']), nexthop));
  // Without TLS the receiver announces no AUTH at all: the message goes unauthenticated (postern's receiver accepts it).
  assert.equal(none?.status, 'sent');
  assert.equal(authOnly.delivery.messages.at(-1)?.message.saslUser, undefined);
});

test('connection reuse: the second message to the same next hop rides the same connection; the TLS session resumes on a new one; log lines', async () => {
  const log: string[] = [];
  const store = new MemorySessionStore();
  const t = transport(
    {
      smtpTlsSecurityLevel: 'verify',
      smtpTlsLoglevel: 1,
      smtpConnectionCacheOnDemand: true,
      smtpTlsSessionCache: store,
    },
    log,
  );
  const nexthop = `[${MX_NAME}]:${good.port}`;
  const before = good.delivery.messages.length;
  await t.deliver(requestFor(queued(['a@x.example']), nexthop));
  await t.deliver(requestFor(queued(['b@x.example']), nexthop));
  const [m1, m2] = good.delivery.messages.slice(before);
  assert.equal(m1?.message.client.port, m2?.message.client.port);
  assert.equal(log.filter((l) => l.startsWith('Verified TLS connection established')).length, 1);
  assert.match(
    log.find((l) => l.startsWith('Verified'))!,
    new RegExp(
      `^Verified TLS connection established to ${MX_NAME}\\[127\\.0\\.0\\.1\\]:${good.port}: TLSv1\\.3 with cipher \\S+ \\(\\d+/\\d+ bits\\)$`,
    ),
  );
  await t.close();
  await new Promise((r) => setTimeout(r, 50));
  await t.deliver(requestFor(queued(['c@x.example']), nexthop));
  const m3 = good.delivery.messages.at(-1);
  assert.notEqual(m3?.message.client.port, m1?.message.client.port);
  assert.equal(m3?.message.tls?.resumed ?? 'unknown', true);
  await t.close();
});

test('smtp_tls_note_starttls_offer: `Host offered STARTTLS: [name]` for a host without a policy entry', async () => {
  const log: string[] = [];
  await transport({ smtpTlsNoteStarttlsOffer: true }, log).deliver(
    requestFor(queued(['a@x.example']), `[${MX_NAME}]:${good.port}`),
  );
  assert.ok(log.includes(`Host offered STARTTLS: [${MX_NAME}]`), log.join('\n'));
  const quiet: string[] = [];
  await transport(
    { smtpTlsNoteStarttlsOffer: true, smtpTlsPerSite: [table({ [MX_NAME]: 'NONE' })] },
    quiet,
  ).deliver(requestFor(queued(['a@x.example']), `[${MX_NAME}]:${good.port}`));
  assert.ok(!quiet.some((l) => l.startsWith('Host offered STARTTLS')));
});

test('smtp_tls_wrappermode: TLS from the first byte (a port-465 relay), verified', async () => {
  const wrapped = await receiver(pki.servers.p256.certified, { smtpdTlsWrappermode: true });
  const log: string[] = [];
  const [o] = await transport(
    { smtpTlsWrappermode: true, smtpTlsSecurityLevel: 'verify', smtpTlsLoglevel: 1 },
    log,
  ).deliver(requestFor(queued(['a@x.example']), `[${MX_NAME}]:${wrapped.port}`));
  assert.equal(o?.status, 'sent');
  assert.ok(wrapped.delivery.messages[0]?.message.tls);
  assert.ok(log.some((l) => l.startsWith(`Verified TLS connection established to ${MX_NAME}`)));
  await wrapped.server.close();
});

test('smtp_tls_cert_file / smtp_tls_key_file: the client certificate reaches a server that asks for one', async () => {
  const asking = await receiver(
    pki.servers.p256.certified,
    { smtpdTlsAskCcert: true },
    false,
    false,
    { clientAuth: 'optional', trustStore: pki.trustStore },
  );
  const [o] = await transport({
    smtpTlsSecurityLevel: 'encrypt',
    smtpTlsCertFile: pki.client.certFile,
    smtpTlsKeyFile: pki.client.keyFile,
  }).deliver(requestFor(queued(['a@x.example']), `[${MX_NAME}]:${asking.port}`));
  assert.equal(o?.status, 'sent');
  const tls = asking.delivery.messages[0]?.message.tls;
  assert.equal(tls?.peerCertificates.length, 1);
  assert.equal(tls?.peerVerified, true);
  await asking.server.close();
});

test('smtp_tls_mandatory_protocols and smtp_tls_cipherlist shape the handshake; a bad cipher list is refused at start', async () => {
  const log: string[] = [];
  const t = transport(
    {
      smtpTlsSecurityLevel: 'encrypt',
      smtpTlsMandatoryProtocols: '!TLSv1.3',
      smtpTlsCipherlist: 'ECDHE-ECDSA-AES128-GCM-SHA256',
      smtpTlsLoglevel: 1,
    },
    log,
  );
  const [o] = await t.deliver(requestFor(queued(['a@x.example']), `[${MX_NAME}]:${good.port}`));
  assert.equal(o?.status, 'sent');
  assert.ok(
    log.some((l) => / TLSv1\.2 with cipher ECDHE-ECDSA-AES128-GCM-SHA256 /.test(l)),
    log.join('\n'),
  );
  assert.throws(() => transport({ smtpTlsCipherlist: 'NO-SUCH-THING:!ALL' }));
});

test('smtp_mx_address_limit bounds the addresses tried; what is left is deferred with the last reason', async () => {
  dns.records.mx!['many.example'] = [1, 2, 3, 4].map((p) => ({
    preference: p,
    exchange: `mx${p}.many.example`,
  }));
  for (const p of [1, 2, 3, 4]) dns.records.aaaa![`mx${p}.many.example`] = ['::1'];
  const log: string[] = [];
  const t = new SmtpTransport({
    smtpHeloName: 'client.example',
    resolver: new MxResolver({ servers: [dns.server], families: [6] }),
    defaultPort: good.port,
    smtpMxAddressLimit: 2,
    log: (l) => log.push(l),
  });
  const [o] = await t.deliver(requestFor(queued(['a@many.example']), 'many.example'));
  assert.equal(o?.status, 'deferred');
  assert.deepEqual(
    log
      .filter((l) => l.includes('Connection refused') && !l.includes('relay=none'))
      .map((l) => /connect to (\S+)\[/.exec(l)?.[1]),
    ['mx1.many.example', 'mx2.many.example'],
  );
});

test('smtp_mx_session_limit: MX hosts that greet with 4xx count as sessions; the limit stops the walk', async () => {
  const busy = new ScriptedPeer(async (link) => link.send('421 4.3.2 busy, try later'));
  await busy.start();
  dns.records.mx!['busy.example'] = [1, 2, 3].map((p) => ({
    preference: p,
    exchange: `mx${p}.busy.example`,
  }));
  for (const p of [1, 2, 3]) dns.records.a![`mx${p}.busy.example`] = ['127.0.0.1'];
  const log: string[] = [];
  const t = new SmtpTransport({
    smtpHeloName: 'client.example',
    resolver: new MxResolver({ servers: [dns.server], families: [4] }),
    defaultPort: busy.port,
    smtpMxSessionLimit: 2,
    log: (l) => log.push(l),
  });
  const [o] = await t.deliver(requestFor(queued(['a@busy.example']), 'busy.example'));
  assert.deepEqual([o?.status, o?.dsnStatus], ['deferred', '4.3.0']);
  assert.match(o?.diagnostic ?? '', /refused to talk to me: 421 4\.3\.2 busy/);
  assert.equal(busy.connections, 2);
  assert.equal(o?.relay, 'none');
  await busy.stop();
});

test('a bounce without any session (null MX) has relay=none', async () => {
  const [o] = await transport().deliver(requestFor(queued(['a@null.example']), 'null.example'));
  assert.deepEqual([o?.relay, o?.dsnStatus, o?.status], ['none', '5.1.10', 'bounced']);
});
