import { parseLevel } from './compatibility-level.js';
import { ConfigError } from './config-error.js';
import { splitList } from './list-value.js';
import type { ParameterType } from './parameter-type.js';
import { parseTableList } from './table-spec.js';
import { parseTime } from './time-value.js';
import { parseTlsProtocols } from './tls-protocols.js';

export function parseBoolean(value: string): boolean {
  const word = value.trim().toLowerCase();
  if (word === 'yes') return true;
  if (word === 'no') return false;
  throw new ConfigError({ value, expected: 'yes or no' });
}

function rangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  return max !== undefined ? ` of at most ${max}` : '';
}

export function parseInteger(value: string, min?: number, max?: number): number {
  const expected = `an integer${rangeText(min, max)}`;
  if (!/^\s*[+-]?\d+\s*$/.test(value)) throw new ConfigError({ value, expected });
  const number = Number(value);
  if (
    !Number.isSafeInteger(number) ||
    (min !== undefined && number < min) ||
    (max !== undefined && number > max)
  ) {
    throw new ConfigError({ value, expected });
  }
  return number;
}

export function parseSize(value: string): number {
  const expected = 'a size in bytes (a non-negative decimal number)';
  if (!/^\s*\d+\s*$/.test(value)) throw new ConfigError({ value, expected });
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new ConfigError({ value, expected });
  return number;
}

function checkEnum(value: string, values: readonly string[], allowEmpty: boolean): void {
  const word = value.trim().toLowerCase();
  if (word === '' && allowEmpty) return;
  if (!values.includes(word))
    throw new ConfigError({
      value,
      expected: `one of ${values.join(', ')}${allowEmpty ? ' (or empty)' : ''}`,
    });
}

function checkEnumList(value: string, values: readonly string[]): void {
  for (const word of splitList(value)) {
    if (!values.includes(word.toLowerCase()))
      throw new ConfigError({ value, expected: `a list of ${values.join(', ')}` });
  }
}

/** Throws a ConfigError (value and what was expected) when an expanded value does not fit its type. */
export function checkValue(type: ParameterType, value: string): void {
  switch (type.kind) {
    case 'boolean':
      parseBoolean(value);
      return;
    case 'integer':
      parseInteger(value, type.min, type.max);
      return;
    case 'time':
      checkTime(value, type.unit, type.min);
      return;
    case 'size':
      parseSize(value);
      return;
    case 'string':
      return;
    case 'list':
      splitList(value);
      return;
    case 'tables':
      parseTableList(value);
      return;
    case 'enum':
      checkEnum(value, type.values, type.allowEmpty ?? false);
      return;
    case 'enum-list':
      checkEnumList(value, type.values);
      return;
    case 'tls-protocols':
      parseTlsProtocols(value);
      return;
    case 'level':
      parseLevel(value);
      return;
  }
}

function checkTime(
  value: string,
  unit: Extract<ParameterType, { kind: 'time' }>['unit'],
  min: number | undefined,
): void {
  const seconds = parseTime(value, unit);
  if (min !== undefined && seconds < min)
    throw new ConfigError({ value, expected: `a time of at least ${min}s` });
}
