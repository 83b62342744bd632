// Configuration errors and warnings, worded like Postfix's own
// ("/etc/postfix/main.cf, line 12: ...") so an administrator finds the line.

export interface ConfigLocation {
  readonly file?: string;
  readonly line?: number;
}

export interface ConfigErrorDetails extends ConfigLocation {
  readonly parameter?: string;
  readonly value?: string;
  /** What a valid value looks like ("yes or no"), for a bad value. */
  readonly expected?: string;
  /** What is wrong, when it is not a bad value (a syntax error, a loop). */
  readonly reason?: string;
}

export function formatLocation(location: ConfigLocation): string {
  if (location.file === undefined) return '';
  return location.line === undefined
    ? `${location.file}: `
    : `${location.file}, line ${location.line}: `;
}

function describe(details: ConfigErrorDetails): string {
  const parts: string[] = [];
  if (details.parameter !== undefined) parts.push(`parameter ${details.parameter}`);
  if (details.value !== undefined) parts.push(`bad value "${details.value}"`);
  if (details.expected !== undefined) parts.push(`expected ${details.expected}`);
  if (details.reason !== undefined) parts.push(details.reason);
  return formatLocation(details) + parts.join(': ');
}

/** A configuration that cannot be used: startup stops with this message. */
export class ConfigError extends Error {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly parameter: string | undefined;
  readonly value: string | undefined;
  readonly expected: string | undefined;
  readonly reason: string | undefined;

  constructor(details: ConfigErrorDetails) {
    super(describe(details));
    this.name = 'ConfigError';
    this.file = details.file;
    this.line = details.line;
    this.parameter = details.parameter;
    this.value = details.value;
    this.expected = details.expected;
    this.reason = details.reason;
  }

  /** The same error, placed at a file and line when it had none. */
  at(location: ConfigLocation): ConfigError {
    if (this.file !== undefined) return this;
    return new ConfigError({ ...this.details(), ...location });
  }

  /** The same error, naming the parameter (and value) it came from when it had none. */
  about(parameter: string, value: string): ConfigError {
    if (this.parameter !== undefined) return this;
    return new ConfigError({
      ...this.details(),
      parameter,
      ...(this.value === undefined && { value }),
    });
  }

  private details(): ConfigErrorDetails {
    return {
      ...(this.file !== undefined && { file: this.file }),
      ...(this.line !== undefined && { line: this.line }),
      ...(this.parameter !== undefined && { parameter: this.parameter }),
      ...(this.value !== undefined && { value: this.value }),
      ...(this.expected !== undefined && { expected: this.expected }),
      ...(this.reason !== undefined && { reason: this.reason }),
    };
  }
}

/** Something Postfix warns about and carries on (an unused parameter, a duplicate). */
export interface ConfigWarning extends ConfigLocation {
  readonly parameter?: string;
  readonly message: string;
}

export function configWarning(
  location: ConfigLocation,
  text: string,
  parameter?: string,
): ConfigWarning {
  return {
    ...location,
    ...(parameter !== undefined && { parameter }),
    message: formatLocation(location) + text,
  };
}
