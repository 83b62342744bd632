import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer as netCreateServer, connect as netConnect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { TlsConnectionError } from '../../../src/tls/node/tls-socket.js';
import { createServer } from '../../../src/tls/node/create-server.js';
import { connect, startTlsClient, startTlsServer } from '../../../src/tls/node/connect.js';
import type { TLSSocket } from '../../../src/tls/node/tls-socket.js';
import { SERVER_NAME, TlsPki } from '../../helpers/tls-pki.js';

const pki = new TlsPki(['p256']);
after(() => pki.cleanup());

const serverOptions = { certificates: [pki.servers.p256.certified], alpnProtocols: ['smtp', 'h2'] };
const clientOptions = { serverName: SERVER_NAME, trustStore: pki.trustStore };

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function collect(socket: TLSSocket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  await once(socket, 'end');
  return Buffer.concat(chunks);
}

test('connect/createServer: handshake details as node:tls names them, echo, clean close both ways', async () => {
  const server = createServer(serverOptions, (s) => {
    s.on('data', (d: Buffer) => s.write(d));
    s.on('end', () => s.end());
  });
  const port = await listen(server);
  try {
    const client = connect({ ...clientOptions, host: '127.0.0.1', port, alpnProtocols: ['h2'] });
    await once(client, 'secureConnect');
    assert.equal(client.getProtocol(), 'TLSv1.3');
    assert.equal(client.getCipher()?.standardName, 'TLS_CHACHA20_POLY1305_SHA256');
    assert.equal(client.authorized, true);
    assert.equal(client.authorizationError, undefined);
    assert.equal(client.alpnProtocol, 'h2');
    assert.match(client.getPeerCertificate()?.subject ? SERVER_NAME : '', /example/);
    assert.equal(client.getPeerCertificateChain().length, 1);
    const echoed = collect(client);
    const closed = once(client, 'close');
    client.end('hello through TLS');
    assert.equal((await echoed).toString(), 'hello through TLS');
    await closed;
  } finally {
    server.close();
  }
});

test('STARTTLS: plaintext first, then TLS on the same sockets, both roles', async () => {
  let serverSide: TLSSocket | undefined;
  const server = netCreateServer((plain: Socket) => {
    plain.once('data', (line: Buffer) => {
      assert.equal(line.toString(), 'STARTTLS\r\n');
      plain.write('220 Ready to start TLS\r\n', () => {
        serverSide = startTlsServer(plain, serverOptions);
        serverSide.on('data', (d: Buffer) => serverSide?.end(`got ${d.toString()}`));
      });
    });
  });
  const port = await listen(server);
  try {
    const plain = netConnect(port, '127.0.0.1');
    await once(plain, 'connect');
    plain.write('STARTTLS\r\n');
    const [reply] = (await once(plain, 'data')) as [Buffer];
    assert.equal(reply.toString(), '220 Ready to start TLS\r\n');
    const tls = startTlsClient(plain, clientOptions);
    await once(tls, 'secureConnect');
    const got = collect(tls);
    const closed = once(tls, 'close');
    tls.write('MAIL FROM');
    assert.equal((await got).toString(), 'got MAIL FROM');
    tls.end();
    await closed;
    assert.ok(serverSide?.session?.protocol === 'TLSv1.3');
  } finally {
    server.close();
  }
});

test('backpressure and half-close: 8 MiB to a paused reader arrives whole, then the reply after our end()', async () => {
  const payload = randomBytes(8 * 1024 * 1024);
  const digest = createHash('sha256').update(payload).digest('hex');
  const server = createServer(serverOptions, (s) => {
    const hash = createHash('sha256');
    let n = 0;
    s.pause();
    // Read slowly at first, so the client's writes must wait for 'drain'.
    setTimeout(() => s.resume(), 200);
    s.on('data', (d: Buffer) => {
      hash.update(d);
      n += d.length;
    });
    // Half-close: the client has ended its side; we still answer.
    s.on('end', () => s.end(`${n} ${hash.digest('hex')}`));
  });
  const port = await listen(server);
  try {
    const client = connect({ ...clientOptions, host: '127.0.0.1', port });
    await once(client, 'secureConnect');
    let sawBackpressure = false;
    for (let off = 0; off < payload.length; off += 64 * 1024) {
      if (!client.write(payload.subarray(off, off + 64 * 1024))) sawBackpressure = true;
    }
    const reply = collect(client);
    client.end();
    assert.equal((await reply).toString(), `${payload.length} ${digest}`);
    assert.ok(sawBackpressure, 'write() returned false at some point');
  } finally {
    server.close();
  }
});

test('a handshake that never completes times out with a clear error', async () => {
  const held: Socket[] = [];
  const silent = netCreateServer((s) => held.push(s));
  const port = await listen(silent);
  try {
    const client = connect({ ...clientOptions, host: '127.0.0.1', port, handshakeTimeout: 150 });
    const [err] = (await once(client, 'error')) as [Error];
    assert.match(err.message, /handshake timed out after 150 ms/);
  } finally {
    for (const s of held) s.destroy();
    silent.close();
  }
});

test('a certificate from an unknown CA: typed error with the alert, on both sides', async () => {
  const server = createServer({ certificates: [pki.wrongCaServer.certified] });
  const serverErrors: Error[] = [];
  server.on('tlsClientError', (e: Error) => serverErrors.push(e));
  const port = await listen(server);
  try {
    const client = connect({ ...clientOptions, host: '127.0.0.1', port });
    // events.once would reject on 'error'; this one only waits.
    const closed = new Promise((resolve) => client.once('close', resolve));
    const [err] = (await once(client, 'error')) as [Error];
    assert.ok(err instanceof TlsConnectionError);
    assert.equal(err.alert, 'unknown_ca');
    assert.equal(err.origin, 'local');
    await closed;
    for (let i = 0; i < 50 && serverErrors.length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    const remote = serverErrors[0];
    assert.ok(remote instanceof TlsConnectionError);
    assert.equal(remote.alert, 'unknown_ca');
    assert.equal(remote.origin, 'remote');
  } finally {
    server.close();
  }
});

test('the peer closing the TCP connection during the handshake is an error, not a hang', async () => {
  const rude = netCreateServer((s) => s.end());
  const port = await listen(rude);
  try {
    const client = connect({ ...clientOptions, host: '127.0.0.1', port });
    const [err] = (await once(client, 'error')) as [Error];
    assert.match(err.message, /closed the connection during the handshake/);
  } finally {
    rude.close();
  }
});
