import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { main } from '../../src/cli/main.js';
import { tableDir } from '../mta/tables/fixture.js';

/**
 * `postern postmap -q` against Postfix's own `postmap -q` on the same source
 * files, for every table type both support (hash, btree, lmdb, texthash,
 * inline, static, cidr, regexp, pcre, sqlite), and postalias on the same
 * aliases file. Postfix runs with `-c` on a private directory holding an
 * empty main.cf (every parameter at its default: default_database_type =
 * hash), so no system configuration is needed. hash/btree/lmdb: each program
 * builds its own database (in its own directory) from the same source.
 * Needs the Debian packages postfix, postfix-pcre, postfix-sqlite and
 * postfix-lmdb.
 */

const POSTMAP = '/usr/sbin/postmap';
const POSTALIAS = '/usr/sbin/postalias';
const dir = tableDir();
after(() => dir.cleanup());
const conf = dir.path('postfix-conf');
mkdirSync(conf);
writeFileSync(join(conf, 'main.cf'), '# empty: every parameter at its Postfix default\n');

function requirePostfix(): void {
  for (const tool of [POSTMAP, POSTALIAS]) {
    assert.ok(
      existsSync(tool),
      `${tool} is missing: install postfix (apt-get install postfix postfix-pcre postfix-sqlite postfix-lmdb)`,
    );
  }
  const types = execFileSync('/usr/sbin/postconf', ['-c', conf, '-m'], { encoding: 'utf8' }).split(
    '\n',
  );
  for (const type of [
    'btree',
    'cidr',
    'hash',
    'inline',
    'lmdb',
    'pcre',
    'regexp',
    'sqlite',
    'static',
    'texthash',
  ]) {
    assert.ok(
      types.includes(type),
      `Postfix lacks the ${type}: table type: install postfix-pcre, postfix-sqlite and postfix-lmdb`,
    );
  }
}

