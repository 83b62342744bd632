import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { buildDatabase } from '../../../src/mta/tables/database.js';
import { TableError } from '../../../src/mta/tables/errors.js';
import { openTable } from '../../../src/mta/tables/open.js';
import { sourceEntries } from '../../../src/mta/tables/source-entries.js';
import { tableDir, warnings } from './fixture.js';

const dir = tableDir();
after(() => dir.cleanup());

function build(type: 'hash' | 'btree' | 'lmdb', name: string, text: string, fold = true): string {
  const source = dir.write(name, text);
  const w = warnings();
  buildDatabase(
    type,
    source,
    [...sourceEntries(text, source, fold, w.sink)].map((e) => [e.key, e.value]),
    { duplicates: 'warn', warn: w.sink },
  );
  return source;
}

test('hash, btree and lmdb: keys folded when built and when queried, continuation lines joined', () => {
  for (const type of ['hash', 'btree', 'lmdb'] as const) {
    const source = build(
      type,
      `map-${type}`,
      'Foo@Example.COM  Some Value\n# comment\n  continued\nbar baz\n',
    );
    const table = openTable(`${type}:${source}`);
    assert.equal(table.lookup('FOO@example.com'), 'Some Value  continued');
    assert.equal(table.lookup('bar'), 'baz');
    assert.equal(table.lookup('baz'), undefined);
    assert.deepEqual(
      [...table.entries!()],
      [
        ['bar', 'baz'],
        ['foo@example.com', 'Some Value  continued'],
      ],
    );
    table.close();
  }
});

test('hash built with -f keeps the case, and then only an exact-case unfolded query finds it', () => {
  const source = build('hash', 'unfolded', 'Foo VAL\n', false);
  const folded = openTable(`hash:${source}`);
  assert.equal(folded.lookup('Foo'), undefined);
  folded.close();
  const exact = openTable(`hash:${source}`, { fold: false });
  assert.equal(exact.lookup('Foo'), 'VAL');
  exact.close();
});

test('a database file postern did not write (a Berkeley DB) is refused with the rebuild command', () => {
  const source = dir.write('berkeley', 'a b\n');
  writeFileSync(`${source}.db`, Buffer.from('00061561000000000000000000000000', 'hex'));
  assert.throws(
    () => openTable(`hash:${source}`),
    (err: unknown) =>
      err instanceof TableError &&
      err.reason === 'foreign-database' &&
      err.message.includes(`rebuild it with: postern postmap hash:${source}`),
  );
  const other = dir.write('other-sqlite', 'x y\n');
  new Database(`${other}.lmdb`).exec('CREATE TABLE t (a)');
  assert.throws(() => openTable(`lmdb:${other}`), /is not a postern database/);
});

test('a missing database: open database FILE.db: No such file or directory', () => {
  assert.throws(() => openTable(`hash:${dir.path('absent')}`), {
    message: `open database ${dir.path('absent')}.db: No such file or directory`,
  });
});

test('texthash: read directly, folded, first duplicate wins with a warning', () => {
  const w = warnings();
  const file = dir.write('text', 'Alice  one\nalice two\nnovalue\n');
  const table = openTable(`texthash:${file}`, { warn: w.sink });
  assert.equal(table.lookup('ALICE'), 'one');
  assert.deepEqual(w.list, [
    `${file}, line 2: duplicate entry: "alice"`,
    `${file}, line 3: expected format: key whitespace value -- ignoring this line`,
  ]);
});

test('inline: keys folded, braces keep whitespace, errors as Postfix words them', () => {
  const spec = 'inline:{ A=1, b=2 , { c = three four }, {d=x} Key=Val}';
  const table = openTable(spec);
  assert.equal(table.lookup('a'), '1');
  assert.equal(table.lookup('B'), '2');
  assert.equal(table.lookup('c'), 'three four');
  assert.equal(table.lookup('KEY'), 'Val');
  assert.equal(table.lookup('e'), undefined);
  assert.throws(() => openTable('inline:{ b = 2 }'), {
    message: `missing '=' after attribute name: "inline:{ b = 2 }"; need "inline:{name=value...}"`,
  });
  assert.throws(() => openTable('inline:{ }'), /empty table/);
  assert.throws(
    () => openTable('inline:{ {a b=c} }'),
    /missing '=' after attribute name/,
    'a name has no blanks (split_nameval)',
  );
  assert.equal(openTable('inline:{ {=empty name}, x=1 }').lookup(''), 'empty name');
  assert.throws(() => openTable('inline:{a=1'), /bad syntax/);
});

test('static: one value for every key, braces for spaces', () => {
  assert.equal(openTable('static:hello').lookup('anything'), 'hello');
  assert.equal(openTable('static:{ hello world }').lookup('x'), 'hello world');
  assert.throws(() => openTable('static:{a'), {
    message: `bad static:name syntax: missing '}' in "{a"`,
  });
  assert.throws(() => openTable('static:'), /expecting "type:name" form/);
});

