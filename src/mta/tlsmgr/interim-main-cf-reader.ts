// INTERIM: a deliberately small main.cf reader for `postern tlsmgr -c DIR`
// only, until the configuration registry (src/mta/config) is merged; the
// integrator replaces readTlsRandomParameters with the registry's typed
// getters. It reads the tls_random_* and tls_daemon_random_* parameters (and
// data_directory, for $data_directory in the exchange file name) and ignores
// every other line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The typed tls_random_* values tlsmgr takes (TlsmgrOptions without the logger and clock). */
export interface TlsRandomParameters {
  tlsRandomSource: string;
  tlsRandomBytes: number;
  tlsRandomReseedPeriod: number;
  tlsRandomExchangeName: string;
  tlsRandomUpdPeriod: number;
  tlsDaemonRandomSource: string;
  tlsDaemonRandomBytes: number;
}

export class MainCfError extends Error {
  constructor(file: string, line: number, parameter: string, reason: string) {
    super(`${file}, line ${line}: ${parameter}: ${reason}`);
    this.name = 'MainCfError';
  }
}

type Kind = 'string' | 'int' | 'time';
const PARAMETERS: Record<string, { field: keyof TlsRandomParameters; kind: Kind }> = {
  tls_random_source: { field: 'tlsRandomSource', kind: 'string' },
  tls_random_bytes: { field: 'tlsRandomBytes', kind: 'int' },
  tls_random_reseed_period: { field: 'tlsRandomReseedPeriod', kind: 'time' },
  tls_random_exchange_name: { field: 'tlsRandomExchangeName', kind: 'string' },
  tls_random_upd_period: { field: 'tlsRandomUpdPeriod', kind: 'time' },
  // Postfix 2.2's name for the same parameter; when both are set, this one wins.
  tls_random_prng_update_period: { field: 'tlsRandomUpdPeriod', kind: 'time' },
  tls_daemon_random_source: { field: 'tlsDaemonRandomSource', kind: 'string' },
  tls_daemon_random_bytes: { field: 'tlsDaemonRandomBytes', kind: 'int' },
};

/** The seed's defaults (sample-tls.cf), the exchange file in the configuration directory as the seed has it. */
export function tlsRandomDefaults(configDir: string): TlsRandomParameters {
  return {
    tlsRandomSource: 'dev:/dev/urandom',
    tlsRandomBytes: 32,
    tlsRandomReseedPeriod: 3600,
    tlsRandomExchangeName: join(configDir, 'prng_exch'),
    tlsRandomUpdPeriod: 60,
    tlsDaemonRandomSource: '',
    tlsDaemonRandomBytes: 32,
  };
}

const TIME_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** A Postfix time value: a positive integer with an optional s/m/h/d/w unit (seconds by default). */
export function parseTime(text: string): number {
  const m = /^(\d+)([smhdw]?)$/.exec(text.trim());
  if (!m) throw new RangeError(`bad time value "${text}" (a number with an optional s, m, h, d or w unit)`);
  const value = Number(m[1]) * (TIME_UNITS[m[2] || 's'] as number);
  if (value < 1) throw new RangeError(`time value "${text}" must be at least 1s`);
  return value;
}

/** A positive integer. */
export function parsePositiveInt(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new RangeError(`bad number "${text}" (a positive integer)`);
  return Number(text);
}

interface Logical {
  line: number;
  name: string;
  value: string;
}

/** main.cf(5) lines: "#" comments, continuation lines start with white space. */
function logicalLines(text: string, file: string): Logical[] {
  const out: Logical[] = [];
  let current: { line: number; text: string } | undefined;
  const flush = (): void => {
    if (current === undefined) return;
    const m = /^([A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(current.text.trim());
    if (!m) throw new MainCfError(file, current.line, current.text.trim().split(/\s/)[0] ?? '', 'not a "name = value" line');
    out.push({ line: current.line, name: m[1] as string, value: (m[2] as string).trim() });
    current = undefined;
  };
  text.split('\n').forEach((raw, i) => {
    const l = raw.replace(/\r$/, '');
    if (/^\s*#/.test(l) || l.trim() === '') return;
    if (/^\s/.test(l) && current !== undefined) current.text += ' ' + l.trim();
    else {
      flush();
      current = { line: i + 1, text: l };
    }
  });
  flush();
  return out;
}

/** $config_directory and $data_directory (also as ${...}); any other $name is refused by name. */
function expand(value: string, vars: Record<string, string>, file: string, at: Logical): string {
  return value.replace(/\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (_, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare) as string;
    const v = vars[name];
    if (v === undefined) throw new MainCfError(file, at.line, at.name, `$${name}: this interim reader expands only $config_directory and $data_directory`);
    return v;
  });
}

/** Reads CONFIG_DIR/main.cf (a missing file means all defaults) and returns the typed values. */
export function readTlsRandomParameters(configDir: string): TlsRandomParameters {
  const file = join(configDir, 'main.cf');
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new MainCfError(file, 0, 'main.cf', (err as Error).message);
  }
  const lines = logicalLines(text, file);
  const vars: Record<string, string> = { config_directory: configDir };
  const dataDir = lines.filter((l) => l.name === 'data_directory').pop();
  if (dataDir) vars['data_directory'] = dataDir.value;
  const params = tlsRandomDefaults(configDir);
  const ordered = [...lines.filter((l) => l.name !== 'tls_random_prng_update_period'), ...lines.filter((l) => l.name === 'tls_random_prng_update_period')];
  for (const l of ordered) {
    const p = PARAMETERS[l.name];
    if (p === undefined) continue;
    const value = expand(l.value, vars, file, l);
    try {
      if (p.kind === 'string') (params[p.field] as string) = value;
      else (params[p.field] as number) = p.kind === 'int' ? parsePositiveInt(value) : parseTime(value);
    } catch (err) {
      throw new MainCfError(file, l.line, l.name, (err as Error).message);
    }
  }
  return params;
}
