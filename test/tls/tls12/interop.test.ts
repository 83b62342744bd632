import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import * as nodeTls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import type { Server, Socket } from 'node:net';
import { deterministicRandom } from '../../../src/prng/deterministic.js';
import type { TLSSocket } from '../../../src/tls/node/tls-socket.js';
import { createServer } from '../../../src/tls/node/create-server.js';
import { connect } from '../../../src/tls/node/connect.js';
import { createServerConnection } from '../../../src/tls/hello/start.js';
import type { Tls12Suite } from '../../../src/tls/registry/suites.js';
import {
  ALL_TLS12_SUITES,
  DHE_DSS_AES128_GCM_SHA256,
  DHE_RSA_AES128_GCM_SHA256,
  ECDHE_RSA_AES128_SHA256,
  RSA_AES128_SHA,
} from '../../../src/tls/registry/suites.js';
import type { Identity, Tls12KeyType } from '../../helpers/tls12-pki.js';
import { SERVER_NAME, Tls12Pki } from '../../helpers/tls12-pki.js';
import { freePort, run, startPeer } from '../../helpers/processes.js';
import { TlsConfigError } from '../../../src/tls/error/config-error.js';

/**
 * TLS 1.2 against independent implementations: `openssl s_server` and
 * `s_client` (OpenSSL 3.0) for every suite, both directions, and Node's
 * `tls` (its own OpenSSL) for the suites it offers.
 */

// startPeer registers its cleanup with `after` on first use; made here, at file level, so that it runs once
// at the end of the file rather than at the end of whichever concurrent test started a peer first.
void startPeer('true', []).exited;

let pki: Tls12Pki;
let dh2048: string;
let dh1024: string;
before(() => {
  pki = new Tls12Pki();
  dh2048 = pki.dh2048File();
  dh1024 = pki.dh1024File();
});
after(() => pki.cleanup());

const KEY_FOR_AUTH: Record<Tls12Suite['auth'], Tls12KeyType> = {
  rsa: 'rsa',
  dss: 'dsa',
  ecdsa: 'p256',
};
const identityFor = (suite: Tls12Suite): Identity => pki.servers[KEY_FOR_AUTH[suite.auth]];

/** Every TCP connection a test server accepted is destroyed when it closes, so no socket outlives its test. */
function trackConnections(server: Server): void {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const close = server.close.bind(server);
  server.close = (cb?: (err?: Error) => void) => {
    for (const s of sockets) s.destroy();
    return close(cb);
  };
}

/** Our server on a free port; resolves with the port, the server and the sockets' first data. */
async function ourServer(options: Partial<Parameters<typeof createServer>[0]>): Promise<{
  server: Server;
  port: number;
  received: Promise<{ data: string; socket: TLSSocket }>;
}> {
  let resolveReceived: (v: { data: string; socket: TLSSocket }) => void = () => undefined;
  const received = new Promise<{ data: string; socket: TLSSocket }>((r) => (resolveReceived = r));
  const server = createServer(
    {
      random: deterministicRandom('interop server'),
      certificates: [
        pki.servers.rsa.certified,
        pki.servers.dsa.certified,
        pki.servers.p256.certified,
      ],
      ...options,
    },
    (socket) => {
      socket.on('end', () => socket.end());
      socket.on('data', (d: Buffer) => {
        socket.write(`pong ${d.toString('latin1')}`);
        resolveReceived({ data: d.toString('latin1'), socket });
      });
      socket.on('error', () => undefined);
    },
  );
  trackConnections(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, received };
}

/** Our client: connects, sends a line, resolves with the first reply and the session. */
async function ourClient(
  port: number,
  options: Partial<Parameters<typeof connect>[0]>,
): Promise<{ reply: string; socket: TLSSocket }> {
  const socket = connect({
    port,
    host: '127.0.0.1',
    serverName: SERVER_NAME,
    trustStore: pki.trustStore,
    random: deterministicRandom('interop client'),
    ...options,
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('secureConnect', () => socket.write('ping\n'));
    socket.once('data', (d: Buffer) => {
      resolve({ reply: d.toString('latin1'), socket });
      socket.destroy();
    });
  });
}

async function openSslServer(args: string[]): Promise<{ port: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const peer = startPeer('openssl', [
    's_server',
    '-accept',
    String(port),
    '-naccept',
    '1',
    '-rev',
    ...args,
  ]);
  await peer.waitFor(/ACCEPT/);
  return { port, stop: () => peer.stop() };
}

