import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, run, startPeer } from '../helpers/processes.js';
import { repoRoot } from '../helpers/vectors.js';
import { standardPki } from '../helpers/cli-pki.js';
import { assertNoSecrets, keyLogSecrets, tracedMessages } from '../helpers/tls-trace.js';

const pki = standardPki();
after(() => pki.cleanup());
const POSTERN = repoRoot + 'bin/postern.js';
const GET = 'GET / HTTP/1.0\r\n\r\n';

function postern(args: string[], input = GET): ReturnType<typeof run> {
  return run('node', [POSTERN, 's_client', ...args], input, 20_000);
}

/** An `openssl s_server` on a free port, ready when it prints ACCEPT. */
async function opensslServer(extra: string[]): Promise<number> {
  const port = await freePort();
  const srv = startPeer('openssl', [
    's_server',
    '-accept',
    String(port),
    '-cert',
    pki.path('server.pem'),
    '-key',
    pki.path('server.key'),
    ...extra,
  ]);
  await srv.waitFor(/ACCEPT/);
  return port;
}

const keylog = pki.path('keylog.txt');
const www = await opensslServer(['-www', '-keylogfile', keylog]);
const requiring = await opensslServer(['-www', '-Verify', '1', '-CAfile', pki.path('ca.pem')]);
const p384 = await opensslServer(['-www', '-groups', 'P-384', '-alpn', 'http/1.1']);

test('a piped request against openssl s_server -www shows the report and the whole page', async () => {
  const r = await postern(['-connect', `localhost:${www}`, '-CAfile', pki.path('ca.pem')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^CONNECTED\(127\.0\.0\.1:\d+\)\n/);
  assert.ok(
    r.stdout.includes('Certificate chain\n 0 s:CN = localhost\n   i:CN = Postern Test CA\n'),
  );
  assert.ok(r.stdout.includes('subject=CN = localhost\nissuer=CN = Postern Test CA\n'));
  assert.ok(r.stdout.includes('Verification: OK\n'));
  assert.match(
    r.stdout,
    /New, TLSv1\.3, Cipher is TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)\n/,
  );
  assert.ok(r.stdout.includes('Verify return code: 0 (ok)\n'));
  assert.ok(r.stdout.includes('    Protocol  : TLSv1.3\n'));
  assert.match(r.stdout, / {4}Cipher {4}: TLS_\w+\n/);
  assert.ok(r.stdout.includes('    SNI       : localhost\n'));
  // The page arrives after the end of standard input and is printed to its last line.
  assert.ok(r.stdout.includes('HTTP/1.0 200 ok\r\nContent-type: text/html\r\n'));
  assert.ok(r.stdout.trimEnd().endsWith('</pre></BODY></HTML>'), r.stdout.slice(-200));
  assert.equal(r.stderr, '');
});

test('the Temp Key and peer signature lines are the ones openssl s_client prints', async () => {
  for (const groups of ['X25519', 'P-256', 'ffdhe2048']) {
    const ours = await postern(['-connect', `127.0.0.1:${www}`, '-groups', groups]);
    const theirs = await run(
      'openssl',
      ['s_client', '-connect', `127.0.0.1:${www}`, '-groups', groups],
      '',
    );
    const pick = (s: string): string[] =>
      s
        .split('\n')
        .filter((l) => /^(Server Temp Key|Peer signing digest|Peer signature type):/.test(l));
    assert.equal(ours.code, 0, ours.stderr);
    assert.deepEqual(pick(ours.stdout), pick(theirs.stdout), groups);
    assert.equal(pick(ours.stdout).length, 3);
  }
});

