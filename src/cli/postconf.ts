import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import { getopt } from './getopt.js';
import {
  ConfigError,
  DEFAULT_CONFIG_DIRECTORY,
  ParameterSet,
  type ConfigWarning,
  type MasterService,
  type ParameterDefinition,
} from '../mta/config/index.js';
import {
  definitionsOfServices,
  mainSettings,
  serviceSet,
  unusedParameterWarnings,
} from '../mta/config/configuration.js';
import { parseMainCf, readMainCf, type MainCf } from '../mta/config/main-cf.js';
import { editMainCf } from '../mta/config/main-cf-edit.js';
import { readMasterCf } from '../mta/config/master-cf.js';

const USAGE = `usage: postern postconf [-c DIR] [-d | -n] [-h] [-x] [NAME...]
       postern postconf [-c DIR] -e NAME=VALUE...
       postern postconf [-c DIR] -X NAME...
       postern postconf [-c DIR] -M [-x] [SERVICE[/TYPE]...]
       postern postconf [-c DIR] -P [-x] [SERVICE/TYPE[/NAME]...]

Prints main.cf parameters as Postfix's postconf does: all of them, or the
NAMEs given, as "name = value". -n only those set in main.cf, -d the
defaults, -h values without "name = ", -x values expanded. -e sets and -X
removes parameters in main.cf in place (comments and order kept). -M prints
the master.cf services, -P their -o parameters. -c DIR reads DIR/main.cf
and DIR/master.cf instead of ${DEFAULT_CONFIG_DIRECTORY}.`;

/** getopt(3)'s option string: the flags, and -c taking the directory. */
const OPTSTRING = 'c:dehnxXMP';

interface Options {
  flags: Set<string>;
  directory: string;
  operands: string[];
}

/** Postfix-style getopt: `-nh`, `-c DIR`, `-cDIR`; the rest are operands. */
function parseOptions(args: readonly string[]): Options {
  const { options, operands } = getopt(args, OPTSTRING);
  const flags = new Set([...options.keys()].filter((letter) => letter !== 'c'));
  const directory = options.get('c')?.at(-1) ?? DEFAULT_CONFIG_DIRECTORY;
  const exclusive = ['e', 'X', 'M', 'P'].filter((f) => flags.has(f));
  if (exclusive.length > 1) throw new UsageError(`-${exclusive.join(' and -')} cannot be combined`);
  if (flags.has('d') && flags.has('n')) throw new UsageError('-d and -n cannot be combined');
  return { flags, directory, operands };
}

function warn(io: CommandIO, text: string): void {
  io.stderr.write(`postconf: warning: ${text}\n`);
}

function formatParameter(name: string, value: string, valuesOnly: boolean): string {
  if (valuesOnly) return `${value}\n`;
  return value === '' ? `${name} =\n` : `${name} = ${value}\n`;
}

interface Loaded {
  mainCf: MainCf;
  main: ParameterSet;
  services: MasterService[];
  definitions: ReadonlyMap<string, ParameterDefinition>;
}

/** main.cf and master.cf without value checks: postconf must show (and fix) a bad configuration. */
function load(directory: string, io: CommandIO, defaultsOnly: boolean): Loaded {
  const mainFile = join(directory, 'main.cf');
  const present = existsSync(mainFile);
  // Like Postfix, -d needs no main.cf; everything else does.
  if (!present && !defaultsOnly)
    throw new ConfigError({ file: mainFile, reason: 'cannot open: no such file' });
  const mainCf = present ? readMainCf(mainFile) : parseMainCf('', mainFile);
  const masterFile = join(directory, 'master.cf');
  const warnings: ConfigWarning[] = [...mainCf.warnings];
  let services: MasterService[] = [];
  if (existsSync(masterFile)) services = readMasterCf(masterFile, undefined, warnings);
  else if (!defaultsOnly) warn(io, `open ${masterFile}: No such file or directory`);
  for (const warning of warnings) warn(io, warning.message);
  const definitions = definitionsOfServices(services);
  return {
    mainCf,
    main: new ParameterSet(mainSettings(mainCf, directory), definitions),
    services,
    definitions,
  };
}

