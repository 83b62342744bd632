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
async function posternServer(
  extra: string[],
  pairs = ['-cert', pki.path('server.pem'), '-key', pki.path('server.key')],
): Promise<{ server: Peer; port: number }> {
  const port = await freePort();
  const server = startPeer('node', [
    POSTERN,
    's_server',
    '-accept',
    `127.0.0.1:${port}`,
    ...pairs,
    ...extra,
  ]);
  started.push(server);
  await server.waitFor(/^ACCEPT$/m);
  return { server, port };
}

function opensslClient(port: number, extra: string[], input = GET): ReturnType<typeof run> {
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
    input,
    20_000,
  );
}

function posternClient(port: number, extra: string[], input = GET): ReturnType<typeof run> {
  return run(
    'node',
    [POSTERN, 's_client', '-connect', `localhost:${port}`, '-CAfile', CA, ...extra],
    input,
    20_000,
  );
}

test('-www answers openssl s_client with a text page describing the session', async () => {
  const { server, port } = await posternServer(['-www']);
  const r = await opensslClient(port, []);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes('Verify return code: 0 (ok)'));
  const page = r.stdout.slice(r.stdout.indexOf('HTTP/1.0 200 ok'));
  assert.match(
    page,
    /^HTTP\/1\.0 200 ok\r\nContent-type: text\/plain\r\n\r\npostern s_server -www\n/,
  );
  assert.match(page, /New, TLSv1\.3, Cipher is TLS_\w+\n/);
  assert.ok(page.includes('    Protocol  : TLSv1.3\n'));
  assert.ok(page.includes('    Group     : x25519\n'));
  assert.ok(page.includes('    SNI       : localhost\n'));
  assert.ok(page.includes('    ALPN      : None\n'));
  assert.ok(page.includes('    Peer      : no peer certificate\n'));
  // OpenSSL's www_body: after the session, the client certificate or this line.
  assert.ok(page.includes('---\nno client certificate available\n'), page);
  assert.match(
    server.stdout(),
    /127\.0\.0\.1:\d+: TLSv1\.3, TLS_\w+, group x25519, no peer certificate\n/,
  );
  await server.stop();
});

test('echoes each line back, to many clients at once, and prints what it receives', async () => {
  const { server, port } = await posternServer([]);
  const first = startPeer('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-quiet']);
  const second = startPeer('node', [
    POSTERN,
    's_client',
    '-connect',
    `127.0.0.1:${port}`,
    '-quiet',
  ]);
  first.proc.stdin.write('hello from openssl\n');
  second.proc.stdin.write('hello from ');
  await first.waitFor(/hello from openssl\n/);
  second.proc.stdin.write('postern\n');
  await second.waitFor(/hello from postern\n/);
  first.proc.stdin.write('second line\n');
  await first.waitFor(/second line\n/);
  assert.equal(first.stdout(), 'hello from openssl\nsecond line\n');
  assert.equal(
    second.stdout(),
    'hello from postern\n',
    'a line split over two records is echoed whole',
  );
  assert.match(
    server.stdout(),
    /hello from openssl\n[\s\S]*hello from postern\n[\s\S]*second line\n/,
  );
  assert.equal(server.stdout().match(/TLSv1\.3, /g)?.length, 2);
  await Promise.all([first.stop(), second.stop(), server.stop()]);
});

test('-quiet prints no received data', async () => {
  const { server, port } = await posternServer(['-quiet']);
  const client = startPeer('node', [
    POSTERN,
    's_client',
    '-connect',
    `127.0.0.1:${port}`,
    '-quiet',
  ]);
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
  await server.waitFor(
    /postern s_server: handshake failed: 127\.0\.0\.1:\d+: TLS alert certificate_required \(local\): client sent no certificate/,
  );
  const withCert = await posternClient(port, [
    '-cert',
    pki.path('client.pem'),
    '-key',
    pki.path('client.key'),
  ]);
  assert.equal(withCert.code, 0, withCert.stderr);
  assert.ok(
    withCert.stdout.includes('    Peer      : subject=CN = client.example.org, O = Postern\n'),
  );
  assert.match(
    withCert.stdout,
    / {4}Peer {6}: subject=CN = client\.example\.org, O = Postern\n {4}Verify return code: 0 \(ok\)\n---\nClient certificate\n/,
  );
  // As openssl s_server -www prints it: X509_print (what `openssl x509 -text -noout` prints), then the PEM.
  const text = (await run('openssl', ['x509', '-in', pki.path('client.pem'), '-text', '-noout']))
    .stdout;
  const pem = (await run('openssl', ['x509', '-in', pki.path('client.pem')])).stdout;
  assert.ok(withCert.stdout.endsWith(`---\nClient certificate\n${text}${pem}`), withCert.stdout);
  assert.match(
    server.stdout(),
    /TLSv1\.3, TLS_\w+, group X25519MLKEM768, subject=CN = client\.example\.org, O = Postern, verify return code 0 \(ok\)\n/,
  );
  await server.stop();
});

