import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { buildDatabase } from '../../../src/mta/tables/database.js';
import { openTable } from '../../../src/mta/tables/open.js';
import { ReopeningTable } from '../../../src/mta/tables/reopen.js';
import { tableDir } from './fixture.js';

const dir = tableDir();
after(() => dir.cleanup());
const options = { duplicates: 'warn' as const, warn: () => undefined };

test('a hash table rebuilt while open: the reader keeps working and then sees the new content', () => {
  const source = dir.write('transport', '');
  buildDatabase('hash', source, [['example.com', 'smtp:old']], options);
  const table = openTable(`hash:${source}`, { checkIntervalMs: 0 });
  assert.equal(table.lookup('example.com'), 'smtp:old');
  buildDatabase(
    'hash',
    source,
    [
      ['example.com', 'smtp:new'],
      ['example.org', 'smtp:other'],
    ],
    options,
  );
  assert.equal(table.lookup('example.com'), 'smtp:new');
  assert.equal(table.lookup('example.org'), 'smtp:other');
  table.close();
});

test('a text table reopened when its file is replaced or rewritten', () => {
  const file = dir.write('clients.cidr', '10.0.0.0/8 OLD\n');
  const table = openTable(`cidr:${file}`, { checkIntervalMs: 0 });
  assert.equal(table.lookup('10.1.1.1'), 'OLD');
  writeFileSync(`${file}.new`, '10.0.0.0/8 NEW-VALUE\n');
  renameSync(`${file}.new`, file);
  assert.equal(table.lookup('10.1.1.1'), 'NEW-VALUE');
  writeFileSync(file, '10.0.0.0/8 REWRITTEN\n');
  assert.equal(table.lookup('10.1.1.1'), 'REWRITTEN');
});

test('with a check interval, the file is looked at no more than once per interval', () => {
  const file = dir.write('slow.re', '/x/ ONE\n');
  let now = 0;
  let loads = 0;
  const table = new ReopeningTable(
    'regexp:' + file,
    [file],
    () => {
      loads++;
      return openTable(`regexp:${file}`, { checkIntervalMs: Number.MAX_SAFE_INTEGER });
    },
    1000,
    () => now,
  );
  writeFileSync(file, '/x/ TWO-TWO\n');
  now = 999;
  assert.equal(table.lookup('x'), 'ONE', 'inside the interval the old table answers');
  now = 1000;
  assert.equal(table.lookup('x'), 'TWO-TWO');
  assert.equal(loads, 2);
  assert.equal(table.reopenIfChanged(), false);
});
