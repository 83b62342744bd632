import { UsageError } from './command.js';

/**
 * getopt(3) as Postfix's commands use it: single letters, grouped (`-fq KEY`),
 * a letter followed by `:` in the option string takes a value (attached or
 * the next argument), options stop at the first operand or `--`.
 */
export interface Getopt {
  /** Each letter seen, with its values in order (an empty list for a flag). */
  options: Map<string, string[]>;
  operands: string[];
}

export function getopt(argv: readonly string[], optstring: string): Getopt {
  const options = new Map<string, string[]>();
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j] as string;
      const at = optstring.indexOf(letter);
      if (at < 0 || letter === ':') throw new UsageError(`invalid option -- '${letter}'`);
      const values = options.get(letter) ?? [];
      options.set(letter, values);
      if (optstring[at + 1] !== ':') continue;
      const value = j + 1 < arg.length ? arg.slice(j + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`option requires an argument -- '${letter}'`);
      values.push(value);
      break;
    }
  }
  return { options, operands: argv.slice(i) };
}
