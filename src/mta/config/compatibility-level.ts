import { ConfigError } from './config-error.js';

const LEVEL_EXPECTED = 'a compatibility level: major[.minor[.patch]] such as 2 or 3.6';

/** A compatibility level as numbers (postconf(5) COMPATIBILITY_README: "3.6" is 3.6.0). */
export function parseLevel(value: string): readonly [number, number, number] {
  const match = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(value.trim());
  if (!match) throw new ConfigError({ value, expected: LEVEL_EXPECTED });
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

/** Negative, zero or positive as level a is below, at or above level b (Postfix 3.6 `<level` and friends). */
export function compareLevels(a: string, b: string): number {
  const left = parseLevel(a);
  const right = parseLevel(b);
  for (let i = 0; i < 3; i++) {
    const d = (left[i] as number) - (right[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}
