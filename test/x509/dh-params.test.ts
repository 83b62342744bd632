import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openssl, opensslResult } from './pki.js';
import { generatePrime, isProbablePrime } from '../../src/crypto/prime.js';
import { deterministicRandom } from '../../src/prng/deterministic.js';
import { X509Error } from '../../src/x509/errors.js';
import {
  checkDhParameters,
  encodeDhParametersPem,
  generateDhParameters,
  loadDhParameters,
  parseDhParametersPem,
} from '../../src/x509/dh-params.js';

const dir = mkdtempSync(join(tmpdir(), 'postern-dh-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const random = deterministicRandom('dh-params test');

function code(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof X509Error, String(err));
    return err.code;
  }
  return 'none';
}

test('parameters from `openssl dhparam 768` load, with p, g and size', () => {
  const file = join(dir, 'dh768.pem');
  openssl(['dhparam', '-out', file, '768']);
  const text = readFileSync(file, 'latin1');
  const params = loadDhParameters(text, random);
  assert.equal(params.bits, 768);
  assert.equal(params.g, 2n);
  assert.equal(params.q, (params.p - 1n) / 2n);
  const printed = openssl(['dhparam', '-in', file, '-noout', '-text']);
  const hex = /P:\s*\n([\s0-9a-f:]+)\n\s+G:/.exec(printed)?.[1]?.replace(/[\s:]/g, '');
  assert.equal(params.p, BigInt(`0x${hex}`));
});

test('the RFC 7919 ffdhe2048 group written by openssl loads and re-encodes byte for byte', () => {
  const file = join(dir, 'ffdhe2048.pem');
  openssl([
    'genpkey',
    '-genparam',
    '-algorithm',
    'DH',
    '-pkeyopt',
    'group:ffdhe2048',
    '-out',
    file,
  ]);
  const text = readFileSync(file, 'latin1');
  const { p, g } = parseDhParametersPem(text);
  const params = checkDhParameters({ p, g }, random, 2048);
  assert.equal(params.bits, 2048);
  assert.equal(encodeDhParametersPem(p, g), text);
});

test('refused: p not a safe prime, g out of range, p below the minimum, no DH block', () => {
  let p = generatePrime(512, random);
  while (isProbablePrime((p - 1n) / 2n, random)) p = generatePrime(512, random);
  const safe = loadDhParameters(readFileSync(join(dir, 'dh768.pem'), 'latin1'), random);
  assert.equal(
    code(() => checkDhParameters({ p, g: 2n }, random)),
    'invalid_dh_parameters',
    'a prime that is not safe',
  );
  assert.equal(
    code(() => checkDhParameters({ p: safe.p, g: 1n }, random)),
    'invalid_dh_parameters',
  );
  assert.equal(
    code(() => checkDhParameters({ p: safe.p, g: safe.p - 1n }, random)),
    'invalid_dh_parameters',
  );
  assert.equal(
    code(() => checkDhParameters({ p: safe.p, g: 2n }, random, 2048)),
    'invalid_dh_parameters',
  );
  assert.equal(
    code(() => checkDhParameters({ p: safe.p + 2n, g: 2n }, random)),
    'invalid_dh_parameters',
  );
  assert.equal(
    code(() => parseDhParametersPem('no pem here')),
    'malformed_pem',
  );
});

test('generated parameters (768 bits, fixed seed) pass `openssl dhparam -check`', () => {
  const params = generateDhParameters(768, deterministicRandom('dhparam 768'));
  assert.equal(params.bits, 768);
  assert.equal(params.p % 24n, 23n);
  const file = join(dir, 'ours768.pem');
  writeFileSync(file, encodeDhParametersPem(params.p, params.g));
  assert.deepEqual(
    checkDhParameters(parseDhParametersPem(readFileSync(file, 'latin1')), random),
    params,
  );
  const check = opensslResult(['dhparam', '-in', file, '-check', '-noout']);
  assert.equal(check.status, 0);
  assert.match(check.stdout + check.stderr, /DH parameters appear to be ok/);
});

test('`postern dhparam -out FILE 512` writes a loadable group', async () => {
  const { main } = await import('../../src/cli/main.js');
  const { PassThrough } = await import('node:stream');
  const out = join(dir, 'cli512.pem');
  const stderr = new PassThrough();
  stderr.resume();
  assert.equal(
    await main(['dhparam', '-out', out, '512'], {
      stdout: new PassThrough(),
      stderr,
      stdin: new PassThrough(),
    }),
    0,
  );
  assert.equal(loadDhParameters(readFileSync(out, 'latin1'), random).bits, 512);
  assert.equal(
    await main(['dhparam', '100'], { stdout: new PassThrough(), stderr, stdin: new PassThrough() }),
    2,
  );
});
