import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntropySourceError } from '../../src/prng/entropy-source-error.js';
import {
  EntropySourceSpecError,
  parseEntropySource,
  readEntropySource,
} from '../../src/prng/entropy-source.js';
import { EgdServer } from '../helpers/egd-server.js';

const dir = mkdtempSync(join(tmpdir(), 'postern-src-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const pattern = (n: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

test("parseEntropySource: dev:, egd: and a plain file (the seed's three types)", () => {
  assert.deepEqual(parseEntropySource('dev:/dev/urandom'), {
    kind: 'dev',
    path: '/dev/urandom',
    spec: 'dev:/dev/urandom',
  });
  assert.deepEqual(parseEntropySource(' egd:/var/run/egd-pool '), {
    kind: 'egd',
    path: '/var/run/egd-pool',
    spec: 'egd:/var/run/egd-pool',
  });
  assert.deepEqual(parseEntropySource('/etc/postfix/seed'), {
    kind: 'file',
    path: '/etc/postfix/seed',
    spec: '/etc/postfix/seed',
  });
  assert.throws(() => parseEntropySource('dev:'), EntropySourceSpecError);
  assert.throws(() => parseEntropySource('egd:relative/sock'), /must be absolute/);
  assert.throws(() => parseEntropySource('random.bin'), /must be absolute/);
});

test('dev:/dev/urandom gives the bytes asked for, also more than one 255-byte step', async () => {
  const src = parseEntropySource('dev:/dev/urandom');
  assert.equal((await readEntropySource(src, 32)).length, 32);
  const big = await readEntropySource(src, 600);
  assert.equal(big.length, 600);
  assert.ok(new Set(big).size > 100, 'urandom output is not constant');
});

test('dev: on a FIFO: reads what the writer gives, non-blocking, and stops when the writer has no more', async () => {
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const reading = readEntropySource(parseEntropySource(`dev:${fifo}`), 32, 5000);
  // The reader opened the FIFO synchronously (non-blocking), so a non-blocking writer can open it now.
  const w = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  writeSync(w, pattern(20));
  closeSync(w);
  assert.deepEqual(await reading, pattern(20));
});

test('dev: on a FIFO nobody writes to times out with an EntropySourceError (no hang)', async () => {
  const fifo = join(dir, 'fifo-silent');
  execFileSync('mkfifo', [fifo]);
  await assert.rejects(
    readEntropySource(parseEntropySource(`dev:${fifo}`), 32, 150),
    (e: unknown) => e instanceof EntropySourceError && /no data within 150 ms/.test(e.message),
  );
});

test('dev: on a missing device is an EntropySourceError naming it', async () => {
  await assert.rejects(
    readEntropySource(parseEntropySource(`dev:${join(dir, 'nodev')}`), 32),
    (e: unknown) =>
      e instanceof EntropySourceError &&
      e.source.startsWith('dev:') &&
      /cannot open/.test(e.message),
  );
});

test('plain file shorter than tls_random_bytes: what it has; longer: exactly tls_random_bytes, beyond 255', async () => {
  const short = join(dir, 'short');
  writeFileSync(short, pattern(10));
  assert.deepEqual(await readEntropySource(parseEntropySource(short), 32), pattern(10));
  const long = join(dir, 'long');
  writeFileSync(long, pattern(5000));
  assert.deepEqual(await readEntropySource(parseEntropySource(long), 2048), pattern(2048));
  assert.deepEqual(await readEntropySource(parseEntropySource(long), 32), pattern(32));
});

test('plain file: empty or missing is an EntropySourceError', async () => {
  const empty = join(dir, 'empty');
  writeFileSync(empty, '');
  await assert.rejects(readEntropySource(parseEntropySource(empty), 32), /the file is empty/);
  await assert.rejects(readEntropySource(parseEntropySource(join(dir, 'none')), 32), /cannot open/);
});

test('egd: through readEntropySource asks for tls_random_bytes', async () => {
  const server = await EgdServer.start(join(dir, 'egd.sock'), { available: 100 });
  try {
    assert.equal(
      (await readEntropySource(parseEntropySource(`egd:${server.path}`), 32)).length,
      32,
    );
    assert.deepEqual(server.requests, [[0x01, 32]]);
  } finally {
    await server.close();
  }
});

test('a byte count below 1 is a RangeError', async () => {
  await assert.rejects(readEntropySource(parseEntropySource('dev:/dev/urandom'), 0), RangeError);
});
