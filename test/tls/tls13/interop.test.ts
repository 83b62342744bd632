import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { AddressInfo, Server } from 'node:net';
import { connect as netConnect } from 'node:net';
import { readFileSync } from 'node:fs';
import * as nodeTls from 'node:tls';
import { deterministicRandom } from '../../../src/prng/deterministic.js';
import type { SessionInfo } from '../../../src/tls/engine/connection.js';
import { NamedGroup } from '../../../src/tls/registry/named-group.js';
import { SignatureScheme } from '../../../src/tls/registry/signature-scheme.js';
import type { TLSSocket } from '../../../src/tls/node/tls-socket.js';
import type { ClientOptions } from '../../../src/tls/node/options.js';
import { TlsConnectionError } from '../../../src/tls/node/tls-socket.js';
import { createServer } from '../../../src/tls/node/create-server.js';
import { connect } from '../../../src/tls/node/connect.js';
import { DEFAULT_TLS13_SUITES } from '../../../src/tls/policy/defaults.js';
import { freePort, run, startPeer } from '../../helpers/processes.js';
import { KEY_TYPES, SERVER_NAME, TlsPki, type DefaultKeyType } from '../../helpers/tls-pki.js';

/**
 * Real peers on 127.0.0.1: our client against `openssl s_server` and
 * node:tls servers, our server against `openssl s_client` and node:tls
 * clients, for every suite x group x certificate type.
 */

const pki = new TlsPki();
after(() => pki.cleanup());

const GROUPS: readonly { name: string; openssl: string; code: number }[] = [
  { name: 'x25519', openssl: 'X25519', code: NamedGroup.x25519 },
  { name: 'secp256r1', openssl: 'P-256', code: NamedGroup.secp256r1 },
  { name: 'secp384r1', openssl: 'P-384', code: NamedGroup.secp384r1 },
  { name: 'ffdhe2048', openssl: 'ffdhe2048', code: NamedGroup.ffdhe2048 },
  { name: 'ffdhe3072', openssl: 'ffdhe3072', code: NamedGroup.ffdhe3072 },
];
const ALL_GROUPS = GROUPS.map((g) => g.openssl).join(':');
const SIGALG: Record<DefaultKeyType, { openssl: string; code: number }> = {
  rsa: { openssl: 'rsa_pss_rsae_sha256', code: SignatureScheme.rsa_pss_rsae_sha256 },
  p256: { openssl: 'ecdsa_secp256r1_sha256', code: SignatureScheme.ecdsa_secp256r1_sha256 },
  p384: { openssl: 'ecdsa_secp384r1_sha384', code: SignatureScheme.ecdsa_secp384r1_sha384 },
  ed25519: { openssl: 'ed25519', code: SignatureScheme.ed25519 },
};
/** node:tls's getEphemeralKeyInfo() names. */
const NODE_GROUP: Record<string, string | number> = {
  x25519: 'X25519',
  secp256r1: 'prime256v1',
  secp384r1: 'secp384r1',
  ffdhe2048: 2048,
  ffdhe3072: 3072,
};

let seed = 0;
function ours(extra: Partial<ClientOptions> = {}): ClientOptions {
  return {
    random: deterministicRandom(`interop ${seed++}`),
    serverName: SERVER_NAME,
    trustStore: pki.trustStore,
    ...extra,
  };
}

interface Exchange {
  session: SessionInfo;
  data: Buffer;
  socket: TLSSocket;
}

/** Our client: connect, send `request`, read until the server ends, end. */
function ourExchange(
  port: number,
  options: ClientOptions,
  request: string | Buffer,
  onData?: (socket: TLSSocket, chunk: Buffer) => void,
): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect({ ...options, host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('error', reject);
    socket.once('secureConnect', () => socket.write(request));
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      onData?.(socket, c);
    });
    socket.on('end', () => {
      socket.end();
      resolve({ session: socket.session as SessionInfo, data: Buffer.concat(chunks), socket });
    });
  });
}

/** Our client expected to fail: resolves with the error. */
function ourFailure(port: number, options: ClientOptions): Promise<TlsConnectionError> {
  return new Promise((resolve, reject) => {
    const socket = connect({ ...options, host: '127.0.0.1', port });
    socket.on('error', (err: Error) =>
      err instanceof TlsConnectionError ? resolve(err) : reject(err),
    );
    socket.once('secureConnect', () => socket.write('GET / HTTP/1.0\r\n\r\n'));
    socket.on('data', () => undefined);
    socket.on('end', () => reject(new Error('the connection ended without an error')));
  });
}

