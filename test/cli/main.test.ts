import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { Command, CommandIO } from '../../src/cli/command.js';
import { UsageError } from '../../src/cli/command.js';
import { parseArgs } from '../../src/cli/args.js';

function capture(): { io: CommandIO; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d: Buffer) => (o += d.toString()));
  stderr.on('data', (d: Buffer) => (e += d.toString()));
  return { io: { stdout, stderr, stdin: new PassThrough() }, out: () => o, err: () => e };
}

const echo: Command = {
  name: 'echo',
  summary: 'prints its arguments',
  usage: 'usage: postern echo [-n] WORDS...',
  async run(args, io) {
    const parsed = parseArgs(args, { flags: ['n'] });
    if (parsed.positional.length === 0) throw new UsageError('nothing to echo');
    io.stdout.write(parsed.positional.join(' ') + (parsed.flags.has('n') ? '' : '\n'));
    return 0;
  },
};

test('help lists the commands given and exits 0', async () => {
  const c = capture();
  assert.equal(await main(['--help'], c.io, [echo]), 0);
  assert.match(c.out(), /usage: postern COMMAND/);
  assert.match(c.out(), /echo\s+prints its arguments/);
});

test('unknown command exits 2 naming it', async () => {
  const c = capture();
  assert.equal(await main(['frobnicate'], c.io, [echo]), 2);
  assert.match(c.err(), /unknown command 'frobnicate'/);
});

test('a usage error prints the usage and exits 2', async () => {
  const c = capture();
  assert.equal(await main(['echo'], c.io, [echo]), 2);
  assert.match(c.err(), /nothing to echo/);
  assert.match(c.err(), /usage: postern echo/);
});

test('a command runs with its arguments', async () => {
  const c = capture();
  assert.equal(await main(['echo', '-n', 'a', 'b'], c.io, [echo]), 0);
  assert.equal(c.out(), 'a b');
});

test('parseArgs: options, repeats and unknown options', () => {
  const p = parseArgs(['-in', 'x.pem', '-noout', 'pos'], { flags: ['noout'], options: ['in'] });
  assert.deepEqual(p.options.get('in'), ['x.pem']);
  assert.ok(p.flags.has('noout'));
  assert.deepEqual(p.positional, ['pos']);
  assert.throws(() => parseArgs(['-bogus'], {}), UsageError);
  assert.throws(() => parseArgs(['-in'], { options: ['in'] }), /needs a value/);
  assert.throws(() => parseArgs(['-in', 'a', '-in', 'b'], { options: ['in'] }), /given twice/);
  assert.deepEqual(parseArgs(['-u', 'a', '-u', 'b'], { repeatable: ['u'] }).options.get('u'), [
    'a',
    'b',
  ]);
});
