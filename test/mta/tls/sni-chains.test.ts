import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { SniChains } from '../../../src/mta/tls/sni-chains.js';
import { loadMainParameters } from '../../../src/mta/config/index.js';
import { MailQueue } from '../../../src/mta/queue/index.js';
import { smtpdServerOptions } from '../../../src/mta/smtpd/smtpd-service.js';
import { deterministicRandom } from '../../../src/prng/index.js';
import { openTable } from '../../../src/mta/tables/open.js';
import { MemoryDelivery } from '../../../src/smtp/node/delivery.js';
import { MemoryLogger } from '../../../src/smtp/node/logger.js';
import { SmtpServer } from '../../../src/smtp/node/server.js';
import { connect } from '../../../src/tls/index.js';
import { loadKeyChains } from '../../../src/x509/key-chains.js';
import { TrustStore } from '../../../src/x509/trust-store.js';
import type { Certificate } from '../../../src/x509/certificate.js';
import { ReplyReader } from '../../helpers/smtp-client.js';
import { runMain } from '../../helpers/run-main.js';
import { CA_EXTENSIONS, Pki } from '../../x509/pki.js';

// tls_server_sni_maps: a default chain for mail.example.com, another for the
// example.net names (wildcard certificate), one for example.org.
const pki = new Pki();
after(() => pki.cleanup());
pki.issue('ca', pki.key('ca', 'p256'), '/CN=SNI test CA', undefined, { extensions: CA_EXTENSIONS });
const serverExt = (names: string): string[] => [
  'basicConstraints=CA:FALSE',
  'keyUsage=critical,digitalSignature',
  'extendedKeyUsage=serverAuth',
  `subjectAltName=${names}`,
];
pki.issue('default', pki.key('default', 'p256'), '/CN=mail.example.com', 'ca', {
  extensions: serverExt('DNS:mail.example.com'),
});
pki.issue('net', pki.key('net', 'p256'), '/CN=example.net', 'ca', {
  extensions: serverExt('DNS:example.net,DNS:*.example.net'),
});
pki.issue('org', pki.key('org', 'rsa'), '/CN=example.org', 'ca', {
  extensions: serverExt('DNS:example.org'),
});
const text = (name: string): string => readFileSync(pki.path(name), 'latin1');
const chainFile = (name: string): string => {
  const file = pki.path(`${name}-chain.pem`);
  writeFileSync(file, text(`${name}.key`) + text(`${name}.pem`) + text('ca.pem'));
  return file;
};
const net = chainFile('net');
const source = pki.path('sni');
writeFileSync(
  source,
  `example.net ${net}\n.example.net ${net}\nexample.org ${pki.path('org.key')}, ${pki.path('org.pem')}\n`,
);

const cn = (c: Certificate | undefined): string | undefined =>
  c?.subject.rdns.flat().find((a) => a.type === '2.5.4.3')?.text;
const leaf = (chains: readonly { chain: Certificate[] }[] | undefined): string | undefined =>
  cn(chains?.[0]?.chain[0]);

function chainsFor(spec: string): { sni: SniChains; log: string[] } {
  const log: string[] = [];
  return { sni: new SniChains([openTable(spec, { checkIntervalMs: 0 })], (l) => log.push(l)), log };
}

describe('SniChains lookups', () => {
  test('texthash: the name, then ".parent" ancestors; a file list value; no match and invalid names logged as Postfix', () => {
    const { sni, log } = chainsFor(`texthash:${source}`);
    assert.equal(leaf(sni.select('example.net', 'c[192.0.2.1]')), 'example.net');
    assert.equal(leaf(sni.select('MX.Sub.Example.NET', 'c[192.0.2.1]')), 'example.net');
    assert.equal(leaf(sni.select('example.org', 'c[192.0.2.1]')), 'example.org');
    assert.equal(
      sni.select('www.example.org', 'c[192.0.2.1]'),
      undefined,
      'example.org has no ".example.org" entry',
    );
    assert.equal(sni.select('bad_name!', 'c[192.0.2.1]'), undefined);
    assert.equal(sni.select(undefined, 'c[192.0.2.1]'), undefined);
    assert.deepEqual(log, [
      'TLS SNI www.example.org from c[192.0.2.1] not matched, using default chain',
      'warning: TLS SNI from c[192.0.2.1] is invalid: bad_name!',
    ]);
  });

  test('hash: built with postmap -F, the stored base64 contents are the chains', async () => {
    assert.equal((await runMain(['postmap', '-F', `hash:${source}`])).code, 0);
    const { sni } = chainsFor(`hash:${source}`);
    assert.equal(leaf(sni.select('a.example.net', 'c[x]')), 'example.net');
    assert.equal(sni.select('example.org', 'c[x]')?.[0]?.key.kind, 'rsa');
  });

  test('a value naming a missing file or a chain in the wrong order throws (the handshake then ends with internal_error)', () => {
    const broken = pki.path('sni-broken');
    writeFileSync(
      broken,
      `missing.example ${pki.path('nothing.pem')}\norder.example ${pki.path('org.pem')} ${pki.path('org.key')}\n`,
    );
    const { sni } = chainsFor(`texthash:${broken}`);
    assert.throws(() => sni.select('missing.example', 'c[x]'), /nothing\.pem/);
    assert.throws(
      () => sni.select('order.example', 'c[x]'),
      /a certificate before any private key/,
    );
  });
});