/** Startup checks as createServer's connections make them, without a socket. */
function createServerForCheck(options: Partial<Parameters<typeof createServer>[0]>): void {
  createServerConnection({
    random: deterministicRandom('check'),
    certificates: [pki.servers.rsa.certified],
    ...options,
  });
}

function suiteArgs(suite: Tls12Suite): string[] {
  // OpenSSL 3 at Debian's level 2 keeps DSA and SHA-1 suites; nothing here needs a lower level.
  return ['-tls1_2', '-cipher', suite.opensslName];
}

describe('our client against openssl s_server', { timeout: 30_000, concurrency: 6 }, () => {
  for (const suite of ALL_TLS12_SUITES) {
    test(suite.opensslName, async () => {
      const id = identityFor(suite);
      const srv = await openSslServer([
        ...suiteArgs(suite),
        '-cert',
        id.certFile,
        '-key',
        id.keyFile,
        '-dhparam',
        dh2048,
      ]);
      try {
        const { reply, socket } = await ourClient(srv.port, { tls12CipherSuites: [suite] });
        assert.equal(reply, 'gnip\n');
        assert.equal(socket.session?.cipher, suite);
        assert.equal(socket.session?.protocol, 'TLSv1.2');
      } finally {
        await srv.stop();
      }
    });
  }
});

describe('openssl s_client against our server', { timeout: 30_000, concurrency: 6 }, () => {
  for (const suite of ALL_TLS12_SUITES) {
    test(suite.opensslName, async () => {
      const { server, port, received } = await ourServer({
        tls12CipherSuites: ALL_TLS12_SUITES,
        dhParams: Tls12Pki.loadDh(dh2048),
      });
      try {
        const out = await run(
          'openssl',
          [
            's_client',
            '-connect',
            `127.0.0.1:${port}`,
            ...suiteArgs(suite),
            '-servername',
            SERVER_NAME,
            '-CAfile',
            pki.caFile,
            '-verify_return_error',
          ],
          'ping\n',
        );
        const got = await received;
        assert.equal(got.data, 'ping\n');
        assert.equal(got.socket.session?.cipher, suite);
        assert.match(out.stdout, new RegExp(`Cipher is ${suite.opensslName}\\b`));
        assert.match(out.stdout, /Verify return code: 0 \(ok\)/);
        assert.match(out.stdout, /Extended master secret: yes/);
      } finally {
        server.close();
      }
    });
  }
});

/** The s_client run against our server, with its output. */
async function sClient(port: number, args: string[]): Promise<string> {
  const out = await run(
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
      ...args,
    ],
    'ping\n',
  );
  return out.stdout;
}

