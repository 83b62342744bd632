import { UsageError } from './command.js';

/**
 * OpenSSL-style options: a single dash, one word (`-connect host:443`,
 * `-noout`). `flags` take no value, `options` take exactly one; everything
 * else that does not start with `-` is a positional argument.
 */
export interface ArgSpec {
  flags?: readonly string[];
  options?: readonly string[];
  /** Options that may be given more than once; their values accumulate. */
  repeatable?: readonly string[];
}

export interface ParsedArgs {
  flags: Set<string>;
  options: Map<string, string[]>;
  positional: string[];
}

export function parseArgs(argv: readonly string[], spec: ArgSpec): ParsedArgs {
  const flags = new Set<string>();
  const options = new Map<string, string[]>();
  const positional: string[] = [];
  const flagNames = new Set(spec.flags ?? []);
  const optionNames = new Set([...(spec.options ?? []), ...(spec.repeatable ?? [])]);
  const repeatable = new Set(spec.repeatable ?? []);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const name = arg.replace(/^--?/, '');
    if (flagNames.has(name)) {
      flags.add(name);
    } else if (optionNames.has(name)) {
      const value = argv[i + 1];
      if (value === undefined) throw new UsageError(`option -${name} needs a value`);
      i++;
      const prior = options.get(name);
      if (prior && !repeatable.has(name)) throw new UsageError(`option -${name} given twice`);
      options.set(name, [...(prior ?? []), value]);
    } else {
      throw new UsageError(`unknown option ${arg}`);
    }
  }
  return { flags, options, positional };
}

/** The single value of an option, or undefined. */
export function optionValue(parsed: ParsedArgs, name: string): string | undefined {
  return parsed.options.get(name)?.[0];
}
