import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { ManualClock } from '../../src/prng/clock.js';
import { createEntropyPool } from '../../src/prng/create-entropy-pool.js';
import { EntropyPool, PrngUnseededError } from '../../src/prng/entropy-pool.js';
import type { EntropyInput } from '../../src/prng/entropy-pool.js';
import { EXCHANGE_FILE_SIZE, writeExchangeFile } from '../../src/prng/exchange-file.js';
import type { Logger } from '../../src/prng/logger.js';
import { deadSocket, EgdServer } from '../helpers/egd-server.js';
import { toHex } from '../helpers/vectors.js';

const dir = mkdtempSync(join(tmpdir(), 'postern-pool-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info: ${m}`), warn: (m) => lines.push(`warning: ${m}`) };
}

/** An in-memory input that counts its reads and can be made to fail. */
function fixedInput(
  name: string,
  bytes: Uint8Array,
): EntropyInput & { reads: number; dead: boolean } {
  const input = {
    name,
    reads: 0,
    dead: false,
    read: async () => {
      input.reads++;
      if (input.dead) throw new Error('gone');
      return bytes;
    },
  };
  return input;
}

const seedBytes = (fill: number): Uint8Array => new Uint8Array(32).fill(fill);
const exchangeBytes = Uint8Array.from({ length: EXCHANGE_FILE_SIZE }, (_, i) => (i * 31) & 0xff);

test('reseed timing: every delay drawn from the pool lies in [0, tls_random_reseed_period], and each period reseeds', async () => {
  const clock = new ManualClock();
  const source = fixedInput('dev:test', seedBytes(1));
  const pool = await EntropyPool.create({
    initial: [source],
    reseed: [source],
    reseedPeriod: 60,
    clock,
    logger: recordingLogger(),
    pid: 42,
  });
  pool.startReseeding();
  for (let i = 0; i < 50; i++) {
    const before = source.reads;
    clock.advance(60_000);
    await pool.idle();
    assert.ok(source.reads > before, `a reseed happened within period ${i}`);
  }
  await pool.stop();
  assert.equal(clock.pending, 0, 'stop cancels the timer');
  assert.ok(clock.requestedDelays.length >= 50);
  for (const d of clock.requestedDelays)
    assert.ok(d >= 0 && d <= 60_000, `delay ${d} in [0, 60000]`);
});

test('randomDelayMs covers [0, period] and stays inside it', async () => {
  const pool = await EntropyPool.create({
    initial: [fixedInput('x', seedBytes(2))],
    reseed: [],
    reseedPeriod: 1,
    clock: new ManualClock(),
    logger: recordingLogger(),
    pid: 1,
  });
  const delays = Array.from({ length: 4000 }, () => pool.randomDelayMs(1));
  assert.ok(delays.every((d) => Number.isInteger(d) && d >= 0 && d <= 1000));
  assert.ok(
    Math.min(...delays) < 20 && Math.max(...delays) > 980,
    'both ends of the interval are reached',
  );
});

test('a dead source is logged and the pool seeds from the others', async () => {
  const logger = recordingLogger();
  const dead = fixedInput('egd:/nowhere', seedBytes(0));
  dead.dead = true;
  const pool = await EntropyPool.create({
    initial: [dead, fixedInput('exchange file f', exchangeBytes)],
    reseed: [dead],
    reseedPeriod: 60,
    clock: new ManualClock(),
    logger,
    pid: 1,
  });
  assert.equal(pool.seeded, true);
  assert.equal(pool.bytes(16).length, 16);
  assert.ok(
    logger.lines.some((l) => /^warning: cannot read entropy from egd:\/nowhere: gone/.test(l)),
    logger.lines.join('\n'),
  );
  assert.equal(await pool.reseed(), false, 'a reseed from nothing is refused');
  assert.ok(
    logger.lines.some((l) =>
      /0 bytes of entropy, 32 needed; continuing with the current state/.test(l),
    ),
  );
  assert.equal(pool.bytes(16).length, 16, 'and the pool keeps working on its state');
});

test('no seed at all: the pool refuses to produce bytes with PrngUnseededError, until a reseed succeeds', async () => {
  const logger = recordingLogger();
  const src = fixedInput('dev:/x', seedBytes(5));
  src.dead = true;
  const short = fixedInput('egd:/short', new Uint8Array(16));
  const clock = new ManualClock();
  const pool = await EntropyPool.create({
    initial: [src, short],
    reseed: [src],
    reseedPeriod: 3600,
    clock,
    logger,
    pid: 1,
  });
  assert.equal(pool.seeded, false);
  assert.throws(
    () => pool.bytes(1),
    (e: unknown) => e instanceof PrngUnseededError && e.reason === 'prng_unseeded',
  );
  assert.throws(() => pool.fill(new Uint8Array(8)), PrngUnseededError);
  assert.ok(
    logger.lines.some((l) =>
      /16 bytes of entropy, 32 needed; no seed, refusing to produce random bytes for TLS/.test(l),
    ),
  );
  pool.startReseeding();
  assert.deepEqual(
    clock.requestedDelays,
    [10_000],
    'an unseeded pool retries soon, not after a random hour',
  );
  src.dead = false;
  clock.advance(10_000);
  await pool.idle();
  assert.equal(pool.seeded, true);
  assert.equal(pool.bytes(8).length, 8);
  await pool.stop();
});

test('createEntropyPool: no exchange file, a dead daemon source and no OS source refuse, with the reasons logged', async () => {
  const logger = recordingLogger();
  const sock = join(dir, 'dead.sock');
  await deadSocket(sock);
  const pool = await createEntropyPool({
    tlsRandomExchangeName: join(dir, 'no-exchange'),
    tlsDaemonRandomSource: `egd:${sock}`,
    osRandomSource: null,
    logger,
    clock: new ManualClock(),
    reseed: false,
  });
  assert.equal(pool.seeded, false);
  assert.throws(() => pool.bytes(32), PrngUnseededError);
  assert.ok(
    logger.lines.some(
      (l) => l.includes('no-exchange') && l.includes('cannot read the exchange file'),
    ),
  );
  assert.ok(logger.lines.some((l) => l.includes(`egd:${sock}`) && l.includes('ECONNREFUSED')));
});

test('createEntropyPool: exchange file + tls_daemon_random_source (EGD, tls_daemon_random_bytes) + the OS', async () => {
  const exchange = join(dir, 'exch-daemon');
  writeExchangeFile(exchange, exchangeBytes);
  const server = await EgdServer.start(join(dir, 'daemon.sock'), { available: 1000 });
  try {
    const logger = recordingLogger();
    const pool = await createEntropyPool({
      tlsRandomExchangeName: exchange,
      tlsDaemonRandomSource: `egd:${server.path}`,
      tlsDaemonRandomBytes: 48,
      logger,
      reseed: false,
    });
    assert.equal(pool.seeded, true);
    assert.deepEqual(server.requests, [[0x01, 48]]);
    assert.deepEqual(logger.lines, []);
    assert.notDeepEqual(
      pool.bytes(EXCHANGE_FILE_SIZE),
      exchangeBytes,
      'the output is never the raw exchange file',
    );
  } finally {
    await server.close();
  }
});

test('the stir: same exchange file, time and pid give the same stream; another pid or time gives another', async () => {
  const exchange = join(dir, 'exch-stir');
  writeExchangeFile(exchange, exchangeBytes);
  const make = async (pid: number, time: number): Promise<string> =>
    toHex(
      (
        await createEntropyPool({
          tlsRandomExchangeName: exchange,
          osRandomSource: null,
          pid,
          clock: new ManualClock(time),
          logger: recordingLogger(),
          reseed: false,
        })
      ).bytes(64),
    );
  const base = await make(100, 1_700_000_000_000);
  assert.equal(
    await make(100, 1_700_000_000_000),
    base,
    'nothing but the inputs and the stir decides the output',
  );
  assert.notEqual(await make(101, 1_700_000_000_000), base, 'the pid is stirred in');
  assert.notEqual(
    await make(100, 1_700_000_000_000.5),
    base,
    'the time is stirred in, below the millisecond',
  );
});

const poolModule = new URL('../../src/prng/create-entropy-pool.js', import.meta.url).href;
const childCode = `
import { createEntropyPool } from ${JSON.stringify(poolModule)};
const pool = await createEntropyPool({ tlsRandomExchangeName: process.argv[1], osRandomSource: null, reseed: false, logger: { info() {}, warn(m) { console.error(m); } } });
console.log(Buffer.from(pool.bytes(64)).toString('hex'));
`;

function child(exchange: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', childCode, exchange], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('close', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`child exited ${code}: ${err}`)),
    );
  });
}