describe('DH groups and certificates with OpenSSL', { timeout: 30_000, concurrency: 4 }, () => {
  test('ffdhe2048 by default on both sides (no parameter file)', async () => {
    const { server, port, received } = await ourServer({});
    try {
      const out = await sClient(port, ['-tls1_2', '-cipher', 'DHE-RSA-AES128-GCM-SHA256']);
      assert.match(out, /Server Temp Key: DH, 2048 bits/);
      assert.equal((await received).socket.session?.group, 0x0100);
    } finally {
      server.close();
    }
    const srv = await openSslServer([
      '-tls1_2',
      '-cipher',
      'DHE-RSA-AES128-GCM-SHA256',
      '-cert',
      pki.servers.rsa.certFile,
      '-key',
      pki.servers.rsa.keyFile,
    ]);
    try {
      const { socket } = await ourClient(srv.port, {});
      assert.equal(socket.session?.cipher, DHE_RSA_AES128_GCM_SHA256);
      assert.equal(socket.session?.peerCertificates.length, 1);
    } finally {
      await srv.stop();
    }
  });

  test('a 1024-bit dh1024_param_file: refused by default, accepted with the minimum lowered', async () => {
    const group = Tls12Pki.loadDh(dh1024);
    assert.throws(
      () => createServerForCheck({ dhParams: group }),
      (e: unknown) => e instanceof TlsConfigError && e.reason === 'dh_group_too_small',
    );
    const { server, port, received } = await ourServer({ dhParams: group, dhMinBits: 1024 });
    try {
      // Debian's OpenSSL refuses 1024-bit DH at its default level 2.
      const out = await sClient(port, [
        '-tls1_2',
        '-cipher',
        'DHE-RSA-AES256-GCM-SHA384:@SECLEVEL=1',
      ]);
      assert.match(out, /Server Temp Key: DH, 1024 bits/);
      assert.equal((await received).data, 'ping\n');
    } finally {
      server.close();
    }
    const refused = await openSslServer([
      '-tls1_2',
      '-cipher',
      'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=1',
      '-cert',
      pki.servers.rsa.certFile,
      '-key',
      pki.servers.rsa.keyFile,
      '-dhparam',
      dh1024,
    ]);
    try {
      await assert.rejects(ourClient(refused.port, {}), /insufficient_security/);
    } finally {
      await refused.stop();
    }
    const srv = await openSslServer([
      '-tls1_2',
      '-cipher',
      'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=1',
      '-cert',
      pki.servers.rsa.certFile,
      '-key',
      pki.servers.rsa.keyFile,
      '-dhparam',
      dh1024,
    ]);
    try {
      const { reply, socket } = await ourClient(srv.port, { dhMinBits: 1024 });
      assert.equal(reply, 'gnip\n');
      assert.equal(socket.session?.group, undefined, 'not an RFC 7919 group');
    } finally {
      await srv.stop();
    }
  });

  test('a DSA-only server reached by s_client -cipher DHE-DSS-AES128-GCM-SHA256', async () => {
    const { server, port, received } = await ourServer({
      certificates: [pki.servers.dsa.certified],
    });
    try {
      const out = await sClient(port, ['-cipher', 'DHE-DSS-AES128-GCM-SHA256']);
      assert.match(out, /Cipher is DHE-DSS-AES128-GCM-SHA256/);
      assert.equal((await received).socket.session?.cipher, DHE_DSS_AES128_GCM_SHA256);
    } finally {
      server.close();
    }
  });

  test('RSA and DSA certificates at once answer an RSA-only and a DSS-only client; RSA is preferred', async () => {
    for (const [cipher, expect] of [
      ['aRSA', /Peer signature type: RSA-PSS|Peer signature type: RSA/],
      ['aDSS', /Peer signature type: DSA/],
      ['DEFAULT:aDSS', /Peer signature type: RSA-PSS/],
    ] as const) {
      const { server, port, received } = await ourServer({
        certificates: [pki.servers.rsa.certified, pki.servers.dsa.certified],
        dhParams: Tls12Pki.loadDh(dh2048),
      });
      try {
        const out = await sClient(port, ['-tls1_2', '-cipher', cipher]);
        assert.match(out, expect, cipher);
        assert.equal((await received).data, 'ping\n');
      } finally {
        server.close();
      }
    }
  });

  test('s_server with RSA and DSA certificates (-dcert) answers our DSS-only and RSA-only client', async () => {
    for (const suite of [DHE_DSS_AES128_GCM_SHA256, ECDHE_RSA_AES128_SHA256]) {
      // DEFAULT keeps DHE-DSS out (COMPLEMENTOFDEFAULT): ALL lets s_server pick it.
      const srv = await openSslServer([
        '-tls1_2',
        '-cipher',
        'ALL',
        '-cert',
        pki.servers.rsa.certFile,
        '-key',
        pki.servers.rsa.keyFile,
        '-dcert',
        pki.servers.dsa.certFile,
        '-dkey',
        pki.servers.dsa.keyFile,
        '-dhparam',
        dh2048,
      ]);
      try {
        const { socket } = await ourClient(srv.port, { tls12CipherSuites: [suite] });
        assert.equal(socket.session?.cipher, suite);
      } finally {
        await srv.stop();
      }
    }
  });

  test('encrypt-then-MAC off when the peer does not offer it (-no_etm), both directions', async () => {
    const { server, port, received } = await ourServer({ tls12CipherSuites: ALL_TLS12_SUITES });
    try {
      await sClient(port, ['-tls1_2', '-cipher', 'AES128-SHA', '-no_etm']);
      const s = (await received).socket.session;
      assert.equal(s?.cipher, RSA_AES128_SHA);
      assert.equal(s?.encryptThenMac, false);
    } finally {
      server.close();
    }
    const srv = await openSslServer([
      '-tls1_2',
      '-cipher',
      'ECDHE-RSA-AES128-SHA256',
      '-no_etm',
      '-cert',
      pki.servers.rsa.certFile,
      '-key',
      pki.servers.rsa.keyFile,
    ]);
    try {
      const { socket } = await ourClient(srv.port, {});
      assert.equal(socket.session?.cipher, ECDHE_RSA_AES128_SHA256);
      assert.equal(socket.session?.encryptThenMac, false);
    } finally {
      await srv.stop();
    }
  });
});

