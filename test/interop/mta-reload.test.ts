import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { ReplyReader } from '../helpers/smtp-client.js';
import { makeCertificate, PosternInstance } from '../helpers/postern-instance.js';

/**
 * Issue 14, "Reload": the certificate files are replaced and `postern reload`
 * is run. A connection opened before the reload, still in its SMTP session,
 * says STARTTLS only after it and gets the old certificate (its smtpd keeps
 * the configuration it started with, as Postfix's do), then finishes its
 * message; new connections get the new certificate. Needs openssl.
 * node:tls is the client here: a reference peer, not the data path.
 */

interface Session {
  socket: Socket;
  replies: ReplyReader;
}

async function open(port: number): Promise<Session> {
  const socket = netConnect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const replies = new ReplyReader(socket);
  assert.equal((await replies.next()).code, 220);
  assert.equal((await replies.command('EHLO reload.client.test')).code, 250);
  return { socket, replies };
}

/** STARTTLS on the session; resolves with the TLS socket and the subject CN of the leaf the server sent. */
async function starttls(s: Session): Promise<{ tls: TLSSocket; cn: string }> {
  assert.equal((await s.replies.command('STARTTLS')).code, 220);
  const tls = tlsConnect({
    socket: s.socket,
    rejectUnauthorized: false,
    servername: 'mx.postern.test',
  });
  await new Promise<void>((resolve, reject) => {
    tls.once('secureConnect', resolve);
    tls.once('error', reject);
  });
  s.replies.switchTo(tls);
  const cn = tls.getPeerCertificate().subject.CN;
  return { tls, cn: Array.isArray(cn) ? cn.join(',') : (cn ?? '') };
}

async function sendOne(s: Session, tls: TLSSocket, subject: string): Promise<string> {
  assert.equal((await s.replies.command('EHLO reload.client.test')).code, 250);
  assert.equal((await s.replies.command('MAIL FROM:<r@example.org>')).code, 250);
  assert.equal((await s.replies.command('RCPT TO:<bob@localhost>')).code, 250);
  assert.equal((await s.replies.command('DATA')).code, 354);
  tls.write(`Subject: ${subject}\r\n\r\nbody\r\n.\r\n`);
  const queued = await s.replies.next();
  assert.equal(queued.code, 250, queued.lines.join('\n'));
  assert.equal((await s.replies.command('QUIT')).code, 221);
  return queued.lines.join('\n');
}

async function certificateOfNewConnection(port: number): Promise<string> {
  const s = await open(port);
  const { tls, cn } = await starttls(s);
  await s.replies.command('QUIT');
  tls.destroy();
  return cn;
}

async function delivered(mta: PosternInstance, line: string): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const dir = mta.maildirNew('bob');
    const names = existsSync(dir) ? readdirSync(dir) : [];
    if (names.some((n) => readFileSync(join(dir, n), 'utf8').split('\n').includes(line)))
      return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('postern reload with a new certificate', () => {
  let mta: PosternInstance;
  before(async () => {
    mta = await PosternInstance.create();
    await mta.start();
  });
  after(async () => {
    await mta.dispose();
  });

  test('a session opened before the reload gets the old certificate and finishes; new connections get the new one', async () => {
    assert.equal(await certificateOfNewConnection(mta.port), 'old.postern.test');
    const inFlight = await open(mta.port);

    makeCertificate(mta.certFile, mta.keyFile, 'new.postern.test');
    const reload = mta.cli('reload');
    assert.equal(reload.code, 0, reload.stdout);
    assert.match(reload.stdout, /postern: reload signal sent \(pid \d+\)/);

    // The master answers SIGHUP by starting a new generation of workers and
    // draining the old ones once the new are ready; until then an old worker
    // may still take a new connection, so this waits (bounded) for the switch.
    const deadline = Date.now() + 30_000;
    let cn = '';
    while (
      Date.now() < deadline &&
      (cn = await certificateOfNewConnection(mta.port)) !== 'new.postern.test'
    )
      await new Promise((r) => setTimeout(r, 200));
    assert.equal(cn, 'new.postern.test', mta.log());
    assert.match(mta.log(), /postfix\/master\[\d+\]: reload -- version postern, configuration /);
    for (let i = 0; i < 4; i++)
      assert.equal(await certificateOfNewConnection(mta.port), 'new.postern.test');

    const old = await starttls(inFlight);
    assert.equal(
      old.cn,
      'old.postern.test',
      'the session opened before the reload keeps its smtpd and its certificate',
    );
    assert.match(
      await sendOne(inFlight, old.tls, 'in flight across reload'),
      /^Ok: queued as \S+$/,
    );
    old.tls.destroy();
    assert.ok(await delivered(mta, 'Subject: in flight across reload'), mta.log());

    const exit = await mta.stop();
    assert.deepEqual(exit, { code: 0, signal: null, leftover: false }, mta.stdout());
  });
});
