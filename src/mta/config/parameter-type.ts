// The value types of Postfix parameters (postconf(5) "Parameter types"), as
// data: the registry says which one each parameter has, typed-value.ts
// parses a value by it.

/** A time unit of Postfix time values: seconds, minutes, hours, days, weeks. */
export type TimeUnit = 's' | 'm' | 'h' | 'd' | 'w';

export type ParameterType =
  | { readonly kind: 'boolean' }
  | { readonly kind: 'integer'; readonly min?: number; readonly max?: number }
  /** A number with an optional unit; `unit` applies when none is written. */
  | { readonly kind: 'time'; readonly unit: TimeUnit; readonly min?: number }
  /** A byte count (Postfix sizes are plain decimal numbers). */
  | { readonly kind: 'size' }
  | { readonly kind: 'string' }
  /** Words separated by commas and/or whitespace; `{ … }` keeps one word together. */
  | { readonly kind: 'list' }
  /** A list of lookup tables, `type:name` each (`inline:{ … }` kept whole). */
  | { readonly kind: 'tables' }
  /** One word out of a closed set (empty allowed when `allowEmpty`). */
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly allowEmpty?: boolean }
  /** A list whose every word comes from a closed set. */
  | { readonly kind: 'enum-list'; readonly values: readonly string[] }
  /** A TLS protocol list: `!SSLv2, !SSLv3` exclusions or `>=TLSv1.2` / `<=TLSv1.3` bounds. */
  | { readonly kind: 'tls-protocols' }
  /** A compatibility level, `3.6` or `2` (postconf(5) compatibility_level). */
  | { readonly kind: 'level' };

export type TypeKind = ParameterType['kind'];

export const boolean: ParameterType = { kind: 'boolean' };
export const string: ParameterType = { kind: 'string' };
export const list: ParameterType = { kind: 'list' };
export const tables: ParameterType = { kind: 'tables' };
export const size: ParameterType = { kind: 'size' };
export const tlsProtocols: ParameterType = { kind: 'tls-protocols' };
export const level: ParameterType = { kind: 'level' };

export function integer(min?: number, max?: number): ParameterType {
  return { kind: 'integer', ...(min !== undefined && { min }), ...(max !== undefined && { max }) };
}

export function time(unit: TimeUnit, min?: number): ParameterType {
  return { kind: 'time', unit, ...(min !== undefined && { min }) };
}

export function oneOf(values: readonly string[], allowEmpty = false): ParameterType {
  return { kind: 'enum', values, allowEmpty };
}

export function someOf(values: readonly string[]): ParameterType {
  return { kind: 'enum-list', values };
}

/** Postfix's TLS cipher grades (smtpd_tls_ciphers, smtp_tls_mandatory_ciphers, …). */
export const cipherGrade = oneOf(['export', 'low', 'medium', 'high', 'null']);
