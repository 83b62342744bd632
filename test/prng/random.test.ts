import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  deterministicRandom,
  scriptedRandom,
  ScriptExhaustedError,
} from '../../src/prng/deterministic.js';
import { createSystemRandom, EntropySourceError, readEntropyFile } from '../../src/prng/system.js';
import { toHex } from '../helpers/vectors.js';

test('deterministicRandom repeats for a seed, differs across seeds, and is chunking-independent', () => {
  const a = deterministicRandom('seed').bytes(100);
  const b = deterministicRandom('seed');
  const parts = [b.bytes(1), b.bytes(31), b.bytes(33), b.bytes(35)];
  assert.equal(toHex(a), parts.map(toHex).join(''));
  assert.notEqual(toHex(a), toHex(deterministicRandom('other').bytes(100)));
});

test('scriptedRandom hands out exactly its script, then refuses', () => {
  const r = scriptedRandom(Uint8Array.of(1, 2, 3), Uint8Array.of(4));
  assert.deepEqual([...r.bytes(2)], [1, 2]);
  assert.equal(r.remaining(), 2);
  assert.deepEqual([...r.bytes(2)], [3, 4]);
  assert.throws(() => r.bytes(1), ScriptExhaustedError);
});

test('system random: reads /dev/urandom, gives distinct outputs, reseeds on schedule', () => {
  const r = createSystemRandom({ reseedInterval: 2 });
  const seen = new Set<string>();
  for (let i = 0; i < 5; i++) seen.add(toHex(r.bytes(32)));
  assert.equal(seen.size, 5);
  assert.throws(() => r.bytes(-1), RangeError);
});

test('system random: a short or missing entropy file is a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-prng-'));
  try {
    const short = join(dir, 'short');
    writeFileSync(short, Buffer.alloc(10));
    assert.throws(
      () => readEntropyFile(short, 32),
      (e: unknown) =>
        e instanceof EntropySourceError && /end of file after 10 of 32/.test(e.message),
    );
    assert.throws(() => createSystemRandom({ source: join(dir, 'missing') }), EntropySourceError);
    const seedFile = join(dir, 'seed');
    writeFileSync(seedFile, Buffer.alloc(4096, 0x5a));
    assert.equal(createSystemRandom({ source: seedFile }).bytes(16).length, 16);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
