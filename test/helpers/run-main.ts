import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';

/** Runs `postern ARGS…` in this process, capturing stdout and stderr (latin1, as the CLI writes bytes). */
export async function runMain(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
  stderr.on('data', (d: Buffer) => (err += d.toString('latin1')));
  const code = await main(args, { stdout, stderr, stdin: new PassThrough() });
  return { code, out, err };
}
