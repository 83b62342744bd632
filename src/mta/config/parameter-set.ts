import { ConfigError, type ConfigLocation } from './config-error.js';
import { expandValue, type ValueSource } from './expand.js';
import { splitList } from './list-value.js';
import type { DefaultContext, ParameterDefinition } from './parameter.js';
import type { TypeKind } from './parameter-type.js';
import { registry } from './registry/index.js';
import { parseTableList } from './table-spec.js';
import { parseTime } from './time-value.js';
import { parseTlsProtocols, type TlsProtocolList } from './tls-protocols.js';
import { checkValue, parseBoolean, parseInteger, parseSize } from './typed-value.js';

/** One explicit setting: from main.cf, a master.cf `-o`, or a plain record. */
export interface Setting extends ConfigLocation {
  readonly value: string;
}

const LIST_KINDS: readonly TypeKind[] = ['list', 'tables', 'enum-list', 'tls-protocols'];
const STRING_KINDS: readonly TypeKind[] = ['string', 'enum', 'level'];

/**
 * The parameters as one process sees them: explicit settings over the
 * registry's defaults, expanded at use. Every getter throws a ConfigError for
 * a name that is neither registered nor set, or for a getter of the wrong type.
 */
export class ParameterSet {
  private readonly settings: ReadonlyMap<string, Setting>;
  private readonly definitions: ReadonlyMap<string, ParameterDefinition>;

  /** `definitions`: the registry, or the registry with master.cf's per-transport parameters (definitionsFor). */
  constructor(
    settings: ReadonlyMap<string, Setting>,
    definitions: ReadonlyMap<string, ParameterDefinition> = registry,
  ) {
    this.settings = settings;
    this.definitions = definitions;
  }

  /** Registered, or set explicitly (a user-defined parameter). */
  has(name: string): boolean {
    return this.definitions.has(name) || this.settings.has(name);
  }

  definition(name: string): ParameterDefinition | undefined {
    return this.definitions.get(name);
  }

  /** Every registered name (per-transport ones included). */
  definedNames(): string[] {
    return [...this.definitions.keys()];
  }

  /** The explicit setting in force for the name, following a registered previousName. */
  setting(name: string): Setting | undefined {
    const own = this.settings.get(name);
    if (own !== undefined) return own;
    const previous = this.definition(name)?.previousName;
    return previous === undefined ? undefined : this.settings.get(previous);
  }

  isDefault(name: string): boolean {
    this.known(name);
    return this.setting(name) === undefined;
  }

  /** Names set explicitly, in no particular order. */
  explicitNames(): string[] {
    return [...this.settings.keys()];
  }

  /** Every registered or explicitly set name, sorted as postconf sorts them. */
  names(): string[] {
    return [...new Set([...this.definitions.keys(), ...this.settings.keys()])].sort();
  }

  /** The value as written (or the default as postconf -d prints it), unexpanded. */
  raw(name: string): string {
    this.known(name);
    return this.rawAt(name, [name]) ?? '';
  }

  /** The registry default, unexpanded (computed ones computed in this set's context). */
  defaultValue(name: string): string {
    const definition = this.known(name);
    if (definition === undefined) return '';
    return this.defaultAt(definition, [name]);
  }

  expanded(name: string): string {
    this.known(name);
    return this.expand(`\${${name}}`);
  }

  /** Expands any text in this set's context ($name references and conditionals). */
  expand(text: string): string {
    return expandValue(text, this.source());
  }

  /** A string, enumeration or level value; a user-defined parameter (set in main.cf, not registered) reads as a string too. */
  string(name: string): string {
    if (this.definition(name) === undefined && this.settings.has(name)) return this.expanded(name);
    return this.typed(name, STRING_KINDS, 'string', (value) => value);
  }

  bool(name: string): boolean {
    return this.typed(name, ['boolean'], 'boolean', parseBoolean);
  }

  int(name: string): number {
    return this.typed(name, ['integer'], 'integer', (value, { type }) =>
      parseInteger(
        value,
        type.kind === 'integer' ? type.min : undefined,
        type.kind === 'integer' ? type.max : undefined,
      ),
    );
  }

