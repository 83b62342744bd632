import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HandshakeReader,
  DovecotProtocolError,
  encodeAuth,
  encodeCont,
  encodeHandshake,
  parseAuthReply,
  tabUnescape,
  LineSplitter,
} from '../../../src/smtp/sasl/dovecot-protocol.js';
import { DovecotSaslBackend, parseDovecotPath } from '../../../src/smtp/sasl/dovecot-backend.js';
import { parseSecurityOptions } from '../../../src/smtp/sasl/security-options.js';
import type { SaslContext } from '../../../src/smtp/sasl/backend.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const ctx: SaslContext = { clientAddress: '192.0.2.9', secured: true, service: 'smtp' };

test('handshake: VERSION, MECH with flags, SPID, CUID, COOKIE, DONE', () => {
  const r = new HandshakeReader();
  const lines = [
    'VERSION\t1\t2',
    'MECH\tPLAIN\tplaintext',
    'MECH\tLOGIN\tplaintext',
    'MECH\tCRAM-MD5\tdictionary\tactive',
    'MECH\tGSS\tprivate\tmutual-auth',
    'SPID\t123',
    'CUID\t9',
    'COOKIE\tabc',
  ];
  for (const l of lines) assert.deepEqual(r.line(l), { kind: 'more' });
  const done = r.line('DONE');
  assert.equal(done.kind, 'done');
  if (done.kind !== 'done') return;
  assert.deepEqual(
    done.mechanisms.map((m) => [m.name, [...m.properties]]),
    [
      ['PLAIN', ['plaintext']],
      ['LOGIN', ['plaintext']],
      ['CRAM-MD5', ['dictionary', 'active']],
      ['GSS', ['private', 'mutual-auth']],
    ],
  );
  assert.equal(encodeHandshake(42), 'VERSION\t1\t2\nCPID\t42\n');
});

test('handshake errors: another major version, the auth-master socket, DONE before VERSION', () => {
  assert.throws(() => new HandshakeReader().line('VERSION\t2\t0'), /version mismatch \(2 vs\. 1\)/);
  assert.throws(() => new HandshakeReader().line('VERSION\tx'), DovecotProtocolError);
  const master = new HandshakeReader();
  master.line('VERSION\t1\t2');
  assert.throws(() => master.line('SPID\t77'), /wrong auth socket/);
  assert.throws(() => new HandshakeReader().line('DONE'), /before VERSION/);
});

test('AUTH and CONT lines as Postfix sends them; control characters are refused', () => {
  assert.equal(
    encodeAuth({
      id: 7,
      mechanism: 'PLAIN',
      service: 'smtp',
      localAddress: '192.0.2.1',
      remoteAddress: '192.0.2.9',
      secured: true,
      initialResponse: enc('\0tim\0pw'),
    }),
    'AUTH\t7\tPLAIN\tservice=smtp\tnologin\tlip=192.0.2.1\trip=192.0.2.9\tsecured\tresp=AHRpbQBwdw==\n',
  );
  assert.equal(
    encodeAuth({
      id: 1,
      mechanism: 'LOGIN',
      service: 'smtp',
      remoteAddress: '::1',
      secured: false,
    }),
    'AUTH\t1\tLOGIN\tservice=smtp\tnologin\trip=::1\n',
  );
  assert.equal(
    encodeAuth({
      id: 2,
      mechanism: 'PLAIN',
      service: 'smtp',
      remoteAddress: '::1',
      secured: false,
      initialResponse: new Uint8Array(0),
    }),
    'AUTH\t2\tPLAIN\tservice=smtp\tnologin\trip=::1\tresp=\n',
  );
  assert.throws(
    () =>
      encodeAuth({
        id: 1,
        mechanism: 'PLAIN\tx',
        service: 'smtp',
        remoteAddress: '::1',
        secured: false,
      }),
    DovecotProtocolError,
  );
  assert.equal(encodeCont(3, enc('tim')), 'CONT\t3\tdGlt\n');
});

test('replies: OK user=, CONT data, FAIL reason= and temp, escaped values; unknown lines ignored', () => {
  assert.deepEqual(parseAuthReply('OK\t5\tuser=tim'), { kind: 'ok', id: 5, user: 'tim' });
  assert.deepEqual(parseAuthReply('CONT\t5\tVXNlcm5hbWU6'), {
    kind: 'cont',
    id: 5,
    challenge: enc('Username:'),
  });
  assert.deepEqual(parseAuthReply('CONT\t5\t'), {
    kind: 'cont',
    id: 5,
    challenge: new Uint8Array(0),
  });
  assert.deepEqual(parseAuthReply('FAIL\t5\tuser=tim'), {
    kind: 'fail',
    id: 5,
    reason: undefined,
    temporary: false,
  });
  assert.deepEqual(parseAuthReply('FAIL\t5\treason=Password expired\ttemp'), {
    kind: 'fail',
    id: 5,
    reason: 'Password expired',
    temporary: true,
  });
  assert.deepEqual(parseAuthReply('OK\t6\tuser=a\x01tb'), { kind: 'ok', id: 6, user: 'a\tb' });
  assert.equal(tabUnescape('x\x011\x01n\x01r'), 'x\x01\n\r');
  assert.equal(parseAuthReply('CUID\t1'), undefined);
  assert.throws(() => parseAuthReply('OK\tnine'), /request id/);
  assert.throws(() => parseAuthReply('CONT\t1\t*not base64*'), /base64/);
});

