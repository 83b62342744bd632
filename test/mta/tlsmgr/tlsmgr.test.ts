import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, PrngUnseededError, writeExchangeFile } from '../../../src/prng/index.js';
import type { Logger } from '../../../src/prng/index.js';
import { Tlsmgr, TlsmgrConfigError } from '../../../src/mta/tlsmgr/tlsmgr.js';
import type { TlsmgrOptions } from '../../../src/mta/tlsmgr/tlsmgr.js';
import { deadSocket, EgdServer } from '../../helpers/egd-server.js';

const dir = mkdtempSync(join(tmpdir(), 'postern-tlsmgr-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string): string => join(dir, `${name}-${n++}`);

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info: ${m}`), warn: (m) => lines.push(`warning: ${m}`) };
}

function options(over: Partial<TlsmgrOptions>): TlsmgrOptions {
  return {
    tlsRandomSource: 'dev:/dev/urandom',
    tlsRandomBytes: 32,
    tlsRandomReseedPeriod: 3600,
    tlsRandomExchangeName: fresh('prng_exch'),
    tlsRandomUpdPeriod: 60,
    tlsDaemonRandomSource: '',
    tlsDaemonRandomBytes: 32,
    logger: recordingLogger(),
    clock: new ManualClock(),
    ...over,
  };
}

test('tlsmgr: creates the missing exchange file (1024 bytes) from a pool seeded by the EGD source', async () => {
  const server = await EgdServer.start(fresh('egd.sock'), { available: 10_000 });
  const logger = recordingLogger();
  const o = options({ tlsRandomSource: `egd:${server.path}`, logger });
  const mgr = new Tlsmgr(o);
  try {
    await mgr.start();
    assert.equal(readFileSync(o.tlsRandomExchangeName).length, 1024);
    assert.deepEqual(server.requests, [[0x01, 32]], 'tls_random_bytes asked of the EGD at start');
    assert.ok(
      logger.lines.includes(`info: creating PRNG exchange file ${o.tlsRandomExchangeName}`),
    );
    assert.equal(mgr.updates, 1);
  } finally {
    await mgr.stop();
    await server.close();
  }
});

test('tlsmgr: exchange-file rewrites come after random times within tls_random_upd_period (manual clock)', async () => {
  const clock = new ManualClock();
  const o = options({ clock, tlsRandomUpdPeriod: 2 });
  const mgr = new Tlsmgr(o);
  await mgr.start();
  const writeTimes = [clock.now()];
  let last = readFileSync(o.tlsRandomExchangeName);
  for (let step = 0; step < 400; step++) {
    const before = mgr.updates;
    clock.advance(100);
    if (mgr.updates === before) continue;
    writeTimes.push(clock.now());
    const now = readFileSync(o.tlsRandomExchangeName);
    assert.equal(now.length, 1024);
    assert.notDeepEqual(now, last, 'each rewrite holds fresh pool output');
    last = now;
  }
  await mgr.stop();
  const gaps = writeTimes.slice(1).map((t, i) => t - (writeTimes[i] as number));
  assert.ok(gaps.length >= 10, `${gaps.length} rewrites in 40 s`);
  assert.ok(
    gaps.every((g) => g <= 2000 + 100),
    `every gap within the period (steps of 100 ms): ${gaps.join(',')}`,
  );
  assert.ok(new Set(gaps).size > 3, 'the gaps are random, not fixed');
});

test('tlsmgr: reseeds from the source after random times within tls_random_reseed_period', async () => {
  const server = await EgdServer.start(fresh('egd.sock'), { available: 100_000 });
  const clock = new ManualClock();
  const mgr = new Tlsmgr(
    options({
      clock,
      tlsRandomSource: `egd:${server.path}`,
      tlsRandomReseedPeriod: 10,
      tlsRandomUpdPeriod: 3600,
    }),
  );
  try {
    await mgr.start();
    for (let i = 1; i <= 5; i++) {
      const before = server.requests.length;
      clock.advance(10_000);
      await mgr.idle();
      assert.ok(server.requests.length > before, `reseed ${i} read the source`);
    }
    assert.ok(server.requests.every((r) => r[0] === 0x01 && r[1] === 32));
  } finally {
    await mgr.stop();
    await server.close();
  }
  assert.ok(clock.requestedDelays.every((d) => d >= 0 && d <= 3_600_000));
});

test('tlsmgr: a dead source is logged and the pool runs on the exchange file and the OS', async () => {
  const sock = fresh('dead.sock');
  await deadSocket(sock);
  const logger = recordingLogger();
  const o = options({ tlsRandomSource: `egd:${sock}`, logger });
  writeExchangeFile(o.tlsRandomExchangeName, new Uint8Array(1024).fill(3));
  const mgr = new Tlsmgr(o);
  await mgr.start();
  assert.ok(
    logger.lines.some(
      (l) =>
        l.startsWith(`warning: cannot read entropy from egd:${sock}`) && l.includes('ECONNREFUSED'),
    ),
    logger.lines.join('\n'),
  );
  assert.notDeepEqual(
    readFileSync(o.tlsRandomExchangeName),
    Buffer.alloc(1024, 3),
    'rewritten from the pool',
  );
  await mgr.stop();
});

test('tlsmgr: a plain-file source is read once at start, not at each reseed (as Postfix)', async () => {
  const seedFile = fresh('seed.bin');
  writeFileSync(seedFile, Buffer.alloc(64, 9));
  const clock = new ManualClock();
  const logger = recordingLogger();
  const mgr = new Tlsmgr(
    options({
      clock,
      logger,
      tlsRandomSource: seedFile,
      tlsRandomReseedPeriod: 5,
      tlsRandomUpdPeriod: 3600,
    }),
  );
  await mgr.start();
  rmSync(seedFile);
  for (let i = 0; i < 5; i++) {
    clock.advance(5000);
    await mgr.idle();
  }
  await mgr.stop();
  assert.deepEqual(
    logger.lines.filter((l) => l.startsWith('warning')),
    [],
    'the removed file was never read again',
  );
});

test('tlsmgr: an exchange file of the wrong length is logged, not trusted, and replaced by a 1024-byte one', async () => {
  const logger = recordingLogger();
  const o = options({ logger });
  writeFileSync(o.tlsRandomExchangeName, Buffer.alloc(100, 1));
  const mgr = new Tlsmgr(o);
  await mgr.start();
  assert.ok(
    logger.lines.some((l) =>
      /^warning: cannot read entropy from exchange file .*has 100 bytes, not 1024/.test(l),
    ),
    logger.lines.join('\n'),
  );
  assert.equal(readFileSync(o.tlsRandomExchangeName).length, 1024);
  await mgr.stop();
});

test('tlsmgr: the exchange file alone seeds it (no source, no OS), and it is rewritten, not copied', async () => {
  const o = options({ tlsRandomSource: '', osRandomSource: null });
  const old = Buffer.alloc(1024, 0x42);
  writeExchangeFile(o.tlsRandomExchangeName, old);
  const mgr = new Tlsmgr(o);
  await mgr.start();
  const now = readFileSync(o.tlsRandomExchangeName);
  assert.equal(now.length, 1024);
  assert.notDeepEqual(now, old);
  await mgr.stop();
});

test('tlsmgr: with no seed at all it refuses to start (PrngUnseededError) and writes no exchange file', async () => {
  const o = options({ tlsRandomSource: `dev:${fresh('no-device')}`, osRandomSource: null });
  const mgr = new Tlsmgr(o);
  await assert.rejects(mgr.start(), PrngUnseededError);
  assert.equal(existsSync(o.tlsRandomExchangeName), false);
  await mgr.stop();
});

test('tlsmgr: stop cancels both timers, saves the pool output once more, and is idempotent', async () => {
  const clock = new ManualClock();
  const o = options({ clock });
  const mgr = new Tlsmgr(o);
  await mgr.start();
  assert.equal(clock.pending, 2, 'the update and the reseed timers');
  const before = readFileSync(o.tlsRandomExchangeName);
  await mgr.stop();
  await mgr.stop();
  assert.equal(clock.pending, 0);
  assert.equal(mgr.updates, 2);
  assert.notDeepEqual(readFileSync(o.tlsRandomExchangeName), before);
  await assert.rejects(mgr.start(), /start\(\) called when stopped/);
});

test('tlsmgr: bad values are refused with the parameter named', () => {
  assert.throws(
    () => new Tlsmgr(options({ tlsRandomBytes: 0 })),
    (e: unknown) => e instanceof TlsmgrConfigError && /^tls_random_bytes:/.test(e.message),
  );
  assert.throws(() => new Tlsmgr(options({ tlsRandomUpdPeriod: 0 })), /tls_random_upd_period/);
  assert.throws(
    () => new Tlsmgr(options({ tlsRandomReseedPeriod: Number.NaN })),
    /tls_random_reseed_period/,
  );
  assert.throws(
    () => new Tlsmgr(options({ tlsDaemonRandomBytes: 1.5 })),
    /tls_daemon_random_bytes/,
  );
  assert.throws(
    () => new Tlsmgr(options({ tlsRandomExchangeName: '' })),
    /tls_random_exchange_name/,
  );
  assert.throws(
    () => new Tlsmgr(options({ tlsRandomSource: 'egd:' })),
    /^TlsmgrConfigError: tls_random_source: bad entropy source "egd:": no path/,
  );
  assert.throws(
    () => new Tlsmgr(options({ tlsDaemonRandomSource: 'dev:urandom' })),
    /tls_daemon_random_source: .*must be absolute/,
  );
});

const tlsmgrModule = new URL('../../../src/mta/tlsmgr/tlsmgr.js', import.meta.url).href;
const prngModule = new URL('../../../src/prng/index.js', import.meta.url).href;
/** A real tlsmgr rewriting the file every few milliseconds (tls_random_upd_period = 5 ms) for a bounded time. */
const managerCode = `
import { Tlsmgr } from ${JSON.stringify(tlsmgrModule)};
import { systemClock } from ${JSON.stringify(prngModule)};
const [path, ms] = process.argv.slice(1);
const mgr = new Tlsmgr({ tlsRandomSource: 'dev:/dev/urandom', tlsRandomBytes: 32, tlsRandomReseedPeriod: 0.05, tlsRandomExchangeName: path,
  tlsRandomUpdPeriod: 0.005, tlsDaemonRandomSource: '', tlsDaemonRandomBytes: 32, clock: systemClock, logger: { info() {}, warn(m) { console.error(m); } } });
await mgr.start();
await new Promise((r) => setTimeout(r, Number(ms)));
await mgr.stop();
console.log(mgr.updates);
`;
const readerCode = `
import { readFileSync, existsSync } from 'node:fs';
const [path, done] = process.argv.slice(1);
let reads = 0, short = 0; const seen = new Set();
while (reads < 500000 && !existsSync(done)) {
  const b = readFileSync(path);
  reads++;
  if (b.length !== 1024) short++; else seen.add(b.toString('base64'));
}
console.log(JSON.stringify({ reads, short, distinct: seen.size }));
`;

function runNode(code: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`child exited ${code}: ${err}`)),
    );
  });
}

test('tlsmgr rewriting the exchange file every few ms in one process; a reader in another never sees a short file', async () => {
  const path = fresh('raced');
  const done = `${path}.done`;
  writeExchangeFile(path, new Uint8Array(1024));
  const reader = runNode(readerCode, [path, done]);
  const manager = runNode(managerCode, [path, '3000']).finally(() => writeFileSync(done, ''));
  const [updates, report] = await Promise.all([manager, reader]);
  const r = JSON.parse(report) as { reads: number; short: number; distinct: number };
  assert.equal(r.short, 0);
  assert.ok(Number(updates) > 20, `tlsmgr rewrote the file ${updates} times`);
  assert.ok(r.distinct > 5, `the reader saw ${r.distinct} versions in ${r.reads} reads`);
});

test('tlsmgr: a stop while starting waits for the start, then stops it cleanly', async () => {
  const clock = new ManualClock();
  const o = options({ clock });
  const mgr = new Tlsmgr(o);
  const starting = mgr.start();
  const stopping = mgr.stop();
  await Promise.all([starting, stopping]);
  assert.equal(clock.pending, 0, 'no timer left behind');
  assert.equal(mgr.updates, 2, 'the start write and the stop write');
});
