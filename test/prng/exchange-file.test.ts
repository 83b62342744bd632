import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntropySourceError } from '../../src/prng/entropy-source-error.js';
import {
  EXCHANGE_FILE_SIZE,
  readExchangeFile,
  writeExchangeFile,
} from '../../src/prng/exchange-file.js';

const dir = mkdtempSync(join(tmpdir(), 'postern-exch-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('exchange file: written whole, read back whole, no temporary file left', () => {
  const path = join(dir, 'prng_exch');
  const data = Uint8Array.from({ length: EXCHANGE_FILE_SIZE }, (_, i) => i & 0xff);
  writeExchangeFile(path, data);
  assert.deepEqual(readExchangeFile(path), data);
  writeExchangeFile(
    path,
    data.map((b) => b ^ 0xff),
  );
  assert.equal(readExchangeFile(path)[0], 0xff);
  assert.deepEqual(readdirSync(dir), ['prng_exch']);
});

test('exchange file: only 1024 bytes are written; a file of another length, or none, is refused on read', () => {
  const path = join(dir, 'odd');
  assert.throws(() => writeExchangeFile(path, new Uint8Array(1000)), RangeError);
  writeFileSync(path, new Uint8Array(1000));
  assert.throws(
    () => readExchangeFile(path),
    (e: unknown) => e instanceof EntropySourceError && /has 1000 bytes, not 1024/.test(e.message),
  );
  assert.throws(() => readExchangeFile(join(dir, 'missing')), /cannot read the exchange file/);
  assert.throws(
    () => writeExchangeFile(join(dir, 'no', 'such', 'dir', 'f'), new Uint8Array(1024)),
    EntropySourceError,
  );
});

const moduleUrl = new URL('../../src/prng/exchange-file.js', import.meta.url).href;
/** Version v of the file: bytes 0-3 hold v, byte i >= 4 is (v + 13 i) & 0xff, so a mix of two versions shows. */
const versionCode = `const version = (v) => { const b = new Uint8Array(1024); new DataView(b.buffer).setUint32(0, v); for (let i = 4; i < 1024; i++) b[i] = (v + 13 * i) & 0xff; return b; };`;
const writerCode = `
import { writeExchangeFile } from ${JSON.stringify(moduleUrl)};
${versionCode}
const [path, count] = process.argv.slice(1);
for (let v = 1; v <= Number(count); v++) writeExchangeFile(path, version(v));
console.log('wrote ' + count);
`;
const readerCode = `
import { readFileSync, existsSync } from 'node:fs';
${versionCode}
const [path, done, maxReads] = process.argv.slice(1);
let reads = 0, bad = 0, short = 0, last = 0, versions = 0;
while (reads < Number(maxReads) && !existsSync(done)) {
  const b = readFileSync(path);
  reads++;
  if (b.length !== 1024) { short++; continue; }
  const v = b.readUInt32BE(0);
  if (Buffer.compare(b, Buffer.from(version(v))) !== 0) bad++;
  if (v !== last) { versions++; last = v; }
}
console.log(JSON.stringify({ reads, bad, short, versions }));
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
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`child exited ${code}: ${err}`)),
    );
  });
}

test('exchange file: a reader in another process never sees a short or torn file while a writer process rewrites it 300 times', async () => {
  const path = join(dir, 'raced');
  const done = join(dir, 'raced.done');
  writeExchangeFile(
    path,
    Uint8Array.from({ length: 1024 }, (_, i) => (13 * i) & 0xff).map((b, i) => (i < 4 ? 0 : b)),
  );
  const reader = runNode(readerCode, [path, done, '200000']);
  const writer = runNode(writerCode, [path, '300']).finally(() => writeFileSync(done, ''));
  const [wrote, readReport] = await Promise.all([writer, reader]);
  assert.equal(wrote, 'wrote 300');
  const report = JSON.parse(readReport) as {
    reads: number;
    bad: number;
    short: number;
    versions: number;
  };
  assert.equal(report.short, 0, 'no short file');
  assert.equal(report.bad, 0, 'no torn file');
  assert.ok(
    report.versions > 10,
    `the reader saw the file change while it was rewritten (${report.versions} versions in ${report.reads} reads)`,
  );
});
