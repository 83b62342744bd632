import { ConfigError } from './config-error.js';
import type { TimeUnit } from './parameter-type.js';

const SECONDS: Readonly<Record<TimeUnit, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

const TIME_EXPECTED = 'a time: a number with an optional unit s, m, h, d or w';

/**
 * A Postfix time value in seconds (postconf(5) "time units"): digits and at
 * most one unit letter; without one, the parameter's own default unit.
 */
export function parseTime(value: string, defaultUnit: TimeUnit): number {
  const match = /^(\d+)([smhdwSMHDW]?)$/.exec(value.trim());
  if (!match) throw new ConfigError({ value, expected: TIME_EXPECTED });
  const unit = ((match[2] ?? '').toLowerCase() || defaultUnit) as TimeUnit;
  return Number(match[1]) * SECONDS[unit];
}
