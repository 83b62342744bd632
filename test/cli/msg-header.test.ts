import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { messagePrinter } from '../../src/cli/tls-options.js';
import { deterministicRandom } from '../../src/prng/deterministic.js';
import { Pair } from '../helpers/tls-pair.js';
import { SERVER_NAME, TlsPki } from '../helpers/tls-pki.js';

const pki = new TlsPki(['p256']);
after(() => pki.cleanup());

function headers(maxVersion: 'TLSv1.2' | 'TLSv1.3'): string[] {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const pair = Pair.create(
    {
      random: deterministicRandom('msg client'),
      serverName: SERVER_NAME,
      trustStore: pki.trustStore,
      maxVersion,
      onMessage: messagePrinter(out),
    },
    { random: deterministicRandom('msg server'), certificates: [pki.servers.p256.certified] },
  );
  pair.pump();
  assert.equal(pair.error('client'), undefined);
  return text.split('\n').filter((l) => l.startsWith('>>>') || l.startsWith('<<<'));
}

test('-msg headers name the version each message belongs to', () => {
  const v12 = headers('TLSv1.2');
  assert.ok(v12.length >= 8, v12.join('\n'));
  for (const line of v12)
    assert.match(line, /^(>>>|<<<) TLS 1\.2 Handshake \[length [0-9a-f]{4}\], /);
  assert.ok(
    v12.some((l) => l.endsWith('ServerKeyExchange')),
    v12.join('\n'),
  );
  const v13 = headers('TLSv1.3');
  for (const line of v13) assert.match(line, /^(>>>|<<<) TLS 1\.3 Handshake /);
  assert.ok(
    v13.some((l) => l.endsWith('EncryptedExtensions')),
    v13.join('\n'),
  );
});