test('-verify 1: an unverifiable client certificate is reported, and the CA names are sent', async () => {
  const { server, port } = await posternServer(['-verify', '1', '-CAfile', CA, '-www']);
  const r = await opensslClient(port, [
    '-cert',
    pki.path('stranger.pem'),
    '-key',
    pki.path('stranger.key'),
  ]);
  assert.ok(
    r.stdout.includes('Acceptable client certificate CA names\nCN = Postern Test CA\n'),
    r.stdout,
  );
  assert.ok(
    r.stdout.includes('    Verify return code: 20 (unable to get local issuer certificate)\n'),
  );
  await server.waitFor(
    /subject=CN = stranger\.example\.org, verify return code 20 \(unable to get local issuer certificate\)/,
  );
  await server.stop();
});

test('-cert2: the certificate is chosen by the client signature algorithms', async () => {
  const { server, port } = await posternServer([
    '-cert2',
    pki.path('server-rsa.pem'),
    '-key2',
    pki.path('server-rsa.key'),
    '-www',
  ]);
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
  // Two NewSessionTickets follow the handshake by default, as in OpenSSL (-no_ticket turns them off).
  assert.deepEqual(flow, [
    '<<< ClientHello',
    '>>> ServerHello',
    '>>> EncryptedExtensions',
    '>>> Certificate',
    '>>> CertificateVerify',
    '>>> Finished',
    '<<< Finished',
    '>>> NewSessionTicket',
    '>>> NewSessionTicket',
  ]);
  assert.match(
    server.stdout(),
    /^<<< TLS 1\.3 Handshake \[length [0-9a-f]{4}\], ClientHello\n0000 {2}01 .* msg_type: client_hello \(0x01\)\n/m,
  );
  assert.ok(server.stdout().includes('extension_type: key_share (0x0033)'));
  assertNoSecrets(server.stdout(), keyLogSecrets(keylog));
});

test('-groups and -alpn: the server choice, by HelloRetryRequest when the client sent no share for it', async () => {
  const { server, port } = await posternServer([
    '-groups',
    'P-384',
    '-alpn',
    'http/1.1,h2',
    '-www',
  ]);
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
  const badAccept = await run('node', [
    POSTERN,
    's_server',
    '-accept',
    'localhost',
    '-cert',
    pki.path('server.pem'),
    '-key',
    pki.path('server.key'),
  ]);
  assert.equal(badAccept.code, 2);
  const both = await run('node', [
    POSTERN,
    's_server',
    '-accept',
    '4433',
    '-cert',
    pki.path('server.pem'),
    '-key',
    pki.path('server.key'),
    '-verify',
    '1',
    '-Verify',
    '1',
  ]);
  assert.equal(both.code, 2);
});

// TLS 1.2: the version flags, cipher lists, the DSA pair and DH parameter files.

const DSA_EXTENSIONS = [
  'basicConstraints=CA:FALSE',
  'keyUsage=critical,digitalSignature',
  'extendedKeyUsage=serverAuth',
  'subjectAltName=DNS:localhost,IP:127.0.0.1',
];
pki.leaf('server-dsa', 'dsa', '/CN=localhost/O=DSA', 'ca', DSA_EXTENSIONS);
const RSA_PAIR = ['-cert', pki.path('server-rsa.pem'), '-key', pki.path('server-rsa.key')];
const DSA_PAIR = ['-dcert', pki.path('server-dsa.pem'), '-dkey', pki.path('server-dsa.key')];

