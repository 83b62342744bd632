import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { tableDir } from '../mta/tables/fixture.js';

const dir = tableDir();
after(() => dir.cleanup());

/** Runs `postern ARGS…` with the given stdin text. */
async function run(
  args: string[],
  stdin = '',
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const input = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  input.end(stdin);
  const code = await main(args, { stdout, stderr, stdin: input });
  return { code, out, err };
}

test('postmap builds FILE.db with Postfix warnings, then -q, -q - and -s', async () => {
  const source = dir.write('virtual', 'Foo@Example.COM  Some Value\nbar baz\nbar dup\nnovalue\n');
  const built = await run(['postmap', source]);
  assert.equal(built.code, 0);
  assert.equal(
    built.err,
    `postmap: warning: ${source}.db: duplicate entry: "bar"\npostmap: warning: ${source}, line 4: expected format: key whitespace value\n`,
  );
  assert.ok(existsSync(`${source}.db`));
  assert.deepEqual(await run(['postmap', '-q', 'FOO@example.com', `hash:${source}`]), {
    code: 0,
    out: 'Some Value\n',
    err: '',
  });
  assert.equal((await run(['postmap', '-q', 'nobody', source])).code, 1);
  assert.deepEqual(await run(['postmap', '-q', '-', source], 'FOO@example.com\nnone\nbar\n'), {
    code: 0,
    out: 'FOO@example.com\tSome Value\nbar\tbaz\n',
    err: '',
  });
  assert.equal(
    (await run(['postmap', '-s', source])).out,
    'bar\tbaz\nfoo@example.com\tSome Value\n',
  );
});

test('postmap -r replaces duplicates, -w keeps the first silently, -f keeps the case', async () => {
  const source = dir.write('dups', 'Key one\nkey two\n');
  assert.equal((await run(['postmap', '-r', source])).err, '');
  assert.equal((await run(['postmap', '-q', 'key', source])).out, 'two\n');
  assert.equal((await run(['postmap', '-w', source])).err, '');
  assert.equal((await run(['postmap', '-q', 'key', source])).out, 'one\n');
  await run(['postmap', '-f', source]);
  assert.equal((await run(['postmap', '-fq', 'Key', source])).out, 'one\n');
  assert.equal((await run(['postmap', '-q', 'Key', source])).out, 'two\n');
});

test('postmap -i adds entries from stdin and -d deletes keys', async () => {
  const source = dir.write('incremental', 'a 1\n');
  await run(['postmap', `btree:${source}`]);
  assert.deepEqual(await run(['postmap', '-i', `btree:${source}`], 'B 2\nc 3\nnovalue\n'), {
    code: 0,
    out: '',
    err: 'postmap: warning: stdin, line 3: expected format: key whitespace value\n',
  });
  assert.equal((await run(['postmap', '-s', `btree:${source}`])).out, 'a\t1\nb\t2\nc\t3\n');
  assert.equal((await run(['postmap', '-d', 'A', `btree:${source}`])).code, 0);
  assert.equal((await run(['postmap', '-d', 'a', `btree:${source}`])).code, 1);
  assert.equal((await run(['postmap', '-d', '-', `btree:${source}`], 'b\nc\n')).code, 0);
  assert.equal((await run(['postmap', '-s', `btree:${source}`])).out, '');
});

test('postmap lmdb: writes FILE.lmdb', async () => {
  const source = dir.write('lm', 'k v\n');
  await run(['postmap', `lmdb:${source}`]);
  assert.ok(existsSync(`${source}.lmdb`));
  assert.equal((await run(['postmap', '-q', 'k', `lmdb:${source}`])).out, 'v\n');
});

test('postmap queries the non-database types and several tables in order', async () => {
  const cidr = dir.write('clients.cidr', '10.0.0.0/8 TEN\n');
  assert.equal((await run(['postmap', '-q', '10.9.8.7', `cidr:${cidr}`])).out, 'TEN\n');
  assert.equal(
    (await run(['postmap', '-q', 'x', 'inline:{x=first}', 'static:second'])).out,
    'first\n',
  );
  assert.equal(
    (await run(['postmap', '-q', 'y', 'inline:{x=first}', 'static:second'])).out,
    'second\n',
  );
  assert.equal((await run(['postmap', '-s', 'inline:{x=1}'])).out, 'x\t1\n');
});

test('postmap errors: Postfix wording, exit 1', async () => {
  const missing = dir.path('missing');
  assert.deepEqual(await run(['postmap', missing]), {
    code: 1,
    out: '',
    err: `postmap: fatal: open ${missing}: No such file or directory\n`,
  });
  assert.deepEqual(await run(['postmap', '-q', 'x', missing]), {
    code: 1,
    out: '',
    err: `postmap: fatal: open database ${missing}.db: No such file or directory\n`,
  });
  const cidr = dir.write('build.cidr', '10.0.0.0/8 TEN\n');
  assert.equal(
    (await run(['postmap', `cidr:${cidr}`])).err,
    'postmap: fatal: unsupported dictionary type: cidr does not support bulk-mode creation.\n',
  );
  assert.equal(
    (await run(['postmap', '-s', `cidr:${cidr}`])).err,
    `postmap: fatal: table cidr:${cidr}: sequence operation is not supported\n`,
  );
  assert.match(
    (await run(['postmap', '-q', 'x', 'mysql:/etc/x.cf'])).err,
    /^postmap: fatal: unsupported dictionary type: mysql: postern does not support/,
  );
  const berkeley = dir.write('berkeley', 'a b\n');
  writeFileSync(`${berkeley}.db`, 'not sqlite at all');
  assert.match(
    (await run(['postmap', '-q', 'a', berkeley])).err,
    /is not a postern database .*rebuild it with: postern postmap hash:/,
  );
  const usage = await run(['postmap', '-q']);
  assert.equal(usage.code, 2);
  assert.match(usage.err, /option requires an argument -- 'q'/);
});