test('line splitting across reads, and a line too long', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('VERS'), []);
  assert.deepEqual(s.push('ION\t1\t2\nMECH\tPL'), ['VERSION\t1\t2']);
  assert.deepEqual(s.push('AIN\n\n'), ['MECH\tPLAIN', '']);
  assert.throws(() => new LineSplitter().push('x'.repeat(20000)), /too long/);
});

test('smtpd_sasl_path: a path under queue_directory, unix:, inet:host:port, inet:[v6]:port', () => {
  assert.deepEqual(parseDovecotPath('private/auth', '/var/spool/postfix'), {
    kind: 'unix',
    path: '/var/spool/postfix/private/auth',
  });
  assert.deepEqual(parseDovecotPath('unix:/run/dovecot/auth-client', '/q'), {
    kind: 'unix',
    path: '/run/dovecot/auth-client',
  });
  assert.deepEqual(parseDovecotPath('inet:127.0.0.1:12345', '/q'), {
    kind: 'inet',
    host: '127.0.0.1',
    port: 12345,
  });
  assert.deepEqual(parseDovecotPath('inet:[::1]:12345', '/q'), {
    kind: 'inet',
    host: '::1',
    port: 12345,
  });
  assert.throws(() => parseDovecotPath('inet:host', '/q'), /inet:host:port/);
  assert.throws(() => parseDovecotPath('inet:h:99999', '/q'), /bad inet/);
});

/**
 * A small auth server in the test, speaking the server side of the protocol:
 * PLAIN for tim/tanstaaftanstaaf, LOGIN with its two challenges.
 */
function fakeAuthServer(
  path: string,
  opts: { silent?: boolean } = {},
): { server: Server; sockets: Set<Socket>; requests: string[] } {
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.setEncoding('utf8');
    sock.write(
      'VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nMECH\tLOGIN\tplaintext\nMECH\tCRAM-MD5\tdictionary\tactive\nSPID\t1\nCUID\t1\nCOOKIE\t00\nDONE\n',
    );
    const logins = new Map<string, string>();
    let buf = '';
    sock.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.startsWith('AUTH') && !line.startsWith('CONT')) continue;
        requests.push(line);
        if (opts.silent) continue;
        const f = line.split('\t');
        const id = f[1] as string;
        if (f[0] === 'AUTH' && f[2] === 'PLAIN') {
          const resp = f.find((x) => x.startsWith('resp='))?.slice(5);
          const text = Buffer.from(resp ?? '', 'base64').toString();
          sock.write(
            text === '\0tim\0tanstaaftanstaaf'
              ? `OK\t${id}\tuser=tim\n`
              : `FAIL\t${id}\tuser=tim\n`,
          );
        } else if (f[0] === 'AUTH' && f[2] === 'LOGIN') {
          logins.set(id, '');
          sock.write(`CONT\t${id}\t${Buffer.from('Username:').toString('base64')}\n`);
        } else if (f[0] === 'CONT') {
          const value = Buffer.from(f[2] ?? '', 'base64').toString();
          const user = logins.get(id);
          if (user === '') {
            logins.set(id, value);
            sock.write(`CONT\t${id}\t${Buffer.from('Password:').toString('base64')}\n`);
          } else {
            sock.write(
              value === 'secret'
                ? `OK\t${id}\tuser=${user}\n`
                : `FAIL\t${id}\treason=Password mismatch\n`,
            );
          }
        }
      }
    });
  });
  server.listen(path);
  return { server, sockets, requests };
}

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'postern-dovecot-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const security = {
  plain: parseSecurityOptions('noanonymous, noplaintext'),
  tls: parseSecurityOptions('noanonymous'),
};