test('cidr: first match, negation, if/endif, IPv6, ::ffff: and host bits', () => {
  const w = warnings();
  const file = dir.write(
    'net.cidr',
    [
      '192.168.1.1 OK',
      '192.168.1.5/24 BAD',
      'if 10.0.0.0/8',
      '10.1.0.0/16 TEN-ONE',
      'endif',
      '!10.0.0.0/8 NOT-TEN',
      '::ffff:1.2.3.0/120 MAPPED',
      '[2001:DB8::]/32 V6',
      '1.2.3.4/33 X',
      '1.2.3 Y',
      '',
    ].join('\n'),
  );
  const table = openTable(`cidr:${file}`, { warn: w.sink });
  assert.equal(table.lookup('192.168.1.1'), 'OK');
  assert.equal(table.lookup('192.168.1.7'), 'NOT-TEN', 'the /24 rule with host bits is skipped');
  assert.equal(table.lookup('10.1.2.3'), 'TEN-ONE');
  assert.equal(
    table.lookup('10.2.0.1'),
    undefined,
    'inside the if block nothing matched, and !10/8 does not match',
  );
  assert.equal(table.lookup('::ffff:1.2.3.4'), 'MAPPED');
  assert.equal(table.lookup('2001:0db8:0:0::5'), 'V6');
  assert.equal(
    table.lookup('2001:db9::1'),
    undefined,
    'an IPv4 negation never matches an IPv6 key',
  );
  assert.equal(
    table.lookup('foo'),
    undefined,
    'not an address: nothing matches, negations included',
  );
  assert.equal(
    table.lookup('011.0.0.1'),
    undefined,
    'leading zeros are not an address (inet_pton)',
  );
  assert.equal(table.pattern, true);
  assert.deepEqual(w.list, [
    `cidr map ${file}, line 2: non-null host address bits in "192.168.1.5/24", perhaps you should use "192.168.1.0/24" instead: skipping this rule`,
    `cidr map ${file}, line 9: bad mask length in "1.2.3.4/33": skipping this rule`,
    `cidr map ${file}, line 10: bad address pattern: "1.2.3": skipping this rule`,
  ]);
  assert.equal(openTable('cidr:{ {127.0.0.0/8 LOCAL}, {::1 LOCAL6} }').lookup('::1'), 'LOCAL6');
});

test('regexp: if/endif blocks, $1 substitution, case-insensitive by default, the i flag, basic syntax', () => {
  const w = warnings();
  const file = dir.write(
    'access.re',
    [
      '/^(.*)-outgoing@(.*)$/\t550 Use ${1}@${2} instead',
      'if !/^owner-/',
      '/^(.*)@example\\.com$/\tLOCAL $1 $$ done',
      'endif',
      '/^Case@/i\tEXACT-CASE',
      '/^x(y)?z$/\topt[$(1)]',
      '/^[[:digit:]]+$/\tDIGITS',
      '/^a\\(b\\)c$/x\tBASIC $1',
      '/^(q)/\t$2',
      '!/@/\tNOAT',
    ].join('\n'),
  );
  const table = openTable(`regexp:${file}`, { warn: w.sink });
  assert.equal(table.lookup('Foo-Outgoing@Example.Org'), '550 Use Foo@Example.Org instead');
  assert.equal(table.lookup('bob@EXAMPLE.com'), 'LOCAL bob $ done');
  assert.equal(table.lookup('owner-x@example.com'), undefined);
  assert.equal(table.lookup('Case@x'), 'EXACT-CASE');
  assert.equal(table.lookup('case@x'), undefined);
  assert.equal(table.lookup('xz'), 'opt[]');
  assert.equal(table.lookup('12345'), 'DIGITS');
  assert.equal(table.lookup('abc'), 'BASIC b');
  assert.equal(table.lookup('plain'), 'NOAT');
  assert.deepEqual(w.list, [
    `regexp map ${file}, line 9: out of range replacement index "2": skipping this rule`,
  ]);
  const icase = openTable('regexp:{ {/^\\d$/ LOWER}, {/^\\d$/i EXACT}, {/^\\D$/ UPPER} }');
  assert.equal(icase.lookup('5'), undefined, 'POSIX \\d is the letter d, not a digit');
  assert.equal(
    icase.lookup('d'),
    'EXACT',
    'glibc under REG_ICASE: an escaped lower-case letter never matches; without it, it is the letter',
  );
  assert.equal(icase.lookup('D'), 'UPPER');
});

