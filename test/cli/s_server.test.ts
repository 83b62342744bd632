import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Peer } from '../helpers/processes.js';
import { freePort, run, startPeer } from '../helpers/processes.js';
import { repoRoot } from '../helpers/vectors.js';
import { standardPki } from '../helpers/cli-pki.js';
import { assertNoSecrets, keyLogSecrets, tracedMessages } from '../helpers/tls-trace.js';

const pki = standardPki();
// Stopped here as well: processes.ts registers its own cleanup in whichever test first starts a peer.
const started: Peer[] = [];
after(async () => {
  await Promise.all(started.map((p) => p.stop()));
  pki.cleanup();
});
const POSTERN = repoRoot + 'bin/postern.js';
const GET = 'GET / HTTP/1.0\r\n\r\n';
const CA = pki.path('ca.pem');

/** Our s_server on a free port, ready when it prints ACCEPT. */
async function posternServer(extra: string[]): Promise<{ server: Peer; port: number }> {
  const port = await freePort();
  const server = startPeer('node', [POSTERN, 's_server', '-accept', `127.0.0.1:${port}`, '-cert', pki.path('server.pem'), '-key', pki.path('server.key'), ...extra]);
  started.push(server);
  await server.waitFor(/^ACCEPT$/m);
  return { server, port };
}

function opensslClient(port: number, extra: string[], input = GET): ReturnType<typeof run> {
  return run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', CA, '-ign_eof', ...extra], input, 20_000);
}

function posternClient(port: number, extra: string[], input = GET): ReturnType<typeof run> {
  return run('node', [POSTERN, 's_client', '-connect', `localhost:${port}`, '-CAfile', CA, ...extra], input, 20_000);
}

test('-www answers openssl s_client with a text page describing the session', async () => {
  const { server, port } = await posternServer(['-www']);
  const r = await opensslClient(port, []);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes('Verify return code: 0 (ok)'));
  const page = r.stdout.slice(r.stdout.indexOf('HTTP/1.0 200 ok'));
  assert.match(page, /^HTTP\/1\.0 200 ok\r\nContent-type: text\/plain\r\n\r\npostern s_server -www\n/);
  assert.match(page, /New, TLSv1\.3, Cipher is TLS_\w+\n/);
  assert.ok(page.includes('    Protocol  : TLSv1.3\n'));
  assert.ok(page.includes('    Group     : x25519\n'));
  assert.ok(page.includes('    SNI       : localhost\n'));
  assert.ok(page.includes('    ALPN      : None\n'));
  assert.ok(page.includes('    Peer      : no peer certificate\n'));
  assert.match(server.stdout(), /127\.0\.0\.1:\d+: TLSv1\.3, TLS_\w+, group x25519, no peer certificate\n/);
  await server.stop();
});

test('echoes each line back, to many clients at once, and prints what it receives', async () => {
  const { server, port } = await posternServer([]);
  const first = startPeer('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-quiet']);
  const second = startPeer('node', [POSTERN, 's_client', '-connect', `127.0.0.1:${port}`, '-quiet']);
  first.proc.stdin.write('hello from openssl\n');
  second.proc.stdin.write('hello from ');
  await first.waitFor(/hello from openssl\n/);
  second.proc.stdin.write('postern\n');
  await second.waitFor(/hello from postern\n/);
  first.proc.stdin.write('second line\n');
  await first.waitFor(/second line\n/);
  assert.equal(first.stdout(), 'hello from openssl\nsecond line\n');
  assert.equal(second.stdout(), 'hello from postern\n', 'a line split over two records is echoed whole');
  assert.match(server.stdout(), /hello from openssl\n[\s\S]*hello from postern\n[\s\S]*second line\n/);
  assert.equal(server.stdout().match(/TLSv1\.3, /g)?.length, 2);
  await Promise.all([first.stop(), second.stop(), server.stop()]);
});

test('-quiet prints no received data', async () => {
  const { server, port } = await posternServer(['-quiet']);
  const client = startPeer('node', [POSTERN, 's_client', '-connect', `127.0.0.1:${port}`, '-quiet']);
  client.proc.stdin.write('not for the log\n');
  await client.waitFor(/not for the log\n/);
  await client.stop();
  await server.stop();
  assert.equal(server.stdout(), 'ACCEPT\n');
});

test('-Verify 1: a client without a certificate fails with certificate_required, one with a certificate is named', async () => {
  const { server, port } = await posternServer(['-Verify', '1', '-CAfile', CA, '-www']);
  const without = await posternClient(port, []);
  assert.equal(without.code, 1);
  assert.match(without.stderr, /postern s_client: TLS alert certificate_required \(remote\)/);
  await server.waitFor(/postern s_server: handshake failed: 127\.0\.0\.1:\d+: TLS alert certificate_required \(local\): client sent no certificate/);
  const withCert = await posternClient(port, ['-cert', pki.path('client.pem'), '-key', pki.path('client.key')]);
  assert.equal(withCert.code, 0, withCert.stderr);
  assert.ok(withCert.stdout.includes('    Peer      : subject=CN = client.example.org, O = Postern\n'));
  assert.match(withCert.stdout, / {4}Peer {6}: subject=CN = client\.example\.org, O = Postern\n {4}Verify return code: 0 \(ok\)\n---\n$/);
  assert.match(server.stdout(), /TLSv1\.3, TLS_\w+, group x25519, subject=CN = client\.example\.org, O = Postern, verify return code 0 \(ok\)\n/);
  await server.stop();
});