function printParameters(
  loaded: Loaded,
  options: Options,
  io: CommandIO,
  hidden: ReadonlySet<string>,
): void {
  const { main } = loaded;
  const { flags } = options;
  const listed = flags.has('n') ? main.explicitNames().sort() : main.names();
  const names =
    options.operands.length > 0 ? options.operands : listed.filter((name) => !hidden.has(name));
  for (const name of names) {
    if (!main.has(name) || (flags.has('d') && main.definition(name) === undefined)) {
      warn(io, `${name}: unknown parameter`);
      continue;
    }
    if (flags.has('n') && main.isDefault(name)) continue;
    const raw = flags.has('d') ? main.defaultValue(name) : main.raw(name);
    const value = flags.has('x') ? main.expand(raw) : raw;
    io.stdout.write(formatParameter(name, value, flags.has('h')));
  }
}

/** Postfix's -M layout: each column starts at its fixed position, or one space after a long field. */
function formatService(service: MasterService): string {
  const widths = [10, 5, 7, 7, 7, 7, 7];
  let out = '';
  let target = 0;
  [service.name, service.type, ...service.columns.slice(2)].forEach((field, i) => {
    out += field;
    target += (widths[i] as number) + 1;
    out += ' '.repeat(Math.max(1, target - out.length));
  });
  return `${out}${[service.command, ...service.args].join(' ')}\n`;
}

function selected(
  service: MasterService,
  operands: readonly string[],
  withParameter: boolean,
): string[] | undefined {
  if (operands.length === 0) return [];
  const matches: string[] = [];
  for (const operand of operands) {
    const [name, type, parameter] = operand.split('/');
    if (name !== service.name || (type !== undefined && type !== service.type)) continue;
    if (withParameter && parameter !== undefined) matches.push(parameter);
    else return [];
  }
  return matches.length > 0 ? matches : undefined;
}

function printServices(loaded: Loaded, options: Options, io: CommandIO): void {
  for (const service of loaded.services) {
    if (selected(service, options.operands, false) === undefined) continue;
    io.stdout.write(formatService(service));
  }
}

function printServiceParameters(loaded: Loaded, options: Options, io: CommandIO): void {
  for (const service of loaded.services) {
    const only = selected(service, options.operands, true);
    if (only === undefined) continue;
    const context = serviceSet(loaded.main, service);
    const names = [...service.overrides.keys()]
      .filter((n) => only.length === 0 || only.includes(n))
      .sort();
    for (const name of names) {
      const raw = service.overrides.get(name)?.value ?? '';
      const value = options.flags.has('x') ? context.expand(raw) : raw;
      io.stdout.write(
        formatParameter(`${service.name}/${service.type}/${name}`, value, options.flags.has('h')),
      );
    }
  }
}

function edit(options: Options): void {
  const file = join(options.directory, 'main.cf');
  if (options.flags.has('X')) {
    editMainCf(file, { remove: new Set(options.operands) });
    return;
  }
  const set = new Map<string, string>();
  for (const operand of options.operands) {
    const eq = operand.indexOf('=');
    const name = eq < 0 ? '' : operand.slice(0, eq).trim();
    if (!/^[A-Za-z0-9_]+$/.test(name))
      throw new UsageError(`-e needs name=value, not "${operand}"`);
    set.set(name, operand.slice(eq + 1).trim());
  }
  editMainCf(file, { set });
}

export const postconfCommand: Command = {
  name: 'postconf',
  summary: 'show or edit the main.cf and master.cf configuration (like Postfix postconf)',
  usage: USAGE,
  async run(args, io) {
    const options = parseOptions(args);
    if (options.flags.has('e') || options.flags.has('X')) {
      if (options.operands.length === 0)
        throw new UsageError(`-${options.flags.has('e') ? 'e' : 'X'} needs at least one parameter`);
      edit(options);
      return 0;
    }
    const loaded = load(options.directory, io, options.flags.has('d'));
    // Settings neither registered nor referenced: Postfix warns about them and leaves them out of listings.
    const warnings = unusedParameterWarnings(
      mainSettings(loaded.mainCf, options.directory),
      loaded.services,
      loaded.definitions,
    );
    if (options.flags.has('M')) printServices(loaded, options, io);
    else if (options.flags.has('P')) printServiceParameters(loaded, options, io);
    else
      printParameters(
        loaded,
        options,
        io,
        new Set(warnings.flatMap((w) => (w.parameter === undefined ? [] : [w.parameter]))),
      );
    for (const warning of warnings) warn(io, warning.message);
    return 0;
  },
};
