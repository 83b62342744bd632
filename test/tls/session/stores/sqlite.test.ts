import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { deterministicRandom } from '../../../../src/prng/deterministic.js';
import { SessionError } from '../../../../src/tls/session/errors.js';
import { syncTicketKeys } from '../../../../src/tls/session/shared-keyring.js';
import { SqliteSessionStore } from '../../../../src/tls/session/stores/sqlite.js';
import { openTicket, sealTicket } from '../../../../src/tls/session/ticket.js';
import { TicketKeyring, keyringTiming } from '../../../../src/tls/session/ticket-keys.js';
import { tls12State } from '../sample-states.js';

const dir = mkdtempSync(join(tmpdir(), 'postern-scache-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = (): string => join(dir, `cache-${files++}.db`);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

test('sessions persist across close and reopen', async () => {
  const path = freshPath();
  const a = SqliteSessionStore.open(path);
  await a.set(bytes('id-1'), bytes('state-1'), 60);
  await a.close();
  const b = SqliteSessionStore.open(path);
  assert.deepEqual(await b.get(bytes('id-1')), bytes('state-1'));
  await b.delete(bytes('id-1'));
  assert.equal(await b.get(bytes('id-1')), undefined);
  await b.close();
});

test('expired sessions are never returned, and are purged on open and by purgeExpired', async () => {
  const path = freshPath();
  let now = 5_000_000;
  const clock = (): number => now;
  const a = SqliteSessionStore.open(path, { now: clock, purgeIntervalMs: 0 });
  await a.set(bytes('short'), bytes('x'), 10);
  await a.set(bytes('long'), bytes('y'), 100);
  await a.set(bytes('longer'), bytes('z'), 1000);
  now += 10_000;
  assert.equal(await a.get(bytes('short')), undefined);
  assert.equal(await a.purgeExpired(), 1);
  assert.equal(await a.purgeExpired(), 0);
  await a.close();
  now += 100_000;
  const b = SqliteSessionStore.open(path, { now: clock, purgeIntervalMs: 0 });
  assert.equal(await b.purgeExpired(), 0, '"long" was already purged when the file was opened');
  assert.deepEqual(await b.get(bytes('longer')), bytes('z'));
  await b.close();
});

test('a path that cannot be a database is a SessionError(store_failed)', () => {
  assert.throws(
    () => SqliteSessionStore.open(join(dir, 'no', 'such', 'dir', 'x.db')),
    (e: unknown) => e instanceof SessionError && e.code === 'store_failed',
  );
});

const storeModule = new URL('../../../../src/tls/session/stores/sqlite.js', import.meta.url).href;
/** One writer process: 150 sessions of its own, each read back at once, plus reads of the others' keys and keyring swaps. */
const childCode = `
import { SqliteSessionStore } from ${JSON.stringify(storeModule)};
const [path, who] = process.argv.slice(1);
const enc = (s) => new TextEncoder().encode(s);
const store = SqliteSessionStore.open(path);
for (let i = 0; i < 300; i++) {
  const value = enc(who + ':' + i + ':' + 'v'.repeat(200 + i));
  await store.set(enc(who + '-' + i), value, 600);
  const back = await store.get(enc(who + '-' + i));
  if (back === undefined || Buffer.compare(Buffer.from(back), Buffer.from(value)) !== 0) throw new Error('read back ' + who + '-' + i + ' differs');
  await store.get(enc(['a', 'b', 'c'][i % 3] + '-' + i));
  const keys = await store.getTicketKeys();
  await store.swapTicketKeys(keys, enc(who + ' keys ' + i));
}
await store.close();
console.log('done ' + who);
`;

function runChild(path: string, who: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', childCode, path, who], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`writer ${who} exited ${code}: ${err}`)),
    );
  });
}

test('three processes writing and reading one file at once: every value intact', async () => {
  const path = freshPath();
  await SqliteSessionStore.open(path).close();
  const results = await Promise.all(['a', 'b', 'c'].map((who) => runChild(path, who)));
  assert.deepEqual(results, ['done a', 'done b', 'done c']);
  const store = SqliteSessionStore.open(path);
  for (const who of ['a', 'b', 'c']) {
    for (let i = 0; i < 300; i++) {
      const got = await store.get(bytes(`${who}-${i}`));
      assert.deepEqual(got, bytes(`${who}:${i}:${'v'.repeat(200 + i)}`), `${who}-${i}`);
    }
  }
  const keys = new TextDecoder().decode(await store.getTicketKeys());
  assert.match(
    keys,
    /^[abc] keys 299$/,
    'the keyring row holds one whole value written last by some process',
  );
  await store.close();
});

test("two servers on one file share one keyring: each opens the other's tickets", async () => {
  const path = freshPath();
  const now = tls12State.createdAt;
  const timing = keyringTiming(3600);
  const storeA = SqliteSessionStore.open(path);
  const storeB = SqliteSessionStore.open(path);
  const ringA = new TicketKeyring(timing);
  const ringB = new TicketKeyring(timing);
  // Both start at once: compare-and-set lets exactly one first key in.
  await Promise.all([
    syncTicketKeys(storeA, ringA, now, deterministicRandom('server A'), 60_000),
    syncTicketKeys(storeB, ringB, now, deterministicRandom('server B'), 60_000),
  ]);
  assert.equal(ringA.keys.length, 1);
  assert.deepEqual(ringA.keys, ringB.keys);
  const fromA = sealTicket(ringA, tls12State, deterministicRandom('seal A'), now);
  assert.deepEqual(openTicket(ringB, fromA, now + 1000), tls12State);

  // Near the end of the key's turn, one sync rotates; the other adopts the same new key and keeps the old one for its grace.
  const later = now + timing.rotateAfterMs - 30_000;
  await syncTicketKeys(storeB, ringB, later, deterministicRandom('server B rotates'), 60_000);
  await syncTicketKeys(storeA, ringA, later, deterministicRandom('server A rotates'), 60_000);
  assert.equal(ringA.keys.length, 2);
  assert.deepEqual(ringA.keys, ringB.keys);
  const fromB = sealTicket(
    ringB,
    { ...tls12State, createdAt: later },
    deterministicRandom('seal B'),
    later,
  );
  assert.deepEqual(fromB.subarray(0, 16), ringA.keys[0]?.name, 'the new key seals');
  assert.notEqual(openTicket(ringA, fromB, later), undefined);
  assert.notEqual(openTicket(ringA, fromA, later), undefined, 'the old key still opens');

  // A key one server made alone (its sync was late) reaches the other at the next sync.
  const alone = now + 3 * timing.rotateAfterMs;
  const lonely = sealTicket(
    ringA,
    { ...tls12State, createdAt: alone },
    deterministicRandom('late'),
    alone,
  );
  assert.equal(openTicket(ringB, lonely, alone), undefined);
  await syncTicketKeys(storeA, ringA, alone, deterministicRandom('A syncs'), 60_000);
  await syncTicketKeys(storeB, ringB, alone, deterministicRandom('B syncs'), 60_000);
  assert.notEqual(openTicket(ringB, lonely, alone), undefined);
  await storeA.close();
  await storeB.close();
});