  /** A time value in seconds (the parameter's default unit applies to a bare number). */
  time(name: string): number {
    return this.typed(name, ['time'], 'time', (value, d) =>
      parseTime(value, d.type.kind === 'time' ? d.type.unit : 's'),
    );
  }

  /** A size in bytes. */
  size(name: string): number {
    return this.typed(name, ['size'], 'size', parseSize);
  }

  list(name: string): string[] {
    return this.typed(name, LIST_KINDS, 'list', splitList);
  }

  /** The lookup table specs (`type:name`) of a table-list parameter. */
  tables(name: string): string[] {
    return this.typed(name, ['tables'], 'lookup table list', parseTableList);
  }

  /** A TLS protocol list (smtpd_tls_protocols, smtp_tls_mandatory_protocols, …). */
  protocols(name: string): TlsProtocolList {
    return this.typed(name, ['tls-protocols'], 'TLS protocol list', parseTlsProtocols);
  }

  /** This set with more explicit settings on top (a master.cf service's `-o` overrides). */
  with(overrides: ReadonlyMap<string, Setting>): ParameterSet {
    return new ParameterSet(new Map([...this.settings, ...overrides]), this.definitions);
  }

  private known(name: string): ParameterDefinition | undefined {
    const definition = this.definition(name);
    if (definition === undefined && !this.settings.has(name))
      throw new ConfigError({ parameter: name, reason: 'unknown parameter' });
    return definition;
  }

  private typed<T>(
    name: string,
    kinds: readonly TypeKind[],
    wanted: string,
    parse: (value: string, d: ParameterDefinition) => T,
  ): T {
    const definition = this.known(name);
    if (definition === undefined)
      throw new ConfigError({ parameter: name, reason: `is not a registered ${wanted} parameter` });
    if (!kinds.includes(definition.type.kind))
      throw new ConfigError({
        parameter: name,
        reason: `is a ${definition.type.kind} parameter, not ${wanted}`,
      });
    const value = this.expanded(name);
    try {
      return parse(value, definition);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const location = this.setting(name);
      const named = err.about(name, value);
      throw location?.file === undefined ? named : named.at(location);
    }
  }

  private rawAt(name: string, stack: readonly string[]): string | undefined {
    const setting = this.setting(name);
    if (setting !== undefined) return setting.value;
    const definition = this.definition(name);
    return definition === undefined ? undefined : this.defaultAt(definition, stack);
  }

  private defaultAt(definition: ParameterDefinition, stack: readonly string[]): string {
    if (typeof definition.default === 'string') return definition.default;
    const context: DefaultContext = {
      expanded: (other) => expandValue(`\${${other}}`, this.source(), stack),
      isSet: (other) => this.setting(other) !== undefined,
    };
    return definition.default(context);
  }

  private source(): ValueSource {
    return {
      raw: (name, stack) => this.rawAt(name, stack),
      locate: (name) => {
        const setting = this.setting(name);
        return setting?.file === undefined ? undefined : setting;
      },
    };
  }
}

/** A ParameterSet from plain `name: value` settings (for tests and tools); the values are checked like main.cf's. */
export function parameterSetFrom(values: Readonly<Record<string, string>>): ParameterSet {
  const set = new ParameterSet(
    new Map(Object.entries(values).map(([name, value]) => [name, { value }])),
  );
  validateParameterSet(set, Object.keys(values));
  return set;
}

/**
 * Checks every explicitly set value (expansion syntax, loops, and the type
 * of registered ones), then every registered default in this context: a bad
 * value is a ConfigError naming file, line, parameter, value and expectation.
 */
export function validateParameterSet(
  set: ParameterSet,
  names: readonly string[] = set.explicitNames(),
): void {
  for (const name of names) checkOne(set, name);
  for (const name of set.definedNames()) checkOne(set, name);
}

function checkOne(set: ParameterSet, name: string): void {
  const definition = set.definition(name);
  const setting = set.setting(name);
  try {
    const value = set.expanded(name);
    if (definition !== undefined) checkValue(definition.type, value);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const named = err.about(name, setting?.value ?? set.raw(name));
    throw setting?.file === undefined ? named : named.at(setting);
  }
}