test('postalias: aliases(5) syntax, -q and -s as name:<TAB>value', async () => {
  const source = dir.write(
    'aliases',
    '# comment\nPostmaster: root\nroot: alice, bob,\n   carol\nlist: :include:/etc/list, "|/usr/bin/prog arg", /var/mail/file\n"quoted name": x\nbad line\n',
  );
  const built = await run(['postalias', source]);
  assert.equal(built.code, 0);
  assert.equal(built.err, `postalias: warning: ${source}, line 7: need name:value pair\n`);
  assert.equal((await run(['postalias', '-q', 'POSTMASTER', source])).out, 'root\n');
  assert.equal(
    (await run(['postalias', '-s', source])).out,
    'list:\t:include:/etc/list, "|/usr/bin/prog arg", /var/mail/file\npostmaster:\troot\nquoted name:\tx\nroot:\talice, bob, carol\n',
  );
});

test('newaliases: -oA names the database, -c DIR reads alias_database from main.cf', async () => {
  const aliases = dir.write('system-aliases', 'mailer-daemon: postmaster\n');
  assert.equal((await run(['newaliases', `-oAhash:${aliases}`])).code, 0);
  assert.equal((await run(['postalias', '-q', 'mailer-daemon', aliases])).out, 'postmaster\n');
  const other = dir.write('more-aliases', 'abuse: root\n');
  dir.write(
    'main.cf',
    `# config\nalias_database = hash:${aliases}\nalias_database = hash:${aliases},\n  btree:${other}\n`,
  );
  assert.equal((await run(['newaliases', '-c', dir.path('')])).code, 0);
  assert.equal((await run(['postalias', '-q', 'abuse', `btree:${other}`])).out, 'root\n');
  dir.write('main.cf', 'alias_database = $config_directory/aliases\n');
  assert.match(
    (await run(['newaliases', '-c', dir.path('')])).err,
    /alias_database uses \$name expansion/,
  );
});

test('postmap -c DIR takes default_database_type from DIR/main.cf for bare file names', async () => {
  const conf = dir.path('conf-btree');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(conf);
  writeFileSync(`${conf}/main.cf`, '# types\ndefault_database_type = lmdb\n');
  const source = dir.write('typed', 'k v\n');
  assert.equal((await run(['postmap', '-c', conf, source])).code, 0);
  assert.ok(existsSync(`${source}.lmdb`));
  assert.equal((await run(['postmap', '-c', conf, '-q', 'k', source])).out, 'v\n');
  writeFileSync(`${conf}/main.cf`, 'default_database_type = $other\n');
  assert.match(
    (await run(['postmap', '-c', conf, '-q', 'k', source])).err,
    /^postmap: fatal: .*main\.cf, line 1: default_database_type uses \$name expansion/,
  );
});

test('postmap -q on a failing sqlite query: the cause as a warning, then "query error"', async () => {
  const { default: Database } = await import('better-sqlite3');
  const dbpath = dir.path('limit.sqlite');
  const db = new Database(dbpath);
  db.exec("CREATE TABLE t (k TEXT, v TEXT); INSERT INTO t VALUES ('a', '1'), ('a', '2')");
  db.close();
  const cf = dir.write(
    'limit.cf',
    `dbpath = ${dbpath}\nquery = SELECT v FROM t WHERE k = '%s'\nexpansion_limit = 1\n`,
  );
  assert.deepEqual(await run(['postmap', '-q', 'a', `sqlite:${cf}`]), {
    code: 1,
    out: '',
    err: `postmap: warning: dict_sqlite_lookup: ${cf}: Expansion limit exceeded for key 'a'\npostmap: fatal: table sqlite:${cf}: query error\n`,
  });
});

test('postmap -F stores the listed files base64-encoded, joined with a newline; -Fq and -Fs decode them; postalias has no -F', async () => {
  const a = dir.write('a.pem', 'first file\n');
  const b = dir.write('b.pem', 'second file\n');
  const source = dir.write('sni', `example.com ${a}, ${b}\n.example.com ${b}\n`);
  assert.equal((await run(['postmap', '-F', `hash:${source}`])).code, 0);
  const stored = await run(['postmap', '-q', 'example.com', `hash:${source}`]);
  assert.equal(stored.out, Buffer.from('first file\n\nsecond file\n').toString('base64') + '\n');
  assert.deepEqual(await run(['postmap', '-Fq', 'example.com', `hash:${source}`]), {
    code: 0,
    out: 'first file\n\nsecond file\n\n',
    err: '',
  });
  assert.equal(
    (await run(['postmap', '-F', '-s', `hash:${source}`])).out,
    '.example.com\tsecond file\n\nexample.com\tfirst file\n\nsecond file\n\n',
  );
  const missing = dir.write('sni-missing', `example.com ${a}, ${dir.path('nonexistent.pem')}\n`);
  const failed = await run(['postmap', '-F', `hash:${missing}`]);
  assert.equal(failed.code, 1);
  assert.match(failed.err, /^postmap: fatal: open .*nonexistent\.pem/);
  const alias = await run(['postalias', '-F', `hash:${source}`]);
  assert.equal(alias.code, 2);
  assert.match(alias.err, /invalid option -- 'F'/);
});
