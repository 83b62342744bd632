import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './helpers/vectors.js';

interface PackageJson {
  exports: Record<string, string | { types: string; default: string }>;
  files: string[];
}

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;

test('package.json exports the public surfaces, each with its types, built into dist/src', async () => {
  const surfaces: Record<string, string[]> = {
    '.': ['connect', 'createServer', 'createServerConnection'],
    './tls': ['connect', 'createServer', 'startTlsServer', 'TlsConnectionError', 'TlsConfigError', 'MemorySessionStore'],
    './x509': ['loadCertificateAndKey', 'TrustStore', 'verifyChain'],
    './crypto': ['createAead', 'hash', 'constantTimeEqual'],
    './prng': ['createSystemRandom', 'HmacDrbg'],
  };
  for (const [name, names] of Object.entries(surfaces)) {
    const entry = pkg.exports[name];
    assert.ok(entry !== undefined && typeof entry === 'object', `${name} is exported with types`);
    assert.ok(entry.default.startsWith('./dist/src/') && existsSync(join(repoRoot, entry.default)), `${name}: ${entry.default}`);
    assert.ok(existsSync(join(repoRoot, entry.types)), `${name}: ${entry.types}`);
    const mod = (await import(pathToFileURL(join(repoRoot, entry.default)).href)) as Record<string, unknown>;
    for (const n of names) assert.ok(n in mod, `${name} exports ${n}`);
  }
});

test('the package holds the built library and the command, no tests or benchmarks', () => {
  assert.ok(pkg.files.includes('dist/src'));
  assert.ok(pkg.files.every((f) => !f.startsWith('dist/test') && !f.startsWith('dist/bench') && f !== 'dist' && f !== 'test' && f !== 'bench'));
});