test('back end: learns the mechanisms, filters them, authenticates PLAIN and LOGIN, one connection for all', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'auth');
    const fake = fakeAuthServer(path);
    await new Promise((r) => fake.server.once('listening', r));
    const b = new DovecotSaslBackend({
      endpoint: { kind: 'unix', path },
      security,
      localAddress: '192.0.2.1',
    });
    try {
      assert.equal(await b.open(), true);
      assert.deepEqual(b.mechanisms(ctx), ['PLAIN', 'LOGIN', 'CRAM-MD5']);
      assert.deepEqual(b.mechanisms({ ...ctx, secured: false }), ['CRAM-MD5']);
      const good = await b.start('plain', enc('\0tim\0tanstaaftanstaaf'), ctx);
      assert.deepEqual(good.first, { kind: 'success', user: 'tim' });
      const bad = await b.start('PLAIN', enc('\0tim\0nope'), ctx);
      assert.deepEqual(bad.first, {
        kind: 'failure',
        reason: 'authentication failure',
        temporary: false,
      });
      const login = await b.start('LOGIN', undefined, ctx);
      assert.deepEqual(login.first, { kind: 'challenge', challenge: enc('Username:') });
      assert.deepEqual(await login.exchange.respond(enc('jane')), {
        kind: 'challenge',
        challenge: enc('Password:'),
      });
      assert.deepEqual(await login.exchange.respond(enc('wrong')), {
        kind: 'failure',
        reason: 'Password mismatch',
        temporary: false,
      });
      const refused = await b.start('PLAIN', enc('\0tim\0tanstaaftanstaaf'), {
        ...ctx,
        secured: false,
      });
      assert.deepEqual(refused.first, {
        kind: 'failure',
        reason: "Invalid authentication mechanism: 'PLAIN'",
        temporary: false,
      });
      assert.equal(fake.sockets.size, 1);
      assert.match(
        fake.requests[0] ?? '',
        /^AUTH\t\d+\tPLAIN\tservice=smtp\tnologin\tlip=192\.0\.2\.1\trip=192\.0\.2\.9\tsecured\tresp=/,
      );
      // Concurrent exchanges on the one connection are told apart by id.
      const [x, y] = await Promise.all([
        b.start('PLAIN', enc('\0tim\0tanstaaftanstaaf'), ctx),
        b.start('PLAIN', enc('\0tim\0x'), ctx),
      ]);
      assert.equal(x.first.kind, 'success');
      assert.equal(y.first.kind, 'failure');
    } finally {
      b.close();
      fake.server.close();
    }
  });
});

test('back end: the connection drops and the next request reconnects; a dead back end is a temporary failure', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'auth');
    const log: string[] = [];
    let fake = fakeAuthServer(path);
    await new Promise((r) => fake.server.once('listening', r));
    const b = new DovecotSaslBackend({
      endpoint: { kind: 'unix', path },
      security,
      log: (m) => log.push(m),
    });
    try {
      assert.deepEqual(
        (await b.start('PLAIN', enc('\0tim\0tanstaaftanstaaf'), ctx)).first.kind,
        'success',
      );
      for (const s of fake.sockets) s.destroy();
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(
        (await b.start('PLAIN', enc('\0tim\0tanstaaftanstaaf'), ctx)).first.kind,
        'success',
        'reconnected',
      );
      await new Promise<void>((r) => {
        fake.server.close(() => r());
        for (const s of fake.sockets) s.destroy();
      });
      await new Promise((r) => setTimeout(r, 50));
      const dead = await b.start('PLAIN', enc('\0tim\0tanstaaftanstaaf'), ctx);
      assert.deepEqual(dead.first, {
        kind: 'failure',
        reason: "Can't connect to authentication server",
        temporary: true,
      });
      assert.ok(
        log.some((l) => l.includes(`Connect to Dovecot auth socket '${path}' failed`)),
        log.join('\n'),
      );
      assert.deepEqual(
        b.mechanisms(ctx),
        ['PLAIN', 'LOGIN', 'CRAM-MD5'],
        'the last known list stays',
      );
      fake = fakeAuthServer(path);
      await new Promise((r) => fake.server.once('listening', r));
      assert.equal(
        (await b.start('PLAIN', enc('\0tim\0tanstaaftanstaaf'), ctx)).first.kind,
        'success',
        'back again',
      );
    } finally {
      b.close();
      fake.server.close();
    }
  });
});

test('back end: a lost connection mid-exchange and a silent server answer 454-style temporary failures', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'auth');
    const fake = fakeAuthServer(path, { silent: true });
    await new Promise((r) => fake.server.once('listening', r));
    const b = new DovecotSaslBackend({
      endpoint: { kind: 'unix', path },
      security,
      requestTimeoutMs: 200,
    });
    try {
      const pending = b.start('PLAIN', enc('\0tim\0tanstaaftanstaaf'), ctx);
      await new Promise((r) => setTimeout(r, 50));
      for (const s of fake.sockets) s.destroy();
      assert.deepEqual((await pending).first, {
        kind: 'failure',
        reason: 'Connection lost to authentication server',
        temporary: true,
      });
      const silent = await b.start('PLAIN', enc('\0tim\0tanstaaftanstaaf'), ctx);
      assert.deepEqual(silent.first, {
        kind: 'failure',
        reason: 'Connection lost to authentication server',
        temporary: true,
      });
    } finally {
      b.close();
      fake.server.close();
    }
  });
});

test('back end: never reachable means no mechanisms and a temporary failure, not a crash', async () => {
  const b = new DovecotSaslBackend({
    endpoint: { kind: 'inet', host: '127.0.0.1', port: 1 },
    security,
  });
  assert.equal(await b.open(), false);
  assert.deepEqual(b.mechanisms(ctx), []);
  assert.deepEqual((await b.start('PLAIN', enc('\0a\0b'), ctx)).first, {
    kind: 'failure',
    reason: "Can't connect to authentication server",
    temporary: true,
  });
  b.close();
});
