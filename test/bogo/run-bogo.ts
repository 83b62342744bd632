// `npm run test:bogo`: runs BoringSSL's BoGo suite against the shim when
// BOGO_RUNNER names a runner binary built on this machine (`go test -c` in
// BoringSSL's ssl/test/runner), and prints the totals read from the runner's
// JSON output. BoringSSL is never part of this repository.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const shimPath = join(repo, 'test/bogo/shim');
const configPath = join(repo, 'test/bogo/config.json');

const HOW_TO = `BOGO_RUNNER is not set: the BoGo suite needs BoringSSL's test runner, built locally.
  1. Go 1.26 (Debian: golang-1.26-go and golang-1.26-src, from sid or trixie-backports) and the
     runner's modules (golang-golang-x-crypto-dev, golang-golang-x-sys-dev, golang-golang-x-term-dev,
     golang-filippo-mldsa-dev), unpacked with dpkg -x into a folder outside this repository.
  2. BoringSSL's ssl/test/runner and util/testresult (github.com/google/boringssl) in that folder,
     with a go.mod whose replace lines point at the unpacked module sources.
  3. GOPROXY=off GOTOOLCHAIN=local GOFLAGS=-mod=mod go test -c -o runner.test  (in ssl/test/runner)
  4. BOGO_RUNNER=/path/to/runner.test npm run test:bogo
     optional: BOGO_TEST='glob;glob' (a subset), BOGO_WORKERS (2), BOGO_COUNT_DISABLED=0 (skip the disabled count)`;

interface RunnerJson {
  num_failures_by_type?: Record<string, number>;
  tests?: Record<string, { actual: string; expected: string }>;
}

function runRunner(runner: string, args: string[], quiet: boolean): Promise<number> {
  return new Promise((done, fail) => {
    // The runner reads nothing from its directory but is built there; run it where it lives.
    const child = spawn(runner, args, {
      cwd: process.env.BOGO_RUNNER_CWD ?? dirname(runner),
      stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'],
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => done(code ?? (signal !== null ? 128 : 1)));
  });
}

function readResults(path: string): RunnerJson {
  return JSON.parse(readFileSync(path, 'utf8')) as RunnerJson;
}

function tally(results: RunnerJson): { passed: number; failed: number; unimplemented: number } {
  const byType = results.num_failures_by_type ?? {};
  return { passed: byType.PASS ?? 0, failed: byType.FAIL ?? 0, unimplemented: byType.SKIP ?? 0 };
}

/**
 * Disabled tests are absent from the runner's JSON; they are counted by a
 * second, quick pass over the DisabledTests globs with -include-disabled and
 * a stand-in shim that answers "unimplemented" (89) to every test.
 */
async function countDisabled(runner: string, dir: string): Promise<number> {
  const globs = Object.keys(
    (JSON.parse(readFileSync(configPath, 'utf8')) as { DisabledTests: Record<string, string> })
      .DisabledTests,
  );
  const stub = join(dir, 'unimplemented-shim');
  writeFileSync(
    stub,
    '#!/bin/sh\ncase "$*" in *-is-handshaker-supported*) echo No; exit 0;; esac\nexit 89\n',
  );
  chmodSync(stub, 0o755);
  const out = join(dir, 'disabled.json');
  await runRunner(
    runner,
    [
      '-shim-path',
      stub,
      '-num-workers',
      '2',
      '-allow-unimplemented',
      '-include-disabled',
      '-test',
      globs.join(';'),
      '-json-output',
      out,
    ],
    true,
  );
  return tally(readResults(out)).unimplemented;
}

async function main(): Promise<number> {
  const runner = process.env.BOGO_RUNNER;
  if (runner === undefined || runner === '') {
    process.stdout.write(`${HOW_TO}\n`);
    return 0;
  }
  const dir = mkdtempSync(join(tmpdir(), 'postern-bogo-'));
  try {
    const out = join(dir, 'results.json');
    const args = [
      '-shim-path',
      shimPath,
      '-shim-config',
      configPath,
      '-num-workers',
      process.env.BOGO_WORKERS ?? '2',
      '-allow-unimplemented',
      '-json-output',
      out,
    ];
    if (process.env.BOGO_TEST) args.push('-test', process.env.BOGO_TEST);
    const code = await runRunner(runner, args, false);
    const { passed, failed, unimplemented } = tally(readResults(out));
    const disabled =
      process.env.BOGO_COUNT_DISABLED === '0' || process.env.BOGO_TEST
        ? undefined
        : await countDisabled(runner, dir);
    process.stdout.write(
      `${passed} passed, ${failed} failed, ${unimplemented} unimplemented${disabled === undefined ? '' : `, ${disabled} disabled`}\n`,
    );
    return failed > 0 || code !== 0 ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `npm test` runs every file of dist/test: loaded that way, this program does not start the suite.
const loadedByTestRunner = process.env.NODE_TEST_CONTEXT !== undefined;
(loadedByTestRunner ? Promise.resolve(0) : main()).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`test:bogo: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
