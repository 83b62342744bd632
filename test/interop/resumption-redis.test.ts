import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { freePort, run, startPeer } from '../helpers/processes.js';
import { repoRoot } from '../helpers/vectors.js';
import { standardPki } from '../helpers/cli-pki.js';

const pki = standardPki();
after(() => pki.cleanup());
const POSTERN = repoRoot + 'bin/postern.js';
const CA = pki.path('ca.pem');
let redisPort = 0;

before(async () => {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      'redis-server is not installed: the Redis resumption tests need it (Debian package redis-server: apt-get install -y redis-server)',
    );
  }
  redisPort = await freePort();
  const server = startPeer('redis-server', [
    '--port',
    String(redisPort),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  await server.waitFor(/Ready to accept connections/);
});

async function posternServer(extra: string[]): Promise<number> {
  const port = await freePort();
  const server = startPeer('node', [
    POSTERN,
    's_server',
    '-accept',
    `127.0.0.1:${port}`,
    '-cert',
    pki.path('server.pem'),
    '-key',
    pki.path('server.key'),
    '-www',
    ...extra,
  ]);
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
    'GET / HTTP/1.0\r\n\r\n',
    20_000,
  );
}

test("two postern s_server processes on one Redis resume each other's sessions: TLS 1.2 IDs and tickets, TLS 1.3 tickets", async () => {
  for (const spec of [`redis:127.0.0.1:${redisPort}`, `redis://127.0.0.1:${redisPort}`]) {
    for (const [extra, version] of [
      [['-no_ticket'], '-tls1_2'],
      [[], '-tls1_2'],
      [[], '-tls1_3'],
    ] as const) {
      const a = await posternServer(['-sess_cache', spec, ...extra]);
      const b = await posternServer(['-sess_cache', spec, ...extra]);
      const file = pki.path(`redis${version}${extra.join('')}.pem`);
      const first = await opensslClient(a, [version, '-sess_out', file, ...extra]);
      assert.match(first.stdout, /^New, /m);
      const second = await opensslClient(b, [version, '-sess_in', file, ...extra]);
      assert.match(
        second.stdout,
        /^Reused, /m,
        `${spec} ${version} ${extra.join(' ')}\n${second.stdout}\n${second.stderr}`,
      );
    }
  }
});