test('without trust anchors verification fails but the session goes on, as in openssl', async () => {
  const r = await postern(['-connect', `127.0.0.1:${www}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes('Verification error: unable to get local issuer certificate\n'));
  assert.ok(r.stdout.includes('Verify return code: 20 (unable to get local issuer certificate)\n'));
  assert.ok(r.stdout.includes('HTTP/1.0 200 ok'));
});

test('-CApath: a hashed directory (openssl rehash) serves as the trust store', async () => {
  const dir = pki.path('capath');
  mkdirSync(dir);
  copyFileSync(pki.path('ca.pem'), join(dir, 'ca.pem'));
  execFileSync('openssl', ['rehash', dir]);
  const r = await postern([
    '-connect',
    `localhost:${www}`,
    '-CApath',
    dir,
    '-quiet',
    '-verify_return_error',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.startsWith('HTTP/1.0 200 ok\r\n'));
});

test('-verify_return_error makes a failed verification fail the handshake with the alert named', async () => {
  const r = await postern(['-connect', `localhost:${www}`, '-verify_return_error']);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /^postern s_client: TLS alert unknown_ca \(local\): certificate verify failed at depth 0: unable to get local issuer certificate\n$/,
  );
  assert.ok(!r.stdout.includes('HTTP/1.0'));
  const ok = await postern([
    '-connect',
    `localhost:${www}`,
    '-verify_return_error',
    '-CAfile',
    pki.path('ca.pem'),
  ]);
  assert.equal(ok.code, 0, ok.stderr);
});

test('-verify_hostname checks the name; without it no name is checked', async () => {
  const wrong = await postern([
    '-connect',
    `localhost:${www}`,
    '-CAfile',
    pki.path('ca.pem'),
    '-verify_hostname',
    'mail.example.com',
  ]);
  assert.ok(wrong.stdout.includes('Verify return code: 62 (hostname mismatch)\n'));
  const right = await postern([
    '-connect',
    `127.0.0.1:${www}`,
    '-CAfile',
    pki.path('ca.pem'),
    '-verify_hostname',
    'localhost',
    '-servername',
    'other.example',
  ]);
  assert.ok(right.stdout.includes('Verify return code: 0 (ok)\n'), right.stdout);
  assert.ok(right.stdout.includes('    SNI       : other.example\n'));
  const none = await postern([
    '-connect',
    `localhost:${www}`,
    '-CAfile',
    pki.path('ca.pem'),
    '-noservername',
  ]);
  assert.ok(none.stdout.includes('    SNI       : None\n'));
  assert.ok(none.stdout.includes('Verify return code: 0 (ok)\n'));
});

test('-quiet prints only the server data', async () => {
  const r = await postern(['-connect', `localhost:${www}`, '-quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.startsWith('HTTP/1.0 200 ok\r\n'), r.stdout.slice(0, 100));
  assert.ok(r.stdout.trimEnd().endsWith('</pre></BODY></HTML>'));
});

test('-msg dumps every handshake message field by field, and no secret', async () => {
  const r = await postern(['-connect', `localhost:${www}`, '-msg', '-CAfile', pki.path('ca.pem')]);
  assert.equal(r.code, 0, r.stderr);
  const messages = tracedMessages(r.stdout);
  const flow = messages.map((m) => `${m.direction} ${m.name}`);
  assert.deepEqual(flow.slice(0, 7), [
    '>>> ClientHello',
    '<<< ServerHello',
    '<<< EncryptedExtensions',
    '<<< Certificate',
    '<<< CertificateVerify',
    '<<< Finished',
    '>>> Finished',
  ]);
  // After the handshake, only openssl's session tickets.
  assert.ok(
    flow.slice(7).every((f) => f === '<<< NewSessionTicket'),
    flow.join(', '),
  );
  const [ch, sh] = messages;
  for (const field of [
    'msg_type: client_hello (0x01)',
    'legacy_version',
    'random',
    'legacy_session_id',
    'cipher_suites',
    'extension_type: key_share (0x0033)',
    'group: x25519 (0x001d)',
    'host_name: "localhost"',
  ]) {
    assert.ok(ch?.text.includes(field), field);
  }
  for (const field of [
    'msg_type: server_hello (0x02)',
    'legacy_session_id_echo',
    'cipher_suite: TLS_',
    'extension_type: supported_versions',
  ]) {
    assert.ok(sh?.text.includes(field), field);
  }
  assert.ok(!r.stdout.includes('(unannotated)'));
  assertNoSecrets(r.stdout, keyLogSecrets(keylog));
});

test('a client certificate is sent when the server requires one; without one the server refuses', async () => {
  const withCert = await postern([
    '-connect',
    `localhost:${requiring}`,
    '-cert',
    pki.path('client.pem'),
    '-key',
    pki.path('client.key'),
  ]);
  assert.equal(withCert.code, 0, withCert.stderr);
  assert.match(
    withCert.stdout,
    /Client certificate\n[\s\S]*Subject: CN=client\.example\.org, O=Postern/,
  );
  const without = await postern(['-connect', `localhost:${requiring}`]);
  assert.equal(without.code, 1);
  assert.match(without.stderr, /postern s_client: TLS alert certificate_required \(remote\)/);
  assert.ok(!without.stdout.includes('HTTP/1.0'));
});

test('HelloRetryRequest to the server group, and ALPN', async () => {
  const r = await postern(['-connect', `localhost:${p384}`, '-alpn', 'h2,http/1.1', '-msg']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes('Server Temp Key: ECDH, secp384r1, 384 bits\n'));
  assert.ok(r.stdout.includes('ALPN protocol: http/1.1\n'));
  assert.ok(r.stdout.includes('    ALPN      : http/1.1\n'));
  const flow = tracedMessages(r.stdout).map((m) => `${m.direction} ${m.name}`);
  assert.deepEqual(flow.slice(0, 3), [
    '>>> ClientHello',
    '<<< HelloRetryRequest',
    '>>> ClientHello',
  ]);
});

test('errors: a refused connection, usage mistakes', async () => {
  const closed = await postern(['-connect', `127.0.0.1:${await freePort()}`]);
  assert.equal(closed.code, 1);
  assert.match(closed.stderr, /^postern s_client: connect: .*ECONNREFUSED/);
  const noConnect = await postern([]);
  assert.equal(noConnect.code, 2);
  assert.match(noConnect.stderr, /-connect HOST:PORT is required/);
  const badGroup = await postern(['-connect', `localhost:${www}`, '-groups', 'X448']);
  assert.equal(badGroup.code, 2);
  assert.match(badGroup.stderr, /unknown group 'X448'/);
  const badPort = await postern(['-connect', 'localhost']);
  assert.equal(badPort.code, 2);
});

// TLS 1.2: the version flags, cipher lists and the DH minimum, against openssl s_server.

const RSA_SERVER = ['-cert', pki.path('server-rsa.pem'), '-key', pki.path('server-rsa.key')];
/** An openssl s_server with the RSA certificate, for the RSA and DHE-RSA suites. */
async function opensslRsaServer(extra: string[]): Promise<number> {
  const port = await freePort();
  const srv = startPeer('openssl', ['s_server', '-accept', String(port), ...RSA_SERVER, ...extra]);
  await srv.waitFor(/ACCEPT/);
  return port;
}

const newLine = (out: string): string | undefined => /^New, .*$/m.exec(out)?.[0];
const protocol = (out: string): string | undefined => /^ {4}Protocol {2}: (.*)$/m.exec(out)?.[1];

test('-tls1_2 and -no_tls1_3 offer TLS 1.2 alone, -tls1_3 and -no_tls1_2 TLS 1.3 alone', async () => {
  for (const flag of ['-tls1_2', '-no_tls1_3']) {
    const r = await postern(['-connect', `localhost:${www}`, '-CAfile', pki.path('ca.pem'), flag]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(protocol(r.stdout), 'TLSv1.2', flag);
    assert.match(
      r.stdout,
      /^New, TLSv1\.2, Cipher is ECDHE-ECDSA-(CHACHA20-POLY1305|AES128-GCM-SHA256|AES256-GCM-SHA384)$/m,
    );
    assert.match(r.stdout, /^ {4}Cipher {4}: ECDHE-ECDSA-[\w-]+$/m);
    assert.ok(r.stdout.includes('Peer signature type: ECDSA\n'));
    assert.ok(r.stdout.includes('HTTP/1.0 200 ok'));
  }
  const only12 = await opensslRsaServer(['-www', '-tls1_2']);
  for (const flag of ['-tls1_3', '-no_tls1_2']) {
    const r = await postern(['-connect', `localhost:${only12}`, flag]);
    assert.equal(r.code, 1, flag);
    assert.match(r.stderr, /postern s_client: TLS alert protocol_version \(remote\)/, flag);
  }
  assert.equal(
    protocol((await postern(['-connect', `localhost:${www}`, '-no_tls1_2'])).stdout),
    'TLSv1.3',
  );
});

test('-cipher: the suite the server picks from our list is printed by its OpenSSL name, as openssl s_client prints it', async () => {
  const port = await opensslRsaServer(['-www', '-cipher', 'ALL:@SECLEVEL=1']);
  for (const cipher of [
    'ECDHE-RSA-AES256-GCM-SHA384',
    'DHE-RSA-CHACHA20-POLY1305',
    'AES128-SHA',
    'ECDHE-RSA-AES128-SHA',
    'AES256-SHA256',
  ]) {
    const ours = await postern(['-connect', `localhost:${port}`, '-tls1_2', '-cipher', cipher]);
    const theirs = await run(
      'openssl',
      ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_2', '-cipher', cipher],
      '',
    );
    assert.equal(ours.code, 0, `${cipher}: ${ours.stderr}`);
    assert.equal(newLine(ours.stdout), newLine(theirs.stdout), cipher);
    assert.ok(ours.stdout.includes(`    Cipher    : ${cipher}\n`), cipher);
  }
  const list = await postern([
    '-connect',
    `localhost:${port}`,
    '-tls1_2',
    '-cipher',
    'kRSA+AESGCM:!AES128',
    '-quiet',
  ]);
  assert.equal(list.code, 0, list.stderr);
  assert.ok(list.stdout.includes('Cipher is AES256-GCM-SHA384'), 'the www page names the suite');
});

test('-ciphersuites: the TLS 1.3 suites offered; an empty list offers TLS 1.2 alone', async () => {
  const r = await postern([
    '-connect',
    `localhost:${www}`,
    '-ciphersuites',
    'TLS_AES_256_GCM_SHA384',
  ]);
  assert.equal(newLine(r.stdout), 'New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384');
  const none = await postern(['-connect', `localhost:${www}`, '-ciphersuites', '']);
  assert.equal(protocol(none.stdout), 'TLSv1.2');
});

test('-dh_min_bits: a 1024-bit server group is refused by default and accepted when the minimum is lowered', async () => {
  const dh1024 = pki.dhParams('dh1024.pem', 1024);
  const port = await opensslRsaServer([
    '-www',
    '-tls1_2',
    '-dhparam',
    dh1024,
    '-cipher',
    'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=1',
  ]);
  const refused = await postern(['-connect', `localhost:${port}`, '-cipher', 'kDHE']);
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /TLS alert insufficient_security \(local\): server DH group of 1024 bits is below the minimum of 2048/,
  );
  const accepted = await postern([
    '-connect',
    `localhost:${port}`,
    '-cipher',
    'kDHE',
    '-dh_min_bits',
    '1024',
  ]);
  assert.equal(accepted.code, 0, accepted.stderr);
  assert.equal(newLine(accepted.stdout), 'New, TLSv1.2, Cipher is DHE-RSA-AES128-GCM-SHA256');
  // A group with no NamedGroup code is still described by its size, as openssl s_client does.
  assert.match(accepted.stdout, /^Server Temp Key: DH, 1024 bits$/m);
  // OpenSSL's own 2048-bit group (not an RFC 7919 one) passes the default minimum.
  const auto = await opensslRsaServer(['-www', '-tls1_2', '-cipher', 'DHE-RSA-AES256-GCM-SHA384']);
  const r = await postern([
    '-connect',
    `localhost:${auto}`,
    '-cipher',
    'DHE-RSA-AES256-GCM-SHA384',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(newLine(r.stdout), 'New, TLSv1.2, Cipher is DHE-RSA-AES256-GCM-SHA384');
});

test('TLS 1.2 usage errors: the bad cipher word is named; versions that exclude each other', async () => {
  const bad = await postern(['-connect', `localhost:${www}`, '-cipher', 'ECDHE:+SHA1:BOGUS']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^postern s_client: -cipher: unknown cipher-string word "BOGUS"\n/);
  const badSuite = await postern([
    '-connect',
    `localhost:${www}`,
    '-ciphersuites',
    'ECDHE-RSA-AES128-GCM-SHA256',
  ]);
  assert.equal(badSuite.code, 2);
  assert.match(badSuite.stderr, /unknown TLS 1\.3 cipher suite "ECDHE-RSA-AES128-GCM-SHA256"/);
  const both = await postern(['-connect', `localhost:${www}`, '-tls1_2', '-tls1_3']);
  assert.equal(both.code, 2);
  const empty = await postern(['-connect', `localhost:${www}`, '-tls1_3', '-ciphersuites', '']);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /no protocol version is left/);
  const small = await postern(['-connect', `localhost:${www}`, '-dh_min_bits', '768']);
  assert.equal(small.code, 2);
});