async function sServer(
  args: string[],
): Promise<{ port: number; stop: () => Promise<void>; output: () => string }> {
  const port = await freePort();
  const peer = startPeer(
    'openssl',
    ['s_server', '-accept', String(port), '-4', '-tls1_3', ...args],
    { cwd: pki.dir },
  );
  await peer.waitFor(/ACCEPT/);
  return { port, stop: () => peer.stop(), output: () => peer.stdout() };
}

const GET = 'GET / HTTP/1.0\r\n\r\n';

test('our client against openssl s_server: every suite x group x certificate type', async () => {
  for (const type of KEY_TYPES) {
    const id = pki.servers[type];
    const server = await sServer([
      '-cert',
      id.certFile,
      '-key',
      id.keyFile,
      '-groups',
      ALL_GROUPS,
      '-www',
    ]);
    for (const suite of DEFAULT_TLS13_SUITES) {
      for (const group of GROUPS) {
        const label = `${type} ${suite.name} ${group.name}`;
        const r = await ourExchange(
          server.port,
          ours({ cipherSuites: [suite], groups: [group.code] }),
          GET,
        );
        assert.equal(r.session.cipher, suite, label);
        assert.equal(r.session.group, group.code, label);
        assert.equal(r.session.peerSignatureScheme, SIGALG[type].code, label);
        const page = r.data.toString('latin1');
        assert.match(page, /^HTTP\/1\.0 200 ok/, label);
        assert.match(page, new RegExp(`Cipher is ${suite.name}`), label);
      }
    }
    await server.stop();
  }
});

test('our client against openssl s_server: HelloRetryRequest, client certificates, wrong CA', async () => {
  const p256 = pki.servers.p256;
  // The server takes only P-256; our client shares X25519 first.
  const hrr = await sServer([
    '-cert',
    p256.certFile,
    '-key',
    p256.keyFile,
    '-groups',
    'P-256',
    '-www',
  ]);
  const r = await ourExchange(
    hrr.port,
    ours({
      groups: [NamedGroup.x25519, NamedGroup.secp256r1],
      keyShareGroups: [NamedGroup.x25519],
    }),
    GET,
  );
  assert.equal(r.session.helloRetry, true);
  assert.equal(r.session.group, NamedGroup.secp256r1);
  await hrr.stop();

  const required = await sServer([
    '-cert',
    p256.certFile,
    '-key',
    p256.keyFile,
    '-Verify',
    '1',
    '-CAfile',
    pki.caFile,
    '-www',
  ]);
  const withCert = await ourExchange(
    required.port,
    ours({ certificate: pki.client.certified }),
    GET,
  );
  assert.match(withCert.data.toString('latin1'), /Cipher is/);
  const without = await ourFailure(required.port, ours());
  assert.equal(without.alert, 'certificate_required');
  assert.equal(without.origin, 'remote');
  await required.stop();

  const optional = await sServer([
    '-cert',
    p256.certFile,
    '-key',
    p256.keyFile,
    '-verify',
    '1',
    '-CAfile',
    pki.caFile,
    '-www',
  ]);
  for (const certificate of [pki.client.certified, undefined]) {
    const o = await ourExchange(optional.port, ours(certificate ? { certificate } : {}), GET);
    assert.match(o.data.toString('latin1'), /Cipher is/);
  }
  await optional.stop();

  const wrong = await sServer([
    '-cert',
    pki.wrongCaServer.certFile,
    '-key',
    pki.wrongCaServer.keyFile,
    '-www',
  ]);
  const err = await ourFailure(wrong.port, ours());
  assert.equal(err.alert, 'unknown_ca');
  assert.equal(err.origin, 'local');
  assert.match(err.message, /unable to get local issuer certificate/);
  await wrong.stop();
});

const MIB10 = 10 * 1024 * 1024;
function payload(label: string): Buffer {
  // Not compressible, not periodic: SHA-256 in counter mode.
  const out = Buffer.alloc(MIB10);
  for (let off = 0, i = 0; off < out.length; off += 32, i++)
    createHash('sha256').update(`${label} ${i}`).digest().copy(out, off);
  return out;
}
const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