describe('smtpd with tls_server_sni_maps over loopback', () => {
  test('the client SNI name picks the chain; the TLS summary says "to NAME" only for a matched name', async () => {
    const logger = new MemoryLogger();
    const { sni, log } = chainsFor(`texthash:${source}`);
    const server = new SmtpServer({
      smtpd: { myhostname: 'mail.example.com', smtpdTlsWrappermode: true },
      tls: { certificates: loadKeyChains([chainFile('default')]) },
      sniChains: (name, who) => sni.select(name, who),
      delivery: new MemoryDelivery(),
      logger,
      smtpdTlsLoglevel: 1,
    });
    const { port } = await server.listen(0);
    const trustStore = TrustStore.load({ caFile: pki.path('ca.pem') });
    const presented = async (serverName: string): Promise<string | undefined> => {
      const socket = connect({ host: '127.0.0.1', port, serverName, trustStore });
      const r = new ReplyReader(socket);
      assert.equal((await r.next()).code, 220);
      const name = cn(socket.session?.peerCertificates[0]);
      await r.command('QUIT');
      return name;
    };
    try {
      assert.equal(await presented('smtp.example.net'), 'example.net');
      assert.equal(await presented('example.org'), 'example.org');
      assert.equal(await presented('mail.example.com'), 'mail.example.com');
      const summaries = logger.lines.filter((l) => l.includes('TLS connection established'));
      assert.match(
        summaries[0] ?? '',
        /^Anonymous TLS connection established from unknown\[127\.0\.0\.1\] to smtp\.example\.net: TLSv1\.3 /,
      );
      assert.match(summaries[1] ?? '', /from unknown\[127\.0\.0\.1\] to example\.org: /);
      assert.match(summaries[2] ?? '', /from unknown\[127\.0\.0\.1\]: TLSv1\.3 /);
      assert.deepEqual(log, [
        'TLS SNI mail.example.com from unknown[127.0.0.1] not matched, using default chain',
      ]);
    } finally {
      await server.close();
    }
  });
});

describe('main.cf wiring', () => {
  test('smtpd_tls_chain_files (legacy pairs ignored with a warning) and tls_server_sni_maps reach the smtpd', async () => {
    const dir = pki.path('conf');
    mkdirSync(dir);
    writeFileSync(
      `${dir}/main.cf`,
      [
        `queue_directory = ${dir}/queue`,
        `smtpd_tls_chain_files = ${pki.path('default.key')}, ${pki.path('default.pem')}, ${chainFile('org')}`,
        `smtpd_tls_cert_file = ${pki.path('net.pem')}`,
        `tls_server_sni_maps = texthash:${source}`,
        'smtpd_tls_security_level = may',
        'local_recipient_maps =',
        'compatibility_level = 3.6',
        '',
      ].join('\n'),
    );
    const params = loadMainParameters(dir).main;
    const random = deterministicRandom('sni wiring');
    const queue = await MailQueue.open(params.string('queue_directory'), { random });
    const log: string[] = [];
    const options = await smtpdServerOptions({
      params,
      queue,
      random,
      openTable: (spec) => openTable(spec, { baseDirectory: dir }),
      log: (l) => log.push(l),
      queued: () => {},
    });
    assert.deepEqual(
      options.tls?.certificates?.map((c) => cn(c.chain[0])),
      ['mail.example.com', 'example.org'],
    );
    assert.ok(
      log.includes('warning: smtpd_tls_chain_files is set: ignoring smtpd_tls_cert_file'),
      log.join('\n'),
    );
    assert.equal(leaf(options.sniChains?.('x.example.net', 'c[x]')), 'example.net');
  });
});
