import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Harness } from '../../helpers/smtp-session.js';

/** Bad input never breaks the session: any bytes, split anywhere, get replies, never an internal error. */

const tokens = fc.constantFrom(
  'EHLO c\r\n',
  'HELO c\r\n',
  'MAIL FROM:<a@b.c>\r\n',
  'MAIL FROM:<a@b.c> SIZE=99999999999\r\n',
  'RCPT TO:<d@e.f>\r\n',
  'DATA\r\n',
  '.\r\n',
  '..\r\n',
  'BDAT 3\r\n',
  'BDAT 0 LAST\r\n',
  'RSET\r\n',
  'STARTTLS\r\n',
  'AUTH PLAIN\r\n',
  'AUTH LOGIN\r\n',
  '*\r\n',
  'AGFsaWNlAHNlY3JldA==\r\n',
  'NOOP\r\n',
  'VRFY x\r\n',
  '\r\n',
  '\n',
  '\r',
  'x'.repeat(300),
);
const chunk = fc.oneof(
  tokens,
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1')),
);

test('random commands and bytes, split at random points: no internal error, no throw', () => {
  fc.assert(
    fc.property(
      fc.array(chunk, { maxLength: 40 }),
      fc.array(fc.nat(), { maxLength: 10 }),
      fc.boolean(),
      (parts, cuts, reject) => {
        const s = new Harness({
          lineLengthLimit: 200,
          smtpdSaslAuthEnable: true,
          tlsAvailable: true,
          smtpdTlsSecurityLevel: 'may',
          smtpdForbidBareNewline: reject ? 'reject' : 'normalize',
          messageSizeLimit: 1000,
        });
        s.start();
        const all = Buffer.from(parts.join(''), 'latin1');
        let at = 0;
        for (const c of [...cuts.map((n) => (all.length === 0 ? 0 : n % all.length))].sort(
          (a, b) => a - b,
        )) {
          s.send(new Uint8Array(all.subarray(at, c)));
          at = c;
        }
        s.send(new Uint8Array(all.subarray(at)));
        s.session.end();
        s.run();
        assert.ok(!s.logs.some((l) => l.startsWith('internal error')), s.logs.join('\n'));
      },
    ),
    { numRuns: 400 },
  );
});

test('the replies do not depend on how the input is split (STARTTLS aside, whose pipelined bytes are dropped by design)', () => {
  const noTls = fc.oneof(
    tokens.filter((t) => t !== 'STARTTLS\r\n'),
    fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b).toString('latin1')),
  );
  fc.assert(
    fc.property(
      fc.array(noTls, { maxLength: 30 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      (parts, cuts) => {
        const make = (): Harness => {
          const h = new Harness({
            lineLengthLimit: 200,
            smtpdSaslAuthEnable: true,
            messageSizeLimit: 1000,
          });
          h.start();
          return h;
        };
        const all = Buffer.from(parts.join(''), 'latin1');
        const whole = make();
        const expected = whole.send(new Uint8Array(all));
        const split = make();
        let out = '';
        let at = 0;
        for (const c of cuts
          .map((n) => (all.length === 0 ? 0 : n % all.length))
          .sort((a, b) => a - b)) {
          out += split.send(new Uint8Array(all.subarray(at, c)));
          at = c;
        }
        out += split.send(new Uint8Array(all.subarray(at)));
        assert.equal(out, expected);
        assert.equal(split.messages.length, whole.messages.length);
      },
    ),
    { numRuns: 400 },
  );
});
