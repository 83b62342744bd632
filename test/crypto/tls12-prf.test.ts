import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { tls12Prf } from '../../src/crypto/tls12-prf.js';
import { loadVectors, hex, toHex } from '../helpers/vectors.js';

interface PrfCase {
  hash: 'sha256' | 'sha384';
  secret: string;
  label: string;
  seed: string;
  length: number;
  output: string;
}
const vectors = loadVectors<{ cases: PrfCase[] }>('tls12-prf.json');

test('TLS 1.2 PRF SHA-256 vector', () => {
  for (const c of vectors.cases) {
    assert.equal(toHex(tls12Prf(c.hash, hex(c.secret), c.label, hex(c.seed), c.length)), c.output);
  }
});

test('shorter outputs are prefixes of longer ones', () => {
  for (const c of vectors.cases) {
    assert.equal(
      toHex(tls12Prf(c.hash, hex(c.secret), c.label, hex(c.seed), 12)),
      c.output.slice(0, 24),
    );
  }
});

function opensslPrf(
  digest: string,
  secret: string,
  label: string,
  seed: string,
  length: number,
): string {
  const labelHex = Buffer.from(label, 'utf8').toString('hex');
  const out = execFileSync('openssl', [
    'kdf',
    '-keylen',
    String(length),
    '-kdfopt',
    `digest:${digest}`,
    '-kdfopt',
    `hexsecret:${secret}`,
    '-kdfopt',
    `hexseed:${labelHex}${seed}`,
    'TLS1-PRF',
  ]);
  return out.toString().trim().replace(/:/g, '').toLowerCase();
}

test('SHA-256 and SHA-384 PRF agree with openssl kdf TLS1-PRF on other inputs', () => {
  const secret =
    '0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0112233445566778899aabbccddeeff00';
  const seed = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
  for (const [hash, digest] of [
    ['sha256', 'SHA256'],
    ['sha384', 'SHA384'],
  ] as const) {
    for (const length of [12, 48, 104]) {
      assert.equal(
        toHex(tls12Prf(hash, hex(secret), 'master secret', hex(seed), length)),
        opensslPrf(digest, secret, 'master secret', seed, length),
        `${hash} ${length}`,
      );
    }
  }
});
