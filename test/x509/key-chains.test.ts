import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Pki, CA_EXTENSIONS, SERVER_EXTENSIONS } from './pki.js';
import type { Certificate } from '../../src/x509/certificate.js';
import { x509Refusal as refusal } from './x509-refusal.js';
import { loadKeyChains, parseKeyChains } from '../../src/x509/key-chains.js';

const pki = new Pki();
after(() => pki.cleanup());

pki.issue('ca', pki.key('ca', 'p256'), '/CN=CA', undefined, { extensions: CA_EXTENSIONS });
pki.issue('rsa', pki.key('rsa', 'rsa'), '/CN=rsa.example.org', 'ca', {
  extensions: SERVER_EXTENSIONS,
});
pki.issue('p256', pki.key('p256', 'p256'), '/CN=p256.example.org', 'ca', {
  extensions: SERVER_EXTENSIONS,
});

const read = (name: string): string => readFileSync(pki.path(name), 'latin1');
const subjectCn = (c: Certificate | undefined): string | undefined =>
  c?.subject.rdns.flat().find((a) => a.type === '2.5.4.3')?.text;

test('key1, cert1, chain1, key2, cert2: two pairs, each chain leaf first with its issuer', () => {
  const text =
    read('rsa.key') + read('rsa.pem') + read('ca.pem') + read('p256.key') + read('p256.pem');
  const pairs = parseKeyChains(text, 'both.pem');
  assert.equal(pairs.length, 2);
  assert.deepEqual(
    pairs.map((p) => p.chain.map(subjectCn)),
    [['rsa.example.org', 'CA'], ['p256.example.org']],
  );
  assert.deepEqual(
    pairs.map((p) => p.key.kind),
    ['rsa', 'ec'],
  );
});

test('several files are one concatenated text: a key may sit in the file before its certificate', () => {
  const pairs = loadKeyChains([pki.path('p256.key'), pki.path('p256.pem')]);
  assert.equal(pairs.length, 1);
  assert.equal(subjectCn(pairs[0]?.chain[0]), 'p256.example.org');
});

test('the order is enforced: certificate first, key without certificate, key of another certificate, no key', () => {
  assert.match(
    refusal(() => parseKeyChains(read('rsa.pem') + read('rsa.key'), 'f.pem')),
    /^chain_order: f\.pem: a certificate before any private key/,
  );
  assert.match(
    refusal(() => parseKeyChains(read('rsa.key') + read('rsa.pem') + read('p256.key'), 'f.pem')),
    /^chain_order: f\.pem: private key 2 is not followed by its certificate/,
  );
  assert.match(
    refusal(() => parseKeyChains(read('rsa.key') + read('p256.pem'), 'f.pem')),
    /^key_mismatch: f\.pem: private key 1 does not match the certificate after it/,
  );
  assert.match(
    refusal(() => parseKeyChains(read('ca.pem'), 'f.pem')),
    /^chain_order/,
  );
  assert.match(
    refusal(() => parseKeyChains('', 'f.pem')),
    /^no_private_key: f\.pem/,
  );
  assert.match(
    refusal(() => loadKeyChains([pki.path('missing.pem')])),
    /^io_error: .*missing\.pem/,
  );
});
