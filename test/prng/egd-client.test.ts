import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EgdClient, readEgd } from '../../src/prng/egd-client.js';
import { EntropySourceError } from '../../src/prng/entropy-source-error.js';
import { deadSocket, EgdServer } from '../helpers/egd-server.js';

const dir = mkdtempSync(join(tmpdir(), 'postern-egd-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const socketPath = (): string => join(dir, `egd${n++}.sock`);
const counter = (from: number, count: number): number[] =>
  Array.from({ length: count }, (_, i) => (from + i) & 0xff);

test('EGD client: every command against a real daemon, request bytes checked', async () => {
  const server = await EgdServer.start(socketPath(), { available: 100_000 });
  const client = await EgdClient.connect(server.path);
  try {
    assert.equal(await client.entropyLevel(), 800_000, 'a 32-bit big-endian level');
    assert.deepEqual([...(await client.readNonBlocking(32))], counter(0, 32));
    assert.deepEqual([...(await client.readBlocking(5))], counter(32, 5));
    await client.writeEntropy(24, Uint8Array.of(7, 7, 7));
    assert.match(await client.pid(), /^\d+$/);
    assert.deepEqual(server.requests, [
      [0x00],
      [0x01, 32],
      [0x02, 5],
      [0x03, 0, 24, 3, 7, 7, 7],
      [0x04],
    ]);
    assert.deepEqual(server.written, [[7, 7, 7]]);
  } finally {
    client.close();
    await server.close();
  }
});

test('readEgd: 300 bytes come as requests of at most 255 (255 then 45)', async () => {
  const server = await EgdServer.start(socketPath(), { available: 1000 });
  try {
    const got = await readEgd(server.path, 300);
    assert.deepEqual([...got], counter(0, 300));
    assert.deepEqual(server.requests, [
      [0x01, 255],
      [0x01, 45],
    ]);
  } finally {
    await server.close();
  }
});

test('readEgd: a daemon with fewer bytes than asked gives what it has (a short answer)', async () => {
  const server = await EgdServer.start(socketPath(), { available: 10 });
  try {
    const got = await readEgd(server.path, 32);
    assert.deepEqual([...got], counter(0, 10));
    assert.deepEqual(server.requests, [[0x01, 32]]);
  } finally {
    await server.close();
  }
});

test('readEgd: a daemon with nothing, a reply cut short, or too many bytes announced is an EntropySourceError', async () => {
  const empty = await EgdServer.start(socketPath(), { available: 0 });
  const cut = await EgdServer.start(socketPath(), { available: 100, truncateAfter: 7 });
  const liar = await EgdServer.start(socketPath(), { available: 100, announce: 200 });
  try {
    await assert.rejects(
      readEgd(empty.path, 32),
      (e: unknown) => e instanceof EntropySourceError && /zero bytes available/.test(e.message),
    );
    await assert.rejects(
      readEgd(cut.path, 32),
      (e: unknown) =>
        e instanceof EntropySourceError && /closed inside a reply \(8 bytes/.test(e.message),
    );
    await assert.rejects(
      readEgd(liar.path, 32),
      (e: unknown) =>
        e instanceof EntropySourceError &&
        /asked for 32 bytes, the daemon announces 200/.test(e.message),
    );
  } finally {
    await Promise.all([empty.close(), cut.close(), liar.close()]);
  }
});

test('readEgd: a dead daemon (socket file, nobody listening), a missing socket and a plain file are refused, not hung', async () => {
  const dead = socketPath();
  await deadSocket(dead);
  await assert.rejects(
    readEgd(dead, 32),
    (e: unknown) =>
      e instanceof EntropySourceError && /cannot connect: .*ECONNREFUSED/.test(e.message),
  );
  await assert.rejects(
    readEgd(join(dir, 'missing.sock'), 32),
    (e: unknown) => e instanceof EntropySourceError && /ENOENT/.test(e.message),
  );
  const plain = join(dir, 'plain');
  writeFileSync(plain, 'x');
  await assert.rejects(readEgd(plain, 32), EntropySourceError);
});

test('EGD client: a daemon that never answers times out', async () => {
  const path = socketPath();
  const { createServer } = await import('node:net');
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(path, resolve));
  try {
    await assert.rejects(
      readEgd(path, 32, 200),
      (e: unknown) =>
        e instanceof EntropySourceError && /no complete reply within 200 ms/.test(e.message),
    );
  } finally {
    silent.close();
  }
});
