import assert from 'node:assert/strict';
import type { AddressInfo, Server, Socket } from 'node:net';
import { after, test } from 'node:test';
import { deterministicRandom } from '../../src/prng/deterministic.js';
import type { SessionInfo } from '../../src/tls/engine/connection.js';
import { createServer } from '../../src/tls/node/create-server.js';
import { connect } from '../../src/tls/node/connect.js';
import { ALL_TLS12_SUITES } from '../../src/tls/registry/suites.js';
import { loadCertificateAndKey } from '../../src/x509/load.js';
import { TrustStore } from '../../src/x509/trust-store.js';
import { standardPki } from '../helpers/cli-pki.js';
import { freePort, startPeer } from '../helpers/processes.js';

/**
 * GnuTLS as a second peer, independent of OpenSSL: `gnutls-cli` against our
 * server and `gnutls-serv` against our client, for the TLS 1.2 AEAD suites
 * (AES-GCM, ChaCha20-Poly1305) and CBC suites (with encrypt-then-MAC, which
 * GnuTLS offers by default, and without it, `%NO_ETM`), and TLS 1.3 with
 * GnuTLS's default priority (two key shares and many extensions, DESIGN.md).
 * Needs `gnutls-bin` (run by `npm run test:interop`, not by `npm test`).
 */

const pki = standardPki();
after(() => pki.cleanup());
const CA = pki.path('ca.pem');
const trustStore = TrustStore.load({ caFile: CA });
const FILES = {
  rsa: { cert: pki.path('server-rsa.pem'), key: pki.path('server-rsa.key') },
  p256: { cert: pki.path('server.pem'), key: pki.path('server.key') },
};
const certificates = [
  loadCertificateAndKey(FILES.rsa.cert, FILES.rsa.key),
  loadCertificateAndKey(FILES.p256.cert, FILES.p256.key),
];

interface Case {
  /** OpenSSL's name, as our SessionInfo reports it. */
  suite: string;
  /** GnuTLS's names for the pieces of the suite. */
  cipher: string;
  mac: 'AEAD' | 'SHA1' | 'SHA256';
  kx: 'ECDHE-RSA' | 'ECDHE-ECDSA' | 'DHE-RSA' | 'RSA';
  key: keyof typeof FILES;
  /** Turn encrypt-then-MAC off (GnuTLS offers it by default). */
  noEtm?: true;
}

const CASES: readonly Case[] = [
  {
    suite: 'ECDHE-RSA-AES128-GCM-SHA256',
    cipher: 'AES-128-GCM',
    mac: 'AEAD',
    kx: 'ECDHE-RSA',
    key: 'rsa',
  },
  {
    suite: 'ECDHE-ECDSA-AES256-GCM-SHA384',
    cipher: 'AES-256-GCM',
    mac: 'AEAD',
    kx: 'ECDHE-ECDSA',
    key: 'p256',
  },
  {
    suite: 'ECDHE-RSA-CHACHA20-POLY1305',
    cipher: 'CHACHA20-POLY1305',
    mac: 'AEAD',
    kx: 'ECDHE-RSA',
    key: 'rsa',
  },
  {
    suite: 'ECDHE-ECDSA-CHACHA20-POLY1305',
    cipher: 'CHACHA20-POLY1305',
    mac: 'AEAD',
    kx: 'ECDHE-ECDSA',
    key: 'p256',
  },
  {
    suite: 'DHE-RSA-AES128-GCM-SHA256',
    cipher: 'AES-128-GCM',
    mac: 'AEAD',
    kx: 'DHE-RSA',
    key: 'rsa',
  },
  {
    suite: 'DHE-RSA-CHACHA20-POLY1305',
    cipher: 'CHACHA20-POLY1305',
    mac: 'AEAD',
    kx: 'DHE-RSA',
    key: 'rsa',
  },
  { suite: 'AES256-GCM-SHA384', cipher: 'AES-256-GCM', mac: 'AEAD', kx: 'RSA', key: 'rsa' },
  {
    suite: 'ECDHE-RSA-AES128-SHA256',
    cipher: 'AES-128-CBC',
    mac: 'SHA256',
    kx: 'ECDHE-RSA',
    key: 'rsa',
  },
  {
    suite: 'ECDHE-ECDSA-AES256-SHA',
    cipher: 'AES-256-CBC',
    mac: 'SHA1',
    kx: 'ECDHE-ECDSA',
    key: 'p256',
  },
  {
    suite: 'DHE-RSA-AES256-SHA256',
    cipher: 'AES-256-CBC',
    mac: 'SHA256',
    kx: 'DHE-RSA',
    key: 'rsa',
    noEtm: true,
  },
  { suite: 'AES128-SHA', cipher: 'AES-128-CBC', mac: 'SHA1', kx: 'RSA', key: 'rsa', noEtm: true },
  {
    suite: 'ECDHE-RSA-AES128-SHA',
    cipher: 'AES-128-CBC',
    mac: 'SHA1',
    kx: 'ECDHE-RSA',
    key: 'rsa',
    noEtm: true,
  },
  { suite: 'AES256-SHA256', cipher: 'AES-256-CBC', mac: 'SHA256', kx: 'RSA', key: 'rsa' },
];

