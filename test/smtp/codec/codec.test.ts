import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeXtext, parseCommand } from '../../../src/smtp/codec/command.js';
import { DataReader } from '../../../src/smtp/codec/data.js';
import { LineSplitter } from '../../../src/smtp/codec/lines.js';
import { parsePath } from '../../../src/smtp/codec/path.js';
import { reply, ReplyError } from '../../../src/smtp/codec/reply.js';
import { dumpReplies } from '../../../src/smtp/codec/reply-dump.js';
import { ReplyParser } from '../../../src/smtp/codec/reply-parser.js';
import { encodeReply } from '../../../src/smtp/codec/reply-writer.js';

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

describe('replies', () => {
  test('multi-line with enhanced codes on every line (RFC 2034 §4), parsed back', () => {
    const r = reply(250, '2.0.0', 'first', 'second', 'last');
    const wire = text(encodeReply(r));
    assert.equal(wire, '250-2.0.0 first\r\n250-2.0.0 second\r\n250 2.0.0 last\r\n');
    assert.deepEqual(new ReplyParser().push(bytes(wire)), [r]);
    assert.deepEqual(new ReplyParser().push(bytes('220 mx ESMTP\r\n')), [
      { code: 220, lines: ['mx ESMTP'] },
    ]);
  });

  test('bad replies are refused', () => {
    assert.throws(() => reply(250, '5.0.0', 'x'), ReplyError);
    assert.throws(() => reply(700, undefined, 'x'), ReplyError);
    assert.throws(() => reply(250, undefined, 'a\r\nb'), ReplyError);
    assert.throws(() => reply(250, undefined), ReplyError);
    assert.throws(() => new ReplyParser().push(bytes('250-a\r\n251 b\r\n')), ReplyError);
  });

  test('the dump names every line', () => {
    const d = dumpReplies([reply(250, undefined, 'mx', 'PIPELINING'), reply(221, '2.0.0', 'Bye')]);
    assert.equal(d.split('\n').length, 3);
    assert.match(d, /^0000  250-mx\s+reply 250 continued line 1\/2$/m);
    assert.match(d, /221 2\.0\.0 Bye\s+reply 221 \(2\.0\.0\) single-line 1\/1$/m);
  });
});

describe('line splitter', () => {
  test('lines across reads, bare LF and bare CR flags, followed', () => {
    const s = new LineSplitter(100);
    s.push(bytes('NO'));
    assert.equal(s.next(), undefined);
    s.push(bytes('OP\r\nA\nB\rC\r\n'));
    const a = s.next();
    assert.ok(a?.kind === 'line');
    assert.equal(text(a.bytes), 'NOOP');
    assert.equal(a.followed, true);
    const b = s.next();
    assert.ok(b?.kind === 'line' && b.bareLf && !b.bareCr);
    const c = s.next();
    assert.ok(
      c?.kind === 'line' && !c.bareLf && c.bareCr && text(c.bytes) === 'B\rC' && !c.followed,
    );
  });

  test('an overlong line is reported once its LF arrives; its bytes are not kept', () => {
    const s = new LineSplitter(10);
    for (let i = 0; i < 1000; i++) s.push(bytes('xxxxxxxx'));
    assert.equal(s.next(), undefined);
    assert.ok(s.buffered < 20);
    s.push(bytes('\r\nok\r\n'));
    assert.equal(s.next()?.kind, 'overlong');
    const ok = s.next();
    assert.ok(ok?.kind === 'line' && text(ok.bytes) === 'ok');
  });

  test('takeRest and unshift', () => {
    const s = new LineSplitter(100);
    s.push(bytes('A\r\nrest'));
    s.next();
    assert.deepEqual(s.takeRest().map(text), ['rest']);
    s.unshift(bytes('B\r\n'));
    const b = s.next();
    assert.ok(b?.kind === 'line' && text(b.bytes) === 'B');
  });

  test('linear: a long line fed one byte at a time', () => {
    const s = new LineSplitter(1 << 20);
    const start = process.hrtime.bigint();
    for (let i = 0; i < 200_000; i++) {
      s.push(Uint8Array.of(0x41));
      s.next();
    }
    s.push(bytes('\r\n'));
    const l = s.next();
    assert.ok(l?.kind === 'line' && l.bytes.length === 200_000);
    // Not a speed assertion: a quadratic scan of 200k single-byte reads would take minutes, this a fraction of a second.
    assert.ok(process.hrtime.bigint() - start < 30_000_000_000n);
  });
});

