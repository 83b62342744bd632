import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as nodeTlsServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Peer } from '../helpers/processes.js';
import { freePort, run, startPeer } from '../helpers/processes.js';
import { repoRoot } from '../helpers/vectors.js';
import { standardPki } from '../helpers/cli-pki.js';
import { connect } from '../../src/tls/node/connect.js';
import type { SessionInfo } from '../../src/tls/engine/connection.js';
import type { SessionState } from '../../src/tls/session/state.js';
import { TrustStore } from '../../src/x509/trust-store.js';

const pki = standardPki();
const started: Peer[] = [];
after(async () => {
  await Promise.all(started.map((p) => p.stop()));
  pki.cleanup();
});
const POSTERN = repoRoot + 'bin/postern.js';
const GET = 'GET / HTTP/1.0\r\n\r\n';
const CA = pki.path('ca.pem');
const PAIR = ['-cert', pki.path('server.pem'), '-key', pki.path('server.key')];

async function posternServer(extra: string[]): Promise<number> {
  const port = await freePort();
  const server = startPeer('node', [
    POSTERN,
    's_server',
    '-accept',
    `127.0.0.1:${port}`,
    ...PAIR,
    '-www',
    ...extra,
  ]);
  started.push(server);
  await server.waitFor(/^ACCEPT$/m);
  return port;
}

function opensslClient(port: number, extra: string[]): ReturnType<typeof run> {
  return run(
    'openssl',
    [
      's_client',
      '-connect',
      `127.0.0.1:${port}`,
      '-servername',
      'localhost',
      '-CAfile',
      CA,
      '-ign_eof',
      ...extra,
    ],
    GET,
    20_000,
  );
}

function count(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, 'gm'))?.length ?? 0;
}

test('openssl s_client -reconnect resumes TLS 1.2 sessions by ID (-no_ticket) and by ticket against postern s_server', async () => {
  for (const extra of [['-no_ticket'], []]) {
    const port = await posternServer(extra);
    const r = await opensslClient(port, ['-tls1_2', '-reconnect', ...extra]);
    assert.match(r.stdout, /^New, TLSv1\.2, Cipher is /m);
    // Five reconnections, and the -www page of the last one says Reused too.
    assert.ok(
      count(r.stdout, /^Reused, TLSv1\.2, Cipher is /) >= 5,
      `${extra.join(' ')}\n${r.stdout}`,
    );
  }
});

test('openssl s_client -sess_out then -sess_in reports Reused, TLSv1.3 against postern s_server', async () => {
  const port = await posternServer([]);
  const file = pki.path('openssl-tls13-session.pem');
  const first = await opensslClient(port, ['-tls1_3', '-sess_out', file]);
  assert.match(first.stdout, /^New, TLSv1\.3/m);
  const second = await opensslClient(port, ['-tls1_3', '-sess_in', file]);
  assert.match(second.stdout, /^Reused, TLSv1\.3/m, second.stdout);
});

test('postern s_client -reconnect resumes against openssl s_server, TLS 1.2 and 1.3', async () => {
  const port = await freePort();
  const server = startPeer('openssl', ['s_server', '-accept', String(port), ...PAIR]);
  started.push(server);
  await server.waitFor(/ACCEPT/);
  for (const version of ['-tls1_2', '-tls1_3']) {
    const r = await run(
      'node',
      [
        POSTERN,
        's_client',
        '-connect',
        `127.0.0.1:${port}`,
        '-servername',
        'localhost',
        '-CAfile',
        CA,
        version,
        '-reconnect',
      ],
      '',
      30_000,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^New, TLSv1\.[23]/m);
    assert.equal(count(r.stdout, /^Reused, TLSv1\.[23], Cipher is /), 5, `${version}\n${r.stdout}`);
  }
});

test("two postern s_server processes sharing a btree: cache resume each other's sessions: TLS 1.2 IDs and tickets, TLS 1.3 tickets", async () => {
  const cache = `btree:${pki.path('shared-sessions.db')}`;
  for (const [extra, version] of [
    [['-no_ticket'], '-tls1_2'],
    [[], '-tls1_2'],
    [[], '-tls1_3'],
  ] as const) {
    const a = await posternServer(['-sess_cache', cache, ...extra]);
    const b = await posternServer(['-sess_cache', cache, ...extra]);
    const file = pki.path(`shared${version}${extra.join('')}.pem`);
    const first = await opensslClient(a, [version, '-sess_out', file, ...extra]);
    assert.match(first.stdout, /^New, /m);
    const second = await opensslClient(b, [version, '-sess_in', file, ...extra]);
    assert.match(
      second.stdout,
      /^Reused, /m,
      `${version} ${extra.join(' ')}\n${second.stdout}\n${second.stderr}`,
    );
  }
});

test('our client resumes against node:tls, TLS 1.2 (ticket) and TLS 1.3', async () => {
  const server = nodeTlsServer(
    { key: readFileSync(pki.path('server.key')), cert: readFileSync(pki.path('server.pem')) },
    (s) => s.end('hello\n'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const trustStore = TrustStore.load({ caFile: CA });
  const once = (
    version: 'TLSv1.2' | 'TLSv1.3',
    session: SessionState | undefined,
  ): Promise<{ info: SessionInfo; next: SessionState | undefined }> =>
    new Promise((resolve, reject) => {
      let next: SessionState | undefined;
      let info: SessionInfo | undefined;
      const s = connect({
        host: '127.0.0.1',
        port,
        serverName: 'localhost',
        trustStore,
        minVersion: version,
        maxVersion: version,
        ...(session !== undefined && { session }),
      });
      s.on('session', (state: SessionState) => {
        next = state;
      });
      s.once('secureConnect', (i: SessionInfo) => {
        info = i;
      });
      s.on('data', () => undefined);
      s.once('error', reject);
      s.once('end', () => {
        s.end();
        if (info === undefined) reject(new Error('no handshake'));
        else resolve({ info, next });
      });
    });
  try {
    for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
      const first = await once(version, undefined);
      assert.equal(first.info.resumed, false);
      assert.ok(first.next !== undefined, `${version}: a session came`);
      const second = await once(version, first.next);
      assert.equal(second.info.resumed, true, version);
    }
  } finally {
    server.close();
  }
});
