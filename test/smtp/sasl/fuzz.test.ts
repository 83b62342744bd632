import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { deterministicRandom } from '../../../src/prng/index.js';
import { plainServer } from '../../../src/smtp/sasl/plain.js';
import { loginServer } from '../../../src/smtp/sasl/login.js';
import { cramMd5Server } from '../../../src/smtp/sasl/cram-md5.js';
import {
  DovecotProtocolError,
  HandshakeReader,
  LineSplitter,
  parseAuthReply,
} from '../../../src/smtp/sasl/dovecot-protocol.js';
import { parseStoredSecret, StoredSecretError } from '../../../src/smtp/sasl/stored-secret.js';
import type { ServerMechanism } from '../../../src/smtp/sasl/mechanism.js';

/**
 * Random client bytes into the server mechanisms, random lines into the
 * Dovecot reader, random table values into the secret parser: each gives a
 * step, a value or its own typed error, never another exception.
 */

const bytes = fc.uint8Array({ maxLength: 600 });
const mechanisms = (): ServerMechanism[] => [
  plainServer(),
  loginServer(),
  cramMd5Server({ random: deterministicRandom('fuzz'), now: () => 0, hostname: 'h' }),
];

test('server mechanisms: any sequence of responses gives challenge, credentials or malformed', () => {
  fc.assert(
    fc.property(
      fc.option(bytes, { nil: undefined }),
      fc.array(bytes, { maxLength: 4 }),
      (initial, responses) => {
        for (const m of mechanisms()) {
          const steps = [m.start(initial), ...responses.map((r) => m.respond(r))];
          for (const s of steps)
            assert.ok(['challenge', 'credentials', 'malformed'].includes(s.kind));
        }
      },
    ),
    { numRuns: 300 },
  );
});

const dovecotLine = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc
    .tuple(
      fc.constantFrom('OK', 'CONT', 'FAIL', 'MECH', 'VERSION', 'SPID', 'DONE'),
      fc.array(fc.string({ maxLength: 12 }), { maxLength: 4 }),
    )
    .map(([c, a]) => [c, ...a].join('\t')),
);

test('Dovecot lines: replies and handshakes parse or raise DovecotProtocolError', () => {
  fc.assert(
    fc.property(fc.array(dovecotLine, { maxLength: 8 }), (lines) => {
      const reader = new HandshakeReader();
      for (const line of lines) {
        for (const f of [() => parseAuthReply(line), () => reader.line(line)]) {
          try {
            f();
          } catch (err) {
            assert.ok(err instanceof DovecotProtocolError, String(err));
          }
        }
      }
      const splitter = new LineSplitter();
      assert.ok(Array.isArray(splitter.push(lines.join('\n'))));
    }),
    { numRuns: 500 },
  );
});

test('stored secrets: any table value parses or raises StoredSecretError', () => {
  const value = fc.oneof(
    fc.string({ maxLength: 100 }),
    fc
      .tuple(
        fc.constantFrom('$scrypt$', '$argon2id$v=19$', '$argon2id$', '{PLAIN}'),
        fc.string({ maxLength: 60 }),
      )
      .map(([a, b]) => a + b),
  );
  fc.assert(
    fc.property(value, (v) => {
      try {
        parseStoredSecret(v);
      } catch (err) {
        assert.ok(err instanceof StoredSecretError, String(err));
      }
    }),
    { numRuns: 1000 },
  );
});
