import { aliasEntries } from '../mta/tables/aliases.js';
import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import { mainCfParameter } from './main-cf-parameter.js';
import { runTableTool, type ToolSyntax } from './table-tool.js';

const SYNTAX: ToolSyntax = {
  program: 'postalias',
  entries: aliasEntries,
  format: (key, value) => `${key}:\t${value}`,
};

const USAGE = `usage: postern postalias [-fiNnrsw] [-c DIR] [-d KEY] [-q KEY] [type:]file...

Builds and queries alias databases from aliases(5) files ("name: value,
value", continuation lines, comments; :include:/file, /file and "|command"
values are kept as written). Options as for postern postmap; -s prints
"name:<TAB>value".`;

export const postaliasCommand: Command = {
  name: 'postalias',
  summary: 'build and query alias databases (like Postfix postalias)',
  usage: USAGE,
  run: (args, io) => runTableTool(SYNTAX, args, io),
};

/** alias_database default (postconf(5); Debian's and most systems' value). */
const DEFAULT_ALIAS_DATABASE = 'hash:/etc/aliases';

const NEWALIASES_USAGE = `usage: postern newaliases [-c DIR] [-oA DATABASE]

Rebuilds every alias database named by alias_database (default
${DEFAULT_ALIAS_DATABASE}), as postalias would. -oA DATABASE (or -oADATABASE,
sendmail's form) names the databases explicitly (commas or spaces between
several). -c DIR reads alias_database from DIR/main.cf: only that one
parameter, and a value using $name expansion is refused (give -oA then).`;

export const newaliasesCommand: Command = {
  name: 'newaliases',
  summary: 'rebuild the alias databases of alias_database',
  usage: NEWALIASES_USAGE,
  async run(args, io) {
    const { configDir, explicit } = newaliasesOptions(args);
    const databases = explicit ?? databasesFromConfig(configDir, io);
    if (databases === undefined) return 1;
    const specs = databases.split(/[\s,]+/).filter((s) => s !== '');
    return runTableTool(SYNTAX, configDir === undefined ? specs : ['-c', configDir, ...specs], io);
  },
};

function newaliasesOptions(args: string[]): {
  configDir: string | undefined;
  explicit: string | undefined;
} {
  let explicit: string | undefined;
  let configDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '-c') configDir = args[++i];
    else if (arg === '-oA') explicit = args[++i];
    else if (arg.startsWith('-oA')) explicit = arg.slice(3);
    else throw new UsageError(`unknown argument ${arg}`);
    if (configDir === undefined && arg === '-c') throw new UsageError('-c needs a directory');
    if (explicit === undefined && arg === '-oA') throw new UsageError('-oA needs a database');
  }
  return { configDir, explicit };
}

/** alias_database from DIR/main.cf, or its default. */
function databasesFromConfig(configDir: string | undefined, io: CommandIO): string | undefined {
  if (configDir === undefined) return DEFAULT_ALIAS_DATABASE;
  try {
    return mainCfParameter(configDir, 'alias_database') ?? DEFAULT_ALIAS_DATABASE;
  } catch (err) {
    io.stderr.write(`newaliases: fatal: ${(err as Error).message}\n`);
    return undefined;
  }
}