/** A GnuTLS priority string allowing TLS 1.2 and exactly the case's suite. */
function priority(c: Case): string {
  return `NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+${c.cipher}:-MAC-ALL:+${c.mac}:-KX-ALL:+${c.kx}${c.noEtm ? ':%NO_ETM' : ''}`;
}

const isCbc = (c: Case): boolean => c.cipher.endsWith('-CBC');

function checkSession(s: SessionInfo | undefined, protocol: 'TLSv1.2' | 'TLSv1.3', c?: Case): void {
  assert.ok(s !== undefined, 'a session');
  assert.equal(s.protocol, protocol);
  if (c === undefined) return;
  assert.equal(s.cipher.opensslName, c.suite);
  // RFC 7627 and RFC 7366: GnuTLS offers both; encrypt-then-MAC applies to CBC suites only.
  assert.equal(s.extendedMasterSecret, true);
  assert.equal(s.encryptThenMac === true, isCbc(c) && c.noEtm !== true, 'encrypt_then_mac');
}

/** Our echo server; resolves with its port and the session of each connection as it completes. */
async function ourServer(
  seed: string,
): Promise<{ port: number; sessions: SessionInfo[]; close: () => Promise<void> }> {
  const sessions: SessionInfo[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer(
    { certificates, tls12CipherSuites: ALL_TLS12_SUITES, random: deterministicRandom(seed) },
    (tls) => {
      if (tls.session !== undefined) sessions.push(tls.session);
      tls.on('data', (d: Buffer) => tls.write(`pong ${d.toString('latin1')}`));
      tls.on('end', () => tls.end());
      tls.on('error', () => tls.destroy());
    },
  );
  server.on('connection', (tcp: Socket) => {
    sockets.add(tcp);
    tcp.once('close', () => sockets.delete(tcp));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return { port: (server.address() as AddressInfo).port, sessions, close };
}

/** gnutls-cli against our server: sends a line, waits for our answer; returns what gnutls-cli printed. */
async function gnutlsClient(port: number, prio: string): Promise<string> {
  const cli = startPeer('gnutls-cli', [
    '--port',
    String(port),
    '--x509cafile',
    CA,
    '--verify-hostname',
    'localhost',
    '--sni-hostname',
    'localhost',
    '--priority',
    prio,
    '127.0.0.1',
  ]);
  try {
    await cli.waitFor(/- Handshake was completed/);
    cli.proc.stdin.write('ping\n');
    await cli.waitFor(/pong ping\n/);
    return cli.stdout() + cli.stderr();
  } finally {
    await cli.stop();
  }
}

/** Our client (all our TLS 1.2 suites offered) against a gnutls-serv --echo with the given key and priority; resolves with our session. */
async function againstGnutlsServer(
  key: keyof typeof FILES,
  prio: string,
): Promise<SessionInfo | undefined> {
  const port = await freePort();
  const srv = startPeer('gnutls-serv', [
    '--port',
    String(port),
    '--echo',
    '--disable-client-cert',
    '--x509certfile',
    FILES[key].cert,
    '--x509keyfile',
    FILES[key].key,
    '--priority',
    prio,
  ]);
  try {
    await srv.waitFor(/listening on IPv4 .*\.\.\.done/);
    const socket = connect({
      host: '127.0.0.1',
      port,
      serverName: 'localhost',
      trustStore,
      tls12CipherSuites: ALL_TLS12_SUITES,
      random: deterministicRandom(`gnutls-serv ${prio}`),
    });
    const echoed = await new Promise<string>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('secureConnect', () => socket.write('ping\n'));
      socket.once('data', (d: Buffer) => resolve(d.toString('latin1')));
    });
    assert.equal(echoed, 'ping\n');
    const session = socket.session;
    socket.destroy();
    return session;
  } finally {
    await srv.stop();
  }
}

test('gnutls-cli against our server: every TLS 1.2 GCM, ChaCha20 and CBC suite, with and without encrypt-then-MAC', async (t) => {
  const server = await ourServer('gnutls-cli tls1.2');
  try {
    for (const c of CASES) {
      await t.test(c.suite, async () => {
        const out = await gnutlsClient(server.port, priority(c));
        const description = /- Description: (.*)/.exec(out)?.[1] ?? '';
        assert.ok(description.startsWith('(TLS1.2-'), description);
        assert.ok(description.includes(`(${c.cipher})`), description);
        checkSession(server.sessions.at(-1), 'TLSv1.2', c);
      });
    }
  } finally {
    await server.close();
  }
});

test('gnutls-serv against our client: every TLS 1.2 GCM, ChaCha20 and CBC suite, with and without encrypt-then-MAC', async (t) => {
  for (const c of CASES) {
    await t.test(c.suite, async () => {
      const session = await againstGnutlsServer(c.key, priority(c));
      checkSession(session, 'TLSv1.2', c);
    });
  }
});

test('TLS 1.3 with GnuTLS default priority, both directions', async () => {
  const server = await ourServer('gnutls-cli tls1.3');
  try {
    const out = await gnutlsClient(server.port, 'NORMAL');
    assert.match(out, /- Description: \(TLS1\.3-/);
    checkSession(server.sessions.at(-1), 'TLSv1.3');
  } finally {
    await server.close();
  }
  for (const key of ['rsa', 'p256'] as const) {
    const session = await againstGnutlsServer(key, 'NORMAL');
    checkSession(session, 'TLSv1.3');
    assert.equal(session?.verification?.ok, true, key);
  }
});