test('two processes seeded only from the same exchange file produce different output (time and pid stirred in)', async () => {
  const exchange = join(dir, 'exch-two');
  writeExchangeFile(exchange, exchangeBytes);
  const [a, b] = await Promise.all([child(exchange), child(exchange)]);
  assert.match(a, /^[0-9a-f]{128}$/);
  assert.match(b, /^[0-9a-f]{128}$/);
  assert.notEqual(a, b);
});

/** Chi-square statistic of the byte frequencies against the uniform distribution (255 degrees of freedom). */
function chiSquare(data: Uint8Array): number {
  const counts = new Array<number>(256).fill(0);
  for (const b of data) counts[b] = (counts[b] as number) + 1;
  const expected = data.length / 256;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

test('statistical smoke test: 4 MiB of pool output do not compress and pass a chi-square on byte frequencies', async () => {
  // Seeded from fixed inputs, a fixed clock and pid: the same 4 MiB every run, so the test cannot flake.
  const pool = await EntropyPool.create({
    initial: [fixedInput('x', seedBytes(9))],
    reseed: [],
    reseedPeriod: 60,
    clock: new ManualClock(),
    logger: recordingLogger(),
    pid: 7,
  });
  const data = new Uint8Array(4 * 1024 * 1024);
  for (let off = 0; off < data.length; off += 65536) pool.fill(data.subarray(off, off + 65536));
  const compressed = deflateSync(data, { level: 9 });
  assert.ok(
    compressed.length >= data.length,
    `deflate made ${data.length} bytes into ${compressed.length}`,
  );
  const x2 = chiSquare(data);
  // 255 degrees of freedom: the 0.1% and 99.9% quantiles are about 190.9 and 330.5.
  assert.ok(x2 > 190.9 && x2 < 330.5, `chi-square ${x2.toFixed(1)} within the 0.1%..99.9% band`);
  // The same checks on a biased stream fail, so they do measure something.
  const biased = data.map((b) => (b < 8 ? 0 : b));
  assert.ok(chiSquare(biased) > 330.5);
  assert.ok(
    deflateSync(
      new Uint8Array(data.length).map((_, i) => i & 0x3f),
      { level: 9 },
    ).length <
      data.length / 10,
  );
});

test('processEntropyPool: one pool per process, whoever asks', async () => {
  const { processEntropyPool } = await import('../../src/prng/index.js');
  const a = processEntropyPool({ reseed: false, logger: recordingLogger() });
  const b = processEntropyPool();
  assert.equal(a, b);
  const pool = await a;
  assert.equal(pool.seeded, true, 'seeded from the OS');
  assert.equal(pool.bytes(32).length, 32);
});