test('our client and openssl s_server: 10 MiB each way, checked by SHA-256', async () => {
  const up = payload('client to s_server');
  const down = payload('s_server to client');
  const port = await freePort();
  // -quiet prints only what the client sends (and ignores the end of its input), but not ACCEPT: wait for the port instead.
  const peer = startPeer(
    'openssl',
    [
      's_server',
      '-accept',
      String(port),
      '-4',
      '-tls1_3',
      '-cert',
      pki.servers.p256.certFile,
      '-key',
      pki.servers.p256.keyFile,
      '-quiet',
    ],
    { cwd: pki.dir },
  );
  await waitForPort(port);
  const received: Buffer[] = [];
  let receivedLength = 0;
  const socket = connect({ ...ours(), host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.once('secureConnect', () => {
      peer.proc.stdin.end(down);
      socket.write(up);
    });
    socket.on('data', (c: Buffer) => {
      received.push(c);
      receivedLength += c.length;
      if (receivedLength >= MIB10) resolve();
    });
  });
  const deadline = Date.now() + 60_000;
  while (peer.stdout().length < MIB10 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  socket.end();
  assert.equal(sha256(Buffer.concat(received)), sha256(down));
  assert.equal(sha256(Buffer.from(peer.stdout(), 'latin1')), sha256(up));
  await peer.stop();
});

/** Resolves once something listens on the port (the probe connection is closed at once). */
async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const error = await new Promise<Error | undefined>((resolve) => {
      const probe = netConnect(port, '127.0.0.1');
      probe.once('connect', () => {
        probe.destroy();
        resolve(undefined);
      });
      probe.once('error', resolve);
    });
    if (error === undefined) return;
    if (Date.now() > deadline) throw error;
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface NodeSeen {
  cipher: string;
  authorized: boolean;
  peerCn: string | undefined;
}

/** Servers and peers still open when a test fails are closed here, so the file always ends. */
const openServers = new Set<Server>();
after(() => {
  for (const s of openServers) s.close();
});
function track(server: Server): Server {
  openServers.add(server);
  server.unref();
  return server;
}

/** A node:tls echo server; resolves with its port and what it saw of each connection at handshake time. */
async function nodeServer(
  options: nodeTls.TlsOptions,
): Promise<{ port: number; server: Server; seen: NodeSeen[] }> {
  const seen: NodeSeen[] = [];
  const server = nodeTls.createServer({ minVersion: 'TLSv1.3', ...options }, (s) => {
    const cn = s.getPeerCertificate().subject?.CN;
    seen.push({
      cipher: s.getCipher().standardName,
      authorized: s.authorized,
      peerCn: typeof cn === 'string' ? cn : undefined,
    });
    s.on('error', () => undefined);
    s.pipe(s);
  });
  // Handshake failures are what some tests provoke; the client side's error is what they check.
  server.on('tlsClientError', () => undefined);
  track(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, server, seen };
}
const closeServer = (s: Server): Promise<void> =>
  new Promise((r) => {
    openServers.delete(s);
    s.close(() => r());
  });

test('our client against node:tls servers: every suite x group x certificate type', async () => {
  for (const type of KEY_TYPES) {
    const id = pki.servers[type];
    const { port, server, seen } = await nodeServer({
      key: id.keyPem,
      cert: id.certPem,
      ecdhCurve: ALL_GROUPS,
    });
    for (const suite of DEFAULT_TLS13_SUITES) {
      for (const group of GROUPS) {
        const label = `${type} ${suite.name} ${group.name}`;
        const r = await ourExchange(
          port,
          ours({ cipherSuites: [suite], groups: [group.code] }),
          label,
          (socket) => socket.end(),
        );
        assert.equal(r.data.toString(), label);
        assert.equal(r.session.cipher, suite, label);
        assert.equal(r.session.group, group.code, label);
        assert.equal(r.session.peerSignatureScheme, SIGALG[type].code, label);
        assert.equal(seen.at(-1)?.cipher, suite.name, label);
      }
    }
    await closeServer(server);
  }
});

test('our client against node:tls servers: HelloRetryRequest, client certificates, wrong CA, 10 MiB each way', async () => {
  const p256 = pki.servers.p256;
  const hrr = await nodeServer({ key: p256.keyPem, cert: p256.certPem, ecdhCurve: 'P-384' });
  const h = await ourExchange(
    hrr.port,
    ours({
      groups: [NamedGroup.x25519, NamedGroup.secp384r1],
      keyShareGroups: [NamedGroup.x25519],
    }),
    'hrr',
    (s) => s.end(),
  );
  assert.equal(h.session.helloRetry, true);
  assert.equal(h.session.group, NamedGroup.secp384r1);
  await closeServer(hrr.server);

  const required = await nodeServer({
    key: p256.keyPem,
    cert: p256.certPem,
    ca: pki.caPem,
    requestCert: true,
    rejectUnauthorized: true,
  });
  const ok = await ourExchange(
    required.port,
    ours({ certificate: pki.client.certified }),
    'with cert',
    (s) => s.end(),
  );
  assert.equal(ok.data.toString(), 'with cert');
  assert.equal(required.seen.at(-1)?.authorized, true);
  assert.equal(required.seen.at(-1)?.peerCn, 'client.example.com');
  const refused = await ourFailure(required.port, ours());
  assert.equal(refused.alert, 'certificate_required');
  assert.equal(refused.origin, 'remote');
  await closeServer(required.server);

  const optional = await nodeServer({
    key: p256.keyPem,
    cert: p256.certPem,
    ca: pki.caPem,
    requestCert: true,
    rejectUnauthorized: false,
  });
  const absent = await ourExchange(optional.port, ours(), 'no cert', (s) => s.end());
  assert.equal(absent.data.toString(), 'no cert');
  assert.equal(optional.seen.at(-1)?.authorized, false);
  const present = await ourExchange(
    optional.port,
    ours({ certificate: pki.client.certified }),
    'cert',
    (s) => s.end(),
  );
  assert.equal(present.data.toString(), 'cert');
  assert.equal(optional.seen.at(-1)?.authorized, true);
  await closeServer(optional.server);

  const wrong = await nodeServer({
    key: pki.wrongCaServer.keyPem,
    cert: pki.wrongCaServer.certPem,
  });
  const err = await ourFailure(wrong.port, ours());
  assert.equal(err.alert, 'unknown_ca');
  assert.equal(err.origin, 'local');
  await closeServer(wrong.server);

  // 10 MiB up, echoed back down.
  const big = payload('our client through node:tls echo');
  const echo = await nodeServer({ key: p256.keyPem, cert: p256.certPem });
  let got = 0;
  const e = await ourExchange(echo.port, ours(), big, (s, c) => {
    got += c.length;
    if (got >= big.length) s.end();
  });
  assert.equal(e.data.length, big.length);
  assert.equal(sha256(e.data), sha256(big));
  await closeServer(echo.server);
});

/** Our server: for each connection, remember the session, answer with a line naming it, close. */
async function ourServer(
  extra: { clientAuth?: 'optional' | 'required'; groups?: number[] } = {},
): Promise<{
  port: number;
  server: Server;
  sessions: SessionInfo[];
  errors: TlsConnectionError[];
}> {
  const sessions: SessionInfo[] = [];
  const errors: TlsConnectionError[] = [];
  const server = createServer(
    {
      random: deterministicRandom(`our server ${seed++}`),
      certificates: KEY_TYPES.map((t) => pki.servers[t].certified),
      trustStore: pki.trustStore,
      ...(extra.clientAuth ? { clientAuth: extra.clientAuth } : {}),
      ...(extra.groups ? { groups: extra.groups } : {}),
    },
    (s) => {
      const info = s.session as SessionInfo;
      sessions.push(info);
      s.on('error', () => undefined);
      s.on('data', () => undefined);
      s.end(
        `postern ${info.cipher.name} ${info.group} hrr=${info.helloRetry} peer=${info.peerCertificates.length}\n`,
      );
    },
  );
  server.on('tlsClientError', (err: Error) => {
    if (err instanceof TlsConnectionError) errors.push(err);
  });
  track(server);
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { port, server, sessions, errors };
}

function sClient(
  port: number,
  args: string[],
  input: string | Buffer = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return run(
    'openssl',
    [
      's_client',
      '-connect',
      `127.0.0.1:${port}`,
      '-servername',
      SERVER_NAME,
      '-CAfile',
      pki.caFile,
      '-verify_return_error',
      '-tls1_3',
      ...args,
    ],
    input,
    30_000,
  );
}

test('openssl s_client against our server: every suite x group x certificate type', async () => {
  const s = await ourServer();
  for (const type of KEY_TYPES) {
    for (const suite of DEFAULT_TLS13_SUITES) {
      for (const group of GROUPS) {
        const label = `${type} ${suite.name} ${group.name}`;
        const r = await sClient(s.port, [
          '-ciphersuites',
          suite.name,
          '-groups',
          group.openssl,
          '-sigalgs',
          SIGALG[type].openssl,
          '-ign_eof',
        ]);
        assert.equal(r.code, 0, `${label}: ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`New, TLSv1.3, Cipher is ${suite.name}`), label);
        assert.match(r.stdout, /Verify return code: 0 \(ok\)/, label);
        assert.match(r.stdout, new RegExp(`postern ${suite.name} ${group.code} hrr=false`), label);
        assert.equal(s.sessions.at(-1)?.cipher, suite, label);
      }
    }
  }
  await closeServer(s.server);
});

test('openssl s_client against our server: HelloRetryRequest, client certificates, 10 MiB each way', async () => {
  const s = await ourServer();
  // RFC 8446 §4.1.4: s_client shares only X448, which we lack: HelloRetryRequest for P-256.
  const hrr = await sClient(s.port, ['-groups', 'X448:P-256', '-ign_eof']);
  assert.equal(hrr.code, 0, hrr.stderr);
  assert.match(hrr.stdout, new RegExp(`postern \\S+ ${NamedGroup.secp256r1} hrr=true`));
  await closeServer(s.server);

  const required = await ourServer({ clientAuth: 'required' });
  const withCert = await sClient(required.port, [
    '-cert',
    pki.client.certFile,
    '-key',
    pki.client.keyFile,
    '-ign_eof',
  ]);
  assert.equal(withCert.code, 0, withCert.stderr);
  // s_client sends its certificate and the CA it found for it in -CAfile.
  assert.match(withCert.stdout, /peer=[12]/);
  assert.equal(required.sessions.at(-1)?.verification?.ok, true);
  const without = await sClient(required.port, ['-ign_eof']);
  assert.doesNotMatch(without.stdout, /postern TLS_/);
  assert.match(without.stdout + without.stderr, /certificate required/);
  assert.equal(required.errors.at(-1)?.alert, 'certificate_required');
  assert.equal(required.errors.at(-1)?.origin, 'local');
  await closeServer(required.server);

  const optional = await ourServer({ clientAuth: 'optional' });
  const absent = await sClient(optional.port, ['-ign_eof']);
  assert.match(absent.stdout, /peer=0/);
  const present = await sClient(optional.port, [
    '-cert',
    pki.client.certFile,
    '-key',
    pki.client.keyFile,
    '-ign_eof',
  ]);
  assert.match(present.stdout, /peer=[12]/);
  assert.equal(optional.sessions.at(-1)?.verification?.ok, true);
  await closeServer(optional.server);

  // 10 MiB from s_client's stdin to our server; 10 MiB back to s_client's stdout.
  const up = payload('s_client to our server');
  const down = payload('our server to s_client');
  const hashes: string[] = [];
  const big = createServer(
    { random: deterministicRandom('big'), certificates: [pki.servers.p256.certified] },
    (sock) => {
      const h = createHash('sha256');
      let n = 0;
      sock.on('error', () => undefined);
      sock.on('data', (c: Buffer) => {
        h.update(c);
        n += c.length;
        if (n === MIB10) {
          hashes.push(h.digest('hex'));
          sock.end(down);
        }
      });
    },
  );
  track(big);
  const port = await freePort();
  await new Promise<void>((r) => big.listen(port, '127.0.0.1', r));
  const r = await run(
    'openssl',
    ['s_client', '-connect', `127.0.0.1:${port}`, '-quiet', '-tls1_3'],
    up,
    60_000,
  );
  assert.deepEqual(hashes, [sha256(up)]);
  assert.equal(sha256(Buffer.from(r.stdout, 'latin1')), sha256(down));
  await closeServer(big);
});

/** A node:tls client: connect, read our server's line until it closes. */
function nodeClient(
  port: number,
  options: nodeTls.ConnectionOptions,
): Promise<{ line: string; socket: nodeTls.TLSSocket }> {
  return new Promise((resolve, reject) => {
    const socket = nodeTls.connect({
      host: '127.0.0.1',
      port,
      servername: SERVER_NAME,
      ca: pki.caPem,
      minVersion: 'TLSv1.3',
      ...options,
    });
    let text = '';
    socket.on('error', reject);
    socket.on('data', (c: Buffer) => (text += c.toString()));
    socket.on('end', () => {
      socket.end();
      resolve({ line: text, socket });
    });
  });
}

test('node:tls clients against our server: every suite x group x certificate type', async () => {
  const s = await ourServer();
  for (const type of KEY_TYPES) {
    for (const suite of DEFAULT_TLS13_SUITES) {
      for (const group of GROUPS) {
        const label = `${type} ${suite.name} ${group.name}`;
        const c = await nodeClient(s.port, {
          ciphers: suite.name,
          ecdhCurve: group.openssl,
          sigalgs: SIGALG[type].openssl,
        });
        assert.equal(c.socket.getProtocol(), 'TLSv1.3', label);
        assert.equal(c.socket.getCipher().standardName, suite.name, label);
        assert.equal(c.socket.authorized, true, label);
        const eph = c.socket.getEphemeralKeyInfo() as { name?: string; size?: number };
        const expected = NODE_GROUP[group.name];
        if (typeof expected === 'string') assert.equal(eph.name, expected, label);
        assert.match(c.line, new RegExp(`postern ${suite.name} ${group.code} hrr=false`), label);
        assert.equal(s.sessions.at(-1)?.cipher, suite, label);
      }
    }
  }
  await closeServer(s.server);
});

test('node:tls clients against our server: HelloRetryRequest, client certificates, wrong CA, 10 MiB each way', async () => {
  const s = await ourServer({ groups: [NamedGroup.secp384r1, NamedGroup.x25519] });
  // node:tls shares only its first group (X25519... here P-256, which this server does not take).
  const h = await nodeClient(s.port, { ecdhCurve: 'P-256:P-384' });
  assert.match(h.line, new RegExp(`${NamedGroup.secp384r1} hrr=true`));
  await closeServer(s.server);

  const required = await ourServer({ clientAuth: 'required' });
  const ok = await nodeClient(required.port, { key: pki.client.keyPem, cert: pki.client.certPem });
  // node:tls (OpenSSL) sends the client certificate and the CA it found for it in `ca`.
  assert.match(ok.line, /peer=[12]/);
  assert.equal(required.sessions.at(-1)?.verification?.ok, true);
  await assert.rejects(
    nodeClient(required.port, {}),
    /certificate required|ECONNRESET|socket hang up/i,
  );
  assert.equal(required.errors.at(-1)?.alert, 'certificate_required');
  await closeServer(required.server);

  const optional = await ourServer({ clientAuth: 'optional' });
  assert.match((await nodeClient(optional.port, {})).line, /peer=0/);
  assert.match(
    (await nodeClient(optional.port, { key: pki.client.keyPem, cert: pki.client.certPem })).line,
    /peer=[12]/,
  );
  await closeServer(optional.server);

  // A node:tls client that does not trust our server's CA refuses it.
  const plain = await ourServer();
  await assert.rejects(
    nodeClient(plain.port, { ca: readWrongCa() }),
    /unable to (get local issuer certificate|verify the first certificate)/,
  );
  await closeServer(plain.server);

  // 10 MiB each way through our server, echoing.
  const big = payload('node client through our echo');
  const echoServer = createServer(
    { random: deterministicRandom('echo'), certificates: [pki.servers.p256.certified] },
    (sock) => {
      sock.on('error', () => undefined);
      sock.pipe(sock);
    },
  );
  track(echoServer);
  const port = await freePort();
  await new Promise<void>((r) => echoServer.listen(port, '127.0.0.1', r));
  const echoed = await new Promise<Buffer>((resolve, reject) => {
    const socket = nodeTls.connect({
      host: '127.0.0.1',
      port,
      servername: SERVER_NAME,
      ca: pki.caPem,
      minVersion: 'TLSv1.3',
    });
    const chunks: Buffer[] = [];
    let n = 0;
    socket.on('error', reject);
    socket.once('secureConnect', () => socket.write(big));
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      n += c.length;
      if (n >= big.length) {
        socket.end();
        resolve(Buffer.concat(chunks));
      }
    });
  });
  assert.equal(sha256(echoed), sha256(big));
  await closeServer(echoServer);
});

function readWrongCa(): string {
  return readFileSync(pki.wrongCaFile, 'latin1');
}