describe('version negotiation with OpenSSL', { timeout: 30_000, concurrency: 2 }, () => {
  test('our TLS 1.3 client meets a TLS 1.2-only s_server', async () => {
    const srv = await openSslServer([
      '-tls1_2',
      '-cert',
      pki.servers.rsa.certFile,
      '-key',
      pki.servers.rsa.keyFile,
    ]);
    try {
      const { socket } = await ourClient(srv.port, {});
      assert.equal(socket.session?.protocol, 'TLSv1.2');
    } finally {
      await srv.stop();
    }
  });

  test('a TLS 1.2-only s_client meets our TLS 1.3 server (with the downgrade sentinel)', async () => {
    const { server, port, received } = await ourServer({});
    try {
      const out = await sClient(port, ['-tls1_2']);
      assert.match(out, /Protocol *: TLSv1\.2/);
      assert.equal((await received).socket.session?.protocol, 'TLSv1.2');
    } finally {
      server.close();
    }
  });

  test('a TLS 1.3 s_client against our TLS 1.2-only server, and s_client -fallback_scsv refused by our TLS 1.3 server', async () => {
    const { server, port, received } = await ourServer({ maxVersion: 'TLSv1.2' });
    try {
      const out = await sClient(port, []);
      assert.match(out, /Protocol *: TLSv1\.2/);
      assert.equal((await received).data, 'ping\n');
    } finally {
      server.close();
    }
    const full = await ourServer({});
    try {
      const out = await run(
        'openssl',
        ['s_client', '-connect', `127.0.0.1:${full.port}`, '-tls1_2', '-fallback_scsv'],
        'ping\n',
      );
      assert.match(out.stdout + out.stderr, /inappropriate fallback/);
    } finally {
      full.server.close();
    }
  });
});

/** Node's TLS (its own OpenSSL), both directions, for the TLS 1.2 suites it offers. */
const NODE_SUITES = ALL_TLS12_SUITES.filter((s) =>
  nodeTls.getCiphers().includes(s.opensslName.toLowerCase()),
);

describe("Node's tls", { timeout: 30_000, concurrency: 4 }, () => {
  for (const suite of NODE_SUITES) {
    test(`our client → node:tls server, ${suite.opensslName}`, async () => {
      const id = identityFor(suite);
      const server = nodeTls.createServer(
        {
          key: id.keyPem,
          cert: id.certPem,
          maxVersion: 'TLSv1.2',
          ciphers: `${suite.opensslName}:@SECLEVEL=1`,
          dhparam: 'auto',
        },
        (s) => {
          s.on('data', (d: Buffer) => s.write(`pong ${d.toString('latin1')}`));
          s.on('error', () => undefined);
        },
      );
      trackConnections(server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const { reply, socket } = await ourClient((server.address() as AddressInfo).port, {
          tls12CipherSuites: [suite],
        });
        assert.equal(reply, 'pong ping\n');
        assert.equal(socket.session?.cipher, suite);
      } finally {
        server.close();
      }
    });
    test(`node:tls client → our server, ${suite.opensslName}`, async () => {
      const { server, port, received } = await ourServer({
        tls12CipherSuites: ALL_TLS12_SUITES,
        dhParams: Tls12Pki.loadDh(dh2048),
      });
      try {
        const reply = await new Promise<string>((resolve, reject) => {
          const c = nodeTls.connect(
            {
              port,
              host: '127.0.0.1',
              servername: SERVER_NAME,
              ca: pki.caPem,
              maxVersion: 'TLSv1.2',
              ciphers: `${suite.opensslName}:@SECLEVEL=1`,
            },
            () => {
              assert.equal(c.getCipher().name, suite.opensslName);
              c.write('ping\n');
            },
          );
          c.once('data', (d: Buffer) => {
            resolve(d.toString('latin1'));
            c.destroy();
          });
          c.once('error', reject);
        });
        assert.equal(reply, 'pong ping\n');
        assert.equal((await received).socket.session?.cipher, suite);
      } finally {
        server.close();
      }
    });
  }
});
