import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Pki, SERVER_EXTENSIONS } from './pki.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { parseDer } from '../../src/x509/der.js';
import { derInteger, derOid, derSequence, tlv } from '../../src/x509/der-write.js';
import {
  encodeDhParametersPem,
  generateDhParameters,
  loadDhParameters,
} from '../../src/x509/dh-params.js';
import { X509Error } from '../../src/x509/errors.js';
import { OID } from '../../src/x509/oid.js';
import { parsePem } from '../../src/x509/pem.js';
import { parsePrivateKeyPem } from '../../src/x509/private-key.js';
import { parseSubjectPublicKeyInfo } from '../../src/x509/public-key.js';
import { deterministicRandom } from '../../src/prng/deterministic.js';

/** Issue 13 item 12: oversized keys in certificates, SPKIs, private keys and DH files are refused at parse time. */

const oddOfBits = (bits: number): bigint => (1n << BigInt(bits - 1)) | 0x1234567n | 1n;
const bitString = (der: Uint8Array): Uint8Array => tlv(0x03, Uint8Array.of(0, ...der));
const NULL = Uint8Array.of(0x05, 0x00);

function rsaSpki(n: bigint, e: bigint): Uint8Array {
  return derSequence([
    derSequence([derOid(OID.rsaEncryption), NULL]),
    bitString(derSequence([derInteger(n), derInteger(e)])),
  ]);
}
function dsaSpki(p: bigint, q: bigint): Uint8Array {
  return derSequence([
    derSequence([derOid(OID.dsa), derSequence([derInteger(p), derInteger(q), derInteger(2n)])]),
    bitString(derInteger(3n)),
  ]);
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof X509Error, String(err));
    return err.code;
  }
  return 'none';
}
const spkiCode = (der: Uint8Array): string => code(() => parseSubjectPublicKeyInfo(parseDer(der)));

test('SPKI: RSA above 16,384 bits, or e above 64 bits past 3,072 bits; DSA p above 10,000 bits or q of another size', () => {
  assert.equal(spkiCode(rsaSpki(oddOfBits(16385), 65537n)), 'unsupported_key_size');
  assert.equal(spkiCode(rsaSpki(oddOfBits(16384), 65537n)), 'none');
  assert.equal(spkiCode(rsaSpki(oddOfBits(4096), (1n << 64n) | 1n)), 'unsupported_key_size');
  assert.equal(spkiCode(rsaSpki(oddOfBits(4096), (1n << 63n) | 1n)), 'none');
  assert.equal(spkiCode(rsaSpki(oddOfBits(3072), (1n << 100n) | 1n)), 'none');
  assert.equal(spkiCode(dsaSpki(oddOfBits(10001), oddOfBits(256))), 'unsupported_key_size');
  assert.equal(spkiCode(dsaSpki(oddOfBits(2048), oddOfBits(192))), 'unsupported_key_size');
  assert.equal(spkiCode(dsaSpki(oddOfBits(2048), oddOfBits(256))), 'none');
});

const pki = new Pki();
after(() => pki.cleanup());

test('a certificate carrying an oversized RSA key is refused when parsed, before any signature check', () => {
  pki.issue('leaf', pki.key('leaf', 'rsa'), '/CN=leaf', undefined, {
    extensions: SERVER_EXTENSIONS,
  });
  const der = (parsePem(readFileSync(pki.path('leaf.pem'), 'latin1'))[0] as { der: Uint8Array })
    .der;
  const spki = parseCertificate(der).publicKey.der;
  const huge = rsaSpki(oddOfBits(20000), 65537n);
  // Splice the huge SPKI in place of the real one, every enclosing length rewritten.
  const tbs = parseDer(parseCertificate(der).tbsDer);
  const fields = tbs.children.map((c) => (sameBytes(c.raw, spki) ? huge : c.raw));
  const root = parseDer(der);
  const forged = derSequence([
    derSequence(fields),
    (root.children[1] as { raw: Uint8Array }).raw,
    (root.children[2] as { raw: Uint8Array }).raw,
  ]);
  assert.equal(
    code(() => parseCertificate(forged)),
    'unsupported_key_size',
  );
});

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

test('private keys: an RSA key above 16,384 bits and a DSA key with a 192-bit q are refused by size, not as malformed', () => {
  const n = oddOfBits(16400);
  const rsa = derSequence([0n, n, 65537n, 3n, 5n, 7n, 1n, 1n, 1n].map(derInteger));
  assert.equal(
    code(() => parsePrivateKeyPem({ label: 'RSA PRIVATE KEY', headers: new Map(), der: rsa })),
    'unsupported_key_size',
  );
  const dsa = derSequence([0n, oddOfBits(2048), oddOfBits(192), 2n, 3n, 5n].map(derInteger));
  assert.equal(
    code(() => parsePrivateKeyPem({ label: 'DSA PRIVATE KEY', headers: new Map(), der: dsa })),
    'unsupported_key_size',
  );
});

test('DH parameter files: p above 10,000 bits is refused before the primality test', () => {
  const random = deterministicRandom('dh bound');
  assert.equal(
    code(() => loadDhParameters(encodeDhParametersPem(oddOfBits(10001), 2n), random)),
    'unsupported_key_size',
  );
  assert.equal(
    code(() => generateDhParameters(10001, random)),
    'unsupported_key_size',
  );
});