test('pcre: Perl syntax, default flags i and s, x and A flags, $1, refused features', () => {
  const w = warnings();
  const file = dir.write(
    'checks.pcre',
    [
      '/^Subject:.*money/\tREJECT spam',
      '/^(\\d+)\\.(\\d+)$/\tNUM $2.$1',
      '/ a b c /x\tEXTENDED',
      '/b/A\tANCHORED',
      '/(?>a)/\tATOMIC',
      '/^tail$/\tTAIL',
      '/x/U\tUNGREEDY',
    ].join('\n'),
  );
  const table = openTable(`pcre:${file}`, { warn: w.sink });
  assert.equal(table.lookup('SUBJECT: make\nmoney fast'), 'REJECT spam');
  assert.equal(table.lookup('12.34'), 'NUM 34.12');
  assert.equal(table.lookup('zabcz'), 'EXTENDED');
  assert.equal(table.lookup('bz'), 'ANCHORED');
  assert.equal(table.lookup('tail\n'), 'TAIL', "PCRE's $ matches before a final newline");
  assert.equal(w.list.length, 2);
  assert.match(w.list[0] as string, /line 5: atomic groups \(\?>\.\.\.\): not supported/);
  assert.match(w.list[1] as string, /line 7: regexp option "U" is not supported/);
});

test('sqlite: query file with %s, %u, %d, %1, result_format, domain, expansion_limit', () => {
  const dbpath = dir.path('users.sqlite');
  const db = new Database(dbpath);
  db.exec(
    "CREATE TABLE users (email TEXT, dest TEXT); INSERT INTO users VALUES ('bob@example.com','bob@mail.example.com'), ('bob@example.com','robert@x.org'), ('o''brien@example.com','ob'), ('alice','localalice')",
  );
  db.close();
  const plain = dir.write(
    'plain.cf',
    `dbpath = ${dbpath}\nquery = SELECT dest FROM users WHERE email = '%s'\n`,
  );
  const t = openTable(`sqlite:${plain}`);
  assert.equal(t.lookup('BOB@Example.com'), 'bob@mail.example.com,robert@x.org');
  assert.equal(t.lookup("o'brien@example.com"), 'ob', 'the quote is doubled, not injected');
  assert.equal(t.lookup('alice'), 'localalice');
  assert.equal(t.lookup('nobody'), undefined);
  const formatted = dir.write(
    'formatted.cf',
    `dbpath = ${dbpath}\nquery = SELECT dest FROM users\n  WHERE email = '%u@%d'\nresult_format = smtp:[%d] %u %S %1\ndomain = example.com\nexpansion_limit = 2\n`,
  );
  const f = openTable(`sqlite:${formatted}`);
  assert.equal(
    f.lookup('bob@example.com'),
    'smtp:[mail.example.com] bob bob@example.com com,smtp:[x.org] robert bob@example.com com',
  );
  assert.equal(f.lookup("o'brien@example.com"), undefined, '%d of an unqualified result: skipped');
  assert.equal(f.lookup('alice'), undefined, 'domain is set: unqualified keys are not looked up');
  const limited = dir.write(
    'limited.cf',
    `dbpath = ${dbpath}\nquery = SELECT dest FROM users WHERE email = '%s'\nexpansion_limit = 1\n`,
  );
  assert.throws(
    () => openTable(`sqlite:${limited}`).lookup('bob@example.com'),
    /Expansion limit exceeded for key 'bob@example.com'/,
  );
  const bad = dir.write('bad.cf', `dbpath = ${dbpath}\nquery = SELECT %x\n`);
  assert.throws(() => openTable(`sqlite:${bad}`), /unknown '%' escape "%x"/);
});

test('unknown and unsupported types are named', () => {
  assert.throws(
    () => openTable('ldap:/etc/postfix/ldap.cf'),
    (e: unknown) =>
      e instanceof TableError &&
      e.reason === 'unsupported-type' &&
      /postern does not support the ldap: table type/.test(e.message),
  );
  assert.throws(
    () => openTable('proxy:hash:/etc/x'),
    /postern does not support the proxy: table type/,
  );
  assert.throws(
    () => openTable('nosuch:/x'),
    (e: unknown) =>
      e instanceof TableError &&
      e.reason === 'unknown-type' &&
      /nosuch: not a lookup table type \(supported: btree, cidr, hash/.test(e.message),
  );
  assert.throws(() => openTable('/etc/aliases'), /expecting "type:name" form/);
});

test('relative names are taken from baseDirectory', () => {
  dir.write('relative.re', '/x/ FOUND\n');
  assert.equal(
    openTable('regexp:relative.re', { baseDirectory: dir.path('') }).lookup('x'),
    'FOUND',
  );
});

test('a database older than its source (edited more than 100 s ago) is warned about, as Postfix does', () => {
  const source = build('hash', 'stale', 'a b\n');
  const w = warnings();
  const now = Date.now() / 1000;
  utimesSync(`${source}.db`, now - 1000, now - 1000);
  utimesSync(source, now - 500, now - 500);
  openTable(`hash:${source}`, { warn: w.sink }).close();
  assert.deepEqual(w.list, [`database ${source}.db is older than source file ${source}`]);
  utimesSync(source, now - 2000, now - 2000);
  const quiet = warnings();
  openTable(`hash:${source}`, { warn: quiet.sink }).close();
  assert.deepEqual(quiet.list, []);
});