describe('DATA reader', () => {
  const run = (policy: 'normalize' | 'reject' | 'no', ...parts: string[]) => {
    const r = new DataReader(policy);
    let content = '';
    for (const p of parts) {
      const got = r.push(bytes(p));
      content += text(got.content);
      if (got.done) return { content, done: true, rest: text(got.rest), bare: got.bareNewline };
    }
    return { content, done: false, rest: '', bare: undefined };
  };

  test('dot-unstuffing and the end at CRLF.CRLF however split', () => {
    const input = 'a\r\n..b\r\n.\r\nMAIL';
    for (let cut = 0; cut <= input.length; cut++) {
      const r = run('normalize', input.slice(0, cut), input.slice(cut));
      assert.deepEqual([r.content, r.done], ['a\r\n.b\r\n', true], `cut ${cut}`);
    }
    assert.equal(run('normalize', '.\r\nX').rest, 'X');
  });

  test('smuggling sequences do not end the data', () => {
    for (const s of ['a\n.\nb', 'a\r.\rb', 'a\n.\r\nb', 'a\r\n.\nb', 'a\r\n.\rb'])
      assert.equal(run('normalize', s).done, false, JSON.stringify(s));
    assert.equal(run('no', 'a\n.\n').done, true);
    assert.equal(run('reject', 'a\nb').bare, undefined);
    const r = new DataReader('reject');
    assert.equal(r.push(bytes('a\nb')).bareNewline, 'lf');
    assert.equal(new DataReader('reject').push(bytes('a\rb')).bareNewline, 'cr');
  });
});

describe('commands and paths', () => {
  test('verbs are case-insensitive; AUTH, BDAT, VRFY', () => {
    assert.deepEqual(parseCommand('ehlo x.example'), { verb: 'EHLO', domain: 'x.example' });
    assert.deepEqual(parseCommand('auth plain AGEAYg=='), {
      verb: 'AUTH',
      mechanism: 'PLAIN',
      initialResponse: 'AGEAYg==',
    });
    assert.deepEqual(parseCommand('BDAT 10 last'), { verb: 'BDAT', size: 10, last: true });
    assert.deepEqual(parseCommand('VRFY  bob '), { verb: 'VRFY', argument: 'bob' });
    assert.deepEqual(parseCommand('FOO'), { verb: 'UNKNOWN', name: 'FOO' });
  });

  test('paths: null, quoted local parts, source routes, address literals, bare addresses', () => {
    assert.deepEqual(parsePath('<>', false), { ok: true, address: '', rest: '', unicode: false });
    assert.equal(
      (parsePath('<"a b>c"@x.y> SIZE=1', false) as { address: string }).address,
      '"a b>c"@x.y',
    );
    assert.equal((parsePath('<@a.b,@c.d:u@e.f>', false) as { address: string }).address, 'u@e.f');
    assert.equal(
      (parsePath('<u@[192.0.2.1]>', false) as { address: string }).address,
      'u@[192.0.2.1]',
    );
    assert.equal((parsePath(' u@x.y', false) as { address: string }).address, 'u@x.y');
    for (const bad of [
      '<u@>',
      '<u@x..y>',
      '<a b@x.y>',
      '<u@x.y',
      '<@a.b:u>',
      '<"unterminated@x.y>',
    ])
      assert.equal(parsePath(bad, false).ok, false, bad);
    assert.equal(parsePath('<postmaster>', true).ok, true);
    assert.equal(parsePath('<postmaster>', false).ok, false);
  });

  test('MAIL and RCPT parameters', () => {
    assert.deepEqual(
      parseCommand(
        'MAIL FROM:<a@b.c> SIZE=42 BODY=8bitmime SMTPUTF8 RET=FULL ENVID=ab+2Bc AUTH=<>',
      ),
      {
        verb: 'MAIL',
        address: 'a@b.c',
        unicode: false,
        params: {
          size: 42,
          body: '8BITMIME',
          smtputf8: true,
          ret: 'FULL',
          envid: 'ab+c',
          auth: '',
        },
      },
    );
    assert.deepEqual(parseCommand('RCPT TO:<a@b.c> NOTIFY=never ORCPT=rfc822;a+40b.c'), {
      verb: 'RCPT',
      address: 'a@b.c',
      unicode: false,
      params: { notify: ['NEVER'], orcpt: { addrType: 'rfc822', address: 'a@b.c' } },
    });
    assert.equal(decodeXtext('a+2'), undefined);
    assert.equal(decodeXtext('a=b'), undefined);
    for (const bad of [
      'MAIL FROM:<a@b.c> RET=X',
      'MAIL FROM:<a@b.c> SMTPUTF8=1',
      'MAIL FROM:<a@b.c>SIZE=1',
      'RCPT TO:<a@b.c> ORCPT=x',
      'RCPT TO:<a@b.c> NOTIFY=SUCCESS,SUCCESS',
    ]) {
      assert.equal(parseCommand(bad).verb, 'ERROR', bad);
    }
  });
});
