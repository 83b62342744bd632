// The shim's contract with BoringSSL's runner (ssl/test/PORTING.md), checked
// with a tiny fake runner: a listener on 127.0.0.1 that takes the shim's
// connection, checks its 8-byte id, plays the TLS peer with node:tls (the
// reference implementation), and checks the XOR-0xff echo and exit codes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { once } from 'node:events';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TlsPki } from '../helpers/tls-pki.js';

const SHIM = join(dirname(fileURLToPath(import.meta.url)), 'shim.js');
const SHIM_ID = 0x0102030405060708n;
const TIMEOUT_MS = 15_000;

interface ShimResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runShim(args: string[]): Promise<ShimResult> {
  const child = spawn(process.execPath, [SHIM, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill(), TIMEOUT_MS);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The fake runner's listener: hands out each accepted socket once its shim id is read and checked. */
class FakeRunner {
  private readonly server: Server = createServer();
  private readonly waiting: ((s: Socket) => void)[] = [];
  private readonly ready: Socket[] = [];

  async listen(): Promise<number> {
    this.server.on('connection', (socket) => this.accept(socket));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as { port: number }).port;
  }

  private accept(socket: Socket): void {
    socket.once('readable', () => {
      const id = socket.read(8) as Buffer | null;
      assert.ok(id !== null, 'the shim sends its 8-byte id first');
      assert.equal(id.readBigUInt64LE(), SHIM_ID);
      const waiter = this.waiting.shift();
      if (waiter !== undefined) waiter(socket);
      else this.ready.push(socket);
    });
  }

  next(): Promise<Socket> {
    const s = this.ready.shift();
    if (s !== undefined) return Promise.resolve(s);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  close(): void {
    this.server.close();
  }
}

/** Sends `message`, expects it back XOR 0xff, then ends the connection (the runner's doExchange). */
async function exchange(tls: TLSSocket, message: Buffer): Promise<void> {
  tls.write(message);
  const want = Buffer.from(message.map((b) => b ^ 0xff));
  let got = Buffer.alloc(0);
  while (got.length < want.length) {
    const [chunk] = (await once(tls, 'data')) as [Buffer];
    got = Buffer.concat([got, chunk]);
  }
  assert.deepEqual(got, want);
  tls.end();
}

/** node:tls as the runner's TLS server, on a socket whose shim id is already read (a tls.Server issues tickets; a bare TLSSocket does not). */
function asTlsServer(socket: Socket, server: TlsServer): Promise<TLSSocket> {
  const secure = once(server, 'secureConnection') as Promise<[TLSSocket]>;
  server.emit('connection', socket);
  return secure.then(([tls]) => tls);
}

describe('BoGo shim contract (fake runner)', () => {
  let pki: TlsPki;
  let peer: TlsServer;
  before(() => {
    pki = new TlsPki(['p256']);
    peer = createTlsServer({ key: pki.servers.p256.keyPem, cert: pki.servers.p256.certPem });
  });
  after(() => {
    peer.close();
    pki.cleanup();
  });

  it('-is-handshaker-supported prints No', async () => {
    const r = await runShim(['-is-handshaker-supported']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), 'No');
  });

  it('exits 89 for a flag it does not implement', async () => {
    const r = await runShim(['-port', '1', '-shim-id', '1', '-enable-early-data']);
    assert.equal(r.code, 89);
    assert.match(r.stderr, /-enable-early-data/);
  });

  it('as a client: echoes XOR 0xff and resumes with -resume-count 1', async () => {
    const runner = new FakeRunner();
    const port = await runner.listen();
    try {
      const shim = runShim([
        '-port',
        String(port),
        '-shim-id',
        String(SHIM_ID),
        '-resume-count',
        '1',
        '-expect-version',
        '772',
        '-on-resume-expect-no-session',
      ]);
      // OpenSSL (node:tls) issues no new ticket on a resumed TLS 1.3 connection, unlike the BoGo runner.
      const reused: boolean[] = [];
      for (let i = 0; i < 2; i++) {
        const tls = await asTlsServer(await runner.next(), peer);
        reused.push(tls.isSessionReused());
        await exchange(tls, Buffer.from(`message ${i}`));
      }
      const r = await shim;
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(reused, [false, true]);
    } finally {
      runner.close();
    }
  });

  it('as a server: dials the runner too, and resumes a TLS 1.2 session', async () => {
    const runner = new FakeRunner();
    const port = await runner.listen();
    try {
      const { certFile, keyFile } = pki.servers.p256;
      const shim = runShim([
        '-port',
        String(port),
        '-shim-id',
        String(SHIM_ID),
        '-server',
        '-cert-file',
        certFile,
        '-key-file',
        keyFile,
        '-max-version',
        '771',
        '-resume-count',
        '1',
      ]);
      let session: Buffer | undefined;
      const reused: boolean[] = [];
      for (let i = 0; i < 2; i++) {
        const socket = await runner.next();
        const tls = tlsConnect({
          socket,
          rejectUnauthorized: false,
          ...(session !== undefined ? { session } : {}),
        });
        tls.on('session', (s: Buffer) => (session = s));
        await once(tls, 'secureConnect');
        reused.push(tls.isSessionReused());
        await exchange(tls, Buffer.alloc(100, i));
      }
      const r = await shim;
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(reused, [false, true]);
    } finally {
      runner.close();
    }
  });

  it('a failed handshake exits 1 with an error code on stderr', async () => {
    const runner = new FakeRunner();
    const port = await runner.listen();
    try {
      const { certFile, keyFile } = pki.servers.p256;
      // x25519 only on the shim, P-256 only on the peer: no group in common.
      const shim = runShim([
        '-port',
        String(port),
        '-shim-id',
        String(SHIM_ID),
        '-server',
        '-cert-file',
        certFile,
        '-key-file',
        keyFile,
        '-curves',
        '29',
      ]);
      const tls = tlsConnect({
        socket: await runner.next(),
        rejectUnauthorized: false,
        ecdhCurve: 'P-256',
      });
      const [err] = (await once(tls, 'error')) as [Error];
      assert.match(err.message, /handshake failure/i);
      const r = await shim;
      assert.equal(r.code, 1);
      assert.match(r.stderr, /:POSTERN_HANDSHAKE_FAILURE:/);
    } finally {
      runner.close();
    }
  });

  it('a negotiated value the flags rule out exits 1', async () => {
    const runner = new FakeRunner();
    const port = await runner.listen();
    try {
      const shim = runShim([
        '-port',
        String(port),
        '-shim-id',
        String(SHIM_ID),
        '-expect-version',
        '771',
      ]);
      const socket = await runner.next();
      // tls.Server drops a client that fails (tlsClientError); the shim's verdict is what is tested.
      peer.emit('connection', socket);
      const r = await shim;
      assert.equal(r.code, 1);
      assert.match(r.stderr, /:POSTERN_CHECK_FAILED: version/);
      socket.destroy();
    } finally {
      runner.close();
    }
  });
});
