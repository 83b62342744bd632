import assert from 'node:assert/strict';
import type { AddressInfo, Server, Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import { deterministicRandom } from '../../src/prng/deterministic.js';
import type { SessionInfo } from '../../src/tls/engine/connection.js';
import type { CertifiedKey } from '../../src/tls/policy/config.js';
import { createServer } from '../../src/tls/node/create-server.js';
import { connect } from '../../src/tls/node/connect.js';
import type { ClientOptions } from '../../src/tls/node/options.js';
import { SignatureScheme as S } from '../../src/tls/registry/signature-scheme.js';
import { ALL_TLS12_SUITES } from '../../src/tls/registry/suites.js';
import { freePort, run, startPeer } from '../helpers/processes.js';
import { SERVER_NAME, TlsPki, type TlsIdentity } from '../helpers/tls-pki.js';

/**
 * Issue 13 items 13 and 14 against real peers: certificates with
 * id-RSASSA-PSS keys (rsa_pss_pss_*) against OpenSSL in TLS 1.2 and 1.3,
 * and Ed25519 and ECDSA-SHA512 (0x0603) in TLS 1.2 against OpenSSL and
 * GnuTLS, both directions, server and client certificates. Needs openssl and
 * gnutls-bin (run by `npm run test:interop`).
 */

const pki = new TlsPki(['p256', 'ed25519', 'rsa-pss', 'rsa-pss-sha384']);
after(() => pki.cleanup());
const ed25519Client = pki.clientOf('ed25519');
const pssClient = pki.clientOf('rsa-pss');

type Version = 'TLSv1.2' | 'TLSv1.3';
const OPENSSL_VERSION: Record<Version, string> = { 'TLSv1.2': '-tls1_2', 'TLSv1.3': '-tls1_3' };

function hex(scheme: number | undefined): string {
  return `0x${(scheme ?? 0).toString(16).padStart(4, '0')}`;
}

/** Our echo server (`pong <line>`); resolves with its port and each connection's session. */
async function ourServer(
  certificates: readonly CertifiedKey[],
  extra: { clientAuth?: 'required' } = {},
): Promise<{ port: number; sessions: SessionInfo[]; close: () => Promise<void> }> {
  const sessions: SessionInfo[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer(
    {
      certificates,
      tls12CipherSuites: ALL_TLS12_SUITES,
      trustStore: pki.trustStore,
      random: deterministicRandom('signature-keys server'),
      ...extra,
    },
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

/** Our client: sends a line, resolves with the first reply and the session. */
async function ourClient(
  port: number,
  options: Partial<ClientOptions>,
): Promise<{ reply: string; session: SessionInfo | undefined }> {
  const socket = connect({
    host: '127.0.0.1',
    port,
    serverName: SERVER_NAME,
    trustStore: pki.trustStore,
    tls12CipherSuites: ALL_TLS12_SUITES,
    random: deterministicRandom(`signature-keys client ${port}`),
    ...options,
  });
  try {
    return await new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.once('secureConnect', () => socket.write('ping\n'));
      socket.once('data', (d: Buffer) =>
        resolve({ reply: d.toString('latin1'), session: socket.session }),
      );
    });
  } finally {
    socket.destroy();
  }
}

/** openssl s_server -rev (answers each line reversed) for one connection. */
async function withOpensslServer(
  args: string[],
  body: (port: number) => Promise<void>,
): Promise<void> {
  const port = await freePort();
  const peer = startPeer('openssl', [
    's_server',
    '-accept',
    String(port),
    '-4',
    '-naccept',
    '1',
    '-rev',
    ...args,
  ]);
  try {
    await peer.waitFor(/ACCEPT/);
    await body(port);
  } finally {
    await peer.stop();
  }
}

async function opensslClient(port: number, args: string[]): Promise<string> {
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

async function withGnutlsServer(
  id: TlsIdentity,
  priority: string,
  body: (port: number) => Promise<void>,
): Promise<void> {
  const port = await freePort();
  const srv = startPeer('gnutls-serv', [
    '--port',
    String(port),
    '--echo',
    '--disable-client-cert',
    '--x509certfile',
    id.certFile,
    '--x509keyfile',
    id.keyFile,
    '--priority',
    priority,
  ]);
  try {
    await srv.waitFor(/listening on IPv4 .*\.\.\.done/);
    await body(port);
  } finally {
    await srv.stop();
  }
}

/** gnutls-cli against our server: sends a line, waits for our answer; returns what it printed. */
async function gnutlsClient(port: number, priority: string, extra: string[] = []): Promise<string> {
  const cli = startPeer('gnutls-cli', [
    '--port',
    String(port),
    '--x509cafile',
    pki.caFile,
    '--verify-hostname',
    SERVER_NAME,
    '--sni-hostname',
    SERVER_NAME,
    '--priority',
    priority,
    ...extra,
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

describe('RSA-PSS-key certificates (rsa_pss_pss_*) against OpenSSL', { timeout: 60_000 }, () => {
  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    test(`our client against openssl s_server, ${version}: unrestricted key → 0x0809, SHA-384-restricted key → 0x080a`, async () => {
      for (const [type, scheme] of [
        ['rsa-pss', S.rsa_pss_pss_sha256],
        ['rsa-pss-sha384', S.rsa_pss_pss_sha384],
      ] as const) {
        const id = pki.servers[type];
        await withOpensslServer(
          [OPENSSL_VERSION[version], '-cert', id.certFile, '-key', id.keyFile],
          async (port) => {
            const { reply, session } = await ourClient(port, {});
            assert.equal(reply, 'gnip\n');
            assert.equal(session?.protocol, version);
            assert.equal(hex(session?.peerSignatureScheme), hex(scheme), type);
            assert.equal(session?.verification?.ok, true);
          },
        );
      }
    });

    test(`openssl s_client against our server, ${version}: it verifies our RSA-PSS signature; SHA-384-restricted key signs with SHA-384`, async () => {
      for (const [type, scheme, digest] of [
        ['rsa-pss', S.rsa_pss_pss_sha256, 'SHA256'],
        ['rsa-pss-sha384', S.rsa_pss_pss_sha384, 'SHA384'],
      ] as const) {
        const server = await ourServer([pki.servers[type].certified]);
        try {
          const out = await opensslClient(server.port, [OPENSSL_VERSION[version]]);
          assert.match(out, /Verify return code: 0 \(ok\)/);
          assert.match(out, /Peer signature type: RSA-PSS/);
          assert.match(out, new RegExp(`Peer signing digest: ${digest}`));
          assert.equal(hex(server.sessions.at(-1)?.localSignatureScheme), hex(scheme), type);
        } finally {
          await server.close();
        }
      }
    });

    test(`an RSA-PSS client certificate, ${version}: our client to openssl s_server -Verify, openssl s_client -cert to our server`, async () => {
      await withOpensslServer(
        [
          OPENSSL_VERSION[version],
          '-cert',
          pki.servers.p256.certFile,
          '-key',
          pki.servers.p256.keyFile,
          '-Verify',
          '1',
          '-CAfile',
          pki.caFile,
          '-verify_return_error',
        ],
        async (port) => {
          const { reply } = await ourClient(port, { certificate: pssClient.certified });
          assert.equal(reply, 'gnip\n');
        },
      );
      const server = await ourServer([pki.servers.p256.certified], { clientAuth: 'required' });
      try {
        await opensslClient(server.port, [
          OPENSSL_VERSION[version],
          '-cert',
          pssClient.certFile,
          '-key',
          pssClient.keyFile,
        ]);
        const session = server.sessions.at(-1);
        assert.equal(hex(session?.peerSignatureScheme), hex(S.rsa_pss_pss_sha256));
        assert.equal(session?.verification?.ok, true);
      } finally {
        await server.close();
      }
    });
  }
});

describe(
  'TLS 1.2 Ed25519 (RFC 8422 §5.10) and ECDSA-SHA512 (0x0603) against OpenSSL',
  { timeout: 60_000 },
  () => {
    test('our client against openssl s_server: an Ed25519 certificate in ECDHE-ECDSA; a P-256 one signing with SHA-512', async () => {
      const ed = pki.servers.ed25519;
      await withOpensslServer(
        ['-tls1_2', '-cert', ed.certFile, '-key', ed.keyFile],
        async (port) => {
          const { reply, session } = await ourClient(port, {});
          assert.equal(reply, 'gnip\n');
          assert.equal(session?.protocol, 'TLSv1.2');
          assert.match(session?.cipher.opensslName ?? '', /^ECDHE-ECDSA-/);
          assert.equal(hex(session?.peerSignatureScheme), hex(S.ed25519));
        },
      );
      const p256 = pki.servers.p256;
      await withOpensslServer(
        ['-tls1_2', '-cert', p256.certFile, '-key', p256.keyFile, '-sigalgs', 'ECDSA+SHA512'],
        async (port) => {
          const { session } = await ourClient(port, {});
          assert.equal(hex(session?.peerSignatureScheme), hex(S.ecdsa_secp521r1_sha512));
        },
      );
    });

    test('openssl s_client against our server: Ed25519, and ECDSA+SHA512 with a P-256 certificate', async () => {
      const ed = await ourServer([pki.servers.ed25519.certified]);
      try {
        const out = await opensslClient(ed.port, ['-tls1_2']);
        assert.match(out, /Verify return code: 0 \(ok\)/);
        assert.match(out, /Cipher is ECDHE-ECDSA-/);
        assert.match(out, /Peer signature type: ed25519/);
        assert.equal(hex(ed.sessions.at(-1)?.localSignatureScheme), hex(S.ed25519));
      } finally {
        await ed.close();
      }
      const p256 = await ourServer([pki.servers.p256.certified]);
      try {
        const out = await opensslClient(p256.port, ['-tls1_2', '-sigalgs', 'ECDSA+SHA512']);
        assert.match(out, /Peer signing digest: SHA512/);
        assert.match(out, /Peer signature type: ECDSA/);
        assert.equal(
          hex(p256.sessions.at(-1)?.localSignatureScheme),
          hex(S.ecdsa_secp521r1_sha512),
        );
      } finally {
        await p256.close();
      }
    });

    test('an Ed25519 client certificate in TLS 1.2, both directions', async () => {
      await withOpensslServer(
        [
          '-tls1_2',
          '-cert',
          pki.servers.p256.certFile,
          '-key',
          pki.servers.p256.keyFile,
          '-Verify',
          '1',
          '-CAfile',
          pki.caFile,
          '-verify_return_error',
        ],
        async (port) => {
          const { reply } = await ourClient(port, { certificate: ed25519Client.certified });
          assert.equal(reply, 'gnip\n');
        },
      );
      const server = await ourServer([pki.servers.p256.certified], { clientAuth: 'required' });
      try {
        await opensslClient(server.port, [
          '-tls1_2',
          '-cert',
          ed25519Client.certFile,
          '-key',
          ed25519Client.keyFile,
        ]);
        const session = server.sessions.at(-1);
        assert.equal(hex(session?.peerSignatureScheme), hex(S.ed25519));
        assert.equal(session?.verification?.ok, true);
      } finally {
        await server.close();
      }
    });
  },
);

describe('TLS 1.2 Ed25519 and ECDSA-SHA512 against GnuTLS', { timeout: 60_000 }, () => {
  const TLS12 = 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+ECDHE-ECDSA';
  const ED25519 = `${TLS12}:-SIGN-ALL:+SIGN-EDDSA-ED25519`;
  const SHA512 = `${TLS12}:-SIGN-ALL:+SIGN-ECDSA-SHA512`;

  test('our client against gnutls-serv: Ed25519, and a P-256 certificate signing with SHA-512', async () => {
    await withGnutlsServer(pki.servers.ed25519, ED25519, async (port) => {
      const { reply, session } = await ourClient(port, {});
      assert.equal(reply, 'ping\n');
      assert.equal(session?.protocol, 'TLSv1.2');
      assert.equal(hex(session?.peerSignatureScheme), hex(S.ed25519));
      assert.equal(session?.verification?.ok, true);
    });
    await withGnutlsServer(pki.servers.p256, SHA512, async (port) => {
      const { session } = await ourClient(port, {});
      assert.equal(hex(session?.peerSignatureScheme), hex(S.ecdsa_secp521r1_sha512));
    });
  });

  test('gnutls-cli against our server: Ed25519, ECDSA-SHA512, and an Ed25519 client certificate', async () => {
    const ed = await ourServer([pki.servers.ed25519.certified]);
    try {
      const out = await gnutlsClient(ed.port, ED25519);
      assert.match(out, /- Description: \(TLS1\.2-X\.509\)-\(ECDHE-X25519\)-\(EdDSA-Ed25519\)/);
      assert.equal(hex(ed.sessions.at(-1)?.localSignatureScheme), hex(S.ed25519));
    } finally {
      await ed.close();
    }
    const p256 = await ourServer([pki.servers.p256.certified]);
    try {
      const out = await gnutlsClient(p256.port, SHA512);
      assert.match(out, /- Description: \(TLS1\.2-X\.509\)-\(ECDHE-X25519\)-\(ECDSA-SHA512\)/);
      assert.equal(hex(p256.sessions.at(-1)?.localSignatureScheme), hex(S.ecdsa_secp521r1_sha512));
    } finally {
      await p256.close();
    }
    const auth = await ourServer([pki.servers.p256.certified], { clientAuth: 'required' });
    try {
      await gnutlsClient(auth.port, `${TLS12}:+SIGN-EDDSA-ED25519`, [
        '--x509certfile',
        ed25519Client.certFile,
        '--x509keyfile',
        ed25519Client.keyFile,
      ]);
      assert.equal(hex(auth.sessions.at(-1)?.peerSignatureScheme), hex(S.ed25519));
      assert.equal(auth.sessions.at(-1)?.verification?.ok, true);
    } finally {
      await auth.close();
    }
  });
});
