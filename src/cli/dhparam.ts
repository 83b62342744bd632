import { writeFileSync } from 'node:fs';
import { createSystemRandom } from '../prng/system.js';
import { encodeDhParametersPem, generateDhParameters } from '../x509/dh-params.js';
import type { Command } from './command.js';
import { UsageError } from './command.js';
import { optionValue, parseArgs } from './args.js';

const USAGE = `usage: postern dhparam [-out FILE] BITS

Generates DH parameters (a safe prime p = 2q + 1 of BITS bits, generator 2)
and writes them as a PKCS#3 'DH PARAMETERS' PEM block, for
smtpd_tls_dh1024_param_file. p is chosen with p mod 24 = 23, so that 2
generates the subgroup of prime order q.

Generation is a search and its time varies a lot from run to run. Measured
on this project's 2-core VM (Node 20, one core busy): 1024 bits took 1.2 to
7.1 s (six runs, mean 3.7 s); 2048 bits took 79 s and 329 s (two runs), so
expect minutes. Like 'openssl dhparam', run it once and keep the file.`;

export const dhparamCommand: Command = {
  name: 'dhparam',
  summary: 'generate DH parameters (like openssl dhparam)',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseArgs(args, { options: ['out'] });
    const [bitsText, ...extra] = parsed.positional;
    if (bitsText === undefined || extra.length > 0 || !/^\d+$/.test(bitsText))
      throw new UsageError('give the size in bits');
    const bits = Number(bitsText);
    if (bits < 512 || bits > 8192) throw new UsageError('BITS must be between 512 and 8192');
    const random = createSystemRandom();
    io.stderr.write(`Generating DH parameters, ${bits} bit long safe prime\n`);
    const { p, g } = generateDhParameters(bits, random, () => io.stderr.write('.'));
    io.stderr.write('\n');
    const pem = encodeDhParametersPem(p, g);
    const out = optionValue(parsed, 'out');
    if (out === undefined) io.stdout.write(pem);
    else writeFileSync(out, pem, { mode: 0o644 });
    return 0;
  },
};