async function postern(
  args: string[],
  stdin: string,
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

function postfix(
  tool: string,
  args: string[],
  stdin = '',
): { code: number; out: string; err: string } {
  const r = spawnSync(tool, ['-c', conf, ...args], { input: stdin, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Both answer the same keys (one a line, `-q -`) with the same values. */
async function agree(
  specOurs: string,
  specTheirs: string,
  keys: string[],
  tool: 'postmap' | 'postalias' = 'postmap',
): Promise<void> {
  const input = keys.join('\n') + '\n';
  const theirs = postfix(tool === 'postmap' ? POSTMAP : POSTALIAS, ['-q', '-', specTheirs], input);
  const ours = await postern([tool, '-q', '-', specOurs], input);
  assert.equal(ours.out, theirs.out, `${specOurs}: postern and Postfix disagree`);
  assert.equal(ours.code, theirs.code);
  assert.ok(theirs.out !== '', `${specTheirs}: the test keys should find something`);
}

const INDEXED_SOURCE =
  'Foo@Example.COM  Some Value\n# comment\n  continued line\nbar baz\nbar duplicate\nexample.com OK\n.example.org REJECT\nnovalue\n192.168.1 LAN\n';
const INDEXED_KEYS = [
  'FOO@example.com',
  'foo@example.com',
  'bar',
  'example.com',
  'EXAMPLE.COM',
  '.example.org',
  'none',
  '192.168.1',
  'novalue',
];

test('hash, btree and lmdb: each builds its own database from the same source, same answers and same content', async () => {
  requirePostfix();
  for (const type of ['hash', 'btree', 'lmdb']) {
    mkdirSync(dir.path(`ours-${type}`));
    mkdirSync(dir.path(`theirs-${type}`));
    const ours = dir.write(`ours-${type}/map`, INDEXED_SOURCE);
    const theirs = dir.write(`theirs-${type}/map`, INDEXED_SOURCE);
    assert.equal((await postern(['postmap', `${type}:${ours}`], '')).code, 0);
    assert.equal(postfix(POSTMAP, [`${type}:${theirs}`]).code, 0);
    await agree(`${type}:${ours}`, `${type}:${theirs}`, INDEXED_KEYS);
    const sorted = (text: string) => text.split('\n').filter(Boolean).sort().join('\n');
    assert.equal(
      sorted((await postern(['postmap', '-s', `${type}:${ours}`], '')).out),
      sorted(postfix(POSTMAP, ['-s', `${type}:${theirs}`]).out),
    );
  }
});

test('texthash: same answers', async () => {
  requirePostfix();
  const file = dir.write('text', INDEXED_SOURCE);
  await agree(`texthash:${file}`, `texthash:${file}`, INDEXED_KEYS);
});

test('inline and static: same answers', async () => {
  requirePostfix();
  const inline = 'inline:{ A=1, b=2 , { c = three four }, {d=x} Key=Val}';
  await agree(inline, inline, ['a', 'B', 'c', 'd', 'KEY', 'missing']);
  await agree('static:{ hello world }', 'static:{ hello world }', ['anything', 'Else']);
});

test('cidr: same answers, host bits, negation, if/endif, IPv6 and ::ffff:', async () => {
  requirePostfix();
  const file = dir.write(
    'clients.cidr',
    '192.168.1.1 OK\n192.168.1.5/24 BAD\nif 10.0.0.0/8\n10.1.0.0/16 TEN-ONE\nendif\n!10.0.0.0/8 NOT-TEN\n::ffff:1.2.3.0/120 MAPPED\n[2001:DB8::]/32 V6\n1.2.3.4/33 X\n0.0.0.0/0 ANY4\n',
  );
  await agree(`cidr:${file}`, `cidr:${file}`, [
    '192.168.1.1',
    '192.168.1.7',
    '10.1.2.3',
    '10.2.0.1',
    '1.2.3.4',
    '::ffff:1.2.3.4',
    '2001:db8::5',
    '2001:0DB8:0::1',
    '2001:db9::1',
    'foo',
    '011.0.0.1',
    '[1.2.3.4]',
    '8.8.8.8',
  ]);
});

const PATTERNS = [
  '# access patterns',
  '/[%!@].*[%!@]/\t550 Sender-specified routing rejected',
  '/^postmaster@/\tOK',
  'if !/^owner-/',
  '/^(.*)-outgoing@(.*)$/\t550 Use ${1}@${2} instead',
  'endif',
  '/^Case@/i\tEXACT-CASE',
  '/^x(y)?z$/\topt[$1]',
  '/^(.*)@example\\.com$/\tLOCAL $1 $$ done',
  '/^[[:digit:]]+\\.[[:alpha:]]+$/\tCLASSES',
  '/ab',
  ' cd/\tJOINED',
  '!/@/\tNOAT',
].join('\n');
const PATTERN_KEYS = [
  'a@b@c',
  'postmaster@example.com',
  'list-outgoing@example.org',
  'owner-list-outgoing@example.org',
  'Case@x',
  'case@x',
  'xz',
  'xyz',
  'bob@EXAMPLE.com',
  '12.ab',
  'ab cd',
  'plain',
  'u@other.org',
];

test('regexp: same answers', async () => {
  requirePostfix();
  const file = dir.write('access.regexp', PATTERNS + '\n/^a\\(b\\)c$/x\tBASIC $1\n');
  await agree(`regexp:${file}`, `regexp:${file}`, [...PATTERN_KEYS, 'abc@x']);
});

test('pcre: same answers', async () => {
  requirePostfix();
  const file = dir.write(
    'access.pcre',
    PATTERNS + '\n/^(\\d+)\\.(\\d+)$/\tNUM $2.$1\n/ a b c /x\tEXTENDED\n/b/A\tANCHORED\n',
  );
  await agree(`pcre:${file}`, `pcre:${file}`, [
    ...PATTERN_KEYS,
    '12.34',
    'zabcz@x',
    'bz@x',
    'zb@x',
  ]);
});

test('regexp: glibc details (escaped letters under REG_ICASE, brackets, basic syntax, longest match) agree', async () => {
  requirePostfix();
  const file = dir.write(
    'details.regexp',
    [
      '/^\\d$/\tESCAPED-LOWER',
      '/^\\Q$/\tESCAPED-UPPER',
      '/^\\w+@\\w+$/\tWORDS',
      '/\\<foo\\>/\tWORDFOO',
      '/^[]a]+$/\tBRACKET1',
      '/^b{2,3}$/\tINTERVAL',
      '/^(a|ab)(c|bcd)(d*)$/\tLONGEST $1-$2-$3',
      '/^[a\\]+$/\tBACKSLASH-IN-CLASS',
      '/^[[:upper:]]+$/\tUPPER',
      '/^c+\\/d$/\tSLASH',
      '/^a\\{2\\}$/x\tBRE-INTERVAL',
      '/^a+b$/x\tBRE-PLUS-LITERAL',
      '/^\\(x\\)\\1$/x\tBRE-BACKREF $1',
      '/^c\\+d$/x\tBRE-GNU-PLUS',
      '/a^b/x\tBRE-CARET',
      '/^f|g$/\tALT',
      '/^[^]a]+$/\tBRACKET2',
    ].join('\n'),
  );
  const keys = [
    'd',
    '5',
    'q',
    'Q',
    'ab@cd',
    'the foo bar',
    ']a]',
    'bb',
    'bbbb',
    'abcd',
    '\\a\\',
    'ABC',
    'ccc/d',
    'aa',
    'a+b',
    'xx',
    'ccd',
    'a^b',
    'fzzz',
    'zzg',
    'xyz',
  ];
  await agree(`regexp:${file}`, `regexp:${file}`, keys);
});

test('pcre: Perl features that JavaScript shares agree', async () => {
  requirePostfix();
  const file = dir.write(
    'details.pcre',
    [
      '/^\\d+$/\tDIGITS',
      '/^(?:a|ab)(c|bcd)$/\tNONCAP $1',
      '/^(?<name>x)y$/\tNAMED $1',
      '/^(?P<n2>q)r$/\tPNAMED $1',
      '/^[[:alpha:]]+\\d$/\tCLASS',
      '/^\\Aanch\\z/\tAZ',
      '/^lazy(.*?)(x*)$/\tLAZY $1-$2',
      '/foo(?=bar)/\tLOOK',
      '/(?<!z)tail$/\tBEHIND',
      '/^Case$/i\tCS',
      '/^\\x41\\x42$/\tHEX',
      '/^\\bword\\b$/\tWB',
      '/^[\\w.]+$/\tWORDDOT',
    ].join('\n'),
  );
  const keys = [
    '123',
    'ac',
    'abcd',
    'xy',
    'qr',
    'abc5',
    'anch',
    'lazyabcxx',
    'foobar',
    'ztail',
    'atail',
    'Case',
    'case',
    'AB',
    'ab',
    'word',
    'foo.bar_1',
    '-',
  ];
  await agree(`pcre:${file}`, `pcre:${file}`, keys);
});

test('cidr: IPv6 forms, ::/0, mapped and link-local networks agree', async () => {
  requirePostfix();
  const file = dir.write(
    'v6.cidr',
    '::1\tLOOP6\n127.0.0.0/8\tLOOP4\n2001:db8::/128\tEXACT\n2001:db8:0:0:0:0:0:1/128\tEXACT1\nfe80::/10\tLINK\n::ffff:0:0/96\tMAPPED\n::/0\tANY6\n',
  );
  const keys = [
    '::1',
    '0:0:0:0:0:0:0:1',
    '127.1.2.3',
    '2001:db8::',
    '2001:db8::1',
    'FE80::abcd',
    'fe80::1%eth0',
    '::ffff:8.8.8.8',
    '1.2.3.4',
    '::',
    '1::2::3',
    '12345::',
    '::1.2.3.4',
  ];
  await agree(`cidr:${file}`, `cidr:${file}`, keys);
});

test('sqlite: same answers with a real query file and database', async () => {
  requirePostfix();
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
  const keys = [
    'bob@example.com',
    'BOB@Example.com',
    "o'brien@example.com",
    'alice',
    'nobody',
    'x@y.example.com',
  ];
  await agree(`sqlite:${plain}`, `sqlite:${plain}`, keys);
  const formatted = dir.write(
    'formatted.cf',
    `dbpath = ${dbpath}\nquery = SELECT dest FROM users WHERE email = '%u@%d'\nresult_format = smtp:[%d] %u %S %1\ndomain = example.com\nexpansion_limit = 2\n`,
  );
  await agree(`sqlite:${formatted}`, `sqlite:${formatted}`, keys);
  const domainFile = dir.write('sql-domains', '# more domains\nlisted.net\n');
  const matchList = dir.write(
    'domains.cf',
    `dbpath = ${dbpath}\nquery = SELECT dest FROM users WHERE email = '%s'\ndomain = !x.org, example.com, x.org, ${domainFile}, inline:{other.net=yes}\n`,
  );
  const more = new Database(dbpath);
  more.exec(
    "INSERT INTO users VALUES ('u@x.org','X'), ('u@sub.example.com','SUB'), ('u@listed.net','LISTED'), ('u@other.net','OTHER')",
  );
  more.close();
  await agree(`sqlite:${matchList}`, `sqlite:${matchList}`, [
    'bob@example.com',
    'u@x.org',
    'u@sub.example.com',
    'u@listed.net',
    'u@other.net',
    'alice',
  ]);
});

test('postalias: each builds its own database from the same aliases file, same answers', async () => {
  requirePostfix();
  const text =
    '# comment\nPostmaster: root\nroot: alice, bob,\n   carol\nlist: :include:/etc/list, "|/usr/bin/prog arg", /var/mail/file\n"quoted name": x\nbad line\ndup: a\ndup: b\n' +
    'a:b\nc : d\ne: f,g ,  h\ni: "j, k", l\nm: n (comment), o\np: <q@r>\nw:\nx: ,y\ntrail: b,\ndouble: d,,e\nspaces: a    b\t\tc\nquoted: "x   y"\n';
  mkdirSync(dir.path('ours-aliases'));
  mkdirSync(dir.path('theirs-aliases'));
  const ours = dir.write('ours-aliases/aliases', text);
  const theirs = dir.write('theirs-aliases/aliases', text);
  assert.equal((await postern(['postalias', ours], '')).code, 0);
  assert.equal(postfix(POSTALIAS, [theirs]).code, 0);
  await agree(
    `hash:${ours}`,
    `hash:${theirs}`,
    ['postmaster', 'ROOT', 'list', 'quoted name', 'dup', 'bad', 'nobody'],
    'postalias',
  );
  // Postfix adds NIS entries (YP_LAST_MODIFIED, YP_MASTER_NAME) and sendmail's "@: @"; postern does not (aliases.ts).
  const content = (out: string) =>
    out
      .split('\n')
      .filter((l) => l !== '' && !/^(YP_|@:)/.test(l))
      .sort();
  assert.deepEqual(
    content((await postern(['postalias', '-s', ours], '')).out),
    content(postfix(POSTALIAS, ['-s', theirs]).out),
  );
});

test('warnings and fatal errors are worded as Postfix words them', async () => {
  requirePostfix();
  const rules = dir.write(
    'warnings.rules',
    '/^a/\n/^b/q X\n/^(c)/ $2\n/^i/ I $foo\n/^j/ J $\n/^k/ K ${a}\nendif\nif /^e/\n/^ef/ EF\n#x\n/^g/ G ${1 \n/^h(.)/ H${1}x$(1)y$1\n!/^(n)/ N $1\n',
  );
  const cidr = dir.write(
    'warnings.cidr',
    '192.168.1.5/24 BAD\n1.2.3.4/33 X\n1.2.3 Y\n10.2.0.0/16\n2001:db8:1::1/ff Z\nif 10.0.0.0/8\nendif\nendif\nif 1.0.0.0/8\n',
  );
  // Not texthash: Postfix 3.7's postmap -q opens it nine times and prints each warning nine times.
  const cases: string[][] = [
    ['-q', 'ef', `regexp:${rules}`],
    ['-q', 'ef', `pcre:${rules}`],
    ['-q', '1.1.1.1', `cidr:${cidr}`],
    ['-q', 'x', dir.path('no-such-map')],
    [dir.path('no-such-source')],
    ['-s', `cidr:${cidr}`],
    [`cidr:${cidr}`],
    ['-q', 'x', 'static:{a'],
    ['-q', 'x', 'inline:{ b = 2 }'],
  ];
  for (const args of cases) {
    const theirs = postfix(POSTMAP, args);
    const ours = await postern(['postmap', ...args], '');
    assert.equal(ours.err, theirs.err, `postmap ${args.join(' ')}`);
    assert.equal(ours.code, theirs.code, `postmap ${args.join(' ')}: exit code`);
  }
  mkdirSync(dir.path('ours-warn'));
  mkdirSync(dir.path('theirs-warn'));
  const source = '  leading whitespace\na 1\na 2\nnovalue\n';
  const oursFile = dir.write('ours-warn/map', source);
  const theirsFile = dir.write('theirs-warn/map', source);
  const ours = await postern(['postmap', oursFile], '');
  const theirs = postfix(POSTMAP, [theirsFile]);
  assert.equal(
    ours.err.replaceAll('ours-warn', 'DIR'),
    theirs.err.replaceAll('theirs-warn', 'DIR'),
  );
});