/** The `New, …` line and the SSL-Session fields of an openssl s_client report. */
function negotiated(out: string): {
  newLine?: string;
  protocol?: string;
  cipher?: string;
  tempKey?: string;
} {
  const field = (re: RegExp): string | undefined => re.exec(out)?.[1];
  return {
    newLine: field(/^(New, .*)$/m),
    protocol: field(/^ {4}Protocol {2}: (.*)$/m),
    cipher: field(/^ {4}Cipher {4}: (.*)$/m),
    tempKey: field(/^Server Temp Key: (.*)$/m),
  };
}

test('-tls1_2, -tls1_3, -no_tls1_3, -no_tls1_2: each leaves the server only the versions asked for', async () => {
  const only12 = await posternServer(['-tls1_2', '-www']);
  const r12 = await opensslClient(only12.port, []);
  assert.equal(r12.code, 0, r12.stderr);
  assert.deepEqual(negotiated(r12.stdout), {
    newLine: 'New, TLSv1.2, Cipher is ECDHE-ECDSA-CHACHA20-POLY1305',
    protocol: 'TLSv1.2',
    cipher: 'ECDHE-ECDSA-CHACHA20-POLY1305',
    tempKey: 'X25519, 253 bits',
  });
  assert.match(
    only12.server.stdout(),
    /127\.0\.0\.1:\d+: TLSv1\.2, ECDHE-ECDSA-CHACHA20-POLY1305, group x25519, no peer certificate\n/,
  );
  const refused13 = await opensslClient(only12.port, ['-tls1_3']);
  assert.notEqual(refused13.code, 0);
  await only12.server.waitFor(
    /handshake failed: 127\.0\.0\.1:\d+: TLS alert protocol_version \(local\)/,
  );

  const no13 = await posternServer(['-no_tls1_3', '-www']);
  assert.equal(negotiated((await opensslClient(no13.port, [])).stdout).protocol, 'TLSv1.2');

  for (const flags of [['-tls1_3'], ['-no_tls1_2']]) {
    const only13 = await posternServer([...flags, '-www']);
    assert.equal(
      negotiated((await opensslClient(only13.port, [])).stdout).protocol,
      'TLSv1.3',
      flags.join(' '),
    );
    const refused12 = await opensslClient(only13.port, ['-tls1_2']);
    assert.notEqual(refused12.code, 0, flags.join(' '));
    await only13.server.waitFor(/TLS alert protocol_version \(local\)/);
  }
  await Promise.all([only12.server.stop(), no13.server.stop()]);
});

