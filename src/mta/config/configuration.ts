import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, configWarning, type ConfigWarning } from './config-error.js';
import { readMainCf, type MainCf } from './main-cf.js';
import { readMasterCf, type MasterService } from './master-cf.js';
import { ParameterSet, validateParameterSet, type Setting } from './parameter-set.js';
import type { ParameterDefinition } from './parameter.js';
import { definitionsFor, registry } from './registry/index.js';
import { DELIVERY_COMMANDS } from './registry/per-transport.js';
import { ServicesFile } from './services-file.js';

/** Postfix's compiled-in config_directory. */
export const DEFAULT_CONFIG_DIRECTORY = '/etc/postfix';
export const DEFAULT_SERVICES_FILE = '/etc/services';

export interface LoadOptions {
  /** The services(5) file that master.cf service names resolve through. */
  readonly services?: string;
}

/** main.cf and master.cf of one configuration directory, checked and resolved. */
export interface Configuration {
  readonly directory: string;
  readonly main: ParameterSet;
  readonly services: readonly MasterService[];
  readonly warnings: readonly ConfigWarning[];
  /** main.cf with the service's `-o` overrides on top (and $service_name set), expanded in that context. */
  forService(service: MasterService): ParameterSet;
}

/** The explicit settings of main.cf (a later definition wins), plus config_directory as Postfix sets it for -c. */
export function mainSettings(mainCf: MainCf, directory: string): Map<string, Setting> {
  const settings = new Map<string, Setting>();
  if (directory !== DEFAULT_CONFIG_DIRECTORY)
    settings.set('config_directory', { value: directory });
  for (const entry of mainCf.entries)
    settings.set(entry.name, { value: entry.value, file: mainCf.file, line: entry.line });
  return settings;
}

const REFERENCE = /\$[{(]?([A-Za-z0-9_]+)/g;

/**
 * Names that some value refers to, in the configuration or in a registry
 * default (`$virtual_maps` in virtual_alias_maps): Postfix counts those as used, not as unknown.
 */
export function referencedNames(
  values: Iterable<string>,
  definitions: ReadonlyMap<string, ParameterDefinition> = registry,
): Set<string> {
  const names = new Set<string>();
  const defaults = [...definitions.values()].flatMap((d) =>
    typeof d.default === 'string' ? [d.default] : [],
  );
  for (const value of [...values, ...defaults])
    for (const match of value.matchAll(REFERENCE)) names.add(match[1] as string);
  return names;
}

/** Postfix's "unused parameter" warnings for settings neither registered nor referenced. */
export function unusedWarnings(
  settings: Iterable<[string, Setting]>,
  referenced: ReadonlySet<string>,
  definitions: ReadonlyMap<string, ParameterDefinition> = registry,
): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  for (const [name, setting] of settings) {
    if (definitions.has(name) || referenced.has(name) || setting.file === undefined) continue;
    warnings.push(configWarning(setting, `unused parameter: ${name}=${setting.value}`, name));
  }
  return warnings;
}

/** The registry plus the per-transport parameters of master.cf's delivery services (relay_destination_concurrency_limit, …). */
export function definitionsOfServices(
  services: readonly MasterService[],
): ReadonlyMap<string, ParameterDefinition> {
  return definitionsFor(
    services
      .filter((s) => s.type === 'unix' && DELIVERY_COMMANDS.includes(s.command))
      .map((s) => s.name),
  );
}

/** The unused-parameter warnings of main.cf settings and master.cf `-o` overrides. */
export function unusedParameterWarnings(
  settings: ReadonlyMap<string, Setting>,
  services: readonly MasterService[],
  definitions: ReadonlyMap<string, ParameterDefinition>,
): ConfigWarning[] {
  const overrides = services.flatMap((service) => [...service.overrides]);
  const referenced = referencedNames(
    [...settings.values(), ...overrides.map(([, s]) => s)].map((s) => s.value),
    definitions,
  );
  return [
    ...unusedWarnings(settings, referenced, definitions),
    ...unusedWarnings(overrides, referenced, definitions),
  ];
}

export function serviceSet(main: ParameterSet, service: MasterService): ParameterSet {
  return main.with(new Map([['service_name', { value: service.name }], ...service.overrides]));
}

/**
 * main.cf alone, checked like loadConfiguration checks it, for tools that
 * take `-c DIR` and need no services (tlsmgr run by hand, postmap's
 * default_database_type). Without master.cf there are no per-transport parameters.
 */
export function loadMainParameters(configDirectory: string): {
  readonly main: ParameterSet;
  readonly warnings: readonly ConfigWarning[];
} {
  const mainFile = join(configDirectory, 'main.cf');
  if (!existsSync(mainFile))
    throw new ConfigError({ file: mainFile, reason: 'cannot open: no such file' });
  const mainCf = readMainCf(mainFile);
  const settings = mainSettings(mainCf, configDirectory);
  const main = new ParameterSet(settings);
  validateParameterSet(main);
  return {
    main,
    warnings: [...mainCf.warnings, ...unusedParameterWarnings(settings, [], registry)],
  };
}

/**
 * Reads DIR/main.cf and DIR/master.cf. Like Postfix's master, a missing
 * master.cf is an error (postfix start refuses to run without it; only the
 * postconf tool carries on with a warning). Bad values stop here, with the
 * file, line, parameter, value and what was expected.
 */
export function loadConfiguration(
  configDirectory: string,
  options: LoadOptions = {},
): Configuration {
  const mainFile = join(configDirectory, 'main.cf');
  const masterFile = join(configDirectory, 'master.cf');
  if (!existsSync(mainFile))
    throw new ConfigError({ file: mainFile, reason: 'cannot open: no such file' });
  if (!existsSync(masterFile))
    throw new ConfigError({
      file: masterFile,
      reason: 'cannot open: no such file (Postfix requires master.cf too)',
    });
  const mainCf = readMainCf(mainFile);
  const settings = mainSettings(mainCf, configDirectory);
  const warnings: ConfigWarning[] = [...mainCf.warnings];
  const services = readMasterCf(
    masterFile,
    ServicesFile.read(options.services ?? DEFAULT_SERVICES_FILE),
    warnings,
  );
  const definitions = definitionsOfServices(services);
  const main = new ParameterSet(settings, definitions);
  validateParameterSet(main);
  // A service without -o overrides sees main.cf's values (no default refers to $service_name): nothing new to check.
  for (const service of services)
    if (service.overrides.size > 0)
      validateParameterSet(serviceSet(main, service), [...service.overrides.keys()]);
  warnings.push(...unusedParameterWarnings(settings, services, definitions));
  return {
    directory: configDirectory,
    main,
    services,
    warnings,
    forService: (service) => serviceSet(main, service),
  };
}