test('-verify 1: an unverifiable client certificate is reported, and the CA names are sent', async () => {
  const { server, port } = await posternServer(['-verify', '1', '-CAfile', CA, '-www']);
  const r = await opensslClient(port, ['-cert', pki.path('stranger.pem'), '-key', pki.path('stranger.key')]);
  assert.ok(r.stdout.includes('Acceptable client certificate CA names\nCN = Postern Test CA\n'), r.stdout);
  assert.ok(r.stdout.includes('    Verify return code: 20 (unable to get local issuer certificate)\n'));
  await server.waitFor(/subject=CN = stranger\.example\.org, verify return code 20 \(unable to get local issuer certificate\)/);
  await server.stop();
});

test('-cert2: the certificate is chosen by the client signature algorithms', async () => {
  const { server, port } = await posternServer(['-cert2', pki.path('server-rsa.pem'), '-key2', pki.path('server-rsa.key'), '-www']);
  const rsa = await opensslClient(port, ['-sigalgs', 'RSA-PSS+SHA256']);
  assert.ok(rsa.stdout.includes('Peer signature type: RSA-PSS'), rsa.stdout);
  assert.ok(rsa.stdout.includes(' 0 s:CN = localhost, O = RSA'));
  const ec = await opensslClient(port, ['-sigalgs', 'ECDSA+SHA256']);
  assert.ok(ec.stdout.includes('Peer signature type: ECDSA'));
  assert.ok(ec.stdout.includes(' 0 s:CN = localhost\n'));
  await server.stop();
});

test('-msg dumps every handshake message, and no secret', async () => {
  const { server, port } = await posternServer(['-msg', '-www']);
  const keylog = pki.path('server-keylog.txt');
  const r = await opensslClient(port, ['-keylogfile', keylog]);
  assert.equal(r.code, 0, r.stderr);
  await server.stop();
  const flow = tracedMessages(server.stdout()).map((m) => `${m.direction} ${m.name}`);
  assert.deepEqual(flow, ['<<< ClientHello', '>>> ServerHello', '>>> EncryptedExtensions', '>>> Certificate', '>>> CertificateVerify', '>>> Finished', '<<< Finished']);
  assert.match(server.stdout(), /^<<< TLS 1\.3 Handshake \[length [0-9a-f]{4}\], ClientHello\n0000 {2}01 .* msg_type: client_hello \(0x01\)\n/m);
  assert.ok(server.stdout().includes('extension_type: key_share (0x0033)'));
  assertNoSecrets(server.stdout(), keyLogSecrets(keylog));
});

test('-groups and -alpn: the server choice, by HelloRetryRequest when the client sent no share for it', async () => {
  const { server, port } = await posternServer(['-groups', 'P-384', '-alpn', 'http/1.1,h2', '-www']);
  const r = await opensslClient(port, ['-alpn', 'h2,http/1.1']);
  assert.ok(r.stdout.includes('Server Temp Key: ECDH, secp384r1, 384 bits'), r.stdout);
  assert.ok(r.stdout.includes('ALPN protocol: http/1.1'));
  assert.ok(r.stdout.includes('    Group     : secp384r1\n'));
  assert.ok(r.stdout.includes('    ALPN      : http/1.1\n'));
  await server.stop();
});

test('a failed handshake is printed and the server keeps serving', async () => {
  const { server, port } = await posternServer(['-www']);
  // A TLS 1.0 client: no version in common.
  const old = await opensslClient(port, ['-tls1', '-cipher', 'DEFAULT:@SECLEVEL=0']);
  assert.notEqual(old.code, 0);
  await server.waitFor(/handshake failed: 127\.0\.0\.1:\d+: TLS alert protocol_version \(local\)/);
  const ok = await posternClient(port, ['-quiet']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(ok.stdout.startsWith('HTTP/1.0 200 ok\r\n'));
  await server.stop();
});

test('SIGTERM and SIGINT close the listener and exit 0, even with a client connected', async () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const { server, port } = await posternServer([]);
    const client = startPeer('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-quiet']);
    await server.waitFor(/TLSv1\.3, /);
    server.proc.kill(signal);
    assert.equal(await server.exited, 0, signal);
    await client.exited;
  }
});

test('usage errors exit 2', async () => {
  const noCert = await run('node', [POSTERN, 's_server', '-accept', '4433']);
  assert.equal(noCert.code, 2);
  assert.match(noCert.stderr, /-cert FILE is required/);
  const badAccept = await run('node', [POSTERN, 's_server', '-accept', 'localhost', '-cert', pki.path('server.pem'), '-key', pki.path('server.key')]);
  assert.equal(badAccept.code, 2);
  const both = await run('node', [POSTERN, 's_server', '-accept', '4433', '-cert', pki.path('server.pem'), '-key', pki.path('server.key'), '-verify', '1', '-Verify', '1']);
  assert.equal(both.code, 2);
});