test('-cipher: an OpenSSL cipher string sets the TLS 1.2 suites, RSA key exchange only when asked for', async () => {
  const kx = await posternServer(['-tls1_2', '-cipher', 'kRSA+AESGCM:@STRENGTH', '-www'], RSA_PAIR);
  const r = await opensslClient(kx.port, ['-cipher', 'ALL']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(negotiated(r.stdout), {
    newLine: 'New, TLSv1.2, Cipher is AES256-GCM-SHA384',
    protocol: 'TLSv1.2',
    cipher: 'AES256-GCM-SHA384',
    tempKey: undefined,
  });
  const sha1 = await posternServer(
    ['-tls1_2', '-cipher', 'AES128-SHA:ECDHE-RSA-AES128-SHA', '-www'],
    RSA_PAIR,
  );
  // OpenSSL names the version a suite first appeared in: SSLv3 for AES128-SHA, TLSv1.0 for the ECDHE one.
  assert.equal(
    negotiated((await opensslClient(sha1.port, ['-cipher', 'AES128-SHA'])).stdout).newLine,
    'New, SSLv3, Cipher is AES128-SHA',
  );
  assert.equal(
    negotiated((await opensslClient(sha1.port, ['-cipher', 'ECDHE-RSA-AES128-SHA'])).stdout)
      .newLine,
    'New, TLSv1.0, Cipher is ECDHE-RSA-AES128-SHA',
  );
  await sha1.server.waitFor(/TLSv1\.2, ECDHE-RSA-AES128-SHA, group x25519/);
  // The default list offers forward-secret suites only.
  const defaults = await posternServer(['-tls1_2', '-www'], RSA_PAIR);
  const rsaKx = await opensslClient(defaults.port, ['-cipher', 'kRSA']);
  assert.notEqual(rsaKx.code, 0);
  await defaults.server.waitFor(
    /TLS alert handshake_failure \(local\): no TLS 1\.2 cipher suite in common/,
  );
  await Promise.all([kx.server.stop(), sha1.server.stop(), defaults.server.stop()]);
});

test('-ciphersuites: the TLS 1.3 suites in the server order; an empty list leaves TLS 1.2', async () => {
  const one = await posternServer(['-ciphersuites', 'TLS_AES_256_GCM_SHA384', '-www']);
  assert.equal(
    negotiated((await opensslClient(one.port, [])).stdout).newLine,
    'New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384',
  );
  const none = await posternServer(['-ciphersuites', '', '-www']);
  assert.equal(negotiated((await opensslClient(none.port, [])).stdout).protocol, 'TLSv1.2');
  await Promise.all([one.server.stop(), none.server.stop()]);
});

test('-dcert/-dkey: RSA and DSA pairs at once, each client gets the one its suites need; a DSA-only server', async () => {
  const both = await posternServer(['-www'], [...RSA_PAIR, ...DSA_PAIR]);
  const dss = await opensslClient(both.port, ['-tls1_2', '-cipher', 'DHE-DSS-AES128-GCM-SHA256']);
  assert.equal(dss.code, 0, dss.stderr);
  assert.equal(negotiated(dss.stdout).cipher, 'DHE-DSS-AES128-GCM-SHA256');
  assert.equal(negotiated(dss.stdout).tempKey, 'DH, 2048 bits');
  assert.ok(dss.stdout.includes(' 0 s:CN = localhost, O = DSA\n'), dss.stdout);
  assert.ok(dss.stdout.includes('Peer signature type: DSA\n'));
  assert.ok(dss.stdout.includes('    Verify return code: 0 (ok)\n'));
  const rsa = await opensslClient(both.port, ['-cipher', 'aRSA', '-tls1_2']);
  assert.equal(negotiated(rsa.stdout).cipher, 'ECDHE-RSA-CHACHA20-POLY1305');
  assert.ok(rsa.stdout.includes(' 0 s:CN = localhost, O = RSA\n'));
  // Without special cipher choices, the RSA certificate is preferred (and TLS 1.3 never uses DSA).
  assert.ok(
    (await opensslClient(both.port, ['-tls1_2'])).stdout.includes(' 0 s:CN = localhost, O = RSA\n'),
  );
  assert.ok((await opensslClient(both.port, [])).stdout.includes(' 0 s:CN = localhost, O = RSA\n'));

  const dsaOnlyPort = await freePort();
  const dsaOnly = startPeer('node', [
    POSTERN,
    's_server',
    '-accept',
    `127.0.0.1:${dsaOnlyPort}`,
    ...DSA_PAIR,
    '-tls1_2',
    '-www',
  ]);
  started.push(dsaOnly);
  await dsaOnly.waitFor(/^ACCEPT$/m);
  const r = await opensslClient(dsaOnlyPort, ['-tls1_2', '-cipher', 'DHE-DSS-AES128-GCM-SHA256']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(negotiated(r.stdout).newLine, 'New, TLSv1.2, Cipher is DHE-DSS-AES128-GCM-SHA256');
  await dsaOnly.waitFor(/TLSv1\.2, DHE-DSS-AES128-GCM-SHA256, group ffdhe2048/);
  await Promise.all([both.server.stop(), dsaOnly.stop()]);
});

test('-dhparam: the file group for DHE; 1024 bits only with -dh_min_bits 1024; a dh512 file is checked, then set aside', async () => {
  const dh2048 = pki.dhParams('dh2048.pem', 2048);
  const dh1024 = pki.dhParams('dh1024.pem', 1024);
  const dh512 = pki.dhParams('dh512.pem', 512);
  const dhe = ['-tls1_2', '-cipher', 'DHE-RSA-AES128-GCM-SHA256'];

  const modp = await posternServer(['-dhparam', dh2048, '-www'], RSA_PAIR);
  const r2048 = await opensslClient(modp.port, dhe);
  assert.equal(r2048.code, 0, r2048.stderr);
  assert.deepEqual(negotiated(r2048.stdout), {
    newLine: 'New, TLSv1.2, Cipher is DHE-RSA-AES128-GCM-SHA256',
    protocol: 'TLSv1.2',
    cipher: 'DHE-RSA-AES128-GCM-SHA256',
    tempKey: 'DH, 2048 bits',
  });

  const refused = await run('node', [
    POSTERN,
    's_server',
    '-accept',
    '127.0.0.1:1',
    ...RSA_PAIR,
    '-dhparam',
    dh1024,
  ]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /a 1024-bit DH group is below the minimum of 2048 bits/);
  const old = await posternServer(['-dhparam', dh1024, '-dh_min_bits', '1024', '-www'], RSA_PAIR);
  // Debian's OpenSSL refuses 1024-bit DH at its default security level 2.
  const r1024 = await opensslClient(old.port, [
    '-tls1_2',
    '-cipher',
    'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=1',
  ]);
  assert.equal(r1024.code, 0, r1024.stderr);
  assert.equal(negotiated(r1024.stdout).tempKey, 'DH, 1024 bits');

  const ignored = await posternServer(['-dhparam', dh512, '-www'], RSA_PAIR);
  assert.match(
    ignored.server.stderr(),
    /warning: -dhparam \S+dh512\.pem: a 512-bit DH group, parsed and validated; no suite uses DH groups below the minimum of 2048 bits/,
  );
  assert.equal(
    negotiated((await opensslClient(ignored.port, dhe)).stdout).tempKey,
    'DH, 2048 bits',
  );
  await Promise.all([modp.server.stop(), old.server.stop(), ignored.server.stop()]);
});

test('TLS 1.2 usage errors: a bad cipher word is named, versions that exclude each other, a small -dh_min_bits', async () => {
  const server = (extra: string[]): ReturnType<typeof run> =>
    run('node', [POSTERN, 's_server', '-accept', '4433', ...RSA_PAIR, ...extra]);
  const badWord = await server(['-cipher', 'HIGH:!aNULL:FOO']);
  assert.equal(badWord.code, 2);
  assert.match(badWord.stderr, /^postern s_server: -cipher: unknown cipher-string word "FOO"\n/);
  const badSuite = await server(['-ciphersuites', 'TLS_AES_128_GCM_SHA256:TLS_NOPE']);
  assert.equal(badSuite.code, 2);
  assert.match(badSuite.stderr, /-ciphersuites: unknown TLS 1\.3 cipher suite "TLS_NOPE"/);
  const both = await server(['-tls1_2', '-tls1_3']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /-tls1_2 and -tls1_3 exclude each other/);
  const none = await server(['-no_tls1_2', '-no_tls1_3']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no protocol version is left/);
  const small = await server(['-dh_min_bits', '512']);
  assert.equal(small.code, 2);
  assert.match(small.stderr, /-dh_min_bits needs a number of bits of at least 1024, not '512'/);
});

test('-dcert/-dkey take any key type, as OpenSSL: an ECDSA second certificate beside RSA serves ECDSA clients in TLS 1.2 and 1.3', async () => {
  const server = await posternServer(
    ['-www'],
    [...RSA_PAIR, '-dcert', pki.path('server.pem'), '-dkey', pki.path('server.key')],
  );
  const ecdsa12 = await opensslClient(server.port, ['-tls1_2', '-cipher', 'aECDSA']);
  assert.equal(ecdsa12.code, 0, ecdsa12.stderr);
  assert.match(negotiated(ecdsa12.stdout).cipher ?? '', /^ECDHE-ECDSA-/);
  assert.ok(ecdsa12.stdout.includes(' 0 s:CN = localhost\n'), ecdsa12.stdout);
  const ecdsa13 = await opensslClient(server.port, [
    '-tls1_3',
    '-sigalgs',
    'ecdsa_secp256r1_sha256',
  ]);
  assert.equal(ecdsa13.code, 0, ecdsa13.stderr);
  assert.ok(ecdsa13.stdout.includes('Peer signature type: ECDSA\n'), ecdsa13.stdout);
  assert.ok(
    (await opensslClient(server.port, ['-tls1_2', '-cipher', 'aRSA'])).stdout.includes(
      ' 0 s:CN = localhost, O = RSA\n',
    ),
  );
  const dcertOnly = await posternServer(
    ['-www'],
    ['-dcert', pki.path('server.pem'), '-dkey', pki.path('server.key')],
  );
  assert.equal((await opensslClient(dcertOnly.port, [])).code, 0);
  await Promise.all([server.server.stop(), dcertOnly.server.stop()]);
});
