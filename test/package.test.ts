import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

/** The fenced block of `lang` under README's "Using the TLS library" heading. */
function readmeBlock(lang: string): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Using the TLS library'));
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section);
  assert.ok(m?.[1] !== undefined, `README has a ${lang} block in "Using the TLS library"`);
  return m[1];
}

/**
 * Issue 13 item 17: README's example runs as written from a fresh `npm pack`
 * (of the dist/ npm test has just built; --ignore-scripts, since `prepare`
 * would rebuild it under the running tests). Offline: the tarball is
 * unpacked as node_modules/postern and its dependencies are linked from
 * this repository's node_modules, as npm would have installed them.
 */
test("README's postern/tls example runs from an npm pack install, with the README's openssl commands", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-pack-'));
  try {
    const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: repoRoot, encoding: 'utf8' }).trim().split('\n').at(-1) as string;
    const app = join(dir, 'app');
    const modules = join(app, 'node_modules');
    mkdirSync(modules, { recursive: true });
    execFileSync('tar', ['-xzf', join(dir, packed), '-C', modules]);
    renameSync(join(modules, 'package'), join(modules, 'postern'));
    const deps = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
    for (const dep of Object.keys(deps)) {
      mkdirSync(dirname(join(modules, dep)), { recursive: true });
      symlinkSync(join(repoRoot, 'node_modules', dep), join(modules, dep), 'dir');
    }
    assert.ok(!existsSync(join(modules, 'postern', 'dist', 'test')), 'no tests in the package');
    execFileSync('bash', ['-e', '-c', readmeBlock('bash')], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
    writeFileSync(join(app, 'example.mjs'), readmeBlock('js'));
    const out = execFileSync('node', ['example.mjs'], { cwd: app, encoding: 'utf8', timeout: 60_000 });
    assert.equal(out, 'TLS_CHACHA20_POLY1305_SHA256 verified\nhello over TLSv1.3\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
