import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
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
    './tls': [
      'connect',
      'createServer',
      'startTlsServer',
      'TlsConnectionError',
      'TlsConfigError',
      'MemorySessionStore',
    ],
    './tls/sqlite': ['SqliteSessionStore'],
    './tls/redis': ['RedisSessionStore'],
    './x509': ['loadCertificateAndKey', 'TrustStore', 'verifyChain'],
    './smtp': ['SmtpServer', 'SmtpServerSession', 'ReplyParser'],
    './crypto': ['createAead', 'hash', 'constantTimeEqual'],
    './prng': ['createSystemRandom', 'HmacDrbg'],
  };
  for (const [name, names] of Object.entries(surfaces)) {
    const entry = pkg.exports[name];
    assert.ok(entry !== undefined && typeof entry === 'object', `${name} is exported with types`);
    assert.ok(
      entry.default.startsWith('./dist/src/') && existsSync(join(repoRoot, entry.default)),
      `${name}: ${entry.default}`,
    );
    assert.ok(existsSync(join(repoRoot, entry.types)), `${name}: ${entry.types}`);
    const mod = (await import(pathToFileURL(join(repoRoot, entry.default)).href)) as Record<
      string,
      unknown
    >;
    for (const n of names) assert.ok(n in mod, `${name} exports ${n}`);
  }
});

test('the package holds the built library and the command, no tests or benchmarks', () => {
  assert.ok(pkg.files.includes('dist/src'));
  assert.ok(
    pkg.files.every(
      (f) =>
        !f.startsWith('dist/test') &&
        !f.startsWith('dist/bench') &&
        f !== 'dist' &&
        f !== 'test' &&
        f !== 'bench',
    ),
  );
});

/** The README's fenced block after `<!-- example: NAME -->`. */
function readmeExample(name: string): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const m = new RegExp(`<!-- example: ${name} -->\\n\`\`\`js\\n([\\s\\S]*?)\`\`\`\\n`).exec(readme);
  assert.ok(m?.[1] !== undefined, `README has the ${name} example`);
  return m[1];
}

test('the README example runs as written from the packed package (npm pack, unpacked as node_modules/postern)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-pack-'));
  try {
    // --ignore-scripts: dist is already built (prepare would rebuild it under the running tests).
    const tarball = execFileSync(
      'npm',
      ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir],
      { cwd: repoRoot, encoding: 'utf8' },
    )
      .trim()
      .split('\n')
      .pop() as string;
    const installed = join(dir, 'node_modules', 'postern');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(dir, tarball), '-C', installed, '--strip-components=1']);
    assert.ok(!existsSync(join(installed, 'dist', 'test')), 'no tests in the package');
    // Offline: the package's dependencies come from this checkout's node_modules, as npm would have installed them.
    const deps = Object.keys(
      (
        JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
          dependencies: Record<string, string>;
        }
      ).dependencies,
    );
    for (const dep of deps) {
      const target = join(dir, 'node_modules', dep);
      mkdirSync(join(target, '..'), { recursive: true });
      symlinkSync(join(repoRoot, 'node_modules', dep), target);
    }
    assert.ok(readdirSync(join(dir, 'node_modules')).includes('postern'));
    writeFileSync(join(dir, 'example.mjs'), readmeExample('tls'));
    const out = execFileSync(process.execPath, ['example.mjs'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.match(out, /^TLS_\w+, verified: true\nhello over TLSv1\.3\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('importing postern/tls loads neither better-sqlite3 nor ioredis; their stores are postern/tls/sqlite and postern/tls/redis', () => {
  const loaded = (entry: string): string => {
    const script = `import(${JSON.stringify(pathToFileURL(join(repoRoot, entry)).href)}).then(async () => {
      const { createRequire } = await import('node:module');
      const cache = createRequire(import.meta.url).cache;
      console.log(['better-sqlite3', 'ioredis'].filter((m) => Object.keys(cache).some((k) => k.includes('/node_modules/' + m + '/'))).join(',') || 'none');
    });`;
    return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    }).trim();
  };
  assert.equal(loaded('dist/src/tls/index.js'), 'none');
  assert.equal(loaded('dist/src/tls/session/stores/sqlite.js'), 'better-sqlite3');
  assert.equal(loaded('dist/src/tls/session/stores/redis.js'), 'ioredis');
});
